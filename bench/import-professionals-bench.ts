import { appendFileSync, createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDirectoryFile } from '../src/cli/directory-files.ts';
import { importProfessionals } from '../src/services/import-professionals.ts';
import { loadReferenceData } from '../src/services/load-reference-data.ts';
import type { Db } from '../src/store/db.ts';
import { migrate } from '../src/store/migrator.ts';
import { directoryHeader, directoryLine, rppsFor } from '../test/support/directory.ts';
import { seededRandom } from '../test/support/seeded-random.ts';
import { freshDb, machine, type Engine } from './import-bench.ts';

/**
 * `npm run bench -- professionals [--rows 200000] [--engines pglite,postgres] [--batch 5000] [--no-write]`
 * Generates a directory extract (1 % bad lines, 10 % second activities), loads it into a fresh database,
 * then loads a second extract (5 % moved, 2 % gone) to measure updates and ends of activity; the raw
 * baseline inserts the same lines into a bare table (PK on the RPPS, unnest, no checks, no audit).
 */
const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
type Measure = { engine: Engine; kind: string; lines: number; seconds: number; rowsPerSecond: number; detail: string; load: number };

export async function runProfessionalsBench(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: {
    rows: { type: 'string', default: '200000' }, engines: { type: 'string', default: 'pglite,postgres' },
    batch: { type: 'string', default: '5000' }, 'no-write': { type: 'boolean', default: false },
  } });
  const rows = Number(values.rows);
  const batchSize = Number(values.batch);
  const dir = mkdtempSync(join(tmpdir(), 'openmes-bench-directory-'));
  try {
    const first = join(dir, 'extract-1.txt');
    const second = join(dir, 'extract-2.txt');
    writeExtract(first, rows, 1);
    writeExtract(second, rows, 2);
    const results: Measure[] = [];
    for (const engine of values.engines.split(',').map((e) => e.trim()) as Engine[]) {
      const { db, dispose } = await freshDb(engine);
      try {
        const report = await migrate(db);
        if (!report.ok) throw new Error(`migration failed: ${report.error}`);
        results.push(await measure(engine, 'raw baseline', () => rawInsert(db, first, batchSize)));
        const deps = { db, clock: () => new Date(), settings: { carersEnabled: true, medicoSocialEnabled: false, maxDocumentBytes: 20971520 }, reference: loadReferenceData(new Date()) };
        const ctx = { actor: { kind: 'operator' as const, accountId: 'bench', displayName: 'Benchmark' }, requestId: null };
        for (const [kind, file] of [['first load', first], ['second extract (updates, ends)', second]] as const) {
          results.push(await measure(engine, kind, async () => {
            const s = await importProfessionals(deps, ctx, await openDirectoryFile(file), { batchSize });
            return { lines: s.linesThisRun, detail: `created ${s.created}, updated ${s.updated}, unchanged ${s.unchanged}, other activity ${s.otherActivity}, rejected ${s.rejected}, ended ${s.ended}` };
          }));
        }
      } finally {
        await dispose();
      }
    }
    for (const r of results) process.stderr.write(`${r.engine} ${r.kind}: ${r.rowsPerSecond} lines/s (${r.detail})\n`);
    if (!values['no-write']) writeReport(results, rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `round` 1: the first extract; 2: 5 % moved to another structure, 2 % gone, 1 % new. */
function writeExtract(path: string, rows: number, round: 1 | 2): void {
  const random = seededRandom(42);
  const out: string[] = [directoryHeader()];
  for (let i = 0; i < rows; i++) {
    const r = random();
    if (round === 2 && r < 0.02) continue;
    const moved = round === 2 && r >= 0.02 && r < 0.07;
    const bad = r > 0.99;
    const person = {
      rpps: bad ? '123' : rppsFor(i), familyName: `NOM${i}`, givenName: 'Camille', profession: ['10', '21', '60', '50', '70'][i % 5]!,
      finess: moved ? '750000028' : '750000010', structureName: moved ? 'Hôpital Saint-Louis' : 'Cabinet médical des Lilas',
    };
    out.push(directoryLine(person));
    if (i % 10 === 0) out.push(directoryLine({ ...person, finess: '750000036', structureName: 'Centre de santé' }));
  }
  if (round === 2) for (let i = rows; i < rows + rows / 100; i++) out.push(directoryLine({ rpps: rppsFor(i), familyName: `NOM${i}`, givenName: 'Lou', profession: '10' }));
  writeFileSync(path, `${out.join('\r\n')}\r\n`);
}

async function measure(engine: Engine, kind: string, run: () => Promise<{ lines: number; detail: string }>): Promise<Measure> {
  const load = loadavg()[0]!;
  const started = performance.now();
  const { lines, detail } = await run();
  const seconds = (performance.now() - started) / 1000;
  return { engine, kind, lines, seconds, rowsPerSecond: Math.round(lines / seconds), detail, load };
}

async function rawInsert(db: Db, file: string, batch: number): Promise<{ lines: number; detail: string }> {
  await db.query('CREATE TABLE raw_professional (rpps text PRIMARY KEY, family_name text, given_name text, profession text, finess text, structure text)');
  let lines = 0;
  let inserted = 0;
  let rows: string[][] = [];
  const flush = async () => {
    const cols = [1, 7, 8, 9, 21, 24].map((c) => rows.map((r) => r[c] ?? null));
    const res = await db.query(`INSERT INTO raw_professional SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) ON CONFLICT DO NOTHING`, cols);
    inserted += res.rowCount;
    rows = [];
  };
  for await (const line of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })) {
    if (lines++ === 0) continue;
    rows.push(line.split('|'));
    if (rows.length >= batch) await flush();
  }
  if (rows.length > 0) await flush();
  return { lines: lines - 1, detail: `inserted ${inserted}` };
}

function writeReport(results: Measure[], rows: number): void {
  const raw = (e: Engine) => results.find((r) => r.engine === e && r.kind === 'raw baseline');
  appendFileSync(join(ROOT, 'BENCHMARKS.md'), [
    '', `## Directory of professionals import — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`, '',
    `\`npm run bench -- professionals --rows ${rows}\` — ${machine()}.`, '',
    '| engine | run | lines | time | lines/s | × raw | load | detail |', '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...results.map((r) => `| ${r.engine} | ${r.kind} | ${r.lines.toLocaleString('en')} | ${r.seconds.toFixed(1)} s | **${r.rowsPerSecond.toLocaleString('en')}** | ` +
      `${raw(r.engine) ? (r.rowsPerSecond / raw(r.engine)!.rowsPerSecond).toFixed(2) : 'n/a'} | ${r.load.toFixed(1)} | ${r.detail} |`),
    '',
  ].join('\n'));
}
