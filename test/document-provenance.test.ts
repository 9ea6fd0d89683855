import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { loadReferenceData } from '../src/services/load-reference-data.ts';
import { runRevisibility } from '../src/services/run-revisibility.ts';
import { parseDocumentFhirId } from '../src/domain/resource-ids.ts';
import { documentReference } from './support/documents.ts';
import { doctor, insertDossier, insWithKey, personFor } from './support/fixtures.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { ENGINE } from './support/test-db.ts';

/*
 * Who added each document and when, since when a document first hidden from the patient is visible to
 * them (the portal's « Nouvellement visible »), and the author specialty the feeding professional declares.
 */

const DEPOSIT_DATE = 'https://openmes.example/fhir/StructureDefinition/deposit-date';
const VISIBLE_SINCE = 'https://openmes.example/fhir/StructureDefinition/visible-to-patient-since';
const RPPS_SYSTEM = 'https://rpps.esante.gouv.fr';
const J01_SYSTEM = 'urn:oid:1.2.250.1.213.1.1.4.5';
const DAY = 86_400_000;
const DOCTOR_RPPS = '10101010101';

let t: TestApp;
let patient: string;
let holder: Actor;
const deps = () => ({
  db: t.db, clock: t.clock, lifecycle: { oppositionWindowDays: 42, retentionYears: 10 },
  settings: { carersEnabled: true, medicoSocialEnabled: false, maxDocumentBytes: 20 * 1024 * 1024 }, reference: loadReferenceData(t.clock()),
});
const call = async (actor: Actor, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) => t.app.inject({
  method, url,
  headers: {
    authorization: `Bearer ${await t.tokenFor(actor)}`,
    'content-type': method === 'PATCH' ? 'application/json-patch+json' : url.startsWith('/fhir') ? 'application/fhir+json' : 'application/json',
  },
  ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
});

type Ext = { url: string; valueInstant?: string };
const extension = (resource: { extension?: Ext[] }, url: string) => resource.extension?.find((e) => e.url === url)?.valueInstant;
const asPatient = async (id: string) => (await call(holder, 'GET', `/fhir/R4/DocumentReference/${id}`)).json();
const fromPatientList = async (id: string) => {
  const bundle = (await call(holder, 'GET', `/fhir/R4/DocumentReference?patient=Patient/${patient}`)).json() as { entry?: { resource: { id: string; extension?: Ext[] } }[] };
  return bundle.entry?.find((e) => e.resource.id === id)?.resource;
};
const feedInvisible = async (title: string) => {
  const fed = await call(doctor, 'POST', '/fhir/R4/DocumentReference', documentReference({ patientId: patient, labels: ['INVISIBLE_PATIENT'], title }));
  expect(fed.statusCode).toBe(201);
  return fed.json().id as string;
};

/** The deposit form's author: a contained PractitionerRole of the practitioner `rpps`, with a J01 specialty. */
function withAuthorSpecialty(doc: Record<string, unknown>, rpps: string, code: string): Record<string, unknown> {
  return {
    ...doc,
    contained: [
      { resourceType: 'Practitioner', id: 'author-practitioner', identifier: [{ system: RPPS_SYSTEM, value: rpps }] },
      { resourceType: 'PractitionerRole', id: 'author', practitioner: { reference: '#author-practitioner' }, specialty: [{ coding: [{ system: J01_SYSTEM, code }] }] },
    ],
    author: [{ reference: '#author' }],
  };
}

