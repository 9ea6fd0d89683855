import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../src/domain/audit-chain.ts';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { appendFirstAuditEntries, rowToEntry, type StoredAuditRow } from '../src/store/audit-repo.ts';
import { textArrayLiteral } from '../src/store/sql-array.ts';
import { createTestDb, ENGINE, type TestDb } from './support/test-db.ts';

let db: TestDb;
beforeAll(async () => { db = await createTestDb(); });
afterAll(async () => { await db.drop(); });

const entry = (i: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  dossierId: `f1000000-0000-4000-8000-${String(i).padStart(12, '0')}`, occurredAt: new Date('2026-06-01T10:00:00Z'), action: 'dossier.lifecycle.create',
  outcome: 'allowed', reason: 'DOSSIER_CREATED_BY_IMPORT', mode: 'normal', actorKind: 'operator', actorId: 'op-1',
  actor: { displayName: 'Opératrice "test" \\ n°1' }, targetType: 'Dossier', targetId: null, requestId: null,
  details: { line: i, note: 'a,b {c}' }, ...over,
});

describe(`bulk first audit entries (${ENGINE})`, () => {
  it('stores shared and varying values (nulls, quotes, backslashes) exactly, and the chains verify', async () => {
    const entries = [
      entry(1), entry(2, { targetId: 'x', requestId: 'NULL' }), entry(3, { occurredAt: new Date('2026-06-02T00:00:00Z'), actor: { displayName: '' } }),
    ];
    await db.transaction((tx) => appendFirstAuditEntries(tx, entries));
    await db.transaction((tx) => appendFirstAuditEntries(tx, [entry(4)])); // a single row: every column "shared"
    const rows = await db.query<StoredAuditRow>('SELECT * FROM audit_event ORDER BY (details->>\'line\')::int');
    expect(rows.rows.map(rowToEntry)).toEqual([...entries, entry(4)]);
    expect(rows.rows.every((r) => r.seq === 1)).toBe(true);
    expect((await verifyAudit(db)).problems).toEqual([]);
  });

  it('writes PostgreSQL array literals that quote everything', () => {
    expect(textArrayLiteral(['a', null, 'NULL', 'say "hi"', 'back\\slash', '', 7])).toBe('{"a",NULL,"NULL","say \\"hi\\"","back\\\\slash","",7}');
  });
});
