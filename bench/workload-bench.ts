import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openPlatform } from '../src/cli/platform.ts';
import { parseConfig } from '../src/config.ts';
import { luhnCheckDigit } from '../src/domain/identity/luhn.ts';
import { issueAccessToken } from '../src/services/access-token.ts';
import { actorForAccount } from '../src/services/actor-for-account.ts';
import { findAccountById, insertAccount, type NewAccount } from '../src/store/account-repo.ts';
import { openDb } from '../src/store/db.ts';
import { writePopulationFile } from './generate-population.ts';
import { seededRandom as prng } from '../test/support/seeded-random.ts';
import { MASTER_ID_PLACEHOLDER, makeDocumentReference, pidTree, postgresPidsOf } from './workload-fixtures.ts';
import { measure, type LoadSpec, type Measure, type MeasureHooks, type NextRequest, type Watch } from './workload-load.ts';
import { pgBaseline, pgBaselineSetup } from './workload-pg-baseline.ts';
import { formatProfile, summariseCpuProfile, summariseSql } from './workload-profile.ts';
import { writeWorkloadReport, type Baselines, type Counts, type EngineResult, type Sanity, type WorkloadResult } from './workload-report.ts';

/**
 * `npm run bench -- workload [--engines postgres[,pglite]] [--duration 20] [--runs 3] [--warmup 5]
 *   [--patients 2000] [--docs-per-patient 20] [--quick] [--w4 auto|fhir|history|both]
 *   [--only w2,w3,w4,w1] [--no-baselines] [--profile] [--pin] [--no-write] [--keep]
 *   [--report BENCHMARKS.md] [--what-if prepared,history-join,outbox-index|all]`
 *
 * The HTTP/FHIR workload of shared/bench/WORKLOAD.md against OpenMES running as its own process
 * (`node --import tsx src/cli/main.ts start`) on a fresh database, with this process as the closed-loop
 * load client (autocannon). Seeds the population by the import command, 200 professional and one
 * patient account per dossier, the benchmark professional's feeding information and consent on every
 * dossier and 20 documents per patient through the API; then W2, W3, W4, W1, and in the same
 * invocation the raw PostgreSQL baselines and the bare Node HTTP ceiling. Appends to BENCHMARKS.md.
 * `--profile` preloads bench/workload-probe.ts into the server and prints, per workload, the top
 * functions and SQL statements (figures of a profiled run are not recorded). `--what-if` measures proposed
 * design changes without touching src/ (see bench/workload-what-if.ts); such a run is recorded as a what-if.
 */

type Engine = 'postgres' | 'pglite';
type W4Kind = 'fhir' | 'history';
type Options = {
  engines: Engine[]; runs: number; duration: number; warmup: number; patients: number; docsPerPatient: number;
  professionals: number; seedConcurrency: number; w4: 'auto' | W4Kind | 'both'; only: Set<string>;
  baselines: boolean; profile: boolean; pin: boolean; write: boolean; keep: boolean; adminUrl: string;
  /** Experiments of bench/workload-what-if.ts (not the product): prepared, history-join, outbox-index. */
  whatIf: string[];
};
const WHAT_IFS = ['prepared', 'history-join', 'outbox-index'];

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
// The longest lifetime the server accepts (OPENMES_ACCESS_TOKEN_TTL_SECONDS, at most an hour, set below).
const TOKEN_TTL_SECONDS = 3600;
const log = (s: string) => process.stderr.write(`${s}\n`);

