import { request as httpRequest, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/build-app.ts';
import { oidcPlugin } from '../src/api/oidc/oidc-plugin.ts';
import { openPlatform } from '../src/cli/platform.ts';
import { parseConfig } from '../src/config.ts';
import { SIGN_IN_ACTION } from '../src/services/sign-in-audit.ts';
import { openDb, type Db } from '../src/store/db.ts';
import { browse, CookieJar, DEMO_PATIENT, startSignInServer, type SignInServer } from './support/sign-in-server.ts';
import { ENGINE } from './support/test-db.ts';

/**
 * Brute force on the patient sign-in (issue 8, item 2): per-account and per-address limits with
 * exponential back-off, shared through the database; the clock is an input the tests move.
 */
/** Every checked password costs a scrypt hash (~0.1 s alone, much more on a loaded machine). */
const SLOW_MS = 300_000;

let offsetMs = 0;
const clock = () => new Date(Date.now() + offsetMs);
const advance = (ms: number) => { offsetMs += ms; };

let s: SignInServer;
let patientClient: oidc.Configuration;

beforeAll(async () => {
  s = await startSignInServer({ clock });
  patientClient = await discover(s.issuer);
}, SLOW_MS);
afterAll(async () => s?.close());
beforeEach(async () => {
  // Each test starts with no attempts counted (the limits outlive a test otherwise: they last a day).
  await s.db.query('DELETE FROM sign_in_throttle');
});

const discover = (issuer: string) => oidc.discovery(new URL(issuer), 'openmes-patient-portal', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });

/** Opens a sign-in interaction of the patient portal like the browser does; returns its page URL. */
async function openSignIn(client: oidc.Configuration, baseUrl: string, jar = new CookieJar()) {
  const url = oidc.buildAuthorizationUrl(client, {
    redirect_uri: `${baseUrl}/auth/callback`, scope: 'openid profile email', state: oidc.randomState(),
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256',
  });
  const res = await browse(jar, url.href);
  expect(res.status).toBe(303);
  return { jar, interactionUrl: new URL(res.headers.get('location')!, baseUrl).href };
}

const password = (jar: CookieJar, interactionUrl: string, email: string, pass: string) => browse(jar, `${interactionUrl}/password`, { email, password: pass });
const code = (jar: CookieJar, interactionUrl: string, typed: string) => browse(jar, `${interactionUrl}/code`, { code: typed });

async function latestCode(): Promise<string> {
  await s.dispatcher.runOnce();
  const res = await s.db.query<{ body_text: string }>('SELECT body_text FROM dev_mail ORDER BY sent_at DESC LIMIT 1');
  return /(\d{6})/.exec(res.rows[0]!.body_text)![1]!;
}

async function codesMailed(): Promise<number> {
  await s.dispatcher.runOnce();
  const res = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM dev_mail WHERE to_address = $1', [DEMO_PATIENT.email]);
  return res.rows[0]!.n;
}

async function auditCount(reason: string): Promise<number> {
  const res = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event WHERE action = $1 AND reason = $2', [SIGN_IN_ACTION, reason]);
  return res.rows[0]!.n;
}