describe(`document provenance and re-visibility dates (${ENGINE})`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    t.clock.set('2026-03-02T08:00:00Z');
    patient = await insertDossier(t.db, { ins: insWithKey('2690575056333'), birthName: 'ROUX', firstNames: 'Inès', birthDate: '1969-05-01', state: 'active' });
    holder = personFor(patient, 'Inès Roux');
    await call(doctor, 'POST', `/api/dossiers/${patient}/feeding-information`, {});
    await call(doctor, 'POST', `/api/dossiers/${patient}/consents`, { scope: 'professional' });
  });
  afterAll(async () => t.close());

  it('says when each document was added; a document never hidden has no re-visibility date', async () => {
    t.clock.set('2026-03-02T09:15:00Z');
    const fed = await call(doctor, 'POST', '/fhir/R4/DocumentReference', documentReference({ patientId: patient, title: 'Compte rendu visible', date: '2026-02-27T10:00:00Z' }));
    const id = fed.json().id as string;
    t.clock.set('2026-03-03T10:00:00Z');
    const read = await asPatient(id);
    expect(read.date).toBe('2026-02-27T10:00:00.000Z');
    expect(extension(read, DEPOSIT_DATE)).toBe('2026-03-02T09:15:00.000Z');
    expect(extension(read, VISIBLE_SINCE)).toBeUndefined();
    expect(extension((await fromPatientList(id))!, DEPOSIT_DATE)).toBe('2026-03-02T09:15:00.000Z');
  });

  it('a document hidden from the patient is visible since the end of its delay, before and after the job lifts the label', async () => {
    t.clock.set('2026-03-10T08:00:00Z');
    const id = await feedInvisible('Résultat à annoncer');
    const visibleAfter = loadReferenceData(t.clock()).regulatory.at(t.clock()).invisiblePatientVisibleAfterDays;
    const end = new Date(Date.parse('2026-03-10T08:00:00Z') + visibleAfter * DAY).toISOString();
    // The professional sees no re-visibility date while the patient cannot see it.
    expect(extension((await call(doctor, 'GET', `/fhir/R4/DocumentReference/${id}`)).json(), VISIBLE_SINCE)).toBeUndefined();

    // The delay has run but the job has not passed yet: the rules already show it to the patient.
    t.clock.set(new Date(Date.parse(end) + 3_600_000).toISOString());
    expect(extension(await asPatient(id), VISIBLE_SINCE)).toBe(end);

    // The job lifts the label a day later; the date stays the one the patient could first see it.
    t.clock.advanceDays(1);
    expect((await runRevisibility(deps())).madeVisible).toBe(1);
    const read = await asPatient(id);
    expect(JSON.stringify(read.securityLabel)).not.toContain('INVISIBLE_PATIENT');
    expect(extension(read, VISIBLE_SINCE)).toBe(end);
    expect(extension((await fromPatientList(id))!, VISIBLE_SINCE)).toBe(end);
    const row = await t.db.query<{ invisible_patient_since: Date | null; visible_to_patient_at: Date | null }>(
      'SELECT invisible_patient_since, visible_to_patient_at FROM document WHERE dossier_id = $1 AND document_id = $2', [patient, parseDocumentFhirId(id)!.documentId]);
    expect(row.rows[0]!.invisible_patient_since).toBeNull();
    expect(row.rows[0]!.visible_to_patient_at?.toISOString()).toBe(end);
  });

  it('a professional making it visible earlier dates it at that moment, in the same change as the label', async () => {
    t.clock.set('2026-09-01T08:00:00Z');
    const id = await feedInvisible('Annonce faite en consultation');
    t.clock.set('2026-09-03T14:30:00Z');
    const made = await call(doctor, 'PATCH', `/fhir/R4/DocumentReference/${id}`, [{ op: 'replace', path: '/securityLabel', value: [] }]);
    expect(made.statusCode).toBe(200);
    expect(extension(made.json(), VISIBLE_SINCE)).toBe('2026-09-03T14:30:00.000Z');
    t.clock.set('2026-09-20T08:00:00Z');
    expect(extension(await asPatient(id), VISIBLE_SINCE)).toBe('2026-09-03T14:30:00.000Z');
    expect(extension(await asPatient(id), DEPOSIT_DATE)).toBe('2026-09-01T08:00:00.000Z');
  });

  it('stores and returns the author specialty the professional declares for themself (J01)', async () => {
    const doc = withAuthorSpecialty(documentReference({ patientId: patient, title: 'Consultation de médecine générale' }), DOCTOR_RPPS, 'G15_10/SM54');
    const fed = await call(doctor, 'POST', '/fhir/R4/DocumentReference', doc);
    expect(fed.statusCode).toBe(201);
    const id = fed.json().id as string;
    const stored = await t.db.query<{ author_specialty: string | null }>('SELECT author_specialty FROM document WHERE dossier_id = $1 AND document_id = $2', [patient, parseDocumentFhirId(id)!.documentId]);
    expect(stored.rows[0]!.author_specialty).toBe('G15_10/SM54');
    const read = (await call(doctor, 'GET', `/fhir/R4/DocumentReference/${id}`)).json() as { contained: { resourceType: string; specialty?: { coding: { system: string; code: string }[] }[] }[] };
    const role = read.contained.find((c) => c.resourceType === 'PractitionerRole')!;
    expect(role.specialty?.[0]?.coding[0]).toMatchObject({ system: J01_SYSTEM, code: 'G15_10/SM54' });
  });

  it('ignores a specialty declared for another practitioner: only the caller speaks for themself', async () => {
    const doc = withAuthorSpecialty(documentReference({ patientId: patient, title: 'Rôle d’un autre' }), '10000010008', 'G15_10/SM26');
    const fed = await call(doctor, 'POST', '/fhir/R4/DocumentReference', doc);
    expect(fed.statusCode).toBe(201);
    const stored = await t.db.query<{ author_specialty: string | null }>('SELECT author_specialty FROM document WHERE dossier_id = $1 AND document_id = $2', [patient, parseDocumentFhirId(fed.json().id as string)!.documentId]);
    expect(stored.rows[0]!.author_specialty).toBeNull();
  });

  it('refuses an author specialty outside J01 with a 400 naming the field, and stores nothing', async () => {
    const count = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM document WHERE dossier_id = $1', [patient])).rows[0]!.n;
    const before = await count();
    const doc = withAuthorSpecialty(documentReference({ patientId: patient, title: 'Spécialité inconnue' }), DOCTOR_RPPS, 'G15_10/SM99');
    const res = await call(doctor, 'POST', '/fhir/R4/DocumentReference', doc);
    expect(res.statusCode).toBe(400);
    const issue = (res.json().issue as { expression: string[]; details: { coding: { code: string }[]; text: string } }[])[0]!;
    expect(issue.expression).toEqual(['author.specialty']);
    expect(issue.details.coding[0]!.code).toBe('DOCUMENT_AUTHOR_SPECIALTY_UNKNOWN');
    expect(issue.details.text).toContain('G15_10/SM99');
    expect(await count()).toBe(before);
  });
});
