import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openPopulationFile } from '../src/cli/population-files.ts';
import { importPopulation } from '../src/services/import-population.ts';
import { openDb, type Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrator.ts';
import { writePopulationFile } from './generate-population.ts';

/**
 * `npm run bench -- import [--rows 1000000] [--engines pglite,postgres] [--bad-ratio 0.01] [--batch 2000] [--no-write]`
 * Generates a population file, imports it into a fresh PGlite (on disk) and a fresh PostgreSQL schema,
 * and inserts the same rows into a bare table with plain multi-row INSERTs (the raw baseline: no
 * validation, no audit). Each measurement runs in its own process, so peak RSS is its own.
 * Appends the figures to BENCHMARKS.md.
 */
export type Engine = 'pglite' | 'postgres';
type Measure = {
  engine: Engine; kind: 'openmes' | 'raw'; lines: number; seconds: number; rowsPerSecond: number; peakRssMb: number; detail: string;
  /** 1-minute load average when the measure started: other work on the machine skews the figures. */
  loadAtStart: number;
};

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test';

export async function runImportBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rows: { type: 'string', default: '1000000' }, engines: { type: 'string', default: 'pglite,postgres' },
      'bad-ratio': { type: 'string', default: '0.01' }, batch: { type: 'string', default: '2000' },
      'no-write': { type: 'boolean', default: false },
      worker: { type: 'string' }, engine: { type: 'string' }, file: { type: 'string' },
    },
  });
  if (values.worker) {
    const result = await runWorker(values.worker as Measure['kind'], values.engine as Engine, values.file!, Number(values.batch));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const rows = Number(values.rows);
  const engines = values.engines.split(',').map((e) => e.trim()) as Engine[];
  const dir = mkdtempSync(join(tmpdir(), 'openmes-bench-'));
  const file = join(dir, 'population.ndjson');
  try {
    process.stderr.write(`generating ${rows} rows (bad ratio ${values['bad-ratio']})…\n`);
    await writePopulationFile(file, { rows, format: 'ndjson', badRatio: Number(values['bad-ratio']), seed: 42, today: new Date() });
    process.stderr.write(`  ${(statSync(file).size / 1e6).toFixed(0)} MB\n`);
    const results: Measure[] = [];
    for (const engine of engines) {
      for (const kind of ['raw', 'openmes'] as const) {
        process.stderr.write(`${kind} on ${engine}…\n`);
        const m = await spawnWorker(kind, engine, file, values.batch);
        process.stderr.write(`  ${m.rowsPerSecond} rows/s, ${m.seconds.toFixed(1)} s, peak RSS ${m.peakRssMb} MB, load ${m.loadAtStart.toFixed(1)} ${m.detail}\n`);
        results.push(m);
      }
    }
    if (!values['no-write']) writeReport(results, rows, Number(values['bad-ratio']), values.batch);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function spawnWorker(kind: Measure['kind'], engine: Engine, file: string, batch: string): Promise<Measure> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/run.ts'), 'import',
      '--worker', kind, '--engine', engine, '--file', file, '--batch', batch], { stdio: ['ignore', 'pipe', 'inherit'], cwd: ROOT });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${kind} worker on ${engine} exited with ${code}`));
      resolvePromise(JSON.parse(out.trim().split('\n').pop()!) as Measure);
    });
  });
}

async function runWorker(kind: Measure['kind'], engine: Engine, file: string, batch: number): Promise<Measure> {
  const { db, dispose } = await freshDb(engine);
  try {
    const report = await migrate(db);
    if (!report.ok) throw new Error(`migration failed: ${report.error}`);
    const loadAtStart = loadavg()[0]!;
    const started = performance.now();
    let lines: number;
    let detail: string;
    if (kind === 'openmes') {
      const source = await openPopulationFile(file, 'ndjson'); // hashing the file is part of the import
      const s = await importPopulation(
        { db, clock: () => new Date(), lifecycle: { oppositionWindowDays: 42, retentionYears: 10 }, settings: { carersEnabled: true, medicoSocialEnabled: false, maxDocumentBytes: 20971520 } },
        { actor: { kind: 'operator', accountId: 'bench', displayName: 'Benchmark' }, requestId: null },
        source,
        { batchSize: batch, acceptTestOids: true },
      );
      lines = s.linesThisRun;
      detail = `(created ${s.created}, existing ${s.existing}, rejected ${s.rejected})`;
    } else {
      const inserted = await rawInsert(db, file, batch);
      lines = inserted.lines;
      detail = `(inserted ${inserted.inserted})`;
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      engine, kind, lines, seconds, rowsPerSecond: Math.round(lines / seconds),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), detail, loadAtStart,
    };
  } finally {
    await dispose();
  }
}

/** The baseline: the same rows, parsed, into a bare table (primary key on the INS), multi-row INSERTs. */
async function rawInsert(db: Db, file: string, batch: number): Promise<{ lines: number; inserted: number }> {
  await db.query(`CREATE TABLE raw_person (ins text PRIMARY KEY, ins_oid text, birth_name text, first_names text,
    birth_date text, sex text, birth_place text, email text, rep1_ins text, rep2_ins text)`);
  let lines = 0;
  let inserted = 0;
  let rows: Record<string, unknown>[] = [];
  const flush = async () => {
    const cols = ['ins', 'insOid', 'birthName', 'firstNames', 'birthDate', 'sex', 'birthPlace', 'email'].map((k) => rows.map((r) => (r[k] ?? null) as string | null));
    const reps = [0, 1].map((i) => rows.map((r) => ((r.legalRepresentatives as { ins: string }[] | undefined)?.[i]?.ins ?? null)));
    const res = await db.transaction((tx) => tx.query(
      `INSERT INTO raw_person SELECT i, o, bn, fn, bd, sx, bp, em, r1, r2
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
         AS t(i, o, bn, fn, bd, sx, bp, em, r1, r2)
       ON CONFLICT (ins) DO NOTHING`, [...cols, ...reps]));
    inserted += res.rowCount;
    rows = [];
  };
  for await (const line of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })) {
    lines++;
    try {
      const row = JSON.parse(line) as Record<string, unknown>;
      if (typeof row.ins === 'string') rows.push(row); // no validation: only a key is needed
    } catch { /* skip unparsable lines */ }
    if (rows.length >= batch) await flush();
  }
  if (rows.length > 0) await flush();
  return { lines, inserted };
}

export async function freshDb(engine: Engine): Promise<{ db: Db; dispose: () => Promise<void> }> {
  if (engine === 'pglite') {
    const dataDir = mkdtempSync(join(tmpdir(), 'openmes-bench-pglite-'));
    const db = await openDb({ dataDir });
    return { db, dispose: async () => { await db.close(); rmSync(dataDir, { recursive: true, force: true }); } };
  }
  const url = process.env.DATABASE_URL ?? DEFAULT_URL;
  const schema = `bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = await openDb({ databaseUrl: url, schema, poolSize: 2 });
  return {
    db,
    dispose: async () => {
      await db.close();
      const drop = new pg.Client({ connectionString: url });
      await drop.connect();
      await drop.query(`DROP SCHEMA ${schema} CASCADE`);
      await drop.end();
    },
  };
}

