import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { documentReference, pdfBytes } from './support/documents.ts';
import { doctor, insertDossier, insWithKey, personFor } from './support/fixtures.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { ENGINE } from './support/test-db.ts';

let t: TestApp;
let patient: string;
const nurse: Actor = { kind: 'professional', accountId: '0f000000-0000-4000-8000-000000000003', displayName: 'Karim Benali', rpps: '10000010016', profession: 'G15:60', specialty: null, structure: { finess: '750000002', name: 'Centre de soins' } };
const otherDoctor: Actor = { kind: 'professional', accountId: '0f000000-0000-4000-8000-000000000004', displayName: 'Dr Anne Roux', rpps: '10000010099', profession: 'G15:10', specialty: null, structure: { finess: '750000003', name: 'Clinique' } };

const auth = async (actor: Actor) => ({ authorization: `Bearer ${await t.tokenFor(actor)}` });
const fhir = async (actor: Actor, method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT', url: string, body?: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url: `/fhir/R4${url}`, headers: { ...(await auth(actor)), 'content-type': method === 'PATCH' ? 'application/json-patch+json' : 'application/fhir+json', ...headers }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
const api = async (actor: Actor, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown) =>
  t.app.inject({ method, url: `/api${url}`, headers: { ...(await auth(actor)), 'content-type': 'application/json' }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
const auditCount = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event')).rows[0]!.n;
const search = async (actor: Actor, query = '') => (await fhir(actor, 'GET', `/DocumentReference?patient=Patient/${patient}${query}`));

describe(`shared record over FHIR (${ENGINE})`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    patient = await insertDossier(t.db, { ins: insWithKey('1800575056111'), birthName: 'LEROY', firstNames: 'Hugo', birthDate: '1980-03-01', sex: 'M', state: 'active' });
  });
  afterAll(async () => t.close());

  it('refuses to feed before the patient was informed, then feeds once it is recorded', async () => {
    const refused = await fhir(doctor, 'POST', '/DocumentReference', documentReference({ patientId: patient }));
    expect(refused.statusCode).toBe(403);
    expect(refused.json().issue[0].details.coding[0].code).toBe('POLICY_PATIENT_NOT_INFORMED');
    expect((await api(doctor, 'POST', `/dossiers/${patient}/feeding-information`, {})).statusCode).toBeLessThan(300);
    const before = await auditCount();
    const fed = await fhir(doctor, 'POST', '/DocumentReference', documentReference({ patientId: patient, masterIdentifier: 'urn:oid:1.2.3.4.1' }));
    expect(fed.statusCode).toBe(201);
    expect(fed.headers.location).toMatch(/\/fhir\/R4\/DocumentReference\/[A-Za-z0-9.-]{43}$/);
    expect(fed.json()).toMatchObject({ resourceType: 'DocumentReference', status: 'current', type: { coding: [{ code: '11488-4' }] } });
    expect(await auditCount()).toBe(before + 1);
    const outbox = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox WHERE dossier_id = $1 AND payload->>'type' = 'document.added'`, [patient]);
    expect(outbox.rows[0]!.n).toBe(1);
  });

  it('a retried feed creates nothing: same masterIdentifier, or same Idempotency-Key', async () => {
    const again = await fhir(doctor, 'POST', '/DocumentReference', documentReference({ patientId: patient, masterIdentifier: 'urn:oid:1.2.3.4.1' }));
    expect(again.statusCode).toBe(200);
    const body = documentReference({ patientId: patient, masterIdentifier: 'urn:oid:1.2.3.4.2' });
    const first = await fhir(doctor, 'POST', '/DocumentReference', body, { 'idempotency-key': 'feed-42' });
    const retry = await fhir(doctor, 'POST', '/DocumentReference', body, { 'idempotency-key': 'feed-42' });
    expect([first.statusCode, retry.statusCode]).toEqual([201, 201]);
    expect(retry.json().id).toBe(first.json().id);
    const docs = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM document WHERE dossier_id = $1', [patient]);
    expect(docs.rows[0]!.n).toBe(2);
  });

  it('names each problem of a bad document, stores nothing, and traces the refusal once (issue 8, item 13)', async () => {
    const before = await auditCount();
    const bad = documentReference({ patientId: patient, typeCode: '99999-9', content: Buffer.from('\x89PNG not really'), contentType: 'application/pdf' });
    const res = await fhir(doctor, 'POST', '/DocumentReference', bad);
    expect(res.statusCode).toBe(400);
    const codes = res.json().issue.map((i: { details: { coding: { code: string }[] } }) => i.details.coding[0]!.code);
    expect(codes).toEqual(expect.arrayContaining(['DOCUMENT_TYPE_UNKNOWN']));
    expect(codes.some((c: string) => c.startsWith('CONTENT_'))).toBe(true);
    expect(await auditCount()).toBe(before + 1);
    const last = (await t.db.query<{ outcome: string; reason: string }>('SELECT outcome, reason FROM audit_event WHERE dossier_id = $1 ORDER BY seq DESC LIMIT 1', [patient])).rows[0];
    expect(last).toEqual({ outcome: 'denied', reason: 'DOCUMENT_TYPE_UNKNOWN' });
  });

  it('a professional without consent is told so; with consent they find the documents', async () => {
    const refused = await search(nurse);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().issue[0].details.text).toContain('consentement');
    expect((await api(nurse, 'POST', `/dossiers/${patient}/consents`, { scope: 'professional' })).statusCode).toBeLessThan(300);
    const found = await search(nurse);
    expect(found.statusCode).toBe(200);
    expect(found.json()).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 2 });
  });

  it('hidden means hidden: a masked document is neither listed nor counted nor readable, like one that does not exist', async () => {
    const masked = await fhir(doctor, 'POST', '/DocumentReference', documentReference({ patientId: patient, labels: ['MASQUE_PS'], title: 'Bilan confidentiel' }));
    expect(masked.statusCode).toBe(201);
    const id = masked.json().id as string;
    const list = (await search(nurse)).json();
    expect(list.total).toBe(2);
    expect(JSON.stringify(list)).not.toContain(id);
    const read = await fhir(nurse, 'GET', `/DocumentReference/${id}`);
    const absent = await fhir(nurse, 'GET', `/DocumentReference/${id.slice(0, 22)}AAAAAAAAAAAAAAAAAAAAA`);
    expect(read.statusCode).toBe(404);
    expect(read.json()).toEqual(absent.json());
    const binary = await fhir(nurse, 'GET', `/Binary/${id}`);
    expect(binary.statusCode).toBe(404);
    // The label filter cannot be used to probe for masked documents either.
    const probe = (await search(nurse, '&security-label=MASQUE_PS')).json();
    expect(probe.total).toBe(0);
    // The author still sees it.
    expect((await fhir(doctor, 'GET', `/DocumentReference/${id}`)).statusCode).toBe(200);
  });

  it('the patient masks a document and the professional no longer sees it; unmasking brings it back', async () => {
    const list = (await search(nurse)).json();
    const id = list.entry[0].resource.id as string;
    const holder = personFor(patient, 'Hugo Leroy');
    const masked = await fhir(holder, 'PATCH', `/DocumentReference/${id}`, [{ op: 'add', path: '/securityLabel/-', value: { system: 'urn:oid:1.2.250.1.213.1.1.4.13', code: 'MASQUE_PS' } }]);
    expect(masked.statusCode).toBe(200);
    expect((await search(nurse)).json().total).toBe(1);
    const unmasked = await fhir(holder, 'PATCH', `/DocumentReference/${id}`, [{ op: 'replace', path: '/securityLabel', value: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }] }]);
    expect(unmasked.statusCode).toBe(200);
    expect((await search(nurse)).json().total).toBe(2);
  });

  it('replacing keeps the old version, superseded and still retrievable; only the author replaces', async () => {
    // Consulting the list needs consent, even for the author of the documents.
    expect((await search(doctor)).statusCode).toBe(403);
    await api(doctor, 'POST', `/dossiers/${patient}/consents`, { scope: 'structure' });
    const original = await fhir(doctor, 'POST', '/DocumentReference', documentReference({ patientId: patient, title: 'CR v1' }));
    const id = original.json().id as string;
    const byOther = await fhir(nurse, 'POST', '/DocumentReference', documentReference({ patientId: patient, replaces: id, title: 'CR v2' }));
    expect(byOther.statusCode).toBe(403);
    const v2 = await fhir(doctor, 'POST', '/DocumentReference', documentReference({ patientId: patient, replaces: id, title: 'CR v2' }));
    expect(v2.statusCode).toBe(201);
    expect(v2.json().relatesTo[0]).toMatchObject({ code: 'replaces', target: { reference: `DocumentReference/${id}` } });
    const old = await fhir(doctor, 'GET', `/DocumentReference/${id}`);
    expect(old.json().status).toBe('superseded');
    const current = (await search(doctor)).json();
    expect(current.entry.map((e: { resource: { id: string } }) => e.resource.id)).not.toContain(id);
    const withOld = (await search(doctor, '&status=current,superseded')).json();
    expect(withOld.entry.map((e: { resource: { id: string } }) => e.resource.id)).toContain(id);
  });

  it('serves the content (ITI-68) as the bytes that were fed', async () => {
    const content = pdfBytes('contenu exact');
    const fed = await fhir(doctor, 'POST', '/DocumentReference', documentReference({ patientId: patient, content }));
    const res = await t.app.inject({ method: 'GET', url: `/fhir/R4/Binary/${fed.json().id}`, headers: await auth(doctor) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/pdf');
    expect(Buffer.compare(res.rawPayload, content)).toBe(0);
  });

  it('only the author deletes; a deleted document is gone for everyone', async () => {
    const fed = await fhir(doctor, 'POST', '/DocumentReference', documentReference({ patientId: patient, title: 'À supprimer' }));
    const id = fed.json().id as string;
    const del = await fhir(nurse, 'DELETE', `/DocumentReference/${id}`);
    expect(del.statusCode).toBe(403);
    expect((await fhir(doctor, 'DELETE', `/DocumentReference/${id}`)).statusCode).toBe(204);
    expect((await fhir(doctor, 'GET', `/DocumentReference/${id}`)).statusCode).toBe(404);
  });

  it('feeds an ITI-65 transaction atomically: a refused document stores none of the bundle', async () => {
    const bundle = (docs: Record<string, unknown>[]) => ({
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:0d3b4b2e-0000-4000-8000-000000000001', resource: { resourceType: 'List', status: 'current', mode: 'working', code: { coding: [{ system: 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes', code: 'submissionset' }] }, subject: { reference: `Patient/${patient}` }, date: '2026-01-10T09:00:00Z', identifier: [{ use: 'usual', system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.3.99.1' }, { use: 'official', system: 'urn:ietf:rfc:3986', value: 'urn:uuid:0d3b4b2e-0000-4000-8000-0000000000aa' }], entry: docs.map((_, i) => ({ item: { reference: `urn:uuid:0d3b4b2e-0000-4000-8000-00000000010${i}` } })) }, request: { method: 'POST', url: 'List' } },
        ...docs.map((d, i) => ({ fullUrl: `urn:uuid:0d3b4b2e-0000-4000-8000-00000000010${i}`, resource: d, request: { method: 'POST', url: 'DocumentReference' } })),
      ],
    });
    const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM document')).rows[0]!.n;
    const ok = await fhir(doctor, 'POST', '/', bundle([documentReference({ patientId: patient, title: 'Lot 1' }), documentReference({ patientId: patient, title: 'Lot 2' })]));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ resourceType: 'Bundle', type: 'transaction-response' });
    expect(ok.json().entry.map((e: { response: { status: string } }) => e.response.status)).toEqual(['201 Created', '201 Created']);
    const mixed = await fhir(doctor, 'POST', '/', bundle([documentReference({ patientId: patient, title: 'Lot 3' }), documentReference({ patientId: patient, typeCode: 'DOCPAT03', title: 'Réservé au patient' })]));
    expect(mixed.statusCode).toBe(403);
    const after = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM document')).rows[0]!.n;
    expect(after).toBe(before + 2);
  });

  it('a blocked professional reads the exact refusal message, for reads and feeds', async () => {
    const holder = personFor(patient, 'Hugo Leroy');
    expect((await api(holder, 'POST', `/dossiers/${patient}/blocked-professionals`, { rpps: otherDoctor.kind === 'professional' ? otherDoctor.rpps : '' })).statusCode).toBeLessThan(500);
    const blockedFacts = await t.db.query('SELECT 1 FROM professional_block WHERE dossier_id = $1', [patient]);
    if (blockedFacts.rowCount === 0) {
      // The directory does not know this professional: block them directly as a fact.
      await t.db.query(`INSERT INTO professional_block (dossier_id, rpps, display_name, blocked_at) VALUES ($1, '10000010099', 'Dr Anne Roux', now())`, [patient]);
    }
    for (const res of [await search(otherDoctor), await fhir(otherDoctor, 'POST', '/DocumentReference', documentReference({ patientId: patient }))]) {
      expect(res.statusCode).toBe(403);
      expect(res.json().issue[0].details.text).toBe("Le patient vous a retiré les droits d'accès à son DMP.");
    }
  });

  it('pages with a cursor, newest first, totals unchanged across pages', async () => {
    const first = (await search(doctor, '&_count=2')).json();
    expect(first.entry).toHaveLength(2);
    const next = first.link.find((l: { relation: string }) => l.relation === 'next');
    expect(next).toBeDefined();
    const url = new URL(next.url);
    const second = (await fhir(doctor, 'GET', `/DocumentReference${url.search}`)).json();
    expect(second.total).toBe(first.total);
    const ids = [...first.entry, ...second.entry].map((e: { resource: { id: string } }) => e.resource.id);
    expect(new Set(ids).size).toBe(ids.length);
    // The first page has no "previous"; the second page's "previous" leads back to exactly the first page.
    const rel = (b: { link: { relation: string; url: string }[] }, r: string) => b.link.find((l) => l.relation === r);
    expect(rel(first, 'previous')).toBeUndefined();
    const previous = rel(second, 'previous');
    expect(previous).toBeDefined();
    const back = (await fhir(doctor, 'GET', `/DocumentReference${new URL(previous!.url).search}`)).json();
    expect(back.total).toBe(first.total);
    expect(back.entry.map((e: { resource: { id: string } }) => e.resource.id)).toEqual(first.entry.map((e: { resource: { id: string } }) => e.resource.id));
    expect(rel(back, 'previous')).toBeUndefined();
    expect(rel(back, 'next')!.url).toBe(next.url);
  });

  it('rejects unsupported search parameters instead of ignoring them', async () => {
    const res = await search(doctor, '&_include=DocumentReference:subject');
    expect(res.statusCode).toBe(400);
    expect(res.json().issue[0].details.coding[0].code).toBe('FHIR_SEARCH_PARAM_UNSUPPORTED');
  });

  it('every chain still verifies', async () => {
    expect((await verifyAudit(t.db)).problems).toEqual([]);
  });
});
