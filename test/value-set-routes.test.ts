import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValueSetAnswer } from '../src/api/routes/value-set-routes.ts';
import { documentReference } from './support/documents.ts';
import { doctor, insertDossier, insWithKey, personFor } from './support/fixtures.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';

let t: TestApp;
let dossierId: string;

async function get(url: string, token: string | null = null) {
  return t.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

async function valueSet(name: string): Promise<ValueSetAnswer> {
  const res = await get(`/api/value-sets/${name}`, await t.tokenFor(doctor));
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ValueSetAnswer>();
}

describe('reference data for the portals’ forms', () => {
  beforeAll(async () => {
    t = await createTestApp();
    dossierId = await insertDossier(t.db, { ins: insWithKey('2850575099001'), state: 'active' });
  });
  afterAll(async () => t?.close());

  it('serves the DMP document types, each with its class, and flags the types reserved to patients', async () => {
    const types = await valueSet('document-types');
    expect(types.id).toBe('JDV_J66-TypeCode-DMP');
    const consultation = types.concepts.find((c) => c.code === '11488-4');
    expect(consultation).toEqual({ code: '11488-4', system: 'http://loinc.org', display: 'CR ou fiche de consultation ou de visite', classCode: '10', patientOnly: false });
    expect(types.concepts.find((c) => c.code === 'DOCPAT01')?.patientOnly).toBe(true);
    // The submission-set signature type is not a document one can pick.
    expect(types.concepts.some((c) => c.code === 'E1762')).toBe(false);
    const classes = await valueSet('document-classes');
    const classCodes = new Set(classes.concepts.map((c) => c.code));
    expect(types.concepts.every((c) => classCodes.has(c.classCode!))).toBe(true);
    expect(classes.concepts.find((c) => c.code === '10')).toEqual({ code: '10', system: 'urn:oid:1.2.250.1.213.1.1.4.1', display: 'Compte rendu' });
  });

  it('serves the J04, J02 and J01 value sets with FHIR systems the feeding API accepts', async () => {
    const settings = await valueSet('practice-settings');
    const facilities = await valueSet('facility-types');
    const specialties = await valueSet('author-specialties');
    expect(settings.oid).toBe('1.2.250.1.213.1.1.5.467');
    expect(facilities.oid).toBe('1.2.250.1.213.1.1.5.466');
    expect(specialties.oid).toBe('1.2.250.1.213.1.1.5.461');
    expect(settings.concepts.length).toBeGreaterThan(5);
    expect(specialties.concepts.some((c) => c.code === 'G15_10/SM54')).toBe(true);

    // A document described with codes picked from these lists is accepted as is.
    const setting = settings.concepts.find((c) => c.system === 'urn:oid:1.2.250.1.213.1.1.4.9')!;
    const facility = facilities.concepts.find((c) => c.system === 'urn:oid:1.2.250.1.71.4.2.4')!;
    const token = await t.tokenFor(doctor);
    const informed = await t.app.inject({ method: 'POST', url: `/api/dossiers/${dossierId}/feeding-information`, headers: { authorization: `Bearer ${token}` }, payload: {} });
    expect(informed.statusCode).toBe(201);
    const doc = {
      ...documentReference({ patientId: dossierId }),
      context: {
        practiceSetting: { coding: [{ system: setting.system, code: setting.code }] },
        facilityType: { coding: [{ system: facility.system, code: facility.code }] },
      },
    };
    const fed = await t.app.inject({
      method: 'POST', url: '/fhir/R4/DocumentReference',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json' }, payload: JSON.stringify(doc),
    });
    expect(fed.statusCode, fed.body).toBe(201);
    expect(fed.json().context.practiceSetting.coding[0].code).toBe(setting.code);
  });

  it('gives the regulatory delays in force, to any signed-in caller', async () => {
    const res = await get('/api/regulatory-parameters', await t.tokenFor(personFor(dossierId)));
    expect(res.statusCode).toBe(200);
    // The test clock is in January 2026: the source documents' delays (1.5 and 3 months).
    expect(res.json()).toEqual({ invisiblePatientInformAfterDays: 45, invisiblePatientVisibleAfterDays: 90, emergencyAccessMinutes: 240 });
  });

  it('refuses an unknown value set and an anonymous caller', async () => {
    const unknown = await get('/api/value-sets/professions', await t.tokenFor(doctor));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.headers['content-type']).toContain('application/problem+json');
    expect((await get('/api/value-sets/document-types')).statusCode).toBe(401);
    expect((await get('/api/regulatory-parameters')).statusCode).toBe(401);
  });
});
