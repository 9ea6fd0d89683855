import type { Db } from '../store/db.ts';
import { migrate, type MigrationReport } from '../store/migrator.ts';
import { loadOrCreateSigningKey, type SigningJwk } from '../store/signing-key-repo.ts';

/** Applies pending migrations (the CLI's `migrate` and every start). */
export function migrateDatabase(db: Db): Promise<MigrationReport> {
  return migrate(db);
}

/** The token signing key shared by every process of the platform (created on first start). */
export function loadSigningKey(db: Db, now: Date): Promise<SigningJwk> {
  return loadOrCreateSigningKey(db, now);
}
