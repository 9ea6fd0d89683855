/**
 * RELIABILITY §R5 — kill PostgreSQL mid-ingestion. A private PostgreSQL 15 cluster (initdb
 * --data-checksums, fsync / synchronous_commit / full_page_writes on), the OpenMES application as a child
 * process against it, N concurrent writers feeding documents with Idempotency-Keys, and a chaos loop that
 * SIGKILLs the postmaster every 3–8 s (seeded) and restarts it. Afterwards: every acknowledged write is
 * there exactly once, nothing is orphaned, the audit chains verify, pg_amcheck and pg_checksums are clean.
 *
 *   npm run crash:feed -- [--cycles 5] [--writers 4] [--seed 20260115] [--port 55432]
 *                         [--min-gap 3] [--max-gap 8] [--max-seconds N] [--replays 1000] [--json FILE] [--keep]
 *                         [--unsafe-async-commit]   (negative control: must FAIL with lost writes)
 *
 * Exit 0: all invariants hold. Exit 1: a violation (or the time budget exceeded). Exit 2: the machine
 * cannot run the test (no PostgreSQL 15, no `postgres` user…) — never a silent skip.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AppSupervisor } from './crash/app.ts';
import { PrivateCluster, type KillRecord } from './crash/cluster.ts';
import { FEEDER, seed } from './crash/fixtures.ts';
import { EnvironmentError, runUnderSubreaper, sleep } from './crash/proc.ts';
import { duplicateCount, orphanCount, verifyRun, type Verification } from './crash/verify.ts';
import { seededRandom } from '../test/support/seeded-random.ts';
import { WriterPool } from './crash/writers.ts';

const { values: opts } = parseArgs({
  options: {
    cycles: { type: 'string', default: '5' },
    writers: { type: 'string', default: '4' },
    seed: { type: 'string', default: '20260115' },
    port: { type: 'string', default: '55432' },
    'min-gap': { type: 'string', default: '3' },
    'max-gap': { type: 'string', default: '8' },
    'max-seconds': { type: 'string' },
    'replays': { type: 'string', default: '1000' },
    json: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'unsafe-async-commit': { type: 'boolean', default: false },
  },
  strict: true,
});
const CYCLES = Number(opts.cycles);
const WRITERS = Number(opts.writers);
const SEED = Number(opts.seed);
const MIN_GAP = Number(opts['min-gap']) * 1000;
const MAX_GAP = Number(opts['max-gap']) * 1000;
// Setup (~15 s) + each cycle (≤ max gap + restart) + drain, replays and checks (~40 s).
const MAX_SECONDS = Number(opts['max-seconds'] ?? Math.min(600, 60 + CYCLES * (Number(opts['max-gap']) + 12)));
for (const [name, v] of Object.entries({ CYCLES, WRITERS, SEED, MIN_GAP, MAX_GAP, MAX_SECONDS })) {
  if (!Number.isFinite(v) || v < 0 || (name !== 'SEED' && name !== 'MIN_GAP' && v === 0)) {
    process.stderr.write(`crash-feed: bad option ${name}\n`);
    process.exit(2);
  }
}

const wrapped = runUnderSubreaper();
if (wrapped) process.exit(await wrapped);

const t0 = Date.now();
const log = (line: string) => process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** What cleanup must stop, whatever happened. */
const live: { cluster: PrivateCluster | null; app: AppSupervisor | null } = { cluster: null, app: null };

async function cleanup(): Promise<void> {
  const { cluster, app } = live;
  await app?.stop().catch(() => undefined);
  await cluster?.stop('immediate').catch(() => undefined);
  if (cluster && !opts.keep) cluster.remove();
  else if (cluster) process.stdout.write(`crash-feed: cluster, server log and app log kept in ${cluster.dir}\n`);
}

const watchdog = setTimeout(() => {
  process.stderr.write(`crash-feed: FAILED — time budget of ${MAX_SECONDS} s exceeded\n`);
  void cleanup().finally(() => process.exit(1));
}, MAX_SECONDS * 1000);
watchdog.unref();

