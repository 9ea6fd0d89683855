import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { cpus } from 'node:os';
import { machineCpu, machineDelta, makeDocumentReference, percentileSorted, cpuTracker, postgresPidsOf, summarize, type Spread } from './workload-fixtures.ts';
import { seededRandom as prng } from '../test/support/seeded-random.ts';
import { round } from './workload-load.ts';

/**
 * The physical limit: raw PostgreSQL through `pg`, same document shape as the FHIR workload (the
 * reference client's pg-baseline.mjs). `setup` fills bench_doc(id, patient_id, content) with
 * patients × docsPerPatient rows of the ~4.5 KiB DocumentReference JSON; `select` reads one patient's
 * rows (20) per statement; `insert` inserts one document per statement (autocommit, synchronous_commit
 * as the server has it). One pool connection per concurrent worker; closed loop; latency = round trip.
 */

export type BaselineRun = { seconds: number; ok: number; qps: number; p50: number; p99: number; errors: number; rowsPerQuery: number; synchronousCommit: string; machineBusyPct: number; clientPctOfOneCore: number; postgresPctOfOneCore: number; irqPctOfOneCore: number; otherPctOfOneCore: number };
export type BaselineMeasure = { mode: 'select' | 'insert'; concurrency: number; durationS: number; qps: Spread; p50ms: Spread; p99ms: Spread; errorsTotal: number; results: BaselineRun[] };

export async function pgBaselineSetup(url: string, nPatients: number, perPatient: number): Promise<{ n: number; avgLen: number; size: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS bench_doc');
    await client.query('CREATE TABLE bench_doc (id uuid PRIMARY KEY, patient_id uuid NOT NULL, content text NOT NULL)');
    const rnd = prng(42);
    const patients = Array.from({ length: nPatients }, () => randomUUID());
    const practitioners = Array.from({ length: 200 }, () => randomUUID());
    let rows: string[][] = [];
    const flush = async () => {
      if (rows.length === 0) return;
      const params: string[] = [];
      const values = rows.map((r, i) => {
        params.push(...r);
        return `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`;
      });
      await client.query(`INSERT INTO bench_doc (id, patient_id, content) VALUES ${values.join(',')}`, params);
      rows = [];
    };
    for (const p of patients) {
      for (let j = 0; j < perPatient; j++) {
        const id = randomUUID();
        const doc = { id, ...makeDocumentReference(rnd, p, practitioners[Math.floor(rnd() * practitioners.length)]!, `urn:uuid:${randomUUID()}`) };
        rows.push([id, p, JSON.stringify(doc)]);
        if (rows.length >= 500) await flush();
      }
    }
    await flush();
    await client.query('CREATE INDEX bench_doc_patient_idx ON bench_doc (patient_id)');
    await client.query('VACUUM ANALYZE bench_doc');
    const { rows: s } = await client.query<{ n: number; avg_len: number; size: string }>(
      "SELECT count(*)::int AS n, avg(length(content))::int AS avg_len, pg_size_pretty(pg_total_relation_size('bench_doc')) AS size FROM bench_doc");
    return { n: s[0]!.n, avgLen: s[0]!.avg_len, size: s[0]!.size };
  } finally {
    await client.end();
  }
}

