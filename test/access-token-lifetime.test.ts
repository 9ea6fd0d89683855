import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { ACTOR_CLAIM, API_AUDIENCE } from '../src/services/access-token.ts';
import { createGrantLiveness, GRANT_MODEL } from '../src/services/grant-liveness.ts';
import { upsertOidcPayload } from '../src/store/oidc-payload-repo.ts';
import { browse, CookieJar, DEMO_PATIENT, follow, startSignInServer, type SignInServer } from './support/sign-in-server.ts';
import { testClock } from './support/fixtures.ts';

/**
 * Access tokens (issue 8, item 11): a token must carry `exp` and live no longer than
 * OPENMES_ACCESS_TOKEN_TTL_SECONDS even when signed with our key; signing out revokes the session's tokens.
 */
let s: SignInServer;
let patientClient: oidc.Configuration;
let camille: Extract<Actor, { kind: 'person' }>;

beforeAll(async () => {
  s = await startSignInServer();
  patientClient = await oidc.discovery(new URL(s.issuer), 'openmes-patient-portal', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  camille = { kind: 'person', accountId: s.demo.patients[0]!.accountId, dossierId: s.dossierId, displayName: 'Camille Durand' };
});
afterAll(async () => s?.close());

const callback = () => `${s.baseUrl}/auth/callback`;

/** Signs a token with the platform's own key, with the claims given (iat/exp in seconds, or absent). */
function handSigned(times: { iat?: number; exp?: number }, extra: Record<string, unknown> = {}): Promise<string> {
  const keys = s.platform.tokenKeys;
  let jwt = new SignJWT({ [ACTOR_CLAIM]: camille, client_id: 'openmes-patient-portal', scope: 'openid', ...extra })
    .setProtectedHeader({ alg: 'RS256', kid: keys.kid, typ: 'at+jwt' })
    .setIssuer(keys.issuer).setAudience(API_AUDIENCE).setSubject(camille.accountId).setJti(randomUUID());
  if (times.iat !== undefined) jwt = jwt.setIssuedAt(times.iat);
  if (times.exp !== undefined) jwt = jwt.setExpirationTime(times.exp);
  return jwt.sign(keys.privateKey);
}

async function call(path: string, token: string) {
  const res = await fetch(`${s.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const body = await res.text();
  return { status: res.status, body };
}

const routes = () => ['/api/me', `/fhir/R4/Patient/${s.dossierId}`];

describe('token lifetime', () => {
  const now = () => Math.floor(Date.now() / 1000);

  it('accepts a token living the configured lifetime', async () => {
    const ttl = s.platform.config.accessTokenTtlSeconds;
    const token = await handSigned({ iat: now(), exp: now() + ttl });
    for (const path of routes()) expect((await call(path, token)).status, path).toBe(200);
  });

  it('refuses a token of our key without exp, without iat, or living a day', async () => {
    const tokens = {
      noExp: await handSigned({ iat: now() }),
      noIat: await handSigned({ exp: now() + 60 }),
      oneDay: await handSigned({ iat: now(), exp: now() + 86_400 }),
      // Dated in the future so that exp − iat looks short: still valid far beyond the lifetime from now.
      futureIat: await handSigned({ iat: now() + 86_000, exp: now() + 86_400 }),
    };
    for (const [name, token] of Object.entries(tokens)) {
      for (const path of routes()) {
        const res = await call(path, token);
        expect([name, path, res.status]).toEqual([name, path, 401]);
        expect(res.body).toContain('AUTH_INVALID_TOKEN');
      }
    }
  });
});

/** A complete patient sign-in in its own browser (jar): a session of its own. */
async function signIn(jar: CookieJar) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const auth = oidc.buildAuthorizationUrl(patientClient, {
    redirect_uri: callback(), scope: 'openid profile email', state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const interactionUrl = new URL((await browse(jar, auth.href)).headers.get('location')!, s.baseUrl).href;
  await browse(jar, `${interactionUrl}/password`, { email: DEMO_PATIENT.email, password: s.demo.password });
  await s.dispatcher.runOnce();
  const mail = await s.db.query<{ body_text: string }>('SELECT body_text FROM dev_mail ORDER BY sent_at DESC LIMIT 1');
  const code = /(\d{6})/.exec(mail.rows[0]!.body_text)![1]!;
  const { url } = await follow(jar, s.baseUrl, await browse(jar, `${interactionUrl}/code`, { code }), (u) => u.startsWith(callback()));
  return oidc.authorizationCodeGrant(patientClient, new URL(url), { pkceCodeVerifier: verifier, expectedState: state });
}

/** The portal's sign-out: RP-initiated logout, confirmed with « Se déconnecter ». */
async function signOut(jar: CookieJar, idToken: string) {
  const confirm = await browse(jar, oidc.buildEndSessionUrl(patientClient, { id_token_hint: idToken, post_logout_redirect_uri: `${s.baseUrl}/` }).href);
  const html = await confirm.text();
  const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(html)![1]!;
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
  const done = await browse(jar, new URL(action, s.baseUrl).href, { xsrf, logout: 'yes' });
  expect(done.status).toBe(303);
}

describe('signing out', () => {
  it('revokes the access tokens of that session on /api and /fhir/R4; another session of the same person keeps working', async () => {
    const laptop = new CookieJar();
    const phone = new CookieJar();
    const laptopTokens = await signIn(laptop);
    const phoneTokens = await signIn(phone);
    for (const path of routes()) expect((await call(path, laptopTokens.access_token)).status, path).toBe(200);

    await signOut(laptop, laptopTokens.id_token!);

    for (const path of routes()) {
      const refused = await call(path, laptopTokens.access_token);
      expect([path, refused.status]).toEqual([path, 401]);
      expect(refused.body).toContain('AUTH_SESSION_ENDED');
      expect((await call(path, phoneTokens.access_token)).status, path).toBe(200);
    }
  });
});

describe('grant check cache', () => {
  it('sees a revocation made by another process once its short cache expires, and one of its own at once', async () => {
    const clock = testClock();
    const here = createGrantLiveness({ db: s.db, clock }, 1000);
    const grantA = `grant-${randomUUID()}`;
    const grantB = `grant-${randomUUID()}`;
    for (const id of [grantA, grantB]) await upsertOidcPayload(s.db, GRANT_MODEL, id, { jti: id }, new Date(clock().getTime() + 3600_000));
    expect(await here.isLive(grantA)).toBe(true);
    expect(await here.isLive(grantB)).toBe(true);
    // Another process signs grant A out (the row goes): seen here within the cache time.
    await s.db.query('DELETE FROM oidc_payload WHERE model = $1 AND id = $2', [GRANT_MODEL, grantA]);
    clock.set(new Date(clock().getTime() + 1001).toISOString());
    expect(await here.isLive(grantA)).toBe(false);
    // This process revokes grant B: refused at once, without waiting for the cache.
    here.forget(grantB);
    expect(await here.isLive(grantB)).toBe(false);
    expect(await here.isLive(`grant-${randomUUID()}`)).toBe(false);
  });
});