async function run(): Promise<number> {
  const rng = seededRandom(SEED);
  log(`private PostgreSQL 15 cluster (initdb --data-checksums)…`);
  const cluster = await PrivateCluster.create(Number(opts.port), { unsafeAsyncCommit: opts['unsafe-async-commit'] });
  if (opts['unsafe-async-commit']) log('NEGATIVE CONTROL: synchronous_commit = off — this run is expected to FAIL with lost acknowledged writes');
  live.cluster = cluster;
  log(`cluster up on 127.0.0.1:${cluster.port} (socket in ${cluster.dir})`);
  const publicUrl = 'http://openmes.crash.test';
  const { dossierId, token } = await seed(cluster.url, `${publicUrl}/oidc`);
  const app = new AppSupervisor({ DATABASE_URL: cluster.url, OPENMES_PUBLIC_URL: publicUrl, OPENMES_MODE: 'development', OPENMES_ACCESS_TOKEN_TTL_SECONDS: '3600' }, join(cluster.dir, 'app.log'));
  live.app = app;
  await app.start();
  log(`application up at ${app.baseUrl} (pid ${app.pid})`);
  const informed = await fetch(`${app.baseUrl}/api/dossiers/${dossierId}/feeding-information`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}',
  });
  if (informed.status >= 300) throw new Error(`recording the feeding information failed: ${informed.status} ${await informed.text()}`);

  const writers = new WriterPool({ baseUrl: app.baseUrl, token, dossierId, writers: WRITERS, rng: seededRandom(SEED + 1), tag: String(SEED), timeoutMs: 10_000 });
  writers.start();
  log(`${WRITERS} writers feeding; ${CYCLES} SIGKILL cycles every ${MIN_GAP / 1000}–${MAX_GAP / 1000} s (seed ${SEED})`);
  const kills: (KillRecord & { readyAt: number })[] = [];
  for (let c = 1; c <= CYCLES; c++) {
    await sleep(MIN_GAP + rng() * (MAX_GAP - MIN_GAP));
    const kill = await cluster.killPostmaster();
    await cluster.start();
    const readyAt = Date.now();
    kills.push({ ...kill, readyAt });
    log(`cycle ${c}: SIGKILL postmaster ${kill.pid} (${kill.backends} backends) after ${writers.acked.length} acks; back in ${seconds(readyAt - kill.at)}`
      + (app.crashes.length ? `; application crashes so far: ${app.crashes.length}` : ''));
  }
  // Let the writers get through after the last restart, then stop producing and settle what is in flight.
  const lastKill = kills[kills.length - 1]!.at;
  for (let i = 0; i < 200 && !writers.attempts.some((a) => a.ok && a.start > lastKill); i++) await sleep(100);
  await sleep(1000);
  await writers.drain(30_000);
  log(`writers stopped: ${writers.acked.length} acked, ${writers.unacked.length} given up, ${writers.rejected.length} rejected`);

  // Every acknowledged key, retried now, must answer with the id it was acknowledged with.
  const retried = writers.acked.filter((a) => a.attempts > 1);
  const others = writers.acked.filter((a) => a.attempts === 1);
  const pick = seededRandom(SEED + 2);
  const sample = [...retried, ...others.map((a) => ({ a, k: pick() })).sort((x, y) => x.k - y.k).map((x) => x.a)].slice(0, Math.max(retried.length, Number(opts.replays)));
  const replayMismatches: string[] = [];
  for (const a of sample) {
    let res = { status: 0, text: '' };
    for (let i = 0; i < 50 && (res.status === 0 || res.status >= 500); i++) {
      res = await writers.post(a.key, a.body).catch(() => ({ status: 0, text: 'network error' }));
      if (res.status === 0 || res.status >= 500) await sleep(200);
    }
    const id = res.status >= 200 && res.status < 300 ? (JSON.parse(res.text) as { id?: string }).id : undefined;
    if (id !== a.id) replayMismatches.push(`${a.key}: acked ${a.id}, replay ${res.status} ${id ?? res.text.slice(0, 120)}`);
  }
  log(`replayed ${sample.length} acknowledged keys (all ${retried.length} acked after a retry + a sample)`);
  await app.stop();

  const v: Verification = await verifyRun(cluster.url, dossierId, FEEDER.accountId, writers.acked, writers.unacked, writers.attempted);
  const settings = await cluster.settings();
  const amcheck = await cluster.amcheck();
  await cluster.stop('fast');
  const checksums = await cluster.checksums();

  // ---- figures ----
  const recoveries = kills.map((k) => {
    const first = writers.attempts.filter((a) => a.ok && a.start >= k.at).sort((x, y) => x.end - y.end)[0];
    return first ? first.end - k.at : Number.POSITIVE_INFINITY;
  });
  const pgBack = kills.map((k) => k.readyAt - k.at);
  const pgGone = kills.map((k) => k.goneAt - k.at);
  const failedAttempts = writers.attempts.filter((a) => !a.ok);
  const outcomes: Record<string, number> = {};
  for (const a of failedAttempts) outcomes[a.outcome] = (outcomes[a.outcome] ?? 0) + 1;
  const inOutage = writers.attempts.filter((a) => kills.some((k, i) => a.start >= k.at && a.start <= k.at + recoveries[i]!));
  const orphans = orphanCount(v);
  const duplicates = duplicateCount(v);
  const settingsOk = Object.values(settings).every((x) => x === 'on');

  const violations: string[] = [];
  const add = (cond: boolean, text: string) => { if (cond) violations.push(text); };
  add(v.lost.length > 0, `lost acknowledged writes: ${v.lost.slice(0, 5).join(', ')}`);
  add(v.idMismatches.length > 0, `acknowledged id differs from the stored document: ${v.idMismatches.slice(0, 5).join(', ')}`);
  add(duplicates > 0, `duplicates: ${JSON.stringify(v.duplicates)}`);
  add(v.phantoms.length > 0, `documents nobody sent: ${v.phantoms.slice(0, 5).join(', ')}`);
  add(orphans > 0, `orphans: ${JSON.stringify(Object.fromEntries(Object.entries(v.orphans).map(([k, l]) => [k, l.length])))}`);
  add(v.idempotency.missing.length + v.idempotency.wrongOutcome.length > 0, `idempotency records missing ${v.idempotency.missing.length}, wrong ${v.idempotency.wrongOutcome.length}`);
  add(v.chain.problems.length > 0, `audit chain: ${v.chain.problems.slice(0, 5).join('; ')}`);
  add(replayMismatches.length > 0, `idempotent replays with another answer: ${replayMismatches.slice(0, 5).join('; ')}`);
  add(writers.rejected.length > 0, `writes refused for good: ${writers.rejected.slice(0, 3).map((r) => `${r.status} ${r.body}`).join('; ')}`);
  add(!settingsOk, `durability settings not all on: ${JSON.stringify(settings)}`);
  add(!amcheck.ok, `pg_amcheck: ${amcheck.output.slice(0, 500)}`);
  add(!checksums.ok, `pg_checksums: ${checksums.output.slice(0, 500)}`);
  add(app.crashes.length > 0, `the application process died ${app.crashes.length} time(s) during the run (restarted by the harness): ${[...new Set(app.crashes.map((c) => c.reason))].join(' | ')}`);
  add(writers.acked.length === 0, 'no write was acknowledged at all');
  add(recoveries.some((r) => !Number.isFinite(r)), 'no successful write after a kill');

  const figures = {
    cycles: CYCLES, writers: WRITERS, seed: SEED, seconds: Math.round((Date.now() - t0) / 100) / 10,
    acked: writers.acked.length, ackedAfterRetry: retried.length, givenUp: writers.unacked.length, committedUnacked: v.committedUnacked,
    documents: v.documents, lost: v.lost.length, duplicates, idMismatches: v.idMismatches.length, phantoms: v.phantoms.length, orphans,
    appCrashes: app.crashes.length, appCrashReasons: [...new Set(app.crashes.map((c) => c.reason))],
    chainBreaks: v.chain.problems.length, auditEntries: v.chain.entries, replays: sample.length, replayMismatches: replayMismatches.length,
    recoveryMs: { max: Math.max(...recoveries), median: median(recoveries), each: recoveries },
    postgresBackMs: { max: Math.max(...pgBack), median: median(pgBack) },
    backendsGoneMs: { max: Math.max(...pgGone), median: median(pgGone) },
    attempts: writers.attempts.length, failedAttempts: failedAttempts.length, errorRate: failedAttempts.length / Math.max(1, writers.attempts.length),
    errorRateDuringRecovery: inOutage.filter((a) => !a.ok).length / Math.max(1, inOutage.length), failures: outcomes,
    settings, amcheck: amcheck.ok ? 'clean' : amcheck.output, checksums: checksums.output.split('\n').find((l) => /Bad checksums/.test(l))?.trim() ?? checksums.output,
    violations,
  };
  if (opts.json) writeFileSync(opts.json, `${JSON.stringify(figures, null, 2)}\n`);

  const pct = (x: number) => `${(100 * x).toFixed(2)} %`;
  process.stdout.write([
    '',
    `R5 crash feed: ${CYCLES} SIGKILL cycles of the postmaster, ${WRITERS} writers, seed ${SEED}, ${figures.seconds} s`,
    `  acked writes ${figures.acked} (${retried.length} acked after a retry), lost ${figures.lost}, duplicates ${duplicates}, id mismatches ${figures.idMismatches}, phantoms ${figures.phantoms}, orphans ${orphans}, chain breaks ${figures.chainBreaks} (${v.chain.entries} audit entries)`,
    `  idempotent replays ${sample.length - replayMismatches.length}/${sample.length} same id; stored outcomes for all acked keys: ${v.idempotency.missing.length + v.idempotency.wrongOutcome.length === 0 ? 'yes' : 'NO'}; given up ${writers.unacked.length} (${v.committedUnacked} of them committed)`,
    `  recovery kill → first successful write: max ${seconds(figures.recoveryMs.max)}, median ${seconds(figures.recoveryMs.median)}; kill → PostgreSQL ready: max ${seconds(figures.postgresBackMs.max)}, median ${seconds(figures.postgresBackMs.median)} (of which old backends exiting: max ${seconds(figures.backendsGoneMs.max)})`,
    `  client-visible errors ${failedAttempts.length}/${writers.attempts.length} attempts (${pct(figures.errorRate)}; ${pct(figures.errorRateDuringRecovery)} during recovery windows) ${JSON.stringify(outcomes)}`,
    `  application process crashes ${app.crashes.length}${app.crashes.length ? ` (${[...new Set(app.crashes.map((c) => c.reason))].join(' | ')})` : ''}`,
    `  server: ${Object.entries(settings).map(([k, x]) => `${k}=${x}`).join(' ')}; pg_amcheck ${amcheck.ok ? 'clean' : 'FAILED'}; pg_checksums ${figures.checksums}`,
    violations.length ? `  VIOLATIONS:\n    - ${violations.join('\n    - ')}` : '  all invariants hold',
    '',
  ].join('\n'));
  return violations.length ? 1 : 0;
}

let code: number;
try {
  code = await run();
} catch (err) {
  if (err instanceof EnvironmentError) {
    process.stderr.write(`\ncrash-feed: CANNOT RUN — ${err.message}\n`);
    code = 2;
  } else {
    process.stderr.write(`\ncrash-feed: FAILED — ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    if (live.cluster) process.stderr.write(`--- server log (tail) ---\n${live.cluster.logTail()}\n(run again with --keep to keep the cluster and the logs)\n`);
    code = 1;
  }
}
clearTimeout(watchdog);
await cleanup();
process.exit(code);