export async function runWorkloadBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      engines: { type: 'string', default: 'postgres' }, duration: { type: 'string' }, runs: { type: 'string' },
      warmup: { type: 'string', default: '5' }, patients: { type: 'string', default: '2000' },
      'docs-per-patient': { type: 'string', default: '20' }, professionals: { type: 'string', default: '200' },
      'seed-concurrency': { type: 'string', default: '16' }, w4: { type: 'string', default: 'auto' },
      only: { type: 'string', default: 'w2,w3,w4,w1' }, quick: { type: 'boolean', default: false },
      'no-baselines': { type: 'boolean', default: false }, profile: { type: 'boolean', default: false },
      pin: { type: 'boolean', default: false }, 'no-write': { type: 'boolean', default: false }, keep: { type: 'boolean', default: false },
      'what-if': { type: 'string', default: '' }, report: { type: 'string', default: join(ROOT, 'BENCHMARKS.md') },
    },
  });
  const o: Options = {
    engines: values.engines.split(',').map((e) => e.trim()).filter(Boolean) as Engine[],
    runs: Number(values.runs ?? (values.quick ? 1 : 3)),
    duration: Number(values.duration ?? (values.quick ? 10 : 20)),
    warmup: Number(values.warmup),
    patients: Number(values.patients),
    docsPerPatient: Number(values['docs-per-patient']),
    professionals: Number(values.professionals),
    seedConcurrency: Number(values['seed-concurrency']),
    w4: values.w4 as Options['w4'],
    only: new Set(values.only.split(',').map((w) => w.trim().toLowerCase())),
    baselines: !values['no-baselines'],
    profile: values.profile,
    pin: values.pin,
    write: !values['no-write'] && !values.profile,
    keep: values.keep,
    adminUrl: process.env.BENCH_ADMIN_DATABASE_URL ?? DEFAULT_ADMIN_URL,
    whatIf: values['what-if'] === 'all' ? WHAT_IFS : values['what-if'].split(',').map((w) => w.trim()).filter(Boolean),
  };
  for (const w of o.whatIf) if (!WHAT_IFS.includes(w)) throw new Error(`unknown --what-if ${w} (${WHAT_IFS.join(', ')} or all)`);
  if (o.whatIf.length && o.engines.includes('pglite')) throw new Error('--what-if experiments are for PostgreSQL only');
  for (const e of o.engines) if (e !== 'postgres' && e !== 'pglite') throw new Error(`unknown engine ${e}`);
  if (!['auto', 'fhir', 'history', 'both'].includes(o.w4)) throw new Error('--w4 is auto, fhir, history or both');
  if (o.pin && !hasTaskset()) throw new Error('--pin needs taskset');
  const startedAt = new Date();
  const loadAtStart = loadavg()[0]!;

  let baselines: Baselines | null = null;
  if (o.baselines) baselines = await runBaselines(o);
  const engines: EngineResult[] = [];
  for (const engine of o.engines) engines.push(await runEngine(engine, o));
  if (o.write) {
    writeWorkloadReport(values.report, {
      startedAt, loadAtStart, argv, options: { runs: o.runs, duration: o.duration, warmup: o.warmup, patients: o.patients, docsPerPatient: o.docsPerPatient, professionals: o.professionals, seedConcurrency: o.seedConcurrency, pin: o.pin },
      baselines, engines, adminUrl: o.adminUrl, root: ROOT, whatIf: o.whatIf,
    });
    log(`appended to ${values.report}`);
  }
  printSummary(engines, baselines);
}

// ---------------------------------------------------------------------------------------------
// Baselines: raw PostgreSQL (select, insert) and the bare Node HTTP server
// ---------------------------------------------------------------------------------------------

