import { resolve } from 'node:path';
import type { Config } from '../config.ts';
import { importTokenKeys, type TokenKeys } from '../services/access-token.ts';
import { createGrantLiveness } from '../services/grant-liveness.ts';
import { loadReferenceData } from '../services/load-reference-data.ts';
import type { ServiceDeps } from '../services/service-deps.ts';
import { openDb, type Db } from '../store/db.ts';
import { migrateDatabase as migrate } from '../services/prepare-database.ts';
import { loadSigningKey as loadOrCreateSigningKey } from '../services/prepare-database.ts';

export type Platform = ServiceDeps & { config: Config; tokenKeys: TokenKeys; close: () => Promise<void> };

/** The issuer URL of the embedded OpenID Connect server. */
export function issuerUrl(config: Config): string {
  return `${config.publicUrl}/oidc`;
}

/**
 * Opens the database chosen by the configuration (PGlite in OPENMES_DATA_DIR, or DATABASE_URL),
 * applies pending migrations and loads the signing key: everything a command needs.
 */
export async function openPlatform(config: Config, clock: () => Date = () => new Date(), db?: Db): Promise<Platform> {
  const reference = loadReferenceData(clock());
  const database = db ?? await openDb({ databaseUrl: config.databaseUrl, dataDir: config.databaseUrl ? undefined : resolve(config.dataDir, 'pglite') });
  const report = await migrate(database);
  if (!report.ok) {
    await database.close();
    throw new Error(`database migration ${report.failed} failed: ${report.error}`);
  }
  const jwk = await loadOrCreateSigningKey(database, clock());
  return {
    config,
    db: database,
    clock,
    lifecycle: { oppositionWindowDays: config.oppositionWindowDays, retentionYears: config.retentionYears },
    settings: {
      carersEnabled: config.maxCarers > 0, medicoSocialEnabled: config.medicoSocialEnabled, maxDocumentBytes: config.maxDocumentBytes,
      demoAccountsEnabled: config.mode !== 'production',
    },
    reference,
    tokenKeys: await importTokenKeys(jwk, issuerUrl(config), {
      maxLifetimeSeconds: config.accessTokenTtlSeconds, grants: createGrantLiveness({ db: database, clock }),
    }),
    close: () => database.close(),
  };
}
