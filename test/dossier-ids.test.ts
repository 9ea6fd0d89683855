import { hash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { importPopulation, type ImportDeps } from '../src/services/import-population.ts';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { findDossierIdByIns } from '../src/store/dossier-repo.ts';
import { memorySource, ndjson, person } from './support/population.ts';
import { createTestDb, ENGINE, type TestDb } from './support/test-db.ts';

const NOW = new Date('2026-06-01T10:00:00Z');
const OPERATOR: Actor = { kind: 'operator', accountId: 'op-1', displayName: 'Opératrice de test' };
const ctx = { actor: OPERATOR, requestId: null };
const depsFor = (db: TestDb): ImportDeps => ({
  db, clock: () => NOW, lifecycle: { oppositionWindowDays: 42, retentionYears: 10 },
  settings: { carersEnabled: true, medicoSocialEnabled: false, maxDocumentBytes: 20971520 },
});
const idOf = async (db: TestDb, ins: string) => (await findDossierIdByIns(db, ins))!;

let first: TestDb;
let second: TestDb;
beforeAll(async () => { [first, second] = await Promise.all([createTestDb(), createTestDb()]); });
afterAll(async () => { await Promise.all([first.drop(), second.drop()]); });

const alice = person(801, { sex: 'F' });

describe(`dossier ids carry no identity (${ENGINE})`, () => {
  it('the same INS imported into two fresh databases gets two different random ids', async () => {
    for (const db of [first, second]) expect(await importPopulation(depsFor(db), ctx, memorySource(ndjson([alice])))).toMatchObject({ created: 1 });
    const [a, b] = [await idOf(first, alice.ins), await idOf(second, alice.ins)];
    expect(a).not.toBe(b);
    for (const id of [a, b]) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/); // UUIDv4
  });

  it('the id is no hash of the INS (nor of the INS with its OID or the former prefix)', async () => {
    const id = await idOf(first, alice.ins);
    const hex = id.replace(/-/g, '');
    const inputs = [alice.ins, alice.ins.slice(0, 13), `openmes-dossier|${alice.ins}`, `${alice.ins}^^^&1.2.250.1.213.1.4.8&ISO`];
    for (const input of inputs) {
      for (const algorithm of ['md5', 'sha1', 'sha256', 'sha512', 'sha3-256']) {
        const digest = hash(algorithm, input, 'hex');
        // Any 8 consecutive hex digits of the id in the digest would already be a 1-in-4-billion coincidence.
        for (let i = 0; i + 8 <= hex.length; i += 4) expect(digest.includes(hex.slice(i, i + 8))).toBe(false);
      }
    }
  });

  it('re-importing the same person (another file) finds the dossier through the index and creates nothing', async () => {
    const id = await idOf(first, alice.ins);
    expect(await importPopulation(depsFor(first), ctx, memorySource(ndjson([person(802), alice]), 'ndjson', 'again.ndjson')))
      .toMatchObject({ created: 1, existing: 1 });
    expect(await idOf(first, alice.ins)).toBe(id);
    expect((await first.query('SELECT 1 FROM dossier WHERE ins = $1', [alice.ins])).rowCount).toBe(1);
  });

  it('a legal representative named before their own line (later batch, or another file) is linked to the dossier they get', async () => {
    const mum = person(811, { sex: 'F' });
    const dad = person(812, { sex: 'M' });
    const kid = person(813, { minor: true, reps: [mum.ins, dad.ins] });
    // The child first, mum two batches later; dad is not in this file at all.
    await importPopulation(depsFor(first), ctx, memorySource(ndjson([kid, person(814), person(815), mum]), 'ndjson', 'family.ndjson'), { batchSize: 2 });
    expect(await findDossierIdByIns(first, dad.ins)).toBeNull(); // reserved in the index, but no dossier: not found
    await importPopulation(depsFor(first), ctx, memorySource(ndjson([dad]), 'ndjson', 'dad.ndjson'));
    const links = await first.query<{ related_dossier_id: string; related_ins: string }>(
      'SELECT related_dossier_id, related_ins FROM dossier_relationship WHERE dossier_id = $1 ORDER BY rank', [await idOf(first, kid.ins)]);
    expect(links.rows).toEqual([
      { related_dossier_id: await idOf(first, mum.ins), related_ins: mum.ins },
      { related_dossier_id: await idOf(first, dad.ins), related_ins: dad.ins },
    ]);
    expect((await verifyAudit(first)).problems).toEqual([]);
  });
});
