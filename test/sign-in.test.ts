import { readFileSync } from 'node:fs';
import { importJWK, SignJWT, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTOR_CLAIM, verifyAccessToken } from '../src/services/access-token.ts';
import { SIGN_IN_ACTION } from '../src/services/sign-in-audit.ts';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { browse, CookieJar, DEMO_PATIENT, follow, startSignInServer, type SignInServer } from './support/sign-in-server.ts';

let s: SignInServer;
let patientClient: oidc.Configuration;

beforeAll(async () => {
  s = await startSignInServer();
  patientClient = await oidc.discovery(new URL(s.issuer), 'openmes-patient-portal', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
});
afterAll(async () => s?.close());

const callbackOf = (s: SignInServer, portal: 'patient' | 'pro') => `${s.baseUrl}${portal === 'pro' ? '/pro' : ''}/auth/callback`;

/** Starts an authorization request like the portal does and returns the interaction page URL. */
async function authorize(client: oidc.Configuration, redirectUri: string, jar: CookieJar, extra: Record<string, string> = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(client, {
    redirect_uri: redirectUri, scope: 'openid profile email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256', state, ...extra,
  });
  const res = await browse(jar, url.href);
  expect(res.status).toBe(303);
  for (const cookie of res.headers.getSetCookie()) expect(cookie.toLowerCase()).toMatch(/httponly.*samesite=lax|samesite=lax.*httponly/);
  const interactionUrl = new URL(res.headers.get('location')!, s.baseUrl).href;
  return { verifier, state, interactionUrl };
}

async function latestCode(): Promise<string> {
  await s.dispatcher.runOnce();
  const res = await s.db.query<{ body_text: string; to_address: string }>('SELECT body_text, to_address FROM dev_mail ORDER BY sent_at DESC LIMIT 1');
  const match = /(\d{6})/.exec(res.rows[0]!.body_text);
  return match![1]!;
}

async function signInEvents(reason: string) {
  const res = await s.db.query<{ outcome: string; reason: string; details: Record<string, unknown>; target_id: string | null }>(
    'SELECT outcome, reason, details, target_id FROM audit_event WHERE action = $1 AND reason = $2', [SIGN_IN_ACTION, reason]);
  return res.rows;
}

describe('patient sign-in through the real OpenID Connect flow', () => {
  it('e-mail + password + one-time code yields tokens accepted by verifyAccessToken and /api/me; the code is single use', async () => {
    const jar = new CookieJar();
    const { verifier, state, interactionUrl } = await authorize(patientClient, callbackOf(s, 'patient'), jar);

    const page = await browse(jar, interactionUrl);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<html lang="fr">');
    expect(html.match(/<h1/g)).toHaveLength(1);
    expect(html).toContain('<label class="fr-label" for="email">');
    expect(html).not.toContain('<script');

    const afterPassword = await browse(jar, `${interactionUrl}/password`, { email: DEMO_PATIENT.email, password: s.demo.password });
    expect(afterPassword.status).toBe(303);
    expect(afterPassword.headers.get('location')).toBe(`${new URL(interactionUrl).pathname}/code`);
    const mail = await s.db.query<{ to_address: string; subject: string }>('SELECT * FROM dev_mail');
    expect(mail.rows).toHaveLength(0); // not delivered until the dispatcher runs
    const code = await latestCode();
    const mailbox = await (await fetch(`${s.baseUrl}/dev/mailbox.json`)).json() as { messages: { to: string; text: string }[] };
    expect(mailbox.messages[0]!.to).toBe(DEMO_PATIENT.email);
    expect(mailbox.messages[0]!.text).toContain(code);

    const codePage = await browse(jar, `${interactionUrl}/code`);
    expect(await codePage.text()).toContain('for="code"');
    const afterCode = await browse(jar, `${interactionUrl}/code`, { code });
    expect(afterCode.status).toBe(303);
    const { url: callback } = await follow(jar, s.baseUrl, afterCode, (u) => u.startsWith(callbackOf(s, 'patient')));
    expect(callback.startsWith(callbackOf(s, 'patient'))).toBe(true);

    const tokens = await oidc.authorizationCodeGrant(patientClient, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state });
    const claims = tokens.claims()!;
    expect(claims.sub).toBe(s.demo.patients[0]!.accountId);
    expect(claims.given_name).toBe('Camille');
    expect(claims.email).toBe(DEMO_PATIENT.email);
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.expires_in).toBeLessThanOrEqual(s.platform.config.accessTokenTtlSeconds);

    const header = JSON.parse(Buffer.from(tokens.access_token.split('.')[0]!, 'base64url').toString()) as { typ: string };
    expect(header.typ).toBe('at+jwt');
    const actor = await verifyAccessToken(s.platform.tokenKeys, tokens.access_token, new Date());
    expect(actor).toEqual({ kind: 'person', accountId: claims.sub, dossierId: s.dossierId, displayName: 'Camille Durand' });

    const me = await fetch(`${s.baseUrl}/api/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { displayName: string }).displayName).toBe('Camille Durand');

    // The authorization code is single use.
    await expect(oidc.authorizationCodeGrant(patientClient, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state }))
      .rejects.toMatchObject({ error: 'invalid_grant' });

    const ok = await signInEvents('AUTH_SIGN_IN_OK');
    expect(ok.some((e) => e.target_id === claims.sub && e.outcome === 'allowed')).toBe(true);

    // Technical logs: requests are logged, but never the e-mail address, password, code or tokens.
    await new Promise((r) => setImmediate(r));
    const log = s.logs.join('');
    expect(s.logs.length).toBeGreaterThan(5);
    for (const secret of [DEMO_PATIENT.email, 'camille.durand', s.demo.password, code, tokens.access_token.slice(-20), tokens.id_token!.slice(-20), new URL(callback).searchParams.get('code')!]) {
      expect(log).not.toContain(secret);
    }
  });

  it('a wrong password or an unknown address gives one generic French message, audited as denied', async () => {
    for (const [email, password] of [[DEMO_PATIENT.email, 'wrong-password'], ['nobody@example.test', s.demo.password]] as const) {
      const jar = new CookieJar();
      const { interactionUrl } = await authorize(patientClient, callbackOf(s, 'patient'), jar);
      const res = await browse(jar, `${interactionUrl}/password`, { email, password });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('Adresse électronique ou mot de passe incorrect.');
      expect(html).toContain('fr-alert--error');
    }
    const denied = await signInEvents('AUTH_BAD_CREDENTIALS');
    expect(denied.length).toBeGreaterThanOrEqual(2);
    expect(denied.every((e) => e.outcome === 'denied')).toBe(true);
    const rows = await s.db.query<{ text: string }>(`SELECT details::text || actor::text AS text FROM audit_event WHERE action = $1`, [SIGN_IN_ACTION]);
    for (const r of rows.rows) {
      expect(r.text).not.toContain('@'); // never the e-mail address
      expect(r.text).not.toContain('wrong-password');
    }
  });

  it('five wrong codes lock the challenge: even the right code is then refused', async () => {
    const jar = new CookieJar();
    const { interactionUrl } = await authorize(patientClient, callbackOf(s, 'patient'), jar);
    await browse(jar, `${interactionUrl}/password`, { email: DEMO_PATIENT.email, password: s.demo.password });
    const code = await latestCode();
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 5; i++) {
      const res = await browse(jar, `${interactionUrl}/code`, { code: wrong });
      const html = await res.text();
      if (i < 5) expect(html).toContain(`Il vous reste ${5 - i} essai`);
      else expect(html).toContain('Trop de codes erronés');
    }
    const right = await browse(jar, `${interactionUrl}/code`, { code });
    expect(right.status).toBe(200);
    expect(await right.text()).toContain('Trop de codes erronés');
    expect((await signInEvents('AUTH_OTP_INVALID')).length).toBe(4);
    expect((await signInEvents('AUTH_OTP_LOCKED')).length).toBe(2);
  });

  it('refuses a sign-in form posted from another site', async () => {
    const jar = new CookieJar();
    const { interactionUrl } = await authorize(patientClient, callbackOf(s, 'patient'), jar);
    const res = await fetch(`${interactionUrl}/password`, {
      method: 'POST', redirect: 'manual',
      headers: { cookie: jar.header(), origin: 'https://attacker.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: DEMO_PATIENT.email, password: s.demo.password }).toString(),
    });
    expect(res.status).toBe(403);
    // Without the interaction cookie (what a cross-site POST gets with SameSite=Lax) the step is refused too.
    const noCookie = await fetch(`${interactionUrl}/password`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=x&password=y' });
    expect(noCookie.status).toBe(400);
    const page = await browse(jar, interactionUrl);
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });

  it('refuses PKCE plain, a missing state and an unregistered redirect URI', async () => {
    const jar = new CookieJar();
    const base = { client_id: 'openmes-patient-portal', response_type: 'code', scope: 'openid', redirect_uri: callbackOf(s, 'patient') };
    const plain = await browse(jar, `${s.issuer}/auth?${new URLSearchParams({ ...base, state: 'abc', code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' })}`);
    expect(plain.headers.get('location')).toContain('error=invalid_request');
    const noState = await browse(jar, `${s.issuer}/auth?${new URLSearchParams({ ...base, code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' })}`);
    expect(noState.headers.get('location')).toContain('error=invalid_request');
    const noPkce = await browse(jar, `${s.issuer}/auth?${new URLSearchParams({ ...base, state: 'abc' })}`);
    expect(noPkce.headers.get('location')).toContain('error=invalid_request');
    const otherUri = await browse(jar, `${s.issuer}/auth?${new URLSearchParams({ ...base, state: 'abc', redirect_uri: `${s.baseUrl}/auth/callback/x`, code_challenge: 'a'.repeat(43), code_challenge_method: 'S256' })}`);
    expect(otherUri.status).toBe(400);
    expect(otherUri.headers.get('location')).toBeNull();
  });
});

/** A complete patient sign-in in `jar`; returns the tokens. */
async function signInPatient(jar: CookieJar) {
  const { verifier, state, interactionUrl } = await authorize(patientClient, callbackOf(s, 'patient'), jar);
  await browse(jar, `${interactionUrl}/password`, { email: DEMO_PATIENT.email, password: s.demo.password });
  const code = await latestCode();
  const { url } = await follow(jar, s.baseUrl, await browse(jar, `${interactionUrl}/code`, { code }), (u) => u.startsWith(callbackOf(s, 'patient')));
  return oidc.authorizationCodeGrant(patientClient, new URL(url), { pkceCodeVerifier: verifier, expectedState: state });
}

describe('single sign-on and first-party consent', () => {
  it('reuses the session, and grants newly requested scopes without a consent page', async () => {
    const jar = new CookieJar();
    await signInPatient(jar);
    // Same scopes: straight back to the portal with a code.
    const verifier = oidc.randomPKCECodeVerifier();
    const sso = await browse(jar, oidc.buildAuthorizationUrl(patientClient, {
      redirect_uri: callbackOf(s, 'patient'), scope: 'openid profile email', state: 'st-sso',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    }).href);
    expect(sso.headers.get('location')).toMatch(new RegExp(`^${callbackOf(s, 'patient')}\\?code=`));
  });

  it('auto-grants the consent prompt of a portal', async () => {
    const jar = new CookieJar();
    // Signed in with "openid" only, then asked for more: the consent interaction is granted at once.
    const narrow = await authorize(patientClient, callbackOf(s, 'patient'), jar, { scope: 'openid' });
    await browse(jar, `${narrow.interactionUrl}/password`, { email: DEMO_PATIENT.email, password: s.demo.password });
    const code = await latestCode();
    await follow(jar, s.baseUrl, await browse(jar, `${narrow.interactionUrl}/code`, { code }), (u) => u.startsWith(callbackOf(s, 'patient')));
    const wide = await authorize(patientClient, callbackOf(s, 'patient'), jar);
    const { url } = await follow(jar, s.baseUrl, await browse(jar, wide.interactionUrl), (u) => u.startsWith(callbackOf(s, 'patient')));
    const tokens = await oidc.authorizationCodeGrant(patientClient, new URL(url), { pkceCodeVerifier: wide.verifier, expectedState: wide.state });
    expect(tokens.claims()?.email).toBe(DEMO_PATIENT.email);
    expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
  });
});

describe('sign-out (RP-initiated logout)', () => {
  it('asks for confirmation in French, then ends the session and returns to the portal', async () => {
    const jar = new CookieJar();
    const tokens = await signInPatient(jar);
    const endUrl = oidc.buildEndSessionUrl(patientClient, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: `${s.baseUrl}/` });
    const confirm = await browse(jar, endUrl.href);
    expect(confirm.status).toBe(200);
    expect(confirm.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await confirm.text();
    expect(html).toContain('Voulez-vous vous déconnecter ?');
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)"/.exec(html)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const done = await browse(jar, new URL(action, s.baseUrl).href, { xsrf, logout: 'yes' });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe(`${s.baseUrl}/`);
    // Signed out: a new authorization request asks to sign in again.
    const again = await authorize(patientClient, callbackOf(s, 'patient'), jar);
    const page = await browse(jar, again.interactionUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Connexion à Mon espace santé');
  });
});

describe('professional sign-in with a demo card', () => {
  it('lists the demo cards and signs in as the chosen professional', async () => {
    const proClient = await oidc.discovery(new URL(s.issuer), 'openmes-pro-portal', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const jar = new CookieJar();
    const { verifier, state, interactionUrl } = await authorize(proClient, callbackOf(s, 'pro'), jar);
    const page = await browse(jar, interactionUrl);
    const html = await page.text();
    expect(html).toContain('Choisissez une carte de démonstration');
    const nurse = s.demo.professionals.find((p) => p.rpps === '10000010016')!;
    expect(html).toContain('RPPS 10000010016');
    const chosen = await browse(jar, `${interactionUrl}/card`, { account_id: nurse.accountId });
    const { url: callback } = await follow(jar, s.baseUrl, chosen, (u) => u.startsWith(callbackOf(s, 'pro')));
    const tokens = await oidc.authorizationCodeGrant(proClient, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state });
    const actor = await verifyAccessToken(s.platform.tokenKeys, tokens.access_token, new Date());
    expect(actor).toMatchObject({ kind: 'professional', rpps: '10000010016', profession: 'G15:60' });
  });

  it('a patient session does not satisfy the professional portal (login asked again)', async () => {
    const jar = new CookieJar();
    await signInPatient(jar);
    const proClient = await oidc.discovery(new URL(s.issuer), 'openmes-pro-portal', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const pro = await authorize(proClient, callbackOf(s, 'pro'), jar);
    expect(await (await browse(jar, pro.interactionUrl)).text()).toContain('Choisissez une carte de démonstration');
    // Choosing a card replaces the patient's session (no logout page in between).
    const doctor = s.demo.professionals[0]!;
    const { url } = await follow(jar, s.baseUrl, await browse(jar, `${pro.interactionUrl}/card`, { account_id: doctor.accountId }), (u) => u.startsWith(callbackOf(s, 'pro')));
    const tokens = await oidc.authorizationCodeGrant(proClient, new URL(url), { pkceCodeVerifier: pro.verifier, expectedState: pro.state });
    expect(tokens.claims()?.sub).toBe(doctor.accountId);
    // …and the patient portal now asks the patient to sign in again.
    const back = await authorize(patientClient, callbackOf(s, 'patient'), jar);
    expect(await (await browse(jar, back.interactionUrl)).text()).toContain('Connexion à Mon espace santé');
  });
});

describe('professional software (private_key_jwt + client_credentials)', () => {
  const privateJwk = () => JSON.parse(readFileSync(s.demo.software.privateKeyFile, 'utf8')) as JWK;

  it('demo-lps gets a token naming the professional it acts for', async () => {
    const key = await importJWK(privateJwk(), 'RS256');
    const client = await oidc.discovery(new URL(s.issuer), 'demo-lps', undefined, oidc.PrivateKeyJwt(key as CryptoKey), { execute: [oidc.allowInsecureRequests] });
    const tokens = await oidc.clientCredentialsGrant(client);
    const actor = await verifyAccessToken(s.platform.tokenKeys, tokens.access_token, new Date());
    expect(actor).toMatchObject({ kind: 'professional', rpps: '10000010008', displayName: 'Dr Claire Lambert' });
    const payload = JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(payload.client_id).toBe('demo-lps');
    expect(payload[ACTOR_CLAIM]).toBeDefined();
    const me = await fetch(`${s.baseUrl}/api/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(((await me.json()) as { rpps: string }).rpps).toBe('10000010008');
  });

  async function assertion(claims: { jti: string; expIn: number }) {
    const jwk = privateJwk();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid! })
      .setIssuer('demo-lps').setSubject('demo-lps').setAudience(`${s.issuer}/token`)
      .setJti(claims.jti).setIssuedAt(now).setExpirationTime(now + claims.expIn)
      .sign(await importJWK(jwk, 'RS256'));
  }

  async function tokenRequest(clientAssertion: string) {
    return fetch(`${s.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials', client_id: 'demo-lps',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: clientAssertion,
      }),
    });
  }

  it('refuses a replayed client assertion (same jti) and one living longer than 5 minutes', async () => {
    const once = await assertion({ jti: 'replay-test-jti-0001', expIn: 120 });
    expect((await tokenRequest(once)).status).toBe(200);
    const replay = await tokenRequest(once);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: string }).error).toBe('invalid_client');
    const longLived = await tokenRequest(await assertion({ jti: 'long-lived-jti-0001', expIn: 3600 }));
    expect(longLived.status).toBe(401);
  });
});

describe('audit trail of sign-ins', () => {
  it('is on the system chain and verifies', async () => {
    const rows = await s.db.query<{ dossier_id: string }>('SELECT DISTINCT dossier_id FROM audit_event WHERE action = $1', [SIGN_IN_ACTION]);
    expect(rows.rows).toEqual([{ dossier_id: '00000000-0000-0000-0000-000000000000' }]);
    const result = await verifyAudit(s.db);
    expect(result.problems).toEqual([]);
    expect(result.entries).toBeGreaterThan(5);
  });
});