export function machine(): string {
  const cpuModel = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  let postgres = 'n/a';
  try {
    const url = process.env.DATABASE_URL ?? DEFAULT_URL;
    postgres = execFileSync('psql', [url, '-Atc', "select split_part(version(), ' ', 2) || ', fsync ' || current_setting('fsync') || ', synchronous_commit ' || current_setting('synchronous_commit') || ', shared_buffers ' || current_setting('shared_buffers')"], { encoding: 'utf8' }).trim();
  } catch { /* psql absent: leave n/a */ }
  return `${execFileSync('nproc', { encoding: 'utf8' }).trim()} CPU (${cpuModel}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ` +
    `Node ${process.version}, PostgreSQL ${postgres}`;
}

function writeReport(results: Measure[], rows: number, badRatio: number, batch: string): void {
  const path = join(ROOT, 'BENCHMARKS.md');
  if (!existsSync(path)) {
    writeFileSync(path, '# Benchmarks\n\nFigures measured on the project machine; each section is one run of `npm run bench`, newest last.\n');
  }
  const rawOf = (engine: Engine) => results.find((r) => r.engine === engine && r.kind === 'raw');
  const lines = results.map((r) => {
    const raw = rawOf(r.engine);
    const ratio = r.kind === 'raw' ? '1.00' : raw ? (r.rowsPerSecond / raw.rowsPerSecond).toFixed(2) : 'n/a';
    return `| ${r.engine} | ${r.kind === 'raw' ? 'raw baseline (bare table, PK on ins, unnest INSERT, no checks, no audit)' : 'OpenMES import'} | ${r.lines.toLocaleString('en')} | ` +
      `${r.seconds.toFixed(1)} s | **${r.rowsPerSecond.toLocaleString('en')}** | ${ratio} | ${r.peakRssMb} MB | ${r.loadAtStart.toFixed(1)} | ${r.detail.replace(/[()]/g, '')} |`;
  });
  appendFileSync(path, [
    '',
    `## Population import — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${machine()}.`,
    `Workload: \`npm run bench -- import --rows ${rows}\` — ${rows.toLocaleString('en')} NDJSON rows (bad ratio ${badRatio}, ~20 % minors), ` +
      `batches of ${batch}; PGlite on disk in a temp dir, PostgreSQL in a fresh schema. Rows/s count every line read ` +
      '(hashing the file included for OpenMES); ratio = OpenMES ÷ raw on the same engine; peak RSS of the measuring process ' +
      '(PGlite runs inside it, so its RSS includes the database engine); load = 1-minute load average when the measure started.',
    '',
    '| engine | what | rows | duration | rows/s | ratio to raw | peak RSS | load at start | outcome |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...lines,
    '',
  ].join('\n'));
  process.stderr.write(`appended to ${path}\n`);
}
