import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/build-app.ts';
import { parseConfig } from '../../src/config.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { loadReferenceData } from '../../src/services/load-reference-data.ts';
import { importTokenKeys, issueAccessToken, type TokenKeys } from '../../src/services/access-token.ts';
import { createGrantLiveness } from '../../src/services/grant-liveness.ts';
import { loadOrCreateSigningKey } from '../../src/store/signing-key-repo.ts';
import { createNotificationHub, type NotificationHub } from '../../src/services/notification-hub.ts';
import { createTestDb, type TestDb } from './test-db.ts';
import { testClock } from './fixtures.ts';

export type TestApp = {
  app: FastifyInstance;
  db: TestDb;
  clock: ReturnType<typeof testClock>;
  tokenKeys: TokenKeys;
  tokenFor: (actor: Actor) => Promise<string>;
  /** The live-notification hub of the app (give it to a dispatcher to see notifications arrive live). */
  notificationHub: NotificationHub;
  close: () => Promise<void>;
};

/** The real application on a fresh test database, driven with `app.inject()`. */
export async function createTestApp(env: Record<string, string> = {}, options: { logStream?: NodeJS.WritableStream; db?: TestDb } = {}): Promise<TestApp> {
  const db = options.db ?? await createTestDb(); // a given database: e.g. one migrated only so far (migration tests)
  const clock = testClock();
  const config = parseConfig({ OPENMES_MODE: 'test', OPENMES_LOG_LEVEL: 'silent', ...env });
  const notificationHub = createNotificationHub();
  const tokenKeys = await importTokenKeys(await loadOrCreateSigningKey(db, clock()), `${config.publicUrl}/oidc`, {
    maxLifetimeSeconds: config.accessTokenTtlSeconds, grants: createGrantLiveness({ db, clock }),
  });
  const app = await buildApp({
    config, db, clock, tokenKeys, notificationHub,
    ...(options.logStream ? { logStream: options.logStream } : { logger: false }),
    lifecycle: { oppositionWindowDays: config.oppositionWindowDays, retentionYears: config.retentionYears },
    settings: { carersEnabled: config.maxCarers > 0, medicoSocialEnabled: config.medicoSocialEnabled, maxDocumentBytes: config.maxDocumentBytes, demoAccountsEnabled: config.mode !== 'production' },
    reference: loadReferenceData(clock()),
  });
  return {
    app, db, clock, tokenKeys, notificationHub,
    tokenFor: (actor) => issueAccessToken(tokenKeys, actor, 300, clock()),
    close: async () => { await app.close(); await db.drop(); },
  };
}
