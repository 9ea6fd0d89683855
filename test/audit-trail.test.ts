import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_CHAIN } from '../src/domain/audit-chain.ts';
import { appendAudit } from '../src/store/audit-repo.ts';
import { auditEntryFor } from '../src/services/audit-entry.ts';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { createTestDb, ENGINE, type TestDb } from './support/test-db.ts';
import { insertDossier, insWithKey, operator } from './support/fixtures.ts';

let db: TestDb;
let dossierA: string;
let dossierB: string;

async function append(dossierId: string, i: number): Promise<void> {
  await db.transaction((tx) => appendAudit(tx, auditEntryFor(
    { actor: operator, requestId: `req-${i}` }, dossierId, 'dossier.identity.read', { effect: 'allow', reason: 'POLICY_OPERATOR' },
    { type: 'Patient', id: dossierId }, new Date(Date.UTC(2026, 0, 1, 0, 0, i)), { i },
  )));
}

/** Runs statements as a DBA would, bypassing the append-only triggers, to simulate tampering. */
async function tamper(statements: string[]): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update');
    for (const s of statements) await tx.query(s);
    await tx.query('ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update');
  });
}

describe(`audit trail (${ENGINE})`, () => {
  beforeAll(async () => {
    db = await createTestDb();
    dossierA = await insertDossier(db, { ins: insWithKey('2850575056001') });
    dossierB = await insertDossier(db, { ins: insWithKey('1900175056002'), birthName: 'DURAND', firstNames: 'Paul', sex: 'M', birthDate: '1990-01-20' });
    for (let i = 1; i <= 6; i++) await append(dossierA, i);
    for (let i = 1; i <= 3; i++) await append(dossierB, i);
    await append(SYSTEM_CHAIN, 1);
  });
  afterAll(async () => db.drop());

  it('chains each dossier separately, numbering entries from 1', async () => {
    const res = await db.query<{ dossier_id: string; n: number; max: number }>(
      'SELECT dossier_id, count(*)::int AS n, max(seq) AS max FROM audit_event GROUP BY dossier_id ORDER BY n DESC');
    expect(res.rows.map((r) => [r.n, r.max])).toEqual([[6, 6], [3, 3], [1, 1]]);
    const ok = await verifyAudit(db);
    expect(ok.problems).toEqual([]);
    expect(ok.entries).toBe(10);
    expect(ok.chains).toBe(3);
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself', async () => {
    await expect(db.query(`UPDATE audit_event SET reason = 'X' WHERE dossier_id = $1`, [dossierA])).rejects.toThrow(/append-only/);
    await expect(db.query(`DELETE FROM audit_event WHERE dossier_id = $1`, [dossierA])).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_event')).rejects.toThrow(/append-only/);
    const count = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event');
    expect(count.rows[0]!.n).toBe(10);
  });

  it('an application role with INSERT and SELECT only cannot rewrite history, nor switch the guard off', async () => {
    const role = `openmes_app_${(db.schema ?? 'lite').replace(/[^a-z0-9_]/g, '')}`;
    await db.transaction(async (tx) => {
      await tx.query(`CREATE ROLE ${role} NOLOGIN`);
      if (db.schema) await tx.query(`GRANT USAGE ON SCHEMA ${db.schema} TO ${role}`);
      await tx.query(`GRANT SELECT, INSERT ON audit_event TO ${role}`);
    });
    const attempts = [
      `UPDATE audit_event SET reason = 'X'`,
      `DELETE FROM audit_event`,
      `ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update`,
    ];
    for (const sql of attempts) {
      await expect(db.transaction(async (tx) => {
        await tx.query(`SET LOCAL ROLE ${role}`);
        await tx.query(sql);
      })).rejects.toThrow(/permission denied|must be owner|append-only/);
    }
    const count = await db.transaction(async (tx) => {
      await tx.query(`SET LOCAL ROLE ${role}`);
      return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event')).rows[0]!.n;
    });
    expect(count).toBe(10);
    await db.transaction(async (tx) => {
      await tx.query(`REVOKE ALL ON audit_event FROM ${role}`);
      if (db.schema) await tx.query(`REVOKE USAGE ON SCHEMA ${db.schema} FROM ${role}`);
      await tx.query(`DROP ROLE ${role}`);
    });
  });

  it('rolls the audit entry back with the action it records', async () => {
    await expect(db.transaction(async (tx) => {
      await appendAudit(tx, auditEntryFor({ actor: operator, requestId: null }, dossierB, 'x', { effect: 'allow', reason: 'R' }, { type: 'Patient', id: null }, new Date()));
      throw new Error('the action failed');
    })).rejects.toThrow('the action failed');
    expect((await verifyAudit(db)).entries).toBe(10);
  });

  it('serialises concurrent appends on one dossier without gaps or forks', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => append(dossierB, 100 + i)));
    const r = await verifyAudit(db);
    expect(r.problems).toEqual([]);
    expect(r.entries).toBe(30);
  });

  describe('verify-audit names each tampered entry', () => {
    it('a modified field', async () => {
      await tamper([`UPDATE audit_event SET reason = 'FORGED' WHERE dossier_id = '${dossierA}' AND seq = 3`]);
      expect((await verifyAudit(db)).problems).toEqual([{ kind: 'modified', dossierId: dossierA, seq: 3 }]);
      await tamper([`UPDATE audit_event SET reason = 'POLICY_OPERATOR' WHERE dossier_id = '${dossierA}' AND seq = 3`]);
      expect((await verifyAudit(db)).problems).toEqual([]);
    });

    it('a modified actor inside the JSON', async () => {
      await tamper([`UPDATE audit_event SET actor = jsonb_set(actor, '{displayName}', '"Quelqu''un d''autre"') WHERE dossier_id = '${dossierA}' AND seq = 2`]);
      expect((await verifyAudit(db)).problems).toEqual([{ kind: 'modified', dossierId: dossierA, seq: 2 }]);
      await tamper([`UPDATE audit_event SET actor = jsonb_set(actor, '{displayName}', '"Opératrice Test"') WHERE dossier_id = '${dossierA}' AND seq = 2`]);
      expect((await verifyAudit(db)).problems).toEqual([]);
    });

    it('two entries swapped (reordered)', async () => {
      await tamper([
        `UPDATE audit_event SET seq = -4 WHERE dossier_id = '${dossierA}' AND seq = 4`,
        `UPDATE audit_event SET seq = 4 WHERE dossier_id = '${dossierA}' AND seq = 5`,
        `UPDATE audit_event SET seq = 5 WHERE dossier_id = '${dossierA}' AND seq = -4`,
      ]);
      const problems = (await verifyAudit(db)).problems;
      expect(problems).toContainEqual({ kind: 'reordered', dossierId: dossierA, seq: 4, originalSeq: 5 });
      expect(problems).toContainEqual({ kind: 'reordered', dossierId: dossierA, seq: 5, originalSeq: 4 });
      await tamper([
        `UPDATE audit_event SET seq = -4 WHERE dossier_id = '${dossierA}' AND seq = 4`,
        `UPDATE audit_event SET seq = 4 WHERE dossier_id = '${dossierA}' AND seq = 5`,
        `UPDATE audit_event SET seq = 5 WHERE dossier_id = '${dossierA}' AND seq = -4`,
      ]);
      expect((await verifyAudit(db)).problems).toEqual([]);
    });

    it('a deleted entry in the middle, then the tail', async () => {
      await tamper([`DELETE FROM audit_event WHERE dossier_id = '${dossierA}' AND seq = 2`]);
      let problems = (await verifyAudit(db)).problems;
      expect(problems).toContainEqual({ kind: 'deleted', dossierId: dossierA, seq: 2 });
      await tamper([`DELETE FROM audit_event WHERE dossier_id = '${dossierA}' AND seq = 6`]);
      problems = (await verifyAudit(db)).problems;
      expect(problems).toContainEqual({ kind: 'truncated', dossierId: dossierA, lastSeq: 5, headSeq: 6 });
    });

    it('a forged entry appended without the head', async () => {
      await tamper([`INSERT INTO audit_event (dossier_id, seq, occurred_at, action, outcome, reason, actor_kind, actor_id, actor, target_type, hash)
        VALUES ('${dossierB}', 31, now(), 'x', 'allowed', 'R', 'operator', 'o', '{}', 'Patient', 'abc')`]);
      const problems = (await verifyAudit(db)).problems;
      expect(problems).toContainEqual({ kind: 'modified', dossierId: dossierB, seq: 31 });
      expect(problems).toContainEqual({ kind: 'head_mismatch', dossierId: dossierB, seq: 31 });
    });
  });
});
