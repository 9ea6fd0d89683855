import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Provider } from 'oidc-provider';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAccessToken } from '../src/services/access-token.ts';
import { browse, CookieJar, follow, startSignInServer, type SignInServer } from './support/sign-in-server.ts';

/**
 * The delegated sign-in path (OPENMES_PRO_OIDC_*) against a stand-in for Pro Santé Connect: a second
 * oidc-provider that signs the user in at once and returns the RPPS as an idNatPs (SubjectNameID).
 */
let s: SignInServer;
let idpServer: Server;
let subjectNameId = '810000010008';

beforeAll(async () => {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  idpServer = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => idpServer.listen(0, '127.0.0.1', resolve));
  const idpIssuer = `http://127.0.0.1:${(idpServer.address() as AddressInfo).port}`;
  s = await startSignInServer({
    env: (baseUrl) => {
      const idp = fakeProSanteConnect(idpIssuer, `${baseUrl}/interaction/callback/professional`);
      handler = idp.callback();
      return { OPENMES_PRO_OIDC_ISSUER: idpIssuer, OPENMES_PRO_OIDC_CLIENT_ID: 'openmes', OPENMES_PRO_OIDC_CLIENT_SECRET: 'a-long-enough-test-secret-for-the-idp' };
    },
  });
});
afterAll(async () => {
  await s?.close();
  await new Promise<void>((resolve) => idpServer.close(() => resolve()));
});

function fakeProSanteConnect(issuer: string, redirectUri: string): Provider {
  const idp = new Provider(issuer, {
    clients: [{ client_id: 'openmes', client_secret: 'a-long-enough-test-secret-for-the-idp', redirect_uris: [redirectUri], token_endpoint_auth_method: 'client_secret_post' }],
    claims: { openid: ['sub', 'SubjectNameID'] },
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, SubjectNameID: subjectNameId }) }),
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['fake-idp-cookie-key'] },
    ttl: { Interaction: 600, Grant: 600, Session: 600, AccessToken: 600, IdToken: 600 },
  });
  // Signs in at once: the interaction grants the requested scope to a fixed user.
  idp.use(async (ctx, next) => {
    if (!/^\/interaction\/[^/]+$/.test(ctx.path)) return next();
    const details = await idp.interactionDetails(ctx.req, ctx.res);
    const grant = new idp.Grant({ accountId: 'psc-user', clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    ctx.respond = false;
    await idp.interactionFinished(ctx.req, ctx.res, { login: { accountId: 'psc-user' }, consent: { grantId } });
  });
  return idp;
}

async function proSignIn() {
  const client = await oidc.discovery(new URL(s.issuer), 'openmes-pro-portal', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
  const jar = new CookieJar();
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(client, {
    redirect_uri: `${s.baseUrl}/pro/auth/callback`, scope: 'openid profile', state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const { url: last, res } = await follow(jar, s.baseUrl, await browse(jar, url.href), (u) => u.startsWith(`${s.baseUrl}/pro/auth/callback`));
  return { client, verifier, state, last, res };
}

describe('professional sign-in through an external OpenID provider', () => {
  it('redirects to the provider and maps the returned RPPS to the professional account', async () => {
    const { client, verifier, state, last } = await proSignIn();
    expect(last.startsWith(`${s.baseUrl}/pro/auth/callback`)).toBe(true);
    const tokens = await oidc.authorizationCodeGrant(client, new URL(last), { pkceCodeVerifier: verifier, expectedState: state });
    const actor = await verifyAccessToken(s.platform.tokenKeys, tokens.access_token, new Date());
    expect(actor).toMatchObject({ kind: 'professional', rpps: '10000010008' });
    const audit = await s.db.query<{ outcome: string; details: { method: string; source: string } }>("SELECT outcome, details FROM audit_event WHERE action = 'auth.sign_in' AND reason = 'AUTH_SIGN_IN_OK'");
    expect(audit.rows).toEqual([{ outcome: 'allowed', details: expect.objectContaining({ method: 'external', source: 'professional' }) }]);
  });

  it('refuses an identity whose RPPS has no account, and audits it', async () => {
    subjectNameId = '899999999999';
    const { res } = await proSignIn();
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('Compte introuvable');
    const audit = await s.db.query("SELECT 1 FROM audit_event WHERE action = 'auth.sign_in' AND reason = 'AUTH_EXTERNAL_UNKNOWN_ACCOUNT' AND outcome = 'denied'");
    expect(audit.rows).toHaveLength(1);
  });

  it('refuses a callback whose state is unknown', async () => {
    const jar = new CookieJar();
    const res = await browse(jar, `${s.baseUrl}/interaction/callback/professional?code=x&state=${'a'.repeat(43)}`);
    expect(res.status).toBe(400);
  });
});
