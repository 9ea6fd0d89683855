import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/build-app.ts';
import { PRODUCTION_ENV } from './support/production-env.ts';
import { startSignInServer, type SignInServer } from './support/sign-in-server.ts';

/**
 * Issue 8, item 8: every HTML page (portals, sign-in pages, development mailbox, API documentation)
 * carries a strict Content-Security-Policy and refuses to be framed; production adds HSTS and keeps the
 * API documentation off unless OPENMES_API_DOCS=public.
 */
let webRoot: string;
let dev: SignInServer;
let prod: SignInServer;

beforeAll(async () => {
  // The portals as Vite builds them: one index.html loading its module script and styles from /assets.
  webRoot = mkdtempSync(join(tmpdir(), 'openmes-web-'));
  mkdirSync(join(webRoot, 'assets'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><html lang="fr"><head><script type="module" src="/assets/index.js"></script></head><body><div id="root"></div></body></html>');
  writeFileSync(join(webRoot, 'assets', 'index.js'), 'console.log("portail")');
  dev = await startSignInServer({ webRoot });
  prod = await startSignInServer({ webRoot, env: () => ({ ...PRODUCTION_ENV }) });
});
afterAll(async () => {
  await dev?.close();
  await prod?.close();
  rmSync(webRoot, { recursive: true, force: true });
});

/** The directives of a Content-Security-Policy header, by name. */
function csp(res: LightMyRequestResponse): Map<string, string[]> {
  const header = res.headers['content-security-policy'];
  expect(header, `CSP on ${res.statusCode} ${String(res.headers['content-type'])}`).toBeTypeOf('string');
  return new Map((header as string).split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...values]) => [name!, values]));
}

/** What every HTML page must say: no inline or foreign script, no plugin, no framing, forms and base to the platform. */
function expectStrictPage(res: LightMyRequestResponse, what: string): void {
  expect(String(res.headers['content-type']), what).toContain('text/html');
  const policy = csp(res);
  const scripts = policy.get('script-src') ?? policy.get('default-src')!;
  expect(scripts.every((s) => s === "'self'" || s === "'none'" || s.startsWith("'sha256-") || s.startsWith("'nonce-")), `${what}: script-src ${scripts.join(' ')}`).toBe(true);
  expect(policy.get('frame-ancestors'), what).toEqual(["'none'"]);
  expect(policy.get('object-src') ?? policy.get('default-src'), what).toEqual(["'none'"]);
  expect(["'self'", "'none'"], what).toContain(policy.get('base-uri')?.[0]);
  expect(policy.get('form-action')?.[0], what).toBe("'self'");
  for (const values of policy.values()) expect(values, what).not.toContain("'unsafe-inline'");
  expect(res.headers['x-frame-options'], what).toBe('DENY');
  expect(res.headers['x-content-type-options'], what).toBe('nosniff');
}

/** Opens the sign-in page of the patient portal as a browser would (authorization request, then its redirect). */
async function signInPage(app: FastifyInstance, publicUrl: string): Promise<LightMyRequestResponse> {
  const query = new URLSearchParams({
    client_id: 'openmes-patient-portal', redirect_uri: `${publicUrl}/auth/callback`, response_type: 'code', scope: 'openid',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', state: 'etat-de-test',
  });
  const auth = await app.inject({ url: `/oidc/auth?${query}` });
  expect(auth.statusCode).toBe(303);
  const cookie = auth.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
  return app.inject({ url: auth.headers.location as string, headers: { cookie } });
}

describe('Content-Security-Policy and framing', () => {
  it('the patient and professional portals (and their client-side routes)', async () => {
    for (const url of ['/', '/pro', '/pro/patient', '/documents']) {
      const res = await dev.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expectStrictPage(res, url);
      expect(csp(res).get('script-src'), url).toEqual(["'self'"]);
    }
  });

  it('the sign-in page, the OIDC error page and the development mailbox', async () => {
    const page = await signInPage(dev.app, dev.platform.config.publicUrl);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('id="password"');
    expectStrictPage(page, 'sign-in page');
    // Written by oidc-provider itself (Koa), not by a Fastify route.
    const error = await dev.app.inject({ url: '/oidc/auth?client_id=inconnu' });
    expect(error.statusCode).toBe(400);
    expectStrictPage(error, 'OIDC error page');
    expectStrictPage(await dev.app.inject({ url: '/dev/mailbox' }), 'development mailbox');
  });

  it('the API documentation where it is served', async () => {
    const res = await dev.app.inject({ url: '/api/docs' });
    expect(res.statusCode).toBe(200);
    expectStrictPage(res, 'Swagger UI');
  });

  it('also on API answers, which no page may frame', async () => {
    const res = await dev.app.inject({ url: '/fhir/R4/metadata' });
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(csp(res).get('frame-ancestors')).toEqual(["'none'"]);
  });
});

describe('production', () => {
  it('sends HSTS on pages, sign-in and API answers; development does not', async () => {
    for (const url of ['/', '/pro', '/fhir/R4/metadata', '/oidc/.well-known/openid-configuration', '/healthz']) {
      expect((await prod.app.inject({ url })).headers['strict-transport-security'], url).toBe('max-age=31536000; includeSubDomains');
      expect((await dev.app.inject({ url })).headers['strict-transport-security'], url).toBeUndefined();
    }
    const page = await signInPage(prod.app, prod.platform.config.publicUrl);
    expect(page.statusCode).toBe(200);
    expectStrictPage(page, 'production sign-in page');
    expect(page.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expectStrictPage(await prod.app.inject({ url: '/pro' }), 'production /pro');
  });

  it('keeps the API documentation off (Swagger UI and the OpenAPI document) unless OPENMES_API_DOCS=public', async () => {
    for (const url of ['/api/docs', '/api/docs/static/index.html', '/api/docs/json', '/api/docs/yaml']) {
      expect((await prod.app.inject({ url })).statusCode, url).toBe(404);
    }
    expect((await dev.app.inject({ url: '/api/docs/json' })).statusCode).toBe(200);
    // The same production platform whose operator chose to publish its documentation.
    const published = await buildApp({ ...prod.platform, config: { ...prod.platform.config, apiDocs: 'public' }, logger: false });
    try {
      expect((await published.inject({ url: '/api/docs/json' })).statusCode).toBe(200);
      const ui = await published.inject({ url: '/api/docs' });
      expect(ui.statusCode).toBe(200);
      expectStrictPage(ui, 'published Swagger UI');
      expect(ui.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    } finally {
      await published.close();
    }
  });
});