async function runBaselines(o: Options): Promise<Baselines> {
  const name = `openmes_bench_raw_${randomBytes(4).toString('hex')}`;
  await admin(o.adminUrl, `CREATE DATABASE ${name}`);
  const url = withDatabase(o.adminUrl, name);
  try {
    log(`raw PostgreSQL baseline in ${name}: ${o.patients} patients × ${o.docsPerPatient} rows…`);
    const setup = await pgBaselineSetup(url, o.patients, o.docsPerPatient);
    log(`  ${JSON.stringify(setup)}`);
    const common = { runs: o.runs, duration: o.duration, warmup: o.warmup };
    const select = await pgBaseline(url, 'select', { ...common, concurrency: 32 });
    const insert = await pgBaseline(url, 'insert', { ...common, concurrency: 16 });
    const hello = await helloBaseline(o);
    return { select, insert, hello };
  } finally {
    await admin(o.adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

async function helloBaseline(o: Options): Promise<Measure> {
  const port = await freePort();
  const child = spawnNode(['--import', 'tsx', join(ROOT, 'bench/workload-hello.ts'), String(port)], {}, o.pin ? '1' : null);
  try {
    await waitFor(`http://127.0.0.1:${port}/`, child);
    const spec: LoadSpec = { label: 'hello', origin: `http://127.0.0.1:${port}`, method: 'GET', connections: 32, headers: {}, next: () => ({ path: '/' }) };
    return await measure(spec, { runs: o.runs, duration: o.duration, warmup: o.warmup, request: 'GET / (bare Node http server)', watch: { server: () => pidTree(child.pid!) } });
  } finally {
    await stopChild(child);
  }
}

// ---------------------------------------------------------------------------------------------
// One engine: fresh database, seed, server, workloads, verification
// ---------------------------------------------------------------------------------------------

type Env = Record<string, string>;
type Seeded = {
  patients: string[];
  /** FHIR ids of the seeded documents. */
  docs: string[];
  professionals: { accountId: string; token: string }[];
  personTokens: string[];
  auditAfterImport: number;
};

async function runEngine(engine: Engine, o: Options): Promise<EngineResult> {
  const work = mkdtempSync(join(tmpdir(), `openmes-workload-${engine}-`));
  const port = await freePort();
  const dbName = `openmes_bench_${randomBytes(4).toString('hex')}`;
  const env: Env = {
    OPENMES_MODE: 'development', OPENMES_HOST: '127.0.0.1', OPENMES_PORT: String(port), OPENMES_LOG_LEVEL: 'warn',
    OPENMES_DATA_DIR: join(work, 'data'), OPENMES_ACCESS_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS),
    ...(engine === 'postgres' ? { DATABASE_URL: withDatabase(o.adminUrl, dbName) } : {}),
  };
  if (engine === 'postgres') await admin(o.adminUrl, `CREATE DATABASE ${dbName}`);
  let server: ChildProcess | null = null;
  const origin = `http://127.0.0.1:${port}`;
  const counter = { audited: 0 };
  try {
    log(`\n=== ${engine}: ${engine === 'postgres' ? dbName : env.OPENMES_DATA_DIR} ===`);
    const seedTimes: Record<string, number> = {};
    let t = performance.now();
    const file = join(work, 'population.ndjson');
    await writePopulationFile(file, { rows: o.patients, format: 'ndjson', badRatio: 0, seed: 42, today: new Date() });
    const imported = await runCli(['import', 'population', file], env);
    seedTimes.import = (performance.now() - t) / 1000;
    log(`import: ${imported.stdout.trim().split('\n').pop()} (${seedTimes.import.toFixed(1)} s with process start)`);

    t = performance.now();
    const seeded = await seedAccountsAndTokens(env, o);
    seedTimes.accounts = (performance.now() - t) / 1000;
    log(`accounts: ${o.professionals} professionals, ${seeded.patients.length} patients, tokens minted (${seedTimes.accounts.toFixed(1)} s)`);

    if (o.whatIf.includes('outbox-index')) {
      // What-if: the dispatcher's pending-outbox index leads with the kind (the proposed migration).
      await admin(env.DATABASE_URL!, `DROP INDEX outbox_pending; CREATE INDEX outbox_pending ON outbox (kind, available_at, outbox_id)
        WHERE delivered_at IS NULL AND failed_at IS NULL`);
    }
    const probeDir = join(work, 'probe');
    if (o.profile) mkdirSync(probeDir);
    server = startServer(env, o, probeDir);
    await waitFor(`${origin}/readyz`, server);
    const http = httpClient(origin, counter);

    // Feeding information and consent of the benchmark professional on every dossier, through the API.
    const bench = seeded.professionals[0]!;
    t = performance.now();
    await runPool(seeded.patients.length, o.seedConcurrency, 'information + consent', async (i) => {
      const p = seeded.patients[i]!;
      await http.expect(201, 'POST', `/api/dossiers/${p}/feeding-information`, bench.token, {});
      await http.expect(201, 'POST', `/api/dossiers/${p}/consents`, bench.token, { scope: 'professional' });
    });
    seedTimes.consents = (performance.now() - t) / 1000;

    // Documents: docsPerPatient per patient, authors drawn among the professionals, through the API.
    t = performance.now();
    const rnd = prng(42);
    const nDocs = seeded.patients.length * o.docsPerPatient;
    seeded.docs = new Array<string>(nDocs);
    await runPool(nDocs, o.seedConcurrency, 'DocumentReference', async (i) => {
      const p = seeded.patients[Math.floor(i / o.docsPerPatient)]!;
      const author = seeded.professionals[Math.floor(rnd() * seeded.professionals.length)]!;
      const body = makeDocumentReference(rnd, p, author.accountId, `urn:uuid:${randomUUID()}`);
      const res = await http.expect(201, 'POST', '/fhir/R4/DocumentReference', author.token, body);
      seeded.docs[i] = (res as { id: string }).id;
    });
    seedTimes.documents = (performance.now() - t) / 1000;
    const seedDocsPerSecond = Math.round(nDocs / seedTimes.documents);
    log(`documents: ${nDocs} in ${seedTimes.documents.toFixed(1)} s (${seedDocsPerSecond}/s at concurrency ${o.seedConcurrency})`);

    // The workloads, in the order of WORKLOAD.md.
    const watch: Watch = { server: () => pidTree(server!.pid!), ...(engine === 'postgres' ? { postgres: () => postgresPidsOf(o.adminUrl, dbName) } : {}) };
    const w4Kinds = await chooseW4(o, http, seeded);
    const results: WorkloadResult[] = [];
    const profiles: string[] = [];
    let window = 0;
    const hooksFor = (label: string): { hooks: MeasureHooks; after: (m: Measure) => void } => {
      if (!o.profile) return { hooks: {}, after: () => undefined };
      const n = ++window;
      return {
        hooks: {
          beforeRuns: async () => { server!.kill('SIGUSR2'); await waitForFile(join(probeDir, `window-${n}.started`)); },
          afterRuns: async () => { server!.kill('SIGUSR2'); await waitForFile(join(probeDir, `window-${n}.sql.json`)); },
        },
        after: (m) => {
          const requests = m.results.reduce((s, r) => s + r.ok, 0);
          const cpu = summariseCpuProfile(join(probeDir, `window-${n}.cpuprofile`), ROOT);
          const sql = engine === 'postgres' ? summariseSql(join(probeDir, `window-${n}.sql.json`)) : null;
          profiles.push(formatProfile(`${engine} ${label} (${requests} requests measured)`, cpu, sql, requests));
          log(profiles[profiles.length - 1]!);
        },
      };
    };
    const plan = workloadPlan(seeded, w4Kinds, o);
    for (const w of plan) {
      if (!o.only.has(w.key)) continue;
      const check = await w.sanity(http);
      log(`[${w.label}] sanity: ${JSON.stringify(check)}`);
      const { hooks, after } = hooksFor(w.label);
      const load = loadavg()[0]!;
      const m = await measure({ ...w.spec, origin }, { runs: o.runs, duration: o.duration, warmup: o.warmup, watch, request: w.request, hooks });
      counter.audited += m.responses;
      after(m);
      results.push({ key: w.key, label: w.label, measure: m, sanity: check, loadAtStart: load, connections: w.spec.connections });
      log(`${w.label}: median ${m.rps.median} req/s [${m.rps.min}–${m.rps.max}], p50 ${m.p50ms.median} ms, p99 ${m.p99ms.median} ms, non2xx ${m.non2xxTotal}, errors ${m.errorsTotal} ${JSON.stringify(m.statusCodes)}`);
    }

    await stopChild(server);
    server = null;

    // Correctness: the audit chains verify, and what was stored matches what was answered.
    t = performance.now();
    const verify = await runCli(['verify-audit'], env, true);
    const verifySeconds = (performance.now() - t) / 1000;
    const verifyLine = verify.stdout.trim().split('\n').pop() ?? '';
    log(`verify-audit (${verifySeconds.toFixed(1)} s, exit ${verify.code}): ${verifyLine}`);
    const counts = await countRows(engine, env);
    const inFlightMax = results.reduce((s, r) => s + r.connections * (r.measure.results.length + (o.warmup > 0 ? 1 : 0)), 0);
    const w1 = results.find((r) => r.key === 'w1');
    const w1Created = w1 ? (w1.measure.allStatusCodes['201'] ?? 0) + (w1.sanity.created ?? 0) : 0;
    return {
      engine, seedTimes, seedDocsPerSecond, patients: seeded.patients.length, documentsSeeded: nDocs, professionals: o.professionals,
      results, w4Kinds, profiles,
      verify: { ok: verify.code === 0 && verifyLine.startsWith('OK'), line: verifyLine, seconds: verifySeconds },
      counts: {
        ...counts,
        expectedDocumentsMin: nDocs + w1Created,
        expectedDocumentsMax: nDocs + w1Created + (w1 ? w1.connections * (w1.measure.results.length + (o.warmup > 0 ? 1 : 0)) : 0),
        expectedAuditMin: seeded.auditAfterImport + counter.audited,
        expectedAuditMax: seeded.auditAfterImport + counter.audited + inFlightMax,
      },
    };
  } finally {
    if (server) await stopChild(server);
    if (!o.keep) {
      if (engine === 'postgres') await admin(o.adminUrl, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e: unknown) => log(`drop failed: ${String(e)}`));
      rmSync(work, { recursive: true, force: true });
    } else {
      log(`kept ${engine === 'postgres' ? env.DATABASE_URL : work}`);
    }
  }
}

/** Professional and patient accounts inserted with the account repository; tokens minted as `openmes token` does. */
async function seedAccountsAndTokens(env: Env, o: Options): Promise<Seeded> {
  const config = parseConfig(env);
  const platform = await openPlatform(config);
  try {
    const now = platform.clock();
    const rows = await platform.db.query<{ dossier_id: string; birth_name: string; first_names: string }>(
      'SELECT dossier_id, birth_name, first_names FROM dossier ORDER BY dossier_id');
    const auditAfterImport = (await platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event')).rows[0]!.n;
    const professionals: Seeded['professionals'] = [];
    for (let i = 0; i < o.professionals; i++) {
      const rpps = withLuhn(`1099${String(i).padStart(6, '0')}`);
      const finess = withLuhn(`75${String(900000 + i).slice(-6)}`);
      const account: NewAccount = {
        account_id: randomUUID(), kind: 'professional', email: null, password_hash: null,
        given_name: 'Bench', family_name: `Médecin${i}`, dossier_id: null, rpps, profession: 'G15:10', specialty: 'SM54',
        structure_finess: finess, structure_name: `Cabinet de benchmark ${i}`,
      };
      await insertAccount(platform.db, account, now);
      const stored = (await findAccountById(platform.db, account.account_id))!;
      professionals.push({ accountId: account.account_id, token: await issueAccessToken(platform.tokenKeys, actorForAccount(stored), TOKEN_TTL_SECONDS, now) });
    }
    const patients: string[] = [];
    const personTokens: string[] = [];
    for (const r of rows.rows) {
      const account: NewAccount = {
        account_id: randomUUID(), kind: 'patient', email: null, password_hash: null, given_name: r.first_names.split(' ')[0] ?? 'X',
        family_name: r.birth_name, dossier_id: r.dossier_id, rpps: null, profession: null, specialty: null, structure_finess: null, structure_name: null,
      };
      await insertAccount(platform.db, account, now);
      const stored = (await findAccountById(platform.db, account.account_id))!;
      patients.push(r.dossier_id);
      personTokens.push(await issueAccessToken(platform.tokenKeys, actorForAccount(stored), TOKEN_TTL_SECONDS, now));
    }
    return { patients, docs: [], professionals, personTokens, auditAfterImport };
  } finally {
    await platform.close();
  }
}

/** `prefix` + its Luhn check digit (RPPS: 11 digits, FINESS: 9). */
function withLuhn(prefix: string): string {
  return `${prefix}${luhnCheckDigit(prefix)}`;
}

// ---------------------------------------------------------------------------------------------
// The workloads
// ---------------------------------------------------------------------------------------------

type Planned = { key: string; label: string; request: string; spec: Omit<LoadSpec, 'origin'>; sanity: (http: HttpClient) => Promise<Sanity> };

function workloadPlan(s: Seeded, w4Kinds: W4Kind[], o: Options): Planned[] {
  const pick = <T>(a: readonly T[]) => a[Math.floor(Math.random() * a.length)]!;
  const pickIndex = (n: number) => Math.floor(Math.random() * n);
  const bench = s.professionals[0]!;
  const fhirHeaders = { authorization: `Bearer ${bench.token}`, accept: 'application/fhir+json' };
  const w2Path = (p: string) => `/fhir/R4/DocumentReference?patient=Patient/${p}&_count=50`;
  const w4Path = (kind: W4Kind, p: string) => (kind === 'fhir' ? `/fhir/R4/AuditEvent?patient=Patient/${p}&_count=50` : `/api/dossiers/${p}/history?limit=50`);
  // W1 bodies: 1,000 pre-serialised documents (random patient), a fresh masterIdentifier spliced into each request.
  const rnd = prng(7);
  const templates = Array.from({ length: 1000 }, () => {
    const doc = makeDocumentReference(rnd, pick(s.patients), pick(s.professionals).accountId, MASTER_ID_PLACEHOLDER);
    const [head, tail] = JSON.stringify(doc).split(MASTER_ID_PLACEHOLDER) as [string, string];
    return { head, tail, author: Math.floor(rnd() * s.professionals.length) };
  });
  let k = 0;
  const w1Next = (): NextRequest => {
    const t = templates[k++ % templates.length]!;
    return { path: '/fhir/R4/DocumentReference', body: `${t.head}urn:uuid:${randomUUID()}${t.tail}`, headers: { authorization: `Bearer ${s.professionals[t.author]!.token}` } };
  };
  const plan: Planned[] = [
    {
      key: 'w2', label: 'W2 search', request: 'GET /fhir/R4/DocumentReference?patient=Patient/{id}&_count=50',
      spec: { label: 'W2', method: 'GET', connections: 32, headers: fhirHeaders, next: () => ({ path: w2Path(pick(s.patients)) }) },
      sanity: async (http) => {
        const r = await http.get(w2Path(s.patients[0]!), bench.token);
        const b = r.json as { total?: number; entry?: unknown[] };
        if (r.status !== 200 || b.total !== o.docsPerPatient || b.entry?.length !== o.docsPerPatient) throw new Error(`W2 sanity: ${r.status} total ${b.total} entries ${b.entry?.length}`);
        return { status: r.status, bytes: r.bytes, total: b.total, entries: b.entry.length };
      },
    },
    {
      key: 'w3', label: 'W3 read', request: 'GET /fhir/R4/DocumentReference/{id}',
      spec: { label: 'W3', method: 'GET', connections: 32, headers: fhirHeaders, next: () => ({ path: `/fhir/R4/DocumentReference/${pick(s.docs)}` }) },
      sanity: async (http) => {
        const id = s.docs[0]!;
        const r = await http.get(`/fhir/R4/DocumentReference/${id}`, bench.token);
        const b = r.json as { resourceType?: string; id?: string; content?: { attachment?: { data?: string; url?: string } }[] };
        if (r.status !== 200 || b.resourceType !== 'DocumentReference' || b.id !== id) throw new Error(`W3 sanity: ${r.status} ${JSON.stringify(b).slice(0, 300)}`);
        return { status: r.status, bytes: r.bytes, inlineData: b.content?.[0]?.attachment?.data?.length ?? 0, url: b.content?.[0]?.attachment?.url ?? null };
      },
    },
    ...w4Kinds.map((kind): Planned => ({
      key: 'w4', label: kind === 'fhir' ? 'W4 history (FHIR AuditEvent)' : 'W4 history (/api history)',
      request: kind === 'fhir' ? 'GET /fhir/R4/AuditEvent?patient=Patient/{id}&_count=50 (as the patient)' : 'GET /api/dossiers/{id}/history?limit=50 (as the patient)',
      spec: {
        label: kind === 'fhir' ? 'W4' : 'W4-history', method: 'GET', connections: 32,
        headers: { accept: kind === 'fhir' ? 'application/fhir+json' : 'application/json' },
        next: () => { const i = pickIndex(s.patients.length); return { path: w4Path(kind, s.patients[i]!), headers: { authorization: `Bearer ${s.personTokens[i]!}` } }; },
      },
      sanity: async (http) => {
        const r = await http.get(w4Path(kind, s.patients[0]!), s.personTokens[0]!);
        const n = kind === 'fhir' ? (r.json as { entry?: unknown[] }).entry?.length : (r.json as { entries?: unknown[] }).entries?.length;
        // The first patient's chain holds at least its import, information, consent and documents (more after W2/W3).
        if (r.status !== 200 || n === undefined || n > 50 || n < Math.min(50, o.docsPerPatient + 3)) throw new Error(`W4 sanity: ${r.status} entries ${n} ${r.text.slice(0, 300)}`);
        return { status: r.status, bytes: r.bytes, entries: n };
      },
    })),
    {
      key: 'w1', label: 'W1 feed', request: 'POST /fhir/R4/DocumentReference (4 KiB PDF inline, fresh masterIdentifier)',
      spec: { label: 'W1', method: 'POST', connections: 16, headers: { accept: 'application/fhir+json', 'content-type': 'application/fhir+json' }, next: w1Next },
      sanity: async (http) => {
        const req = w1Next();
        const r = await http.raw('POST', req.path, req.headers!.authorization!.slice(7), req.body!);
        const id = (r.json as { id?: string }).id;
        if (r.status !== 201 || !id) throw new Error(`W1 sanity: ${r.status} ${r.text.slice(0, 300)}`);
        const back = await http.get(`/fhir/R4/DocumentReference/${id}`, bench.token);
        const att = (back.json as { content?: { attachment?: { data?: string; url?: string; size?: number } }[] }).content?.[0]?.attachment;
        return { status: r.status, bytes: r.bytes, created: 1, readBack: { status: back.status, inlineData: att?.data?.length ?? 0, url: att?.url ?? null, size: att?.size ?? null } };
      },
    },
  ];
  return plan;
}

/** W4: the FHIR AuditEvent search when the server has it, else the patient's /api history. */
async function chooseW4(o: Options, http: HttpClient, s: Seeded): Promise<W4Kind[]> {
  if (o.w4 === 'fhir' || o.w4 === 'history') return [o.w4];
  const probe = await http.get(`/fhir/R4/AuditEvent?patient=Patient/${s.patients[1]}&_count=50`, s.personTokens[1]!);
  const hasFhir = probe.status === 200 && (probe.json as { resourceType?: string }).resourceType === 'Bundle';
  if (!hasFhir && probe.status !== 404) throw new Error(`W4 probe: GET AuditEvent answered ${probe.status}: ${probe.text.slice(0, 300)}`);
  log(`W4: FHIR AuditEvent search ${hasFhir ? 'present' : 'absent (404)'}`);
  if (o.w4 === 'both') return hasFhir ? ['fhir', 'history'] : ['history'];
  return [hasFhir ? 'fhir' : 'history'];
}

// ---------------------------------------------------------------------------------------------
// Processes, HTTP, database helpers
// ---------------------------------------------------------------------------------------------

function hasTaskset(): boolean {
  return existsSync('/usr/bin/taskset') || existsSync('/bin/taskset');
}

function spawnNode(args: string[], env: Env, cpu: string | null, stdio: 'inherit' | 'pipe' = 'pipe'): ChildProcess {
  const fullEnv = { ...cleanEnv(), ...env };
  const child = cpu
    ? spawn('taskset', ['-c', cpu, process.execPath, ...args], { cwd: ROOT, env: fullEnv, stdio: ['ignore', stdio, stdio] })
    : spawn(process.execPath, args, { cwd: ROOT, env: fullEnv, stdio: ['ignore', stdio, stdio] });
  return child;
}

/** The parent's environment without any OpenMES or database setting (the child gets exactly ours). */
function cleanEnv(): Env {
  const out: Env = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('OPENMES_') && k !== 'DATABASE_URL') out[k] = v;
  return out;
}

function startServer(env: Env, o: Options, probeDir: string): ChildProcess {
  const driverWhatIfs = o.whatIf.filter((w) => w !== 'outbox-index');
  const args = ['--import', 'tsx',
    ...(driverWhatIfs.length ? ['--import', pathToFileURL(join(ROOT, 'bench/workload-what-if.ts')).href] : []),
    ...(o.profile ? ['--import', pathToFileURL(join(ROOT, 'bench/workload-probe.ts')).href] : []),
    join(ROOT, 'src/cli/main.ts'), 'start'];
  const child = spawnNode(args, {
    ...env, ...(o.profile ? { BENCH_PROBE_DIR: probeDir } : {}), ...(driverWhatIfs.length ? { BENCH_WHAT_IF: driverWhatIfs.join(',') } : {}),
  }, o.pin ? '1' : null);
  if (o.pin) process.stderr.write('server pinned to CPU 1; pinning this client to CPU 0\n');
  if (o.pin) spawn('taskset', ['-pc', '0', String(process.pid)], { stdio: 'ignore' });
  let lines = 0;
  child.stdout!.resume();
  child.stderr!.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n').filter(Boolean)) if (lines++ < 20) process.stderr.write(`[server] ${line.slice(0, 400)}\n`);
  });
  return child;
}

