import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/build-app.ts';
import { oidcPlugin } from '../src/api/oidc/oidc-plugin.ts';
import { registerSoftwareClient } from '../src/services/oidc-storage.ts';
import { insertAccount } from '../src/store/account-repo.ts';
import { PRODUCTION_ENV, PRODUCTION_PUBLIC_URL } from './support/production-env.ts';
import { startSignInServer, type SignInServer } from './support/sign-in-server.ts';

/**
 * Issue 8, item 4: the authorization server publishes and accepts URLs of OPENMES_PUBLIC_URL only —
 * never of the Host or X-Forwarded-Host a client writes — and believes X-Forwarded-* only from the
 * proxies of OPENMES_TRUSTED_PROXIES.
 */
const ISSUER = `${PRODUCTION_PUBLIC_URL}/oidc`;
const CLIENT_ID = 'cabinet-lps';
const EVIL = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };

let s: SignInServer;
let signingKey: CryptoKey;
let kid: string;

beforeAll(async () => {
  s = await startSignInServer({ env: () => ({ ...PRODUCTION_ENV }) });
  // A real (not demo) professional and the software of their practice, as an operator would register them.
  const accountId = randomUUID();
  await insertAccount(s.db, {
    account_id: accountId, kind: 'professional', email: null, password_hash: null, given_name: 'Inès', family_name: 'Roux', dossier_id: null,
    rpps: '10000020015', profession: 'G15:10', specialty: null, structure_finess: '750000069', structure_name: 'Cabinet Roux',
  }, new Date());
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  signingKey = privateKey;
  kid = randomUUID();
  await registerSoftwareClient(s.platform, {
    client_id: CLIENT_ID, client_name: 'Logiciel du cabinet Roux', grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
    token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'RS256',
    jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] }, openmes_acts_for: accountId,
  });
});
afterAll(async () => s?.close());

async function assertion(audience: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid })
    .setIssuer(CLIENT_ID).setSubject(CLIENT_ID).setAudience(audience)
    .setJti(randomUUID()).setIssuedAt(now).setExpirationTime(now + 120)
    .sign(signingKey);
}

function tokenRequest(app: FastifyInstance, clientAssertion: string, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST', url: '/oidc/token', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams({
      grant_type: 'client_credentials', client_id: CLIENT_ID,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: clientAssertion,
    }).toString(),
  });
}

/** Every URL of the discovery document. */
function publishedUrls(discovery: Record<string, unknown>): string[] {
  return Object.entries(discovery).filter(([key, value]) => typeof value === 'string' && (key === 'issuer' || key.endsWith('_endpoint') || key.endsWith('_uri')))
    .map(([, value]) => value as string);
}

describe('the OIDC server in production behind no trusted proxy', () => {
  it('advertises the public URL whatever Host and X-Forwarded-Host say', async () => {
    const res = await s.app.inject({ url: '/oidc/.well-known/openid-configuration', headers: EVIL });
    expect(res.statusCode).toBe(200);
    const discovery = res.json<Record<string, unknown>>();
    expect(discovery.issuer).toBe(ISSUER);
    expect(discovery.token_endpoint).toBe(`${ISSUER}/token`);
    const urls = publishedUrls(discovery);
    expect(urls.length).toBeGreaterThan(4);
    for (const url of urls) expect(url.startsWith(`${ISSUER}/`) || url === ISSUER, url).toBe(true);
    expect(res.body).not.toContain('evil.example');
  });

  it('refuses a client assertion addressed to another host, even when the request names that host', async () => {
    const forged = await tokenRequest(s.app, await assertion('https://evil.example/oidc/token'), EVIL);
    expect(forged.statusCode).toBe(401);
    expect(forged.json<{ error: string }>().error).toBe('invalid_client');
    const viaHostOnly = await tokenRequest(s.app, await assertion('http://evil.example/oidc/token'), { host: 'evil.example' });
    expect(viaHostOnly.statusCode).toBe(401);
    // The same software with an assertion for the public token endpoint is served: the audience made the difference.
    const genuine = await tokenRequest(s.app, await assertion(`${ISSUER}/token`), EVIL);
    expect(genuine.statusCode).toBe(200);
    expect(genuine.json<{ access_token: string }>().access_token).toBeTruthy();
  });
});

describe('OPENMES_TRUSTED_PROXIES', () => {
  /** What Fastify made of the request: its protocol and client address (the ones rate limits and the audit see). */
  const echo: FastifyPluginAsync = async (app) => {
    app.get('/test/seen', async (request) => ({ protocol: request.protocol, ip: request.ip }));
  };
  const appTrusting = (trustedProxies: string[]) => {
    const config = { ...s.platform.config, trustedProxies };
    return buildApp({ ...s.platform, config, logger: false, plugins: [echo, oidcPlugin({ ...s.platform, config, wakeOutbox: () => undefined })] });
  };
  let app: FastifyInstance;
  let untrusting: FastifyInstance;
  beforeAll(async () => {
    app = await appTrusting(['10.0.0.0/8']);
    untrusting = await appTrusting([]);
  });
  afterAll(async () => {
    await app?.close();
    await untrusting?.close();
  });
  const forwarded = { ...EVIL, 'x-forwarded-for': '203.0.113.7' };

  it('honours the forwarded protocol and address from a configured proxy, but the issuer stays the public URL', async () => {
    const seen = await app.inject({ url: '/test/seen', remoteAddress: '10.1.2.3', headers: forwarded });
    expect(seen.json()).toEqual({ protocol: 'https', ip: '203.0.113.7' });
    const discovery = (await app.inject({ url: '/oidc/.well-known/openid-configuration', remoteAddress: '10.1.2.3', headers: forwarded })).json<Record<string, unknown>>();
    expect(discovery.issuer).toBe(ISSUER);
    for (const url of publishedUrls(discovery)) expect(url.startsWith(ISSUER), url).toBe(true);
    const forged = await tokenRequest(app, await assertion('https://evil.example/oidc/token'), forwarded);
    expect(forged.statusCode).toBe(401);
  });

  it('ignores the same headers from any other address', async () => {
    const seen = await app.inject({ url: '/test/seen', remoteAddress: '198.51.100.9', headers: forwarded });
    expect(seen.json()).toEqual({ protocol: 'http', ip: '198.51.100.9' });
    // With no proxy configured (the default), nobody's X-Forwarded-* is believed.
    const byDefault = await untrusting.inject({ url: '/test/seen', remoteAddress: '10.1.2.3', headers: forwarded });
    expect(byDefault.json()).toEqual({ protocol: 'http', ip: '10.1.2.3' });
  });
});
