import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { importJWK, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCommand } from '../src/cli/seed-demo-command.ts';
import { startCommand } from '../src/cli/start-command.ts';
import { hashPassword } from '../src/services/password.ts';
import { DEMO_OPERATOR_EMAIL } from '../src/services/seed-demo-accounts.ts';
import { listDemoCards, signInWithDemoCard } from '../src/services/sign-in-with-card.ts';
import { SIGN_IN_ACTION } from '../src/services/sign-in-audit.ts';
import { insertAccount } from '../src/store/account-repo.ts';
import { insertDossier, insWithKey } from './support/fixtures.ts';
import { PRODUCTION_ENV } from './support/production-env.ts';
import { DEMO_PATIENT, startSignInServer, type SignInServer } from './support/sign-in-server.ts';

/**
 * Issue 8, item 8: a production platform refuses the demo — the seed commands, and the demo accounts
 * and software client when its database holds some (seeded here before the platform runs in production).
 */
let s: SignInServer;
const REAL_PATIENT = { email: 'lea.martin@example.test', password: 'Un mot de passe bien à moi 2026' };

beforeAll(async () => {
  s = await startSignInServer({ env: () => ({ ...PRODUCTION_ENV }) });
  const dossierId = await insertDossier(s.db, { ins: insWithKey('2900175123457'), state: 'active' });
  await insertAccount(s.db, {
    account_id: randomUUID(), kind: 'patient', email: REAL_PATIENT.email, password_hash: await hashPassword(REAL_PATIENT.password),
    given_name: 'Léa', family_name: 'Martin', dossier_id: dossierId, rpps: null, profession: null, specialty: null, structure_finess: null, structure_name: null,
  }, new Date());
});
afterAll(async () => s?.close());

const cookieOf = (res: LightMyRequestResponse) => res.cookies.map((c) => `${c.name}=${c.value}`).join('; ');

/** The password page of a patient-portal sign-in, as a browser reaches it: its URL and the cookies that go with it. */
async function openSignIn(app: FastifyInstance): Promise<{ url: string; cookie: string }> {
  const query = new URLSearchParams({
    client_id: 'openmes-patient-portal', redirect_uri: `${s.platform.config.publicUrl}/auth/callback`, response_type: 'code', scope: 'openid',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', state: 'etat-de-test',
  });
  const auth = await app.inject({ url: `/oidc/auth?${query}` });
  expect(auth.statusCode).toBe(303);
  return { url: auth.headers.location as string, cookie: cookieOf(auth) };
}

async function postPassword(email: string, password: string): Promise<LightMyRequestResponse> {
  const { url, cookie } = await openSignIn(s.app);
  return s.app.inject({
    method: 'POST', url: `${url}/password`, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ email, password }).toString(),
  });
}

const queuedMailsTo = async (to: string) =>
  (await s.db.query("SELECT 1 FROM outbox WHERE kind = 'email' AND payload->>'to' = $1", [to])).rowCount ?? 0;

describe('demo accounts in a production database', () => {
  it('the demo patient and the demo operator do not sign in with the published demo password; no code is sent', async () => {
    for (const email of [DEMO_PATIENT.email, DEMO_OPERATOR_EMAIL]) {
      const res = await postPassword(email, s.demo.password);
      expect(res.statusCode, email).toBe(200);
      expect(res.body, email).toContain('Adresse électronique ou mot de passe incorrect.');
      expect(await queuedMailsTo(email), email).toBe(0);
    }
    const audited = await s.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event WHERE action = $1 AND reason = $2', [SIGN_IN_ACTION, 'AUTH_ACCOUNT_NOT_ALLOWED']);
    expect(audited.rows[0]!.n).toBeGreaterThanOrEqual(2);
    // The same page lets a real account through to its code.
    const real = await postPassword(REAL_PATIENT.email, REAL_PATIENT.password);
    expect(real.statusCode).toBe(303);
    expect(real.headers.location).toMatch(/\/code$/);
    expect(await queuedMailsTo(REAL_PATIENT.email)).toBe(1);
  });

  it('the demo cards are neither offered nor accepted', async () => {
    const doctor = s.demo.professionals[0]!;
    expect(await listDemoCards(s.platform)).toEqual([]);
    const ctx = { interactionUid: 'x'.repeat(21), clientId: 'openmes-pro-portal', requestId: null };
    expect(await signInWithDemoCard(s.platform, ctx, doctor.accountId)).toMatchObject({ ok: false });
  });

  it('the demo software client gets no token', async () => {
    const jwk = JSON.parse(readFileSync(s.demo.software.privateKeyFile, 'utf8')) as JWK;
    const now = Math.floor(Date.now() / 1000);
    const clientAssertion = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: jwk.kid! })
      .setIssuer('demo-lps').setSubject('demo-lps').setAudience(s.issuer)
      .setJti(randomUUID()).setIssuedAt(now).setExpirationTime(now + 120)
      .sign(await importJWK(jwk, 'RS256'));
    const res = await s.app.inject({
      method: 'POST', url: '/oidc/token', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'client_credentials', client_id: 'demo-lps',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: clientAssertion,
      }).toString(),
    });
    expect([400, 401], res.body).toContain(res.statusCode);
    expect(res.json<{ error: string }>().error).toBe('invalid_client');
    expect(res.body).not.toContain('access_token');
  });
});

describe('demo commands in production', () => {
  it('`openmes seed-demo` and `openmes start --demo` refuse to run, saying why', async () => {
    const config = s.platform.config;
    expect(config.mode).toBe('production');
    const before = (await s.db.query('SELECT 1 FROM account')).rowCount;
    const err = captureStderr();
    try {
      expect(await seedDemoCommand({ config, options: {}, args: [] })).toBe(1);
      expect(await startCommand({ config, options: { demo: true }, args: [] })).toBe(1);
    } finally {
      err.restore();
    }
    expect(err.text()).toMatch(/seed-demo: refused in production mode[\s\S]*--demo is refused in production mode/);
    expect((await s.db.query('SELECT 1 FROM account')).rowCount).toBe(before);
  });
});

function captureStderr() {
  const chunks: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => { chunks.push(String(chunk)); return true; }) as typeof process.stderr.write;
  return { text: () => chunks.join(''), restore: () => { process.stderr.write = original; } };
}
