import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSweepApp, diffFingerprints, fingerprint, type SweepApp } from './sweep/harness.ts';
import { buildWorld, type World } from './sweep/world.ts';
import { documentReference } from './support/documents.ts';
import { portalAuthorizeUrl, startInteraction } from './support/oidc-interaction.ts';
import { ENGINE } from './support/test-db.ts';

/*
 * Issue 8 item 10: input that no route can mean is refused at the edge with a 400 naming the field —
 * an OperationOutcome under /fhir/R4, problem+json under /api, a French page on the sign-in pages — and
 * never reaches the database (where U+0000 made PostgreSQL fail: a 500). Nothing is changed.
 */
let s: SweepApp;
let w: World;
let pro: string;
let owner: string;

type Answer = { status: number; type: string; json: Record<string, unknown>; body: string };

async function send(method: string, url: string, token: string | null, body?: unknown, contentType = 'application/json'): Promise<Answer> {
  const res = await s.app.inject({
    method: method as 'GET', url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': contentType } : {}) },
    ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  let json: Record<string, unknown> = {};
  try { json = JSON.parse(res.body) as Record<string, unknown>; } catch { /* HTML */ }
  return { status: res.statusCode, type: String(res.headers['content-type']), json, body: res.body };
}

/** The FHIR issue's expression and coded reason. */
const fhirIssue = (a: Answer) => {
  const issue = (a.json.issue as Array<{ expression?: string[]; details?: { coding?: Array<{ code: string }>; text?: string } }> | undefined)?.[0];
  return { expression: issue?.expression?.[0], code: issue?.details?.coding?.[0]?.code, text: issue?.details?.text ?? '' };
};
const problemIssue = (a: Answer) => (a.json.issues as Array<{ field: string; code: string; message: string }> | undefined)?.[0];

describe(`bad input is refused at the edge, naming the field (${ENGINE})`, () => {
  beforeAll(async () => {
    s = await createSweepApp();
    w = await buildWorld(s);
    pro = w.actors.consentedPro.token!;
    owner = w.actors.owner.token!;
  }, 120_000);
  afterAll(async () => s?.close());

  it('a NUL in any FHIR token search parameter: 400 OperationOutcome whose expression names the parameter', async () => {
    for (const name of ['type', 'category', 'facility', 'setting', 'security-label', 'format', 'status', 'author.identifier']) {
      const res = await send('GET', `/fhir/R4/DocumentReference?patient=Patient/${w.target.id}&${name}=x%00y`, pro);
      expect(res.status, `${name}: ${res.body.slice(0, 200)}`).toBe(400);
      expect(res.type).toMatch(/^application\/fhir\+json/);
      expect(fhirIssue(res)).toMatchObject({ expression: name, code: 'INPUT_NUL_CHARACTER' });
      expect(fhirIssue(res).text).toContain(`« ${name} »`);
    }
  });

  it('Patient search: a NUL in a trait, an impossible birth date → 400 naming it', async () => {
    const traits = (family: string, birthdate: string) => `/fhir/R4/Patient?family=${family}&given=Canari&birthdate=${birthdate}&gender=male`;
    expect(fhirIssue(await send('GET', traits('SWEEP%00', w.target.birthDate), pro))).toMatchObject({ expression: 'family', code: 'INPUT_NUL_CHARACTER' });
    for (const date of ['2000-02-31', '0000-01-01']) {
      const res = await send('GET', traits(w.target.family, date), pro);
      expect(res.status, date).toBe(400);
      expect(fhirIssue(res)).toMatchObject({ expression: 'birthdate', code: 'FHIR_SEARCH_DATE' });
    }
  });

  it('/api: directory q, carer e-mail, emergency reason — 400 problem+json naming the field, nothing recorded', async () => {
    const before = await fingerprint(s.db);
    const q = await send('GET', '/api/directory/professionals?q=an%00nuaire', pro);
    expect(q.status).toBe(400);
    expect(q.type).toMatch(/^application\/problem\+json/);
    expect(problemIssue(q)).toMatchObject({ field: 'q', code: 'INPUT_NUL_CHARACTER' });
    const carer = await send('POST', `/api/dossiers/${w.target.id}/carers`, owner, { email: 'aidant\u0000@example.test' });
    expect(problemIssue(carer)).toMatchObject({ field: 'email', code: 'INPUT_NUL_CHARACTER' });
    const emergency = await send('POST', `/api/dossiers/${w.target.id}/emergency-access`, pro, { mode: 'bris_de_glace', reason: 'Patient inconscient\u0000 aux urgences' });
    expect(emergency.status).toBe(400);
    expect(problemIssue(emergency)).toMatchObject({ field: 'reason', code: 'INPUT_NUL_CHARACTER' });
    expect(emergency.json.detail).toContain('« reason »');
    // A lone surrogate, a control character, a NUL in a key, a number JSON can only write as Infinity.
    const lone = await send('POST', `/api/dossiers/${w.target.id}/emergency-access`, pro, '{"mode":"bris_de_glace","reason":"Patient inconscient \\ud800 aux urgences"}');
    expect(problemIssue(lone)).toMatchObject({ field: 'reason', code: 'INPUT_INVALID_UNICODE' });
    const control = await send('POST', `/api/dossiers/${w.target.id}/emergency-access`, pro, { mode: 'bris_de_glace', reason: 'Patient inconscient\u001b aux urgences' });
    expect(problemIssue(control)).toMatchObject({ field: 'reason', code: 'INPUT_CONTROL_CHARACTER' });
    const key = await send('PUT', `/api/dossiers/${w.target.id}/settings`, owner, { blockSamu: true, 'x\u0000': 1 });
    expect(problemIssue(key)).toMatchObject({ field: 'x\\u0000', code: 'INPUT_NUL_CHARACTER' });
    const huge = await send('PUT', `/api/dossiers/${w.target.id}/settings`, owner, '{"blockSamu":1e400}');
    expect(problemIssue(huge)).toMatchObject({ field: 'blockSamu', code: 'INPUT_NUMBER_OUT_OF_RANGE' });
    expect(diffFingerprints(before, await fingerprint(s.db))).toEqual([]);
  });

  it('DocumentReference title, description, masterIdentifier with a NUL: 400 naming the element, nothing stored', async () => {
    const before = await fingerprint(s.db);
    const doc = () => documentReference({ patientId: w.target.id, title: 'Compte rendu' }) as Record<string, any>;
    const cases: Array<[string, (d: Record<string, any>) => void]> = [
      ['DocumentReference.content[0].attachment.title', (d) => { d.content[0].attachment.title = 'Compte\u0000rendu'; }],
      ['DocumentReference.description', (d) => { d.description = 'Compte rendu\u0000'; }],
      ['DocumentReference.masterIdentifier.value', (d) => { d.masterIdentifier.value = 'urn:oid:1.2.3\u0000'; }],
    ];
    for (const [expression, spoil] of cases) {
      const body = doc();
      spoil(body);
      const res = await send('POST', '/fhir/R4/DocumentReference', pro, body, 'application/fhir+json');
      expect(res.status, `${expression}: ${res.body.slice(0, 200)}`).toBe(400);
      expect(fhirIssue(res)).toMatchObject({ expression, code: 'INPUT_NUL_CHARACTER' });
    }
    expect(diffFingerprints(before, await fingerprint(s.db))).toEqual([]);
  });

  it('numbers out of range: history before=1e20, _count, a huge cursor → 400, never a database overflow', async () => {
    for (const before of ['1e20', '99999999999999999999', '-1', 'NaN']) {
      const res = await send('GET', `/api/dossiers/${w.target.id}/history?before=${before}`, owner);
      expect(res.status, `before=${before}: ${res.body.slice(0, 200)}`).toBe(400);
      expect(problemIssue(res)?.field).toBe('before');
    }
    expect((await send('GET', `/fhir/R4/AuditEvent?patient=Patient/${w.target.id}&_count=1e20`, owner)).status).toBe(400);
    expect((await send('GET', `/fhir/R4/DocumentReference?patient=Patient/${w.target.id}&_count=1e20`, pro)).status).toBe(400);
    expect((await send('GET', `/fhir/R4/DocumentReference?patient=Patient/${w.target.id}&date=ge99999-01-01`, pro)).status).toBe(400);
    expect((await send('GET', `/api/notifications?limit=1e20`, owner)).status).toBe(400);
  });

  it('over-long query parameters and Idempotency-Key: 400 naming them', async () => {
    const res = await send('GET', `/fhir/R4/DocumentReference?patient=Patient/${w.target.id}&type=${'a'.repeat(100_000)}`, pro);
    expect(fhirIssue(res)).toMatchObject({ expression: 'type', code: 'INPUT_TOO_LONG' });
    const key = await s.app.inject({
      method: 'POST', url: '/fhir/R4/DocumentReference',
      headers: { authorization: `Bearer ${pro}`, 'content-type': 'application/fhir+json', 'idempotency-key': 'k'.repeat(100_000) },
      payload: JSON.stringify(documentReference({ patientId: w.target.id })),
    });
    expect(key.statusCode).toBe(400);
    expect(key.body).toContain('Idempotency-Key');
  });

  it('the sign-in e-mail with a NUL: a French page naming the field (400), not a 500', async () => {
    const { uid, cookie } = await startInteraction(s.app, portalAuthorizeUrl('patient'));
    const res = await s.app.inject({
      method: 'POST', url: `/interaction/${uid}/password`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=camille%00%40example.test&password=secret',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('Adresse électronique');
    expect(res.body).toContain(`/interaction/${uid}`);
    // The form still works afterwards.
    expect((await s.app.inject({ method: 'GET', url: `/interaction/${uid}`, headers: { cookie } })).statusCode).toBe(200);
  });

  it('the OpenID Connect endpoints: a NUL in client_id, code or state is a client error', async () => {
    for (const form of ['grant_type=client_credentials&client_id=a%00b', 'grant_type=authorization_code&code=%00&client_id=openmes-patient-portal&redirect_uri=x&code_verifier=x']) {
      const res = await s.app.inject({ method: 'POST', url: '/oidc/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form });
      expect(res.statusCode, `${form}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
    }
    expect((await s.app.inject({ method: 'GET', url: portalAuthorizeUrl('patient', 'a\u0000b') })).statusCode).toBe(400);
    expect((await s.app.inject({ method: 'GET', url: '/oidc/auth?client_id=%00' })).statusCode).toBe(400);
  });

  it('static paths that climb out (..) or carry a NUL name nothing: 404/400 over a real socket, never 500', async () => {
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (s.app.server.address() as AddressInfo).port;
    const get = (path: string) => new Promise<{ status: number; type: string }>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']) }));
      }).on('error', reject).end();
    });
    for (const path of ['/api/docs/static/../x', '/api/docs/static/%2e%2e/x', '/api/docs/static/..%2f..%2fpackage.json', '/oidc-assets/../x', '/some/../../etc/passwd']) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(res.type, path).toMatch(/^application\/problem\+json/);
    }
    for (const path of ['/api/docs/static/%00', '/oidc-assets/%00', '/api/docs/static/%ED%A0%80']) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.type, path).toMatch(/^application\/problem\+json/);
    }
  });
});
