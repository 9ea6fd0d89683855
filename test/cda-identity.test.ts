import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { cdaXml } from '../src/domain/content/__fixtures__/samples.ts';
import { documentReference } from './support/documents.ts';
import { doctor, insertDossier, insWithKey } from './support/fixtures.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { ENGINE } from './support/test-db.ts';

/*
 * Issue 8, item 5: a CDA is filed only in the dossier of the patient it names (its INS in
 * recordTarget/patientRole/id) and under the document type it carries, on every feed path: POST
 * DocumentReference with inline data, an ITI-65 transaction, a DocumentReference using staged content.
 */

let t: TestApp;
let patient: string;
const PATIENT_INS = insWithKey('1800575056444');
const OTHER_INS = insWithKey('2850575056555');

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;
const fhir = async (actor: Actor, url: string, body: unknown): Promise<Res> =>
  t.app.inject({
    method: 'POST', url: `/fhir/R4${url}`,
    headers: { authorization: `Bearer ${await t.tokenFor(actor)}`, 'content-type': 'application/fhir+json' },
    payload: JSON.stringify(body),
  });
const codesOf = (res: Res) => (res.json().issue as { details: { coding: { code: string }[] } }[]).map((i) => i.details.coding[0]!.code);
const textOf = (res: Res) => (res.json().issue as { diagnostics?: string; details: { text?: string } }[]).map((i) => i.diagnostics ?? i.details.text ?? '').join(' ');
const count = async (sql: string) => (await t.db.query<{ n: number }>(sql, [patient])).rows[0]!.n;
/** Everything a feed writes for the dossier besides its audit entries. */
const stored = async () => ({
  documents: await count('SELECT count(*)::int AS n FROM document WHERE dossier_id = $1'),
  contents: await count('SELECT count(*)::int AS n FROM document_content WHERE dossier_id = $1'),
  staged: await count('SELECT count(*)::int AS n FROM staged_binary WHERE dossier_id = $1'),
  outbox: await count('SELECT count(*)::int AS n FROM outbox WHERE dossier_id = $1'),
});

/** A CDA (text/xml) DocumentReference for the patient; `cda` overrides what the CDA header says. */
const cdaDocument = (title: string, cda: { ins?: string; insOid?: string; code?: string } = {}, typeCode = '11488-4') =>
  documentReference({
    patientId: patient, typeCode, title, contentType: 'text/xml',
    content: Buffer.from(cdaXml({ ins: PATIENT_INS, code: typeCode, ...cda })),
  });
