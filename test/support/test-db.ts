import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDb, type Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrator.ts';

/** Which engine the suite runs on: PostgreSQL when DATABASE_URL is set, PGlite otherwise. */
export const ENGINE = process.env.DATABASE_URL ? 'postgres' : 'pglite';

export type TestDb = Db & { schema: string | null; drop: () => Promise<void> };

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or a private schema on the
 * PostgreSQL of DATABASE_URL (dropped afterwards), so test files never see each other's rows.
 */
export async function createTestDb(options: { migrateNow?: boolean } = {}): Promise<TestDb> {
  const url = process.env.DATABASE_URL;
  let schema: string | null = null;
  if (url) {
    schema = `t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
  }
  const db = await openDb({ databaseUrl: url, schema: schema ?? undefined, poolSize: 4 });
  if (options.migrateNow !== false) {
    const report = await migrate(db);
    if (!report.ok) throw new Error(`migration failed: ${report.failed}: ${report.error}`);
  }
  return Object.assign(db, {
    schema,
    drop: async () => {
      await db.close();
      if (url && schema) {
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`DROP SCHEMA ${schema} CASCADE`);
        await admin.end();
      }
    },
  });
}
