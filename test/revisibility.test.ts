import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { runRevisibility } from '../src/services/run-revisibility.ts';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { loadReferenceData } from '../src/services/load-reference-data.ts';
import { documentReference } from './support/documents.ts';
import { doctor, insertDossier, insWithKey, personFor } from './support/fixtures.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { ENGINE } from './support/test-db.ts';

let t: TestApp;
let patient: string;
let holder: Actor;
const deps = () => ({
  db: t.db, clock: t.clock, lifecycle: { oppositionWindowDays: 42, retentionYears: 10 },
  settings: { carersEnabled: true, medicoSocialEnabled: false, maxDocumentBytes: 20 * 1024 * 1024 }, reference: loadReferenceData(t.clock()),
});
const call = async (actor: Actor, method: 'GET' | 'POST', url: string, body?: unknown) => t.app.inject({
  method, url, headers: { authorization: `Bearer ${await t.tokenFor(actor)}`, 'content-type': url.startsWith('/fhir') ? 'application/fhir+json' : 'application/json' },
  ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
});

describe(`re-visibility of documents invisible to the patient (${ENGINE})`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    t.clock.set('2026-02-01T08:00:00Z');
    patient = await insertDossier(t.db, { ins: insWithKey('2700575056222'), birthName: 'NOEL', firstNames: 'Anna', birthDate: '1970-05-01', state: 'active' });
    holder = personFor(patient, 'Anna Noel');
    await call(doctor, 'POST', `/api/dossiers/${patient}/feeding-information`, {});
  });
  afterAll(async () => t.close());

  it('keeps the document from the patient, informs them after 45 days, shows it after 90, each once, traced', async () => {
    const fed = await call(doctor, 'POST', '/fhir/R4/DocumentReference', documentReference({ patientId: patient, labels: ['INVISIBLE_PATIENT'], title: 'Résultat à annoncer' }));
    expect(fed.statusCode).toBe(201);
    expect(JSON.stringify(fed.json())).toContain('n’est pas visible du patient');
    const id = fed.json().id as string;
    const patientSees = async () => (await call(holder, 'GET', `/fhir/R4/DocumentReference?patient=Patient/${patient}`)).json().total as number;
    expect(await patientSees()).toBe(0);
    expect((await call(holder, 'GET', `/fhir/R4/DocumentReference/${id}`)).statusCode).toBe(404);

    t.clock.advanceDays(44);
    expect(await runRevisibility(deps())).toEqual({ informed: 0, madeVisible: 0 });
    t.clock.advanceDays(2);
    expect(await runRevisibility(deps())).toEqual({ informed: 1, madeVisible: 0 });
    expect(await runRevisibility(deps())).toEqual({ informed: 0, madeVisible: 0 });
    const informed = await t.db.query(`SELECT 1 FROM outbox WHERE dossier_id = $1 AND payload->>'type' = 'record.updated_see_professional'`, [patient]);
    expect(informed.rowCount).toBe(1);
    expect(await patientSees()).toBe(0);

    t.clock.advanceDays(45);
    expect(await runRevisibility(deps())).toEqual({ informed: 0, madeVisible: 1 });
    expect(await patientSees()).toBe(1);
    const doc = (await call(holder, 'GET', `/fhir/R4/DocumentReference/${id}`)).json();
    expect(JSON.stringify(doc.securityLabel)).not.toContain('INVISIBLE_PATIENT');
    const trail = await t.db.query<{ action: string; outcome: string }>(
      `SELECT action, outcome FROM audit_event WHERE dossier_id = $1 AND action LIKE 'document.visibility.%' ORDER BY seq`, [patient]);
    expect(trail.rows).toEqual([{ action: 'document.visibility.inform', outcome: 'allowed' }, { action: 'document.visibility.expire', outcome: 'allowed' }]);
  });

  it('a professional makes it visible earlier', async () => {
    await call(doctor, 'POST', `/api/dossiers/${patient}/consents`, { scope: 'professional' });
    const fed = await call(doctor, 'POST', '/fhir/R4/DocumentReference', documentReference({ patientId: patient, labels: ['INVISIBLE_PATIENT'], title: 'Annonce faite' }));
    const id = fed.json().id as string;
    const res = await t.app.inject({ method: 'PATCH', url: `/fhir/R4/DocumentReference/${id}`, headers: { authorization: `Bearer ${await t.tokenFor(doctor)}`, 'content-type': 'application/json-patch+json' },
      payload: JSON.stringify([{ op: 'replace', path: '/securityLabel', value: [] }]) });
    expect(res.statusCode).toBe(200);
    expect((await call(holder, 'GET', `/fhir/R4/DocumentReference/${id}`)).statusCode).toBe(200);
  });

  it('the patient reads their history as FHIR AuditEvent, newest first, with the reads of their documents', async () => {
    const res = await call(holder, 'GET', `/fhir/R4/AuditEvent?patient=Patient/${patient}&_count=5`);
    expect(res.statusCode).toBe(200);
    const bundle = res.json();
    expect(bundle.entry).toHaveLength(5);
    expect(bundle.entry[0].resource.resourceType).toBe('AuditEvent');
    const recorded = bundle.entry.map((e: { resource: { recorded: string } }) => e.resource.recorded);
    expect([...recorded].sort().reverse()).toEqual(recorded);
    expect(bundle.link.some((l: { relation: string }) => l.relation === 'next')).toBe(true);
    expect((await call(doctor, 'GET', `/fhir/R4/AuditEvent?patient=Patient/${patient}`)).statusCode).toBe(404);
    expect((await verifyAudit(t.db)).problems).toEqual([]);
  });
});
