import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openDirectoryFile } from '../src/cli/directory-files.ts';
import { rejectReportFile } from '../src/cli/population-files.ts';
import type { Actor } from '../src/domain/actor.ts';
import { SYSTEM_CHAIN } from '../src/domain/audit-chain.ts';
import { importProfessionals, type DirectorySource } from '../src/services/import-professionals.ts';
import { loadReferenceData } from '../src/services/load-reference-data.ts';
import { loadTokenSubject } from '../src/services/token-subject.ts';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { insertAccount } from '../src/store/account-repo.ts';
import { searchProfessionals } from '../src/store/professional-directory-repo.ts';
import { directoryHeader, directoryLine, rppsFor, type DirectoryPerson } from './support/directory.ts';
import { createTestDb, type TestDb } from './support/test-db.ts';

const NOW = new Date('2026-06-01T10:00:00Z');
const OPERATOR: Actor = { kind: 'operator', accountId: 'op-1', displayName: 'Opératrice de test' };
const ctx = { actor: OPERATOR, requestId: null };
const reference = loadReferenceData(NOW);
const settings = { carersEnabled: true, medicoSocialEnabled: false, maxDocumentBytes: 20971520 };

let db: TestDb;
let dir: string;
let clockAt = NOW;
const deps = () => ({ db, clock: () => clockAt, settings, reference });

beforeAll(async () => {
  db = await createTestDb();
  dir = mkdtempSync(join(tmpdir(), 'openmes-directory-'));
});
afterAll(async () => {
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  expect((await verifyAudit(db)).problems).toEqual([]);
});

let fileNo = 0;
/** Writes an extract (header + lines) and opens it as the CLI does. */
async function extract(lines: string[], encoding: BufferEncoding = 'utf8'): Promise<{ source: DirectorySource; path: string }> {
  const path = join(dir, `PS_LibreAcces_Personne_activite_${++fileNo}.txt`);
  writeFileSync(path, Buffer.from(`${[directoryHeader(), ...lines].join('\r\n')}\r\n`, encoding));
  return { source: await openDirectoryFile(path), path };
}

const account = async (rpps: string) => (await db.query<{
  account_id: string; given_name: string; family_name: string; profession: string; specialty: string | null;
  structure_finess: string | null; structure_siret: string | null; structure_name: string | null; ended_at: Date | null;
}>('SELECT * FROM account WHERE rpps = $1', [rpps])).rows[0];

// Every test uses its own RPPS range, so they share one database.
const person = (n: number, over: Partial<DirectoryPerson> = {}): DirectoryPerson => ({
  rpps: rppsFor(n), familyName: `NOM${n}`, givenName: 'Élise', profession: '10', specialty: 'SM54',
  finess: '750000010', structureName: 'Cabinet médical des Lilas', ...over,
});

