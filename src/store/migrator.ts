import { createHash } from 'node:crypto';
import type { Db } from './db.ts';
import { migrations } from './migrations/index.ts';

/** A migration is frozen once released: its statements never change, a new numbered file is added instead. */
export type Migration = { readonly name: string; readonly statements: readonly string[] };

export type MigrationReport =
  | { ok: true; applied: string[]; alreadyApplied: number }
  | { ok: false; applied: string[]; failed: string; error: string };

const LOCK_KEY = 7_263_551; // arbitrary constant: one migrator at a time across processes

function checksum(m: Migration): string {
  return createHash('sha256').update(m.statements.join('\n;\n')).digest('hex');
}

/**
 * Applies pending migrations in order, in one transaction holding an advisory lock, and reports
 * what it did instead of throwing; a changed already-applied migration is reported as a failure.
 */
export async function migrate(db: Db, list: readonly Migration[] = migrations): Promise<MigrationReport> {
  const applied: string[] = [];
  let current = '';
  try {
    return await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      await tx.query(`CREATE TABLE IF NOT EXISTS schema_migration (
        name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
      const done = await tx.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migration');
      const known = new Map(done.rows.map((r) => [r.name, r.checksum]));
      for (const m of list) {
        current = m.name;
        const sum = checksum(m);
        const previous = known.get(m.name);
        if (previous !== undefined) {
          if (previous !== sum) throw new Error(`migration ${m.name} was modified after it was applied (frozen migrations)`);
          continue;
        }
        for (const statement of m.statements) await tx.query(statement);
        await tx.query('INSERT INTO schema_migration (name, checksum) VALUES ($1, $2)', [m.name, sum]);
        applied.push(m.name);
      }
      return { ok: true as const, applied, alreadyApplied: known.size };
    });
  } catch (err) {
    return { ok: false, applied: [], failed: current, error: err instanceof Error ? err.message : String(err) };
  }
}
