import { errors } from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOidcAdapter } from '../src/api/oidc/oidc-adapter.ts';
import { createOidcStorage, type OidcStorage } from '../src/services/oidc-storage.ts';
import { testClock } from './support/fixtures.ts';
import { createTestDb, type TestDb } from './support/test-db.ts';

let db: TestDb;
let storage: OidcStorage;
const clock = testClock();

beforeAll(async () => {
  db = await createTestDb();
  storage = createOidcStorage({ db, clock });
});
afterAll(async () => db?.drop());

describe('oidc-provider adapter on oidc_payload', () => {
  const Adapter = () => createOidcAdapter(storage);

  it('stores, finds, expires and destroys records', async () => {
    const sessions = new (Adapter())('Session');
    await sessions.upsert('s1', { uid: 'u1', accountId: 'a1' }, 60);
    expect(await sessions.find('s1')).toEqual({ uid: 'u1', accountId: 'a1' });
    expect(await sessions.findByUid('u1')).toEqual({ uid: 'u1', accountId: 'a1' });
    expect(await new (Adapter())('Grant').find('s1')).toBeUndefined();
    clock.set(new Date(clock().getTime() + 61_000).toISOString());
    expect(await sessions.find('s1')).toBeUndefined();
    expect(await storage.purgeExpired()).toBeGreaterThanOrEqual(1);
    await sessions.upsert('s2', { uid: 'u2' }, 60);
    await sessions.destroy('s2');
    expect(await sessions.find('s2')).toBeUndefined();
  });

  it('consumes an authorization code once, even when two redemptions race', async () => {
    const codes = new (Adapter())('AuthorizationCode');
    await codes.upsert('c1', { grantId: 'g1', clientId: 'x' }, 60);
    const results = await Promise.allSettled([codes.consume('c1'), codes.consume('c1')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(errors.InvalidGrant);
    expect((await codes.find('c1'))?.consumed).toEqual(expect.any(Number));
  });

  it('revokes everything issued under a grant', async () => {
    const tokens = new (Adapter())('AccessToken');
    await tokens.upsert('t1', { grantId: 'g2' }, 60);
    await new (Adapter())('AuthorizationCode').upsert('c2', { grantId: 'g2' }, 60);
    await tokens.upsert('t2', { grantId: 'other' }, 60);
    await tokens.revokeByGrantId('g2');
    expect(await tokens.find('t1')).toBeUndefined();
    expect(await new (Adapter())('AuthorizationCode').find('c2')).toBeUndefined();
    expect(await tokens.find('t2')).toBeDefined();
  });

  it('records a client-assertion jti once: a replay is refused atomically, an expired marker is replaced', async () => {
    const replay = new (Adapter())('ReplayDetection');
    await replay.upsert('jti-hash', { iss: 'demo-lps' }, 30);
    await expect(replay.upsert('jti-hash', { iss: 'demo-lps' }, 30)).rejects.toBeInstanceOf(errors.InvalidClientAuth);
    clock.set(new Date(clock().getTime() + 31_000).toISOString());
    await expect(replay.upsert('jti-hash', { iss: 'demo-lps' }, 30)).resolves.toBeUndefined();
  });
});
