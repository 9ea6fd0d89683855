import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openPopulationFile, rejectReportFile } from '../src/cli/population-files.ts';
import type { Actor } from '../src/domain/actor.ts';
import { SYSTEM_CHAIN } from '../src/domain/audit-chain.ts';
import { importPopulation, type ImportDeps, type RejectEntry, type RejectSink } from '../src/services/import-population.ts';
import { seedDemoPopulation } from '../src/services/seed-demo-population.ts';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { findDossierIdByIns } from '../src/store/dossier-repo.ts';
import { csv, memorySource, ndjson, person } from './support/population.ts';
import { createTestDb, ENGINE, type TestDb } from './support/test-db.ts';

const NOW = new Date('2026-06-01T10:00:00Z');
const OPERATOR: Actor = { kind: 'operator', accountId: 'op-1', displayName: 'Opératrice de test' };
const ctx = { actor: OPERATOR, requestId: null };

let db: TestDb;
let deps: ImportDeps;
let dir: string;
const depsAt = (at: Date): ImportDeps => ({ db, clock: () => at, lifecycle: { oppositionWindowDays: 42, retentionYears: 10 }, settings: { carersEnabled: true, medicoSocialEnabled: false, maxDocumentBytes: 20971520 } });

beforeAll(async () => {
  db = await createTestDb();
  deps = depsAt(NOW);
  dir = mkdtempSync(join(tmpdir(), 'openmes-import-'));
});
afterAll(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});
// Every test works on its own people (distinct INS order numbers), so they share one database.
afterEach(async () => {
  expect((await verifyAudit(db)).problems).toEqual([]);
});

/** A dossier id is random: found through the INS index, never computed from the INS. */
const idOf = async (ins: string): Promise<string> => {
  const id = await findDossierIdByIns(db, ins);
  if (!id) throw new Error(`no dossier for ${ins}`);
  return id;
};
const idsOf = (ins: string[]) => Promise.all(ins.map(idOf));
const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: number }>(sql, params)).rows[0]!.n);
const readReport = (path: string): RejectEntry[] => readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as RejectEntry);

/** Digest of everything an import writes (audit of dossier chains included, system chain apart). */
async function digest(): Promise<string> {
  const parts = [];
  for (const [table, order] of [['dossier', 'dossier_id'], ['dossier_by_ins', 'ins'], ['dossier_relationship', 'dossier_id, related_dossier_id'], ['import_job', 'job_id']] as const) {
    parts.push((await db.query<{ d: string }>(`SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY ${order}), '')) AS d FROM ${table} t`)).rows[0]!.d);
  }
  parts.push((await db.query<{ d: string }>(
    `SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY dossier_id, seq), '')) AS d FROM audit_event t WHERE dossier_id <> $1`, [SYSTEM_CHAIN])).rows[0]!.d);
  return parts.join(':');
}

