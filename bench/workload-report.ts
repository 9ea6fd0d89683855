import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { Spread } from './workload-fixtures.ts';
import type { Measure, RunResult } from './workload-load.ts';
import type { BaselineMeasure } from './workload-pg-baseline.ts';

/** The BENCHMARKS.md section of one `npm run bench -- workload` invocation. */

export type Sanity = { status: number; bytes: number; created?: number; [k: string]: unknown };
export type WorkloadResult = { key: string; label: string; measure: Measure; sanity: Sanity; loadAtStart: number; connections: number };
export type Counts = {
  documents: number; audit: number; auditNotAllowed: number; outboxPending: number; chains: number;
  expectedDocumentsMin: number; expectedDocumentsMax: number; expectedAuditMin: number; expectedAuditMax: number;
};
export type EngineResult = {
  engine: 'postgres' | 'pglite';
  seedTimes: Record<string, number>;
  seedDocsPerSecond: number;
  patients: number;
  documentsSeeded: number;
  professionals: number;
  results: WorkloadResult[];
  w4Kinds: string[];
  profiles: string[];
  verify: { ok: boolean; line: string; seconds: number };
  counts: Counts;
};
export type Baselines = { select: BaselineMeasure; insert: BaselineMeasure; hello: Measure };
export type ReportInput = {
  startedAt: Date; loadAtStart: number; argv: string[]; adminUrl: string; root: string;
  options: { runs: number; duration: number; warmup: number; patients: number; docsPerPatient: number; professionals: number; seedConcurrency: number; pin: boolean };
  baselines: Baselines | null;
  engines: EngineResult[];
  /** Experiments of bench/workload-what-if.ts; empty for a measure of the product as it is. */
  whatIf: string[];
};

/** WORKLOAD.md: targets (PostgreSQL, 2 cores) and the peer's figures (Medplum 5.0.10, with audit saved). */
export const TARGETS: Record<string, { rps: number; peer: number; rawRatio?: number }> = {
  w1: { rps: 600, peer: 186, rawRatio: 0.11 },
  w2: { rps: 1400, peer: 342, rawRatio: 0.37 },
  w3: { rps: 2000, peer: 384 },
  w4: { rps: 1400, peer: 367 },
};
export const P99_TARGET_MS = 50;

const fmt = (x: number, d = 0) => (Number.isFinite(x) ? x.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d }) : 'n/a');
const spread = (s: Spread, d = 0) => `${fmt(s.median, d)} [${fmt(s.min, d)}–${fmt(s.max, d)}]`;
const ratio = (a: number, b: number | undefined) => (b && Number.isFinite(a) ? (a / b).toFixed(2) : 'n/a');
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)]! : NaN; };

function machine(adminUrl: string): string {
  const model = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  let postgres = 'n/a';
  try {
    postgres = execFileSync('psql', [adminUrl, '-Atc', "select split_part(version(), ' ', 2) || ', fsync ' || current_setting('fsync') || ', synchronous_commit ' || current_setting('synchronous_commit') || ', shared_buffers ' || current_setting('shared_buffers') || ', max_connections ' || current_setting('max_connections')"], { encoding: 'utf8' }).trim();
  } catch { /* psql absent */ }
  let autocannon = '?';
  try { autocannon = (JSON.parse(readFileSync('node_modules/autocannon/package.json', 'utf8')) as { version: string }).version; } catch { /* absent */ }
  return `${execFileSync('nproc', { encoding: 'utf8' }).trim()} CPU (${model}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ` +
    `PostgreSQL ${postgres}, autocannon ${autocannon}`;
}

function codeVersion(root: string): string {
  try {
    const head = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', 'src'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).length;
    return `commit ${head}${dirty ? ` + ${dirty} uncommitted change(s) in src/ (others were editing concurrently)` : ''}`;
  } catch {
    return 'unknown';
  }
}