describe('openmes import professionals: loading the public directory', () => {
  it('creates one account per RPPS, keeps the first activity, reports bad lines and finds the professionals', async () => {
    const { source, path } = await extract([
      directoryLine(person(100)),
      directoryLine(person(100, { finess: '750000028', structureName: 'Hôpital Saint-Louis' })), // a second activity
      directoryLine(person(101, { profession: '21', specialty: '', finess: '', siret: '', structureName: 'Pharmacie du Marché' })),
      directoryLine(person(102, { rpps: '123' })), // not an RPPS
      directoryLine(person(103, { idType: '0' })), // ADELI only
      directoryLine(person(104, { profession: '99' })), // unknown profession
      directoryLine(person(105, { finess: '750000011' })), // wrong FINESS key
      'not|enough|columns|',
    ]);
    const report = `${path}.rejects.ndjson`;
    const summary = await importProfessionals(deps(), ctx, source, { batchSize: 3, rejects: rejectReportFile(report) });
    expect(summary).toMatchObject({ status: 'completed', created: 2, updated: 0, otherActivity: 1, rejected: 5, ended: 0, lines: 9 });
    expect(await account(rppsFor(100))).toMatchObject({
      given_name: 'Élise', family_name: 'NOM100', profession: 'G15:10', specialty: 'SM54', structure_finess: '750000010', structure_name: 'Cabinet médical des Lilas', ended_at: null,
    });
    expect(await account(rppsFor(101))).toMatchObject({ profession: 'G15:21', specialty: null, structure_finess: null, structure_name: 'Pharmacie du Marché' });
    const rejected = readFileSync(report, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; code: string });
    expect(rejected.map((r) => [r.line, r.code])).toEqual([
      [5, 'IDENTITY_RPPS_FORMAT'], [6, 'DIRECTORY_ID_TYPE'], [7, 'DIRECTORY_PROFESSION'], [8, expect.stringMatching(/FINESS/)], [9, 'DIRECTORY_COLUMNS'],
    ]);
    // The directory search of the portals finds them (accents folded), and they can sign in.
    expect((await searchProfessionals(db, 'nom100', 10)).map((p) => p.rpps)).toEqual([rppsFor(100)]);
    expect(await loadTokenSubject(deps(), (await account(rppsFor(100)))!.account_id)).toMatchObject({ actor: { kind: 'professional', rpps: rppsFor(100) } });
    // Traced on the system chain: a start and an end entry with the counts.
    const trail = await db.query<{ action: string; details: Record<string, unknown> }>(
      "SELECT action, details FROM audit_event WHERE dossier_id = $1 AND action = 'directory.import' ORDER BY seq", [SYSTEM_CHAIN]);
    expect(trail.rows.map((r) => r.details.step)).toEqual(['start', 'end']);
    expect(trail.rows[1]!.details).toMatchObject({ created: 2, rejected: 5, ended: 0 });
  });

  it('changes nothing when the same extract is loaded again', async () => {
    const { source } = await extract([directoryLine(person(200)), directoryLine(person(201))]);
    await importProfessionals(deps(), ctx, source);
    const before = await account(rppsFor(200));
    const again = await importProfessionals(deps(), ctx, await openDirectoryFile(join(dir, `PS_LibreAcces_Personne_activite_${fileNo}.txt`)));
    expect(again).toMatchObject({ status: 'already_complete', created: 2 });
    expect(await account(rppsFor(200))).toEqual(before);
  });

  it('a new full extract updates what changed, ends the activity of those it omits, and brings them back when listed again', async () => {
    const handMade = rppsFor(399);
    await insertAccount(db, {
      account_id: '0f000000-0000-4000-8000-000000000399', kind: 'professional', email: null, password_hash: null, given_name: 'Main', family_name: 'FAITE',
      dossier_id: null, rpps: handMade, profession: 'G15:60', specialty: null, structure_finess: null, structure_name: null,
    }, NOW);
    await importProfessionals(deps(), ctx, (await extract([directoryLine(person(300)), directoryLine(person(301)), directoryLine(person(302))])).source);
    clockAt = new Date('2026-07-01T10:00:00Z');
    const second = await importProfessionals(deps(), ctx, (await extract([
      directoryLine(person(300, { finess: '750000028', structureName: 'Hôpital Saint-Louis' })), // moved
      directoryLine(person(302)), // unchanged
      directoryLine(person(303)), // new
    ])).source);
    // Accounts loaded by the earlier tests' extracts are not in this one either: they end too.
    expect(second).toMatchObject({ status: 'completed', created: 1, updated: 1, unchanged: 1 });
    expect(second.ended).toBeGreaterThanOrEqual(1);
    expect(await account(rppsFor(300))).toMatchObject({ structure_finess: '750000028', structure_name: 'Hôpital Saint-Louis', ended_at: null });
    const ended = (await account(rppsFor(301)))!;
    expect(ended.ended_at).toEqual(clockAt);
    expect(await loadTokenSubject(deps(), ended.account_id)).toBeNull(); // no sign-in, no token
    expect(await searchProfessionals(db, 'nom301', 10)).toEqual([]);
    expect((await account(handMade))!.ended_at).toBeNull(); // only what a directory brought in is ended by one
    const third = await importProfessionals(deps(), ctx, (await extract([directoryLine(person(301)), directoryLine(person(302)), directoryLine(person(303))])).source, { fullExtract: false });
    expect(third).toMatchObject({ updated: 1, unchanged: 2, ended: 0 }); // a partial file ends nobody
    expect((await account(rppsFor(301)))!.ended_at).toBeNull();
    expect((await account(rppsFor(300)))!.ended_at).toBeNull();
    clockAt = NOW;
  });

  it('resumes after the last committed batch when interrupted, reporting each bad line once', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => directoryLine(person(400 + i, i % 4 === 3 ? { profession: '99' } : {})));
    const { source, path } = await extract(lines);
    const report = `${path}.rejects.ndjson`;
    let batches = 0;
    await expect(importProfessionals(deps(), ctx, source, {
      batchSize: 4, rejects: rejectReportFile(report),
      onBatchCommitted: () => { if (++batches === 1) throw new Error('killed'); },
    })).rejects.toThrow('killed');
    expect((await account(rppsFor(400)))).toBeDefined();
    expect((await account(rppsFor(409)))).toBeUndefined();
    const resumed = await importProfessionals(deps(), ctx, await openDirectoryFile(path), { batchSize: 4, rejects: rejectReportFile(report) });
    expect(resumed).toMatchObject({ status: 'completed', resumedFromLine: 5, created: 8, rejected: 2, lines: 11 });
    expect(readFileSync(report, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { line: number }).line)).toEqual([5, 9]);
  });

  it('reads older Latin-1 extracts as well as UTF-8 ones', async () => {
    const { source } = await extract([directoryLine(person(500, { familyName: 'LÉVÊQUE', givenName: 'Hélène' }))], 'latin1');
    await importProfessionals(deps(), ctx, source, { fullExtract: false });
    expect(await account(rppsFor(500))).toMatchObject({ family_name: 'LÉVÊQUE', given_name: 'Hélène' });
  });

  it('refuses a file that is not a directory extract, and anyone but the operator, leaving a trace', async () => {
    const path = join(dir, 'other.txt');
    writeFileSync(path, 'nom;prenom\nDUPONT;Jean\n');
    await expect(importProfessionals(deps(), ctx, await openDirectoryFile(path))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const pro: Actor = { kind: 'professional', accountId: 'p-1', displayName: 'Dr X', rpps: rppsFor(600), profession: 'G15:10', specialty: null, structure: null };
    const { source } = await extract([directoryLine(person(601))]);
    await expect(importProfessionals(deps(), { actor: pro, requestId: null }, source)).rejects.toMatchObject({ status: 403 });
    expect(await account(rppsFor(601))).toBeUndefined();
    const denied = await db.query("SELECT reason FROM audit_event WHERE dossier_id = $1 AND action = 'directory.import' AND outcome = 'denied'", [SYSTEM_CHAIN]);
    expect(denied.rows).toEqual([{ reason: 'POLICY_OPERATOR_ONLY' }]);
  });
});

describe('the CLI', { timeout: 240_000 }, () => {
  it('loads the documented sample and prints counts only', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, OPENMES_DATA_DIR: join(dir, 'data'), OPENMES_MODE: 'development' };
    delete env.DATABASE_URL;
    const run = promisify(execFile);
    const sample = join(dir, 'sample.txt');
    writeFileSync(sample, readFileSync('docs/samples/PS_LibreAcces_Personne_activite_sample.txt'));
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'import', 'professionals', sample], { env });
    expect(stdout).toMatch(/^created 4, updated 0, unchanged 0, other activity lines 1, rejected 1, ended 0, lines 7, \d+ rows\/s\n$/);
    expect(`${stdout}${stderr}`).not.toContain('LEROY');
    await expect(run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'import', 'professionals'], { env }))
      .rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('openmes import professionals FILE') });
  });
});