async function runCli(args: string[], env: Env, allowFailure = false): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawnNode(['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], env, null);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const code = await new Promise<number>((ok, ko) => { child.on('error', ko); child.on('exit', (c) => ok(c ?? 1)); });
  if (code !== 0 && !allowFailure) throw new Error(`openmes ${args.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`);
  return { code, stdout, stderr };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

async function waitFor(url: string, child: ChildProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((ok) => setTimeout(ok, 200));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

async function waitForFile(path: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
  await new Promise((ok) => setTimeout(ok, 100)); // let the writer finish
}

function freePort(): Promise<number> {
  return new Promise((ok, ko) => {
    const srv = createServer();
    srv.once('error', ko);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

type HttpResult = { status: number; bytes: number; text: string; json: unknown };
type HttpClient = {
  get: (path: string, token: string) => Promise<HttpResult>;
  raw: (method: string, path: string, token: string, body: string) => Promise<HttpResult>;
  expect: (status: number, method: string, path: string, token: string, body: unknown) => Promise<unknown>;
};

/** fetch against the server; every call is one audited request (counted to check the audit trail). */
function httpClient(origin: string, counter: { audited: number }): HttpClient {
  const raw = async (method: string, path: string, token: string, body?: string): Promise<HttpResult> => {
    const res = await fetch(origin + path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: path.startsWith('/fhir/') ? 'application/fhir+json' : 'application/json',
        ...(body !== undefined ? { 'content-type': path.startsWith('/fhir/') ? 'application/fhir+json' : 'application/json' } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    counter.audited++;
    let json: unknown = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, bytes: Buffer.byteLength(text), text, json };
  };
  return {
    get: (path, token) => raw('GET', path, token),
    raw,
    expect: async (status, method, path, token, body) => {
      const r = await raw(method, path, token, JSON.stringify(body));
      if (r.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${r.status}: ${r.text.slice(0, 600)}`);
      return r.json;
    },
  };
}

/** Runs fn(0..n-1) with bounded concurrency, logging progress every 10 s. */
async function runPool(n: number, concurrency: number, label: string, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let done = 0;
  const t0 = performance.now();
  let last = t0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= n) return;
      await fn(i);
      done++;
      const now = performance.now();
      if (now - last > 10_000) {
        last = now;
        log(`  ${label}: ${done}/${n} (${Math.round(done / ((now - t0) / 1000))}/s)`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
  log(`${label}: ${n} in ${((performance.now() - t0) / 1000).toFixed(1)} s (${Math.round(n / ((performance.now() - t0) / 1000))}/s at concurrency ${concurrency})`);
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { await c.query(sql); } finally { await c.end(); }
}

async function countRows(engine: Engine, env: Env): Promise<Pick<Counts, 'documents' | 'audit' | 'auditNotAllowed' | 'outboxPending' | 'chains'>> {
  const db = await openDb(engine === 'postgres' ? { databaseUrl: env.DATABASE_URL, poolSize: 1 } : { dataDir: join(env.OPENMES_DATA_DIR!, 'pglite') });
  try {
    const one = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0]!.n;
    return {
      documents: await one('SELECT count(*)::int AS n FROM document'),
      audit: await one('SELECT count(*)::int AS n FROM audit_event'),
      auditNotAllowed: await one("SELECT count(*)::int AS n FROM audit_event WHERE outcome <> 'allowed'"),
      outboxPending: await one('SELECT count(*)::int AS n FROM outbox WHERE delivered_at IS NULL AND failed_at IS NULL'),
      chains: await one('SELECT count(*)::int AS n FROM audit_head'),
    };
  } finally {
    await db.close();
  }
}

function printSummary(engines: EngineResult[], baselines: Baselines | null): void {
  const out: string[] = ['', 'summary (median req/s, p50 / p99 ms):'];
  if (baselines) {
    out.push(`  raw select ${baselines.select.qps.median}/s ${baselines.select.p50ms.median}/${baselines.select.p99ms.median}`);
    out.push(`  raw insert ${baselines.insert.qps.median}/s ${baselines.insert.p50ms.median}/${baselines.insert.p99ms.median}`);
    out.push(`  hello      ${baselines.hello.rps.median}/s ${baselines.hello.p50ms.median}/${baselines.hello.p99ms.median}`);
  }
  for (const e of engines) {
    for (const r of e.results) out.push(`  ${e.engine} ${r.label}: ${r.measure.rps.median}/s ${r.measure.p50ms.median}/${r.measure.p99ms.median} non2xx ${r.measure.non2xxTotal} errors ${r.measure.errorsTotal}`);
    out.push(`  ${e.engine} verify-audit: ${e.verify.line}; counts ${JSON.stringify(e.counts)}`);
    for (const p of e.profiles) out.push(p);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

