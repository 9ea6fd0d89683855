import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { doctor, insertDossier, insWithKey, operator, personFor, relate } from './support/fixtures.ts';
import { ENGINE } from './support/test-db.ts';

let t: TestApp;
const marieIns = insWithKey('2850575056001');
const paulIns = insWithKey('1870575056003');
const leaIns = insWithKey('2150575056004');
let marie: string;
let paul: string;
let lea: string;

const auditCount = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event')).rows[0]!.n;
const get = async (url: string, token?: string) =>
  t.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

describe(`API foundation (${ENGINE})`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    marie = await insertDossier(t.db, { ins: marieIns, birthName: 'MARTIN', firstNames: 'Marie Anne', birthDate: '1985-05-12', sex: 'F' });
    paul = await insertDossier(t.db, { ins: paulIns, birthName: 'DURAND', firstNames: 'Paul', birthDate: '1987-05-02', sex: 'M' });
    lea = await insertDossier(t.db, { ins: leaIns, birthName: 'MARTIN', firstNames: 'Léa', birthDate: '2015-05-10', sex: 'F' });
    await relate(t.db, lea, 'legal_representative', marie, marieIns);
  });
  afterAll(async () => t.close());

  it('answers health and readiness probes', async () => {
    expect((await get('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await get('/readyz')).json()).toMatchObject({ status: 'ready' });
  });

  it('serves the FHIR CapabilityStatement without a token', async () => {
    const res = await get('/fhir/R4/metadata');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/fhir+json');
    expect(res.json()).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1' });
  });

  it('serves the OpenAPI documentation', async () => {
    const res = await get('/api/docs/json');
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toEqual(expect.arrayContaining(['/api/me', '/api/dossiers/{dossierId}/{action}', '/fhir/R4/Patient']));
  });

  it('refuses a missing or forged token with 401 OperationOutcome / problem+json', async () => {
    const fhir = await get(`/fhir/R4/Patient/${marie}`);
    expect(fhir.statusCode).toBe(401);
    expect(fhir.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'login' }] });
    const api = await get('/api/me', 'abc.def.ghi');
    expect(api.statusCode).toBe(401);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(api.json()).toMatchObject({ status: 401, code: 'AUTH_INVALID_TOKEN' });
  });

  it('refuses an expired token', async () => {
    const token = await t.tokenFor(personFor(marie));
    t.clock.advanceDays(1);
    const res = await get('/api/me', token);
    t.clock.advanceDays(-1);
    expect(res.statusCode).toBe(401);
  });

  it('lets the holder read their Patient as FR Core Patient-INS, traced in their history', async () => {
    const before = await auditCount();
    const res = await get(`/fhir/R4/Patient/${marie}`, await t.tokenFor(personFor(marie)));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      resourceType: 'Patient', id: marie, gender: 'female', birthDate: '1985-05-12',
      identifier: [{ system: 'urn:oid:1.2.250.1.213.1.4.11', value: marieIns }],
      name: [{ family: 'MARTIN', given: ['Marie'] }],
    });
    expect(await auditCount()).toBe(before + 1);
    const last = await t.db.query<{ action: string; outcome: string; reason: string }>(
      'SELECT action, outcome, reason FROM audit_event WHERE dossier_id = $1 ORDER BY seq DESC LIMIT 1', [marie]);
    expect(last.rows[0]).toEqual({ action: 'dossier.identity.read', outcome: 'allowed', reason: 'POLICY_HOLDER' });
  });

  it('answers 404, exactly as for a dossier that does not exist, to someone with no relationship', async () => {
    const token = await t.tokenFor(personFor(paul, 'Paul Durand'));
    const hidden = await get(`/fhir/R4/Patient/${marie}`, token);
    const absent = await get('/fhir/R4/Patient/5d0c0f8e-1111-4222-8333-444455556666', token);
    const malformed = await get('/fhir/R4/Patient/not-an-id', token);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json()).toEqual(absent.json());
    expect(malformed.json()).toEqual(absent.json());
    const denied = await t.db.query<{ outcome: string; reason: string }>(
      `SELECT outcome, reason FROM audit_event WHERE dossier_id = $1 ORDER BY seq DESC LIMIT 1`, [marie]);
    expect(denied.rows[0]).toEqual({ outcome: 'denied', reason: 'POLICY_NO_RELATIONSHIP' });
  });

  it('lets a parent see their child, and the child stops being theirs at 18', async () => {
    const token = await t.tokenFor(personFor(marie));
    const mine = await get('/fhir/R4/Patient', token);
    expect(mine.json().entry.map((e: { resource: { id: string } }) => e.resource.id).sort()).toEqual([marie, lea].sort());
    expect((await get(`/fhir/R4/Patient/${lea}`, token)).statusCode).toBe(200);
    t.clock.set('2033-05-10T08:00:00Z');
    const later = await get(`/fhir/R4/Patient/${lea}`, await t.tokenFor(personFor(marie)));
    t.clock.set('2026-01-15T10:00:00.000Z');
    expect(later.statusCode).toBe(404);
  });

  it('lets a professional find a patient by INS or by the strict traits, and nobody else', async () => {
    const token = await t.tokenFor(doctor);
    const byIns = await get(`/fhir/R4/Patient?identifier=urn:oid:1.2.250.1.213.1.4.8|${paulIns}`, token);
    expect(byIns.statusCode).toBe(200);
    expect(byIns.json()).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1, entry: [{ resource: { id: paul } }] });
    const byTraits = await get('/fhir/R4/Patient?family=martin&given=marie&birthdate=1985-05-12&gender=female', token);
    expect(byTraits.json()).toMatchObject({ total: 1, entry: [{ resource: { id: marie } }] });
    const none = await get(`/fhir/R4/Patient?identifier=${insWithKey('1990175056999')}`, token);
    expect(none.json()).toMatchObject({ total: 0 });
  });

  it('shows professionals that a carer mandate exists, never who; the patient side does not get the flag', async () => {
    const carerIns = insWithKey('1600175056123');
    const carerDossier = await insertDossier(t.db, { ins: carerIns, birthName: 'BLANC' });
    await relate(t.db, paul, 'carer', carerDossier, carerIns);
    const byPro = (await get(`/fhir/R4/Patient/${paul}`, await t.tokenFor(doctor))).json();
    expect(JSON.stringify(byPro.extension)).toContain('carer-mandate');
    expect(JSON.stringify(byPro)).not.toContain(carerIns);
    const byHolder = (await get(`/fhir/R4/Patient/${paul}`, await t.tokenFor(personFor(paul, 'Paul Durand')))).json();
    expect(JSON.stringify(byHolder.extension)).not.toContain('carer-mandate');
  });

  it('names the field and the rule of a bad INS in an OperationOutcome, changing nothing', async () => {
    const before = await auditCount();
    const bad = marieIns.slice(0, 13) + (marieIns.endsWith('00') ? '01' : '00');
    const res = await get(`/fhir/R4/Patient?identifier=${bad}`, await t.tokenFor(doctor));
    expect(res.statusCode).toBe(400);
    const outcome = res.json();
    expect(outcome.resourceType).toBe('OperationOutcome');
    expect(outcome.issue[0]).toMatchObject({ severity: 'error', code: 'invalid', expression: ['identifier'] });
    expect(outcome.issue[0].details.text).toMatch(/clé/i);
    const incomplete = await get('/fhir/R4/Patient?family=MARTIN', await t.tokenFor(doctor));
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json().issue.map((i: { expression: string[] }) => i.expression[0])).toEqual(['given', 'birthdate', 'gender']);
    expect(await auditCount()).toBe(before);
  });

  it('runs the lifecycle through the API: activate, refuse a second activation, close, reopen', async () => {
    const token = await t.tokenFor(personFor(paul, 'Paul Durand'));
    const post = (action: string) => t.app.inject({ method: 'POST', url: `/api/dossiers/${paul}/${action}`, headers: { authorization: `Bearer ${token}` } });
    expect((await post('activate')).json()).toMatchObject({ state: 'active' });
    const again = await post('activate');
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'DOSSIER_TRANSITION_REFUSED', issues: [{ code: 'DOSSIER_ALREADY_ACTIVE' }] });
    const closed = (await post('close')).json();
    expect(closed).toMatchObject({ state: 'closed', retentionUntil: '2036-01-15T10:00:00.000Z' });
    expect((await get(`/fhir/R4/Patient/${paul}`, await t.tokenFor(doctor))).statusCode).toBe(404);
    expect((await post('reopen')).json()).toMatchObject({ state: 'active', retentionUntil: null });
    const trail = await t.db.query<{ action: string; outcome: string; reason: string }>(
      `SELECT action, outcome, reason FROM audit_event WHERE dossier_id = $1 AND action LIKE 'dossier.lifecycle.%' ORDER BY seq`, [paul]);
    expect(trail.rows.map((r) => `${r.action}:${r.outcome}:${r.reason}`)).toEqual([
      'dossier.lifecycle.activate:allowed:DOSSIER_ACTIVATED',
      'dossier.lifecycle.activate:denied:DOSSIER_ALREADY_ACTIVE',
      'dossier.lifecycle.close:allowed:DOSSIER_CLOSED_BY_REQUEST',
      'dossier.lifecycle.reopen:allowed:DOSSIER_REOPENED',
    ]);
  });

  it('lets the holder oppose within the window only; the operator acts on request', async () => {
    const oppose = async (id: string, actorToken: string) =>
      t.app.inject({ method: 'POST', url: `/api/dossiers/${id}/oppose`, headers: { authorization: `Bearer ${actorToken}` } });
    t.clock.set('2026-03-01T00:00:00Z');
    const late = await oppose(marie, await t.tokenFor(personFor(marie)));
    expect(late.json()).toMatchObject({ status: 409, issues: [{ code: 'DOSSIER_OPPOSITION_WINDOW_ELAPSED' }] });
    t.clock.set('2026-01-15T10:00:00.000Z');
    const other = await insertDossier(t.db, { ins: insWithKey('1920175056005'), birthName: 'PETIT' });
    const opposed = await oppose(other, await t.tokenFor(operator));
    expect(opposed.json()).toMatchObject({ state: 'opposed' });
    const row = await t.db.query<{ birth_name: string | null }>('SELECT birth_name FROM dossier WHERE dossier_id = $1', [other]);
    expect(row.rows[0]!.birth_name).toBeNull();
  });

  it('replays a retried write with the same Idempotency-Key instead of doing it twice', async () => {
    const id = await insertDossier(t.db, { ins: insWithKey('1930175056006'), birthName: 'ROUX' });
    const token = await t.tokenFor(operator);
    // The operator closes or reopens a space only with a reason (kept in the trace).
    const send = (action: string, key: string) => t.app.inject({
      method: 'POST', url: `/api/dossiers/${id}/${action}`, headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
      ...(action === 'activate' ? {} : { payload: { reason: 'Demande écrite du titulaire du 12 janvier' } }),
    });
    const first = await send('activate', 'k-1');
    const retry = await send('activate', 'k-1');
    expect(first.statusCode).toBe(200);
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual(first.json());
    const otherRequest = await send('close', 'k-1');
    expect(otherRequest.statusCode).toBe(422);
    expect(otherRequest.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    // Done once; the retry is decided again and traced as a replay (issue 8, item 7a).
    const traced = async (action: string) => (await t.db.query<{ replay: boolean; n: number }>(
      `SELECT coalesce((details->>'replay')::boolean, false) AS replay, count(*)::int AS n FROM audit_event WHERE dossier_id = $1 AND action = $2 GROUP BY 1 ORDER BY 1`,
      [id, action])).rows;
    expect(await traced('dossier.lifecycle.activate')).toEqual([{ replay: false, n: 1 }, { replay: true, n: 1 }]);
    const concurrent = await Promise.all([send('close', 'k-2'), send('close', 'k-2'), send('close', 'k-2')]);
    expect(concurrent.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(await traced('dossier.lifecycle.close')).toEqual([{ replay: false, n: 1 }, { replay: true, n: 2 }]);
    const bad = await send('reopen', 'bad key with spaces');
    expect(bad.statusCode).toBe(400);
  });

  it('rejects a malformed dossier id or action with a problem naming the parameter', async () => {
    const token = await t.tokenFor(operator);
    const res = await t.app.inject({ method: 'POST', url: '/api/dossiers/xyz/explode', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('answers unknown routes with 404 in the right format', async () => {
    expect((await get('/fhir/R4/Observation')).json()).toMatchObject({ resourceType: 'OperationOutcome' });
    expect((await get('/api/nothing')).headers['content-type']).toContain('application/problem+json');
  });

  it('keeps every chain verifiable after all of the above', async () => {
    const result = await verifyAudit(t.db);
    expect(result.problems).toEqual([]);
    expect(result.entries).toBeGreaterThan(10);
  });
});

describe(`/api/me (${ENGINE})`, () => {
  it('names a professional with the profession label from the versioned catalogue', async () => {
    const t2 = await createTestApp();
    try {
      const res = await t2.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${await t2.tokenFor(doctor)}` } });
      expect(res.json()).toMatchObject({ actorKind: 'professional', displayName: 'Dr Jean Dupont', rpps: '10101010101', profession: { code: 'G15:10', label: 'Médecin' } });
    } finally {
      await t2.close();
    }
  });
});