async function loadOnce(url: string, mode: 'select' | 'insert', concurrency: number, seconds: number): Promise<BaselineRun> {
  const pool = new pg.Pool({ connectionString: url, max: concurrency });
  const clients = await Promise.all(Array.from({ length: concurrency }, () => pool.connect()));
  const { rows: pr } = await clients[0]!.query<{ patient_id: string }>('SELECT DISTINCT patient_id FROM bench_doc LIMIT 5000');
  const { rows: sc } = await clients[0]!.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
  const patients = pr.map((r) => r.patient_id);
  const rnd = prng(7);
  const bodies = Array.from({ length: 1000 }, () =>
    JSON.stringify(makeDocumentReference(rnd, patients[Math.floor(rnd() * patients.length)]!, randomUUID(), `urn:uuid:${randomUUID()}`)));
  let lat = new Float64Array(1 << 16);
  let n = 0;
  let errors = 0;
  let rowsSeen = 0;
  let stop = false;
  const pgCpu = cpuTracker(() => postgresPidsOf(url, new URL(url).pathname.slice(1)));
  await pgCpu.start();
  const cpu0 = process.cpuUsage();
  const m0 = machineCpu();
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  const worker = async (c: pg.PoolClient, w: number) => {
    let k = w;
    while (!stop) {
      const s = performance.now();
      try {
        if (mode === 'select') {
          const r = await c.query('SELECT id, content FROM bench_doc WHERE patient_id = $1', [patients[Math.floor(Math.random() * patients.length)]]);
          rowsSeen += r.rowCount ?? 0;
        } else {
          await c.query('INSERT INTO bench_doc (id, patient_id, content) VALUES ($1, $2, $3)',
            [randomUUID(), patients[Math.floor(Math.random() * patients.length)], bodies[k++ % bodies.length]]);
        }
        const e = performance.now();
        if (e > deadline) { stop = true; break; }
        if (n === lat.length) { const b = new Float64Array(lat.length * 2); b.set(lat); lat = b; }
        lat[n++] = e - s;
      } catch (err) {
        errors++;
        if (errors < 5) process.stderr.write(`${(err as Error).message}\n`);
      }
    }
  };
  await Promise.all(clients.map((c, i) => worker(c, i)));
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const m1 = machineCpu();
  const pgPct = (100 * (await pgCpu.stop())) / secs;
  const machinePct = (100 * (m1.busy - m0.busy)) / (m1.total - m0.total);
  const { irq } = machineDelta(m0, m1, cpus().length);
  const clientPct = (100 * (cpu.user + cpu.system)) / 1e6 / secs;
  clients.forEach((c) => c.release());
  await pool.end();
  const sorted = lat.subarray(0, n).sort();
  return {
    seconds: round(secs, 2), ok: n, qps: round(n / secs, 1),
    p50: round(percentileSorted(sorted, 50), 2), p99: round(percentileSorted(sorted, 99), 2), errors,
    rowsPerQuery: mode === 'select' ? round(rowsSeen / Math.max(n, 1), 1) : 1,
    synchronousCommit: sc[0]!.synchronous_commit,
    machineBusyPct: round(machinePct, 1),
    clientPctOfOneCore: round(clientPct, 1),
    postgresPctOfOneCore: round(pgPct, 1),
    irqPctOfOneCore: round(irq, 1),
    otherPctOfOneCore: round(Math.max(0, machinePct * cpus().length - irq - clientPct - pgPct), 1),
  };
}

export async function pgBaseline(url: string, mode: 'select' | 'insert', o: { concurrency: number; runs: number; duration: number; warmup: number }): Promise<BaselineMeasure> {
  const log = (s: string) => process.stderr.write(`[pg-${mode}] ${s}\n`);
  if (o.warmup > 0) log(`warm-up: ${(await loadOnce(url, mode, o.concurrency, o.warmup)).qps}/s`);
  const results: BaselineRun[] = [];
  for (let r = 1; r <= o.runs; r++) {
    const res = await loadOnce(url, mode, o.concurrency, o.duration);
    results.push(res);
    log(`run ${r}/${o.runs}: ${res.qps}/s p50 ${res.p50} ms p99 ${res.p99} ms errors ${res.errors} busy ${res.machineBusyPct}% client ${res.clientPctOfOneCore}% pg ${res.postgresPctOfOneCore}% irq ${res.irqPctOfOneCore}% other ${res.otherPctOfOneCore}% rows/q ${res.rowsPerQuery} sc=${res.synchronousCommit}`);
    if (r < o.runs) await new Promise((ok) => setTimeout(ok, 2000));
  }
  return {
    mode, concurrency: o.concurrency, durationS: o.duration,
    qps: summarize(results.map((r) => r.qps)), p50ms: summarize(results.map((r) => r.p50)), p99ms: summarize(results.map((r) => r.p99)),
    errorsTotal: results.reduce((s, r) => s + r.errors, 0), results,
  };
}