const bundleOf = (docs: Record<string, unknown>[]) => ({
  resourceType: 'Bundle', type: 'transaction',
  entry: [
    {
      fullUrl: 'urn:uuid:7a3b4b2e-0000-4000-8000-000000000001',
      resource: {
        resourceType: 'List', status: 'current', mode: 'working',
        code: { coding: [{ system: 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes', code: 'submissionset' }] },
        subject: { reference: `Patient/${patient}` }, date: '2026-01-10T09:00:00Z',
        identifier: [{ use: 'usual', system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.3.99.7' }, { use: 'official', system: 'urn:ietf:rfc:3986', value: `urn:uuid:7a3b4b2e-0000-4000-8000-${String(Date.now()).padStart(12, '0').slice(-12)}` }],
        entry: docs.map((_, i) => ({ item: { reference: `urn:uuid:7a3b4b2e-0000-4000-8000-00000000010${i}` } })),
      },
      request: { method: 'POST', url: 'List' },
    },
    ...docs.map((d, i) => ({ fullUrl: `urn:uuid:7a3b4b2e-0000-4000-8000-00000000010${i}`, resource: d, request: { method: 'POST', url: 'DocumentReference' } })),
  ],
});

describe(`a CDA names the dossier's patient and the declared type, on every feed path (${ENGINE})`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    patient = await insertDossier(t.db, { ins: PATIENT_INS, birthName: 'LEROY', firstNames: 'Hugo', birthDate: '1980-03-01', sex: 'M', state: 'active' });
    await insertDossier(t.db, { ins: OTHER_INS, birthName: 'MOREAU', firstNames: 'Julie', birthDate: '1985-07-14', sex: 'F', state: 'active' });
    const informed = await t.app.inject({ method: 'POST', url: `/api/dossiers/${patient}/feeding-information`, headers: { authorization: `Bearer ${await t.tokenFor(doctor)}`, 'content-type': 'application/json' }, payload: '{}' });
    expect(informed.statusCode).toBeLessThan(300);
  });
  afterAll(async () => t.close());

  it("refuses a CDA naming another patient's INS (400 naming the mismatch, never the INS), and stores nothing", async () => {
    const before = await stored();
    const res = await fhir(doctor, '/DocumentReference', cdaDocument('CR pour un autre patient', { ins: OTHER_INS }));
    expect(res.statusCode).toBe(400);
    expect(res.json().resourceType).toBe('OperationOutcome');
    expect(codesOf(res)).toEqual(['CONTENT_CDA_INS_MISMATCH']);
    expect(textOf(res)).toContain("n'est pas celui du dossier");
    expect(res.body).not.toContain(OTHER_INS);
    expect(res.body).not.toContain(PATIENT_INS);
    expect(await stored()).toEqual(before);
  });

  it('refuses a CDA with no INS of the patient (only a local id): 400, nothing stored', async () => {
    const before = await stored();
    const res = await fhir(doctor, '/DocumentReference', cdaDocument('CR sans INS', { insOid: '1.2.250.1.999.3' }));
    expect(res.statusCode).toBe(400);
    expect(codesOf(res)).toEqual(['CONTENT_CDA_INS_MISSING']);
    expect(await stored()).toEqual(before);
  });

  it('refuses a CDA whose document code is not the declared type: 400 naming both codes, nothing stored', async () => {
    const before = await stored();
    const res = await fhir(doctor, '/DocumentReference', cdaDocument('CR dont le type diffère', { code: '11502-2' }));
    expect(res.statusCode).toBe(400);
    expect(codesOf(res)).toEqual(['CONTENT_CDA_TYPE_CODE_MISMATCH']);
    expect(textOf(res)).toContain('11502-2');
    expect(textOf(res)).toContain('11488-4');
    expect(await stored()).toEqual(before);
  });

  it('files a CDA that names the patient and the declared type', async () => {
    const res = await fhir(doctor, '/DocumentReference', cdaDocument('CR conforme'));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ resourceType: 'DocumentReference', content: [{ attachment: { contentType: 'text/xml' } }] });
  });

  it('ITI-65: one CDA of another patient in the bundle refuses the whole transaction, naming its entry', async () => {
    const before = await stored();
    const res = await fhir(doctor, '/', bundleOf([cdaDocument('Lot conforme'), cdaDocument('Lot pour un autre patient', { ins: OTHER_INS })]));
    expect(res.statusCode).toBe(400);
    expect(codesOf(res)).toEqual(['CONTENT_CDA_INS_MISMATCH']);
    expect(JSON.stringify(res.json().issue)).toContain('document[1]');
    expect(await stored()).toEqual(before);
    const ok = await fhir(doctor, '/', bundleOf([cdaDocument('Lot conforme 1'), cdaDocument('Lot conforme 2')]));
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await stored()).documents).toBe(before.documents + 2);
  });

  it('staged Binary: a CDA of another patient staged first is refused when the DocumentReference uses it; the staged content stays unused', async () => {
    const stage = async (ins: string) => {
      const res = await fhir(doctor, '/Binary', {
        resourceType: 'Binary', contentType: 'text/xml', securityContext: { reference: `Patient/${patient}` },
        data: Buffer.from(cdaXml({ ins, code: '11488-4' })).toString('base64'),
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };
    const referencing = (binaryId: string, title: string) => {
      const doc = cdaDocument(title);
      return { ...doc, content: [{ attachment: { contentType: 'text/xml', title, url: `Binary/${binaryId}` } }] };
    };
    const foreign = await stage(OTHER_INS);
    const before = await stored();
    const res = await fhir(doctor, '/DocumentReference', referencing(foreign, 'CR déposé pour un autre patient'));
    expect(res.statusCode).toBe(400);
    expect(codesOf(res)).toEqual(['CONTENT_CDA_INS_MISMATCH']);
    expect(await stored()).toEqual(before);

    const own = await stage(PATIENT_INS);
    const ok = await fhir(doctor, '/DocumentReference', referencing(own, 'CR déposé conforme'));
    expect(ok.statusCode, ok.body).toBe(201);
    expect((await stored()).documents).toBe(before.documents + 1);
  });
});