/** A POST of the sign-in form sent from another local address (127.0.0.2): another client for the limits. */
function passwordFrom(localAddress: string, jar: CookieJar, interactionUrl: string, email: string, pass: string): Promise<number> {
  const body = new URLSearchParams({ email, password: pass }).toString();
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${interactionUrl}/password`, {
      method: 'POST', localAddress,
      headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('password attempts', { timeout: SLOW_MS }, () => {
  it('40 wrong passwords: refused from the 7th on, the right one too, until the back-off has passed', async () => {
    const { jar, interactionUrl } = await openSignIn(patientClient, s.baseUrl);
    const before = await auditCount('AUTH_BAD_CREDENTIALS');
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await password(jar, interactionUrl, DEMO_PATIENT.email, `wrong-${i}`)).status);
    expect(statuses).toEqual([...Array<number>(6).fill(200), ...Array<number>(34).fill(429)]);
    // Only the 6 attempts let through were checked (and traced); the refused ones cost no password hash.
    expect((await auditCount('AUTH_BAD_CREDENTIALS')) - before).toBe(6);

    const right = await password(jar, interactionUrl, DEMO_PATIENT.email, s.demo.password);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(right.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const html = await right.text();
    expect(html).toContain('Trop de tentatives. Réessayez dans 1 minute.');
    expect(html).toContain('fr-alert--error');

    advance(61_000);
    const after = await password(jar, interactionUrl, DEMO_PATIENT.email, s.demo.password);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe(`${new URL(interactionUrl).pathname}/code`);
  });

  it('the account limit holds whatever the e-mail spelling, and for an unknown address alike', async () => {
    const { jar, interactionUrl } = await openSignIn(patientClient, s.baseUrl);
    const spellings = [DEMO_PATIENT.email, DEMO_PATIENT.email.toUpperCase(), ` ${DEMO_PATIENT.email} `];
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await password(jar, interactionUrl, spellings[i % 3]!, 'wrong')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    const unknown: number[] = [];
    for (let i = 0; i < 7; i++) unknown.push((await password(jar, interactionUrl, 'personne@example.test', 'wrong')).status);
    expect(unknown).toEqual(statuses);
  });

  it('parallel guesses are counted before any is checked: at most 6 of 20 get through', async () => {
    const { jar, interactionUrl } = await openSignIn(patientClient, s.baseUrl);
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => password(jar, interactionUrl, DEMO_PATIENT.email, `parallel-${i}`).then((r) => r.status)));
    expect(statuses.filter((st) => st === 200)).toHaveLength(6);
    expect(statuses.filter((st) => st === 429)).toHaveLength(14);
  });

  it('per client address: failures on many accounts block that address, not another one', async () => {
    const { jar, interactionUrl } = await openSignIn(patientClient, s.baseUrl);
    for (let i = 0; i < 21; i++) {
      expect((await password(jar, interactionUrl, `inconnu-${i}@example.test`, 'wrong')).status).toBe(200);
    }
    // The 22nd attempt from this address waits, even for another account with its right password…
    const blocked = await password(jar, interactionUrl, DEMO_PATIENT.email, s.demo.password);
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toContain('Trop de tentatives.');
    // …while the same person from another address signs in.
    expect(await passwordFrom('127.0.0.2', jar, interactionUrl, DEMO_PATIENT.email, s.demo.password)).toBe(303);
  });
});

describe('e-mailed codes', { timeout: SLOW_MS }, () => {
  it('re-posting the password does not reset the code counter: 24 wrong codes across new codes never sign in', async () => {
    const { jar, interactionUrl } = await openSignIn(patientClient, s.baseUrl);
    const mailedBefore = await codesMailed();
    expect((await password(jar, interactionUrl, DEMO_PATIENT.email, s.demo.password)).status).toBe(303);
    let current = await latestCode();
    const wrongOf = (c: string) => (c === '000000' ? '111111' : '000000');
    const statuses: number[] = [];
    for (let i = 0; i < 24; i++) {
      const res = await code(jar, interactionUrl, wrongOf(current));
      statuses.push(res.status);
      if ((await res.text()).includes('Trop de codes erronés')) {
        // The challenge is locked: the attacker (who knows the password) asks for a new code.
        const again = await password(jar, interactionUrl, DEMO_PATIENT.email, s.demo.password);
        if (again.status === 303) current = await latestCode();
      }
    }
    // 5 wrong codes lock the first challenge; the 6th (on a new code) starts the wait; the rest are refused.
    expect(statuses).toEqual([...Array<number>(6).fill(200), ...Array<number>(18).fill(429)]);
    const right = await code(jar, interactionUrl, current);
    expect(right.status).toBe(429);
    expect(await right.text()).toContain('Trop de tentatives. Réessayez dans 1 minute.');
    // While the code wait runs, the right password sends no new code either.
    const refused = await password(jar, interactionUrl, DEMO_PATIENT.email, s.demo.password);
    expect(refused.status).toBe(429);
    expect((await codesMailed()) - mailedBefore).toBe(2);

    advance(61_000);
    const signedIn = await code(jar, interactionUrl, current);
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toContain('/oidc/auth/');
  });

  it('at most 10 codes an hour are e-mailed to an account', async () => {
    const { jar, interactionUrl } = await openSignIn(patientClient, s.baseUrl);
    const mailedBefore = await codesMailed();
    for (let i = 0; i < 10; i++) expect((await password(jar, interactionUrl, DEMO_PATIENT.email, s.demo.password)).status).toBe(303);
    const capped = await password(jar, interactionUrl, DEMO_PATIENT.email, s.demo.password);
    expect(capped.status).toBe(429);
    expect(Number(capped.headers.get('retry-after'))).toBeGreaterThan(50 * 60);
    expect(await capped.text()).toMatch(/Trop de codes de connexion ont été envoyés à votre adresse\. Réessayez dans (59|60) minutes\./);
    expect((await codesMailed()) - mailedBefore).toBe(10);
    expect(await auditCount('AUTH_THROTTLED')).toBeGreaterThanOrEqual(1);

    advance(60 * 60_000 + 1000);
    const { jar: jar2, interactionUrl: url2 } = await openSignIn(patientClient, s.baseUrl);
    expect((await password(jar2, url2, DEMO_PATIENT.email, s.demo.password)).status).toBe(303);
  });
});

describe('several server processes', { timeout: SLOW_MS }, () => {
  let second: { baseUrl: string; issuer: string; app: FastifyInstance; close: () => Promise<void> };

  beforeAll(async () => {
    second = await startSecondInstance();
  }, SLOW_MS);
  afterAll(async () => second?.close());

  it('share the limits through the database', async () => {
    const a = await openSignIn(patientClient, s.baseUrl);
    const b = await openSignIn(await discover(second.issuer), second.baseUrl);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await password(a.jar, a.interactionUrl, DEMO_PATIENT.email, 'wrong')).status);
    for (let i = 0; i < 3; i++) statuses.push((await password(b.jar, b.interactionUrl, DEMO_PATIENT.email, 'wrong')).status);
    statuses.push((await password(a.jar, a.interactionUrl, DEMO_PATIENT.email, s.demo.password)).status);
    statuses.push((await password(b.jar, b.interactionUrl, DEMO_PATIENT.email, s.demo.password)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429, 429]);
  });
});

/**
 * A second instance of the platform (its own HTTP server, OIDC provider and caches) on the same database:
 * a second connection pool to the same schema on PostgreSQL, the same in-memory database on PGlite.
 */
async function startSecondInstance() {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const db: Db = ENGINE === 'postgres'
    ? await openDb({ databaseUrl: process.env.DATABASE_URL, schema: s.db.schema!, poolSize: 2 })
    : s.db;
  const config = parseConfig({ OPENMES_MODE: 'test', OPENMES_PUBLIC_URL: baseUrl, OPENMES_DATA_DIR: s.dataDir, OPENMES_LOG_LEVEL: 'silent' });
  const platform = await openPlatform(config, clock, db);
  const app = await buildApp({ ...platform, logger: false, plugins: [oidcPlugin({ ...platform, wakeOutbox: () => undefined })] });
  await app.ready();
  handler = (req, res) => app.routing(req, res);
  return {
    baseUrl, issuer: platform.tokenKeys.issuer, app,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
      if (db !== s.db) await db.close();
    },
  };
}
