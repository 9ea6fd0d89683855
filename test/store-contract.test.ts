import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, type Migration } from '../src/store/migrator.ts';
import { migrations } from '../src/store/migrations/index.ts';
import { createTestDb, ENGINE, type TestDb } from './support/test-db.ts';

/**
 * The behaviour every engine must share (STYLE principle 6). `npm test` runs it on PGlite; CI runs it
 * again with DATABASE_URL on PostgreSQL 15.
 */
describe(`store contract (${ENGINE})`, () => {
  let db: TestDb;
  beforeAll(async () => { db = await createTestDb({ migrateNow: false }); });
  afterAll(async () => db.drop());

  it('applies every migration in order on an empty database, then reports nothing to do', async () => {
    const first = await migrate(db);
    expect(first).toEqual({ ok: true, applied: migrations.map((m) => m.name), alreadyApplied: 0 });
    const again = await migrate(db);
    expect(again).toEqual({ ok: true, applied: [], alreadyApplied: migrations.length });
  });

  it('migration names are numbered, unique and in order', () => {
    const names = migrations.map((m) => m.name);
    expect(names.every((n) => /^\d{4}_[a-z0-9_]+$/.test(n))).toBe(true);
    expect([...names].sort()).toEqual(names);
    expect(new Set(names).size).toBe(names.length);
  });

  it('reports (does not throw) when a released migration was edited, and changes nothing', async () => {
    const edited: Migration[] = migrations.map((m, i) => (i === 0 ? { ...m, statements: [...m.statements, 'SELECT 1'] } : m));
    const report = await migrate(db, edited);
    expect(report.ok).toBe(false);
    expect(report.ok === false && report.error).toMatch(/modified after it was applied/);
  });

  it('rolls back a failing migration entirely', async () => {
    const broken: Migration[] = [...migrations, { name: '9999_broken', statements: ['CREATE TABLE half_done (x int)', 'SELECT * FROM no_such_table'] }];
    const report = await migrate(db, broken);
    expect(report).toMatchObject({ ok: false, failed: '9999_broken' });
    const exists = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'half_done'`);
    expect(exists.rows[0]!.n).toBe(0);
  });

  it('every table holding patient data leads its primary key with dossier_id', async () => {
    const res = await db.query<{ table_name: string; first_col: string }>(
      `SELECT tc.table_name, kcu.column_name AS first_col
       FROM information_schema.table_constraints tc
       JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
       WHERE tc.constraint_type = 'PRIMARY KEY' AND kcu.ordinal_position = 1 AND tc.table_schema = current_schema()`);
    const firstColumn = new Map(res.rows.map((r) => [r.table_name, r.first_col]));
    // Tables that hold no patient data, or are lookups keyed by what they look up.
    const notPatientData = new Set(['schema_migration', 'dossier_by_ins', 'account', 'dev_mail', 'idempotency_record', 'oidc_payload', 'login_challenge', 'signing_key', 'import_job']);
    const columns = await db.query<{ table_name: string }>(
      `SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'dossier_id'`);
    for (const { table_name } of columns.rows) {
      if (notPatientData.has(table_name)) continue;
      expect([table_name, firstColumn.get(table_name)]).toEqual([table_name, 'dossier_id']);
    }
    expect(columns.rows.length).toBeGreaterThanOrEqual(4);
  });

  it('returns the same JavaScript types on every engine', async () => {
    const res = await db.query<{ big: number; day: string; at: Date; doc: { a: number[] }; flag: boolean; n: number }>(
      `SELECT 9007199254740::bigint AS big, DATE '2008-02-29' AS day, TIMESTAMPTZ '2026-01-01T10:00:00.123Z' AS at,
              '{"a":[1,2]}'::jsonb AS doc, true AS flag, count(*) AS n FROM (VALUES (1), (2)) v(x)`);
    const row = res.rows[0]!;
    expect(row).toEqual({ big: 9007199254740, day: '2008-02-29', at: new Date('2026-01-01T10:00:00.123Z'), doc: { a: [1, 2] }, flag: true, n: 2 });
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    await db.query('CREATE TABLE contract_probe (k int PRIMARY KEY)');
    await db.transaction(async (tx) => { await tx.query('INSERT INTO contract_probe VALUES (1)'); });
    await expect(db.transaction(async (tx) => {
      await tx.query('INSERT INTO contract_probe VALUES (2)');
      await tx.query('INSERT INTO contract_probe VALUES (1)');
    })).rejects.toThrow();
    const rows = await db.query<{ k: number }>('SELECT k FROM contract_probe ORDER BY k');
    expect(rows.rows).toEqual([{ k: 1 }]);
  });

  it('counts rows the same way: returned rows for SELECT, affected rows for writes', async () => {
    await db.query('CREATE TABLE count_probe (k int PRIMARY KEY)');
    expect((await db.query('INSERT INTO count_probe VALUES (1), (2), (3)')).rowCount).toBe(3);
    expect((await db.query('SELECT * FROM count_probe WHERE k > 1')).rowCount).toBe(2);
    expect((await db.query('UPDATE count_probe SET k = k + 10 WHERE k = 99')).rowCount).toBe(0);
    expect((await db.query('DELETE FROM count_probe WHERE k = 1')).rowCount).toBe(1);
    expect((await db.query('INSERT INTO count_probe VALUES (2) ON CONFLICT DO NOTHING')).rowCount).toBe(0);
  });

  // PGlite runs in this process: there is no server session to lose.
  it.runIf(ENGINE === 'postgres')('survives a server session ending in the middle of a transaction (the process must not exit)', async () => {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      const failure = await db.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await new Promise((r) => setTimeout(r, 300));
        await tx.query('SELECT 1');
      }).then(() => null, (e: Error) => e);
      expect(failure).toBeInstanceOf(Error);
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
    } finally {
      await admin.end();
    }
  });

  it('runs the bulk unnest statements and sha256 both engines rely on', async () => {
    const res = await db.query<{ d: string; h: string }>(
      `SELECT d, encode(sha256(convert_to(h, 'UTF8')), 'hex') AS h FROM unnest($1::text[], $2::text[]) AS t(d, h) ORDER BY d`,
      [['a', 'b'], ['x', 'y']]);
    expect(res.rows).toEqual([
      { d: 'a', h: '2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881' },
      { d: 'b', h: 'a1fce4363854ff888cff4b8e7875d600c2682390412a8cf79b37d0b11148b0fa' },
    ]);
  });
});