export function writeWorkloadReport(path: string, r: ReportInput): void {
  if (!existsSync(path)) writeFileSync(path, '# Benchmarks\n\nFigures measured on the project machine; each section is one run of `npm run bench`, newest last.\n');
  const o = r.options;
  const b = r.baselines;
  const lines: string[] = [
    '',
    `## HTTP/FHIR workload (shared/bench/WORKLOAD.md)${r.whatIf.length ? ` — WHAT-IF ${r.whatIf.join(' + ')}` : ''} — ${r.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    ...(r.whatIf.length ? [
      `**Not the product as committed**: the server ran with the experiments ${r.whatIf.map((w) => `\`${w}\``).join(', ')} of ` +
      '`bench/workload-what-if.ts` (driver-level changes preloaded into the benchmark server, and for `outbox-index` an index replaced ' +
      'in the benchmark database), to measure proposed design changes before they are written in src/.', ''] : []),
    `Machine: ${machine(r.adminUrl)}; 1-minute load average at start ${r.loadAtStart.toFixed(2)}.`,
    `Code: ${codeVersion(r.root)}.`,
    `Command: \`npm run bench -- workload ${r.argv.join(' ')}\`. Closed loop (autocannon, keep-alive, no pipelining, uncompressed), ` +
      `${o.warmup} s warm-up then ${o.runs} × ${o.duration} s runs 2 s apart; figures are the median [min–max] of the runs; req/s counts 2xx ` +
      'responses, latency percentiles come from every 2xx response. OpenMES runs as its own process (`node --import tsx src/cli/main.ts start`, ' +
      'development mode, log level warn, its default pool of 10 database connections); this process is the load client' +
      `${o.pin ? ' (server pinned to CPU 1, client to CPU 0)' : ' (not pinned: client, server and PostgreSQL share the 2 cores, as in WORKLOAD.md)'}.`,
    `Data: ${fmt(o.patients)} patients from \`openmes import population\`, ${o.professionals} professional accounts (G15:10, valid RPPS, each in a ` +
      'structure) and one patient account per dossier inserted with the account repository, tokens minted with `issueAccessToken` and the ' +
      'signing key from the database (as `openmes token`); the benchmark professional recorded the feeding information and the consent on every ' +
      `dossier through the API, then ${o.docsPerPatient} DocumentReference per patient were fed through the API (POST, concurrency ${o.seedConcurrency}, ` +
      `author drawn among the ${o.professionals} professionals). W2/W3` + ' use the benchmark professional\'s token (consent recorded; most documents authored by ' +
      'others, so the habilitation matrix and the consent are checked), W4 the patient\'s own token (one per dossier), W1 a professional drawn per request.',
    '',
  ];
  const rawFor = (key: string) => (!b ? undefined : key === 'w1' ? b.insert.qps.median : b.select.qps.median);
  for (const e of r.engines) {
    lines.push(`### ${e.engine}`, '');
    lines.push(`Seeding: import ${e.seedTimes.import?.toFixed(1)} s (process included), accounts and tokens ${e.seedTimes.accounts?.toFixed(1)} s, ` +
      `information + consent ${e.seedTimes.consents?.toFixed(1)} s (${fmt((2 * e.patients) / (e.seedTimes.consents ?? 1))} req/s), ` +
      `${fmt(e.documentsSeeded)} documents ${e.seedTimes.documents?.toFixed(1)} s (**${fmt(e.seedDocsPerSecond)} docs/s** at concurrency ${o.seedConcurrency}).`, '');
    lines.push('| workload | request | conns | req/s | p50 ms | p99 ms | non-2xx | errors | target | met | × raw PG | × HTTP ceiling | × peer | CPU ms per request: server / postgres / client | CPU-bound ceiling | % of a core: interrupts / other work | load at start |');
    lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |');
    for (const w of e.results) {
      const m = w.measure;
      const t = TARGETS[w.key];
      const met = t && e.engine === 'postgres'
        ? `${m.rps.median >= t.rps ? 'yes' : '**no**'} / p99 ${m.p99ms.median < P99_TARGET_MS ? 'yes' : '**no**'}`
        : t ? 'n/a (targets are for PostgreSQL)' : '';
      // CPU per request (10 × % of a core ÷ req/s = ms): less sensitive to other work on the machine than req/s.
      const msPerReq = (pick: (x: RunResult) => number) => median(m.results.map((x) => (10 * pick(x)) / x.rps));
      const srv = msPerReq((x) => x.cpu.watchedPctOfOneCore.server ?? NaN);
      const pgMs = e.engine === 'postgres' ? msPerReq((x) => x.cpu.watchedPctOfOneCore.postgres ?? NaN) : 0;
      const cli = msPerReq((x) => x.cpu.clientPctOfOneCore);
      const ceiling = (1000 * cpus().length) / (srv + pgMs + cli);
      const other = `${fmt(median(m.results.map((x) => x.cpu.irqPctOfOneCore ?? NaN)))} / ${fmt(median(m.results.map((x) => x.cpu.otherPctOfOneCore)))}`;
      const raw = rawFor(w.key);
      const rawCell = raw ? `${ratio(m.rps.median, raw)}${t?.rawRatio ? ` (≥ ${t.rawRatio})` : ''}` : 'n/a';
      lines.push(`| ${w.label} | \`${m.request}\` | ${w.connections} | **${spread(m.rps)}** | ${spread(m.p50ms, 1)} | ${spread(m.p99ms, 1)} | ${m.non2xxTotal} | ${m.errorsTotal} | ` +
        `${t ? `≥ ${fmt(t.rps)} req/s, p99 < ${P99_TARGET_MS} ms` : ''} | ${met} | ${rawCell} | ${ratio(m.rps.median, b?.hello.rps.median)} | ${t ? ratio(m.rps.median, t.peer) : 'n/a'} | ` +
        `${fmt(srv, 2)} / ${e.engine === 'postgres' ? fmt(pgMs, 2) : 'in server'} / ${fmt(cli, 2)} | ${fmt(ceiling)} req/s | ${other} | ${w.loadAtStart.toFixed(1)} |`);
    }
    lines.push('', 'CPU ms per request = 10 × (% of a core used during the run) ÷ req/s, per process group (postgres: the backends of the benchmark ' +
      'database and the shared writers); CPU-bound ceiling = cores × 1000 ÷ (server + postgres + client ms): the rate the machine would reach ' +
      'with nothing else running if CPU were the only limit. "Interrupts" is the kernel\'s interrupt time (mostly loopback TCP, charged ' +
      'to no process); "other work" is the CPU used meanwhile by everything else (other processes on this shared machine).', '');
    const c = e.counts;
    const docsOk = c.documents >= c.expectedDocumentsMin && c.documents <= c.expectedDocumentsMax;
    const auditOk = c.audit >= c.expectedAuditMin && c.audit <= c.expectedAuditMax;
    const non2xx = e.results.reduce((s, w) => s + w.measure.non2xxTotal + w.measure.errorsTotal, 0);
    lines.push(`Correctness: non-2xx + errors over all workloads: **${non2xx}**; \`openmes verify-audit\` after W1 (server stopped, ${e.verify.seconds.toFixed(1)} s): ` +
      `**${e.verify.line}**; documents stored ${fmt(c.documents)} (expected ${fmt(c.expectedDocumentsMin)}–${fmt(c.expectedDocumentsMax)}: ${docsOk ? 'ok' : '**mismatch**'}); ` +
      `audit entries ${fmt(c.audit)} in ${fmt(c.chains)} chains (expected one per response received, plus at most one per connection cut at the end of a run: ` +
      `${fmt(c.expectedAuditMin)}–${fmt(c.expectedAuditMax)}: ${auditOk ? 'ok' : '**mismatch**'}), of which not allowed: ${c.auditNotAllowed}; outbox not yet delivered at the end: ${fmt(c.outboxPending)}.`);
    const sanity = e.results.map((w) => `${w.label} ${JSON.stringify(w.sanity)}`).join('; ');
    lines.push(`Sanity requests before each workload: ${sanity}.`, '');
  }
  if (b) {
    lines.push('Baselines, same invocation:', '');
    const pgCpu = (m: BaselineMeasure) => `— / ${fmt(median(m.results.map((x) => (10 * x.postgresPctOfOneCore) / x.qps)), 3)} / ${fmt(median(m.results.map((x) => (10 * x.clientPctOfOneCore) / x.qps)), 3)} | ${fmt(median(m.results.map((x) => x.irqPctOfOneCore ?? NaN)))} / ${fmt(median(m.results.map((x) => x.otherPctOfOneCore)))}`;
    const h = b.hello.results;
    const helloCpu = `${fmt(median(h.map((x) => (10 * (x.cpu.watchedPctOfOneCore.server ?? NaN)) / x.rps)), 3)} / — / ${fmt(median(h.map((x) => (10 * x.cpu.clientPctOfOneCore) / x.rps)), 3)} | ${fmt(median(h.map((x) => x.cpu.irqPctOfOneCore ?? NaN)))} / ${fmt(median(h.map((x) => x.cpu.otherPctOfOneCore)))}`;
    lines.push('| baseline | concurrency | per s | p50 ms | p99 ms | errors | CPU ms per operation: server / postgres / client | % of a core: interrupts / other work |', '| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
    lines.push(`| raw PostgreSQL: \`SELECT id, content FROM bench_doc WHERE patient_id = $1\` (20 rows of ~4.5 KiB JSON) | ${b.select.concurrency} | **${spread(b.select.qps)}** | ${spread(b.select.p50ms, 2)} | ${spread(b.select.p99ms, 2)} | ${b.select.errorsTotal} | ${pgCpu(b.select)} |`);
    lines.push(`| raw PostgreSQL: single-row INSERT, autocommit, synchronous_commit ${b.insert.results[0]?.synchronousCommit ?? '?'} | ${b.insert.concurrency} | **${spread(b.insert.qps)}** | ${spread(b.insert.p50ms, 2)} | ${spread(b.insert.p99ms, 2)} | ${b.insert.errorsTotal} | ${pgCpu(b.insert)} |`);
    lines.push(`| bare Node HTTP server (hello), autocannon | ${b.hello.connections} | **${spread(b.hello.rps)}** | ${spread(b.hello.p50ms, 2)} | ${spread(b.hello.p99ms, 2)} | ${b.hello.non2xxTotal + b.hello.errorsTotal} | ${helloCpu} |`);
    lines.push('');
  }
  lines.push('Differences from the reference workload: every DocumentReference also carries a `masterIdentifier` (urn:uuid, fresh for each W1 ' +
    'request) and its PDF ends with `%%EOF` — PDSm requires the first and OpenMES refuses a PDF without the second — at the same size (3,072 PDF ' +
    'bytes → 4,096 base64 characters inline, ≈4.5 KiB of JSON). OpenMES keeps the content apart (ITI-68 Binary) and answers DocumentReference with ' +
    '`attachment.url`, so W2 bundles carry metadata only (see the sanity sizes), where the reference server returns the base64 inline (≈97 KB). ' +
    `W4 used: ${w4Words([...new Set(r.engines.flatMap((e) => e.w4Kinds))])}. ` +
    'Every measured request is decided by the access policy and appends its audit entry (hash-chained per dossier) in its transaction; W1 also ' +
    'writes the content, the document and the outbox notification in that transaction.', '');
  appendFileSync(path, lines.join('\n'));
}

function w4Words(kinds: string[]): string {
  const words = kinds.map((k) => (k === 'fhir'
    ? 'the FHIR AuditEvent search `AuditEvent?patient=Patient/{id}&_count=50` (IHE BALP resources)'
    : 'the patient\'s JSON history `GET /api/dossiers/{id}/history?limit=50` (entries worded for the patient)'));
  return `${words.join(' and ')}${kinds.includes('fhir') ? '' : ' (this server has no FHIR AuditEvent search)'}; ${kinds.length > 1 ? 'both are' : 'that is'} the patient reading their own dossier\'s history, newest 50, with their own token`;
}