function writeFile(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

// People of the small file: two adults, their child, an adult with bad rows around them.
const mum = person(101, { sex: 'F', email: 'maman@example.org' });
const dad = person(102, { sex: 'M' });
const child = person(103, { minor: true, reps: [mum.ins, dad.ins] });
const loner = person(104);
const smallRows = [
  mum,
  '{"ins": "oops"',
  dad,
  { ...person(105), ins: `${person(105).ins.slice(0, 13)}00` },
  child,
  { ...person(106), legalRepresentatives: [{ ins: mum.ins }] },
  { ...person(107, { minor: true }), legalRepresentatives: [{ ins: '123' }] },
  { ...person(108, { sex: 'M' }), sex: 'F' as const },
  mum,
  loner,
];
const expectedRejects = [
  [2, 'IMPORT_BAD_JSON'], [4, 'IDENTITY_INS_KEY'], [6, 'IMPORT_REPRESENTATIVE_OF_ADULT'], [7, 'IDENTITY_INS_FORMAT'],
  [8, 'IDENTITY_INS_TRAITS_MISMATCH'], [9, 'IMPORT_DUPLICATE_INS'],
];

describe(`population import (${ENGINE})`, () => {
  it('imports an NDJSON file: valid rows created, bad rows reported by line and code only', async () => {
    const file = writeFile('small.ndjson', ndjson(smallRows));
    const report = `${file}.rejects.ndjson`;
    const summary = await importPopulation(deps, ctx, await openPopulationFile(file, 'ndjson'), { batchSize: 4, rejects: rejectReportFile(report), now: NOW });
    expect(summary).toMatchObject({ status: 'completed', created: 4, existing: 0, rejected: 6, lines: 10, linesThisRun: 10 });
    expect(readReport(report).map((r) => [r.line, r.code])).toEqual(expectedRejects);
    for (const r of readReport(report)) expect(Object.keys(r).sort()).toEqual(['code', 'field', 'line', 'message']);
    expect(readFileSync(report, 'utf8')).not.toContain('DUPONT'); // never the row's identity
    expect(readReport(report).find((r) => r.line === 9)!.message).toContain('ligne 1');

    const rows = await db.query<{ dossier_id: string; state: string; created_at: Date; opposition_deadline: Date; email: string | null; first_names: string }>(
      'SELECT * FROM dossier WHERE dossier_id = ANY($1::uuid[]) ORDER BY ins', [await idsOf([mum, dad, child, loner].map((p) => p.ins))]);
    expect(rows.rows).toHaveLength(4);
    for (const r of rows.rows) {
      expect(r.state).toBe('created');
      expect(r.created_at.toISOString()).toBe(NOW.toISOString());
      expect(r.opposition_deadline.toISOString()).toBe('2026-07-13T10:00:00.000Z'); // 42 days
    }
    expect(await count('SELECT count(*) AS n FROM dossier_by_ins WHERE ins = ANY($1::text[])', [[mum.ins, dad.ins, child.ins, loner.ins]])).toBe(4);
    const audit = await db.query<{ action: string; outcome: string; reason: string; actor_id: string; details: Record<string, unknown> }>(
      'SELECT * FROM audit_event WHERE dossier_id = $1', [await idOf(child.ins)]);
    expect(audit.rows).toEqual([expect.objectContaining({
      action: 'dossier.lifecycle.create', outcome: 'allowed', reason: 'DOSSIER_CREATED_BY_IMPORT', actor_id: 'op-1',
      details: { importJobId: summary.jobId, line: 5 },
    })]);
  });

  it('creates legal-representative links, ranked, for the minors', async () => {
    const links = await db.query<{ kind: string; related_dossier_id: string; related_ins: string; rank: number; granted_at: Date }>(
      'SELECT * FROM dossier_relationship WHERE dossier_id = $1 ORDER BY rank', [await idOf(child.ins)]);
    expect(links.rows.map((l) => [l.kind, l.related_dossier_id, l.related_ins, l.rank, l.granted_at.toISOString()])).toEqual([
      ['legal_representative', await idOf(mum.ins), mum.ins, 1, NOW.toISOString()],
      ['legal_representative', await idOf(dad.ins), dad.ins, 2, NOW.toISOString()],
    ]);
  });

  it('re-running a finished file changes nothing and says so (one system audit entry for the attempt)', async () => {
    const file = join(dir, 'small.ndjson');
    const before = await digest();
    const auditBefore = await count('SELECT count(*) AS n FROM audit_event');
    const summary = await importPopulation(deps, ctx, await openPopulationFile(file, 'ndjson'), { rejects: rejectReportFile(`${file}.rejects.ndjson`) });
    expect(summary).toMatchObject({ status: 'already_complete', created: 4, existing: 0, rejected: 6, linesThisRun: 0 });
    expect(await digest()).toBe(before);
    expect(await count('SELECT count(*) AS n FROM audit_event')).toBe(auditBefore + 1);
    const last = await db.query<{ details: Record<string, unknown> }>('SELECT details FROM audit_event WHERE dossier_id = $1 ORDER BY seq DESC LIMIT 1', [SYSTEM_CHAIN]);
    expect(last.rows[0]!.details).toMatchObject({ step: 'start', alreadyComplete: true });
    expect(readReport(`${file}.rejects.ndjson`)).toHaveLength(6); // the report is left as it was
  });

  it('imports a CSV file; people already there from another file count as existing', async () => {
    const newcomer = person(110, { minor: true, reps: [loner.ins] });
    const file = writeFile('small.csv', csv([...smallRows, newcomer, '1,2,3']));
    const summary = await importPopulation(deps, ctx, await openPopulationFile(file, 'csv'), { batchSize: 3, rejects: rejectReportFile(`${file}.rejects.ndjson`) });
    // lines count the header: person rows are on line n + 1; line 10 (mum again) is existing, not a duplicate, as line 2 was
    expect(summary).toMatchObject({ status: 'completed', created: 1, existing: 5, rejected: 6, lines: 13 });
    expect(readReport(`${file}.rejects.ndjson`).map((r) => [r.line, r.code])).toEqual([
      [3, 'IMPORT_BAD_CSV'], [5, 'IDENTITY_INS_KEY'], [7, 'IMPORT_REPRESENTATIVE_OF_ADULT'], [8, 'IDENTITY_INS_FORMAT'],
      [9, 'IDENTITY_INS_TRAITS_MISMATCH'], [13, 'IMPORT_BAD_CSV'],
    ]);
    expect(await count('SELECT count(*) AS n FROM dossier_relationship WHERE dossier_id = $1', [await idOf(newcomer.ins)])).toBe(1);
  });

  it('stops at a bad CSV header before writing anything', async () => {
    const before = await digest();
    const src = memorySource(['ins,nom', 'x,y'], 'csv', 'bad.csv');
    await expect(importPopulation(deps, ctx, src)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', issues: [{ code: 'IMPORT_BAD_HEADER' }] });
    expect(await digest()).toBe(before);
  });

  it('resumes after a crash: every row exactly once, each reject reported once', async () => {
    // a minute passes between runs: a job quiet for IMPORT_LEASE_SECONDS may be taken over
    let t = NOW.getTime();
    const deps: ImportDeps = { ...depsAt(NOW), clock: () => new Date((t += 60_000)) };
    const people = Array.from({ length: 9 }, (_, i) => person(200 + i));
    const lines = ndjson([people[0]!, people[1]!, 'bad', people[2]!, people[3]!, people[0]!, people[4]!, 'bad', ...people.slice(5)]);
    const file = writeFile('crash.ndjson', lines);
    const report = `${file}.rejects.ndjson`;
    // 1st run: dies after its first committed batch (an injected failure, as a kill would)
    await expect(importPopulation(deps, ctx, await openPopulationFile(file, 'ndjson'), {
      batchSize: 2, rejects: rejectReportFile(report), onBatchCommitted: () => { throw new Error('killed'); },
    })).rejects.toThrow('killed');
    expect(await count('SELECT lines_committed AS n FROM import_job WHERE source_name = $1', ['crash.ndjson'])).toBe(2);
    // 2nd run: dies inside a transaction, after its rejects reached the report but before the commit
    let writes = 0;
    const sink = rejectReportFile(report);
    const failing: RejectSink = { reset: sink.reset, write: async (e) => { await sink.write(e); if (e.length > 0 && ++writes === 1) throw new Error('disk gone'); } };
    await expect(importPopulation(deps, ctx, await openPopulationFile(file, 'ndjson'), { batchSize: 2, rejects: failing })).rejects.toThrow('disk gone');
    expect(await count('SELECT lines_committed AS n FROM import_job WHERE source_name = $1', ['crash.ndjson'])).toBe(2);
    // 3rd run completes
    const summary = await importPopulation(deps, ctx, await openPopulationFile(file, 'ndjson'), { batchSize: 2, rejects: rejectReportFile(report) });
    expect(summary).toMatchObject({ status: 'completed', resumedFromLine: 2, created: 9, existing: 0, rejected: 3, lines: 12 });
    expect(readReport(report).map((r) => [r.line, r.code])).toEqual([[3, 'IMPORT_BAD_JSON'], [6, 'IMPORT_DUPLICATE_INS'], [8, 'IMPORT_BAD_JSON']]);
    const ids = await idsOf(people.map((p) => p.ins));
    expect(await count('SELECT count(*) AS n FROM dossier WHERE dossier_id = ANY($1::uuid[])', [ids])).toBe(9);
    expect(await count('SELECT count(*) AS n FROM audit_event WHERE dossier_id = ANY($1::uuid[])', [ids])).toBe(9);
  });

  it('refuses a second run of a file while the first one is making progress', async () => {
    const lines = ndjson([person(250), person(251), person(252)]);
    let second: Promise<unknown> | null = null;
    const summary = await importPopulation(deps, ctx, memorySource(lines), {
      batchSize: 1,
      onBatchCommitted: () => { second ??= importPopulation(deps, ctx, memorySource(lines)).catch((err: unknown) => err); },
    });
    expect(summary).toMatchObject({ status: 'completed', created: 3 });
    expect(await second).toMatchObject({ code: 'IDEMPOTENCY_IN_FLIGHT' });
  });

  it('reads lazily: never more than the batch in flight plus the one being prepared', async () => {
    const batchSize = 5;
    let committed = 0;
    let read = 0;
    async function* lines(): AsyncGenerator<string> {
      for (let i = 0; i < 60; i++) {
        read++;
        if (read > committed + 2 * batchSize) throw new Error(`read line ${read} with only ${committed} committed`);
        yield JSON.stringify(person(300 + i));
      }
    }
    const summary = await importPopulation(deps, ctx, { ...memorySource([]), sha256: 'lazy-source', lines: lines() }, {
      batchSize, onBatchCommitted: (p) => { committed = p.lines; },
    });
    expect(summary).toMatchObject({ status: 'completed', created: 60, lines: 60 });
  });

  it('detects a duplicate across batches when this import created the earlier line', async () => {
    const a = person(400);
    const summary = await importPopulation(deps, ctx, memorySource(ndjson([a, person(401), person(402), a])), { batchSize: 2 });
    expect(summary).toMatchObject({ created: 3, existing: 0, rejected: 1 });
  });

  it('refuses anyone but an operator, and traces the refusal', async () => {
    const citizen: Actor = { kind: 'person', accountId: 'acc-9', dossierId: await idOf(mum.ins), displayName: 'M' };
    const before = await digest();
    await expect(importPopulation(deps, { actor: citizen, requestId: 'r-1' }, memorySource(ndjson([person(500)]))))
      .rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    expect(await digest()).toBe(before);
    const last = await db.query<{ outcome: string; reason: string; action: string }>('SELECT * FROM audit_event WHERE dossier_id = $1 ORDER BY seq DESC LIMIT 1', [SYSTEM_CHAIN]);
    expect(last.rows[0]).toMatchObject({ action: 'population.import', outcome: 'denied', reason: 'POLICY_OPERATOR_ONLY' });
  });

  it('records the run on the system chain: start, then end with the counts', async () => {
    const summary = await importPopulation(deps, ctx, memorySource(ndjson([person(600), 'x'])));
    const entries = await db.query<{ action: string; reason: string; target_id: string; details: Record<string, unknown> }>(
      'SELECT * FROM audit_event WHERE dossier_id = $1 AND target_id = $2 ORDER BY seq', [SYSTEM_CHAIN, summary.jobId]);
    expect(entries.rows.map((e) => [e.action, e.reason, e.details.step])).toEqual([
      ['population.import', 'POLICY_OPERATOR', 'start'], ['population.import', 'IMPORT_COMPLETED', 'end'],
    ]);
    expect(entries.rows[1]!.details).toMatchObject({ created: 1, existing: 0, rejected: 1, lines: 2 });
  });

  it('seeds the demo population once: three adults with e-mails, a child with both parents', async () => {
    const first = await seedDemoPopulation(deps);
    expect(first.map((p) => `${p.givenName} ${p.familyName} <${p.email}>`)).toEqual([
      'Marie Martin <marie.martin@demo.openmes.local>', 'Paul Durand <paul.durand@demo.openmes.local>', 'Claire Bernard <claire.bernard@demo.openmes.local>',
    ]);
    expect(await count(`SELECT count(*) AS n FROM dossier WHERE ins_oid = '1.2.250.1.213.1.4.11'`)).toBe(4);
    const links = await db.query<{ related_dossier_id: string }>(
      `SELECT r.related_dossier_id FROM dossier_relationship r JOIN dossier d USING (dossier_id) WHERE d.ins_oid = '1.2.250.1.213.1.4.11' ORDER BY r.rank`);
    expect(links.rows.map((l) => l.related_dossier_id)).toEqual([first[0]!.dossierId, first[1]!.dossierId]);
    const before = await digest();
    expect(await seedDemoPopulation(deps)).toEqual(first);
    expect(await digest()).toBe(before);
  });
});

describe('reject report file', () => {
  it('drops the entries past the committed line when an import resumes', async () => {
    const path = join(dir, 'r.ndjson');
    const sink = rejectReportFile(path);
    await sink.reset(0);
    expect(existsSync(path)).toBe(false);
    await sink.write([{ line: 2, field: '$', code: 'A', message: 'a' }, { line: 9, field: 'ins', code: 'B', message: 'b' }]);
    await sink.reset(5);
    expect(readReport(path)).toEqual([{ line: 2, field: '$', code: 'A', message: 'a' }]);
  });
});
