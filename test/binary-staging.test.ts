import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentFhirId, parseDocumentFhirId } from '../src/domain/resource-ids.ts';
import type { Actor } from '../src/domain/actor.ts';
import { SYSTEM_CHAIN } from '../src/domain/audit-chain.ts';
import { insertAccount } from '../src/store/account-repo.ts';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { documentReference, pdfBytes } from './support/documents.ts';
import { doctor, insertDossier, insWithKey, personFor } from './support/fixtures.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { ENGINE } from './support/test-db.ts';

/*
 * Issue 3: "a plain POST DocumentReference with the content inline or as a Binary reference". The content
 * is staged with POST Binary, then referenced as attachment.url = Binary/<id>: same caller, within 24 h, once.
 */

type Pro = Extract<Actor, { kind: 'professional' }>;
let t: TestApp;
let patient: string;
let other: string;
const nurse: Pro = { kind: 'professional', accountId: '0f000000-0000-4000-8000-000000000013', displayName: 'Karim Benali', rpps: '10000010016', profession: 'G15:60', specialty: null, structure: { finess: '750000002', name: 'Centre de soins' } };
const blockedDoctor: Pro = { kind: 'professional', accountId: '0f000000-0000-4000-8000-000000000014', displayName: 'Dr Bruno Bloqué', rpps: '10000010024', profession: 'G15:10', specialty: null, structure: { finess: '750000003', name: 'Clinique' } };
const holder = () => personFor(patient, 'Hugo Leroy');

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;
const fhir = async (actor: Actor, method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> =>
  t.app.inject({
    method, url: `/fhir/R4${url}`,
    headers: { authorization: `Bearer ${await t.tokenFor(actor)}`, 'content-type': 'application/fhir+json', ...headers },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
const binary = (dossierId: string, bytes: Buffer, contentType = 'application/pdf') =>
  ({ resourceType: 'Binary', contentType, securityContext: { reference: `Patient/${dossierId}` }, data: bytes.toString('base64') });
const stage = (actor: Actor, dossierId: string, bytes: Buffer, contentType?: string, headers?: Record<string, string>) =>
  fhir(actor, 'POST', '/Binary', binary(dossierId, bytes, contentType), headers);
/** A DocumentReference whose content is `attachment.url` (no data). */
function referencing(dossierId: string, url: string, o: { contentType?: string; typeCode?: string; title?: string } = {}) {
  const doc = documentReference({ patientId: dossierId, ...(o.typeCode ? { typeCode: o.typeCode } : {}), title: o.title ?? 'Compte rendu (contenu déposé)' });
  return { ...doc, content: [{ attachment: { contentType: o.contentType ?? 'application/pdf', title: o.title ?? 'Compte rendu (contenu déposé)', url } }] };
}
const codesOf = (res: Res) => (res.json().issue as { details: { coding: { code: string }[] }; expression?: string[] }[]).map((i) => i.details.coding[0]!.code);
const count = async (sql: string, params: unknown[] = []) => (await t.db.query<{ n: number }>(sql, params)).rows[0]!.n;
const documents = (dossierId: string) => count('SELECT count(*)::int AS n FROM document WHERE dossier_id = $1', [dossierId]);
const stagedRows = (dossierId: string) => count('SELECT count(*)::int AS n FROM staged_binary WHERE dossier_id = $1', [dossierId]);
const auditOf = async (res: Res) => (await t.db.query<{ dossier_id: string; action: string; outcome: string; reason: string; target_type: string; target_id: string | null; details: Record<string, unknown>; mode: string }>(
  'SELECT dossier_id, action, outcome, reason, target_type, target_id, details, mode FROM audit_event WHERE request_id = $1', [String(res.headers['x-request-id'])])).rows;

describe(`staging a document's content with POST Binary (${ENGINE})`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    patient = await insertDossier(t.db, { ins: insWithKey('1800575056222'), birthName: 'LEROY', firstNames: 'Hugo', birthDate: '1980-03-01', sex: 'M', state: 'active' });
    other = await insertDossier(t.db, { ins: insWithKey('2850575056333'), birthName: 'MOREAU', firstNames: 'Julie', birthDate: '1985-07-14', sex: 'F', state: 'active' });
    await insertAccount(t.db, {
      account_id: blockedDoctor.accountId, kind: 'professional', email: null, password_hash: null, given_name: 'Bruno', family_name: 'Bloqué',
      dossier_id: null, rpps: blockedDoctor.rpps, profession: blockedDoctor.profession, specialty: null, structure_finess: '750000003', structure_name: 'Clinique',
    }, t.clock());
    for (const dossierId of [patient, other]) {
      const informed = await t.app.inject({ method: 'POST', url: `/api/dossiers/${dossierId}/feeding-information`, headers: { authorization: `Bearer ${await t.tokenFor(doctor)}`, 'content-type': 'application/json' }, payload: '{}' });
      expect(informed.statusCode).toBeLessThan(300);
    }
  });
  afterAll(async () => t.close());

  it('stages content (201, Location, no data back), traces it without the content, and the staged id is not a readable document', async () => {
    const bytes = pdfBytes('contenu déposé');
    const res = await stage(doctor, patient, bytes);
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({ resourceType: 'Binary', id: expect.stringMatching(/^[A-Za-z0-9.-]{43}$/), contentType: 'application/pdf', securityContext: { reference: `Patient/${patient}` } });
    expect(res.headers.location).toMatch(new RegExp(`^https?://[^/]+/fhir/R4/Binary/${body.id.replace(/\./g, '\\.')}$`));
    const ids = parseDocumentFhirId(body.id)!;
    expect(ids.dossierId).toBe(patient);
    const [entry, ...more] = await auditOf(res);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ dossier_id: patient, action: 'document.content.stage', outcome: 'allowed', reason: 'POLICY_PRO_STAGE_CONTENT', target_type: 'Binary', target_id: ids.documentId, details: { contentType: 'application/pdf', size: bytes.length } });
    expect(JSON.stringify(entry!.details)).not.toContain(bytes.toString('base64').slice(0, 16));
    // Not a document yet: reading it answers like an id that names nothing (the holder, who reads everything of theirs).
    const read = await fhir(holder(), 'GET', `/Binary/${body.id}`, undefined, { accept: 'application/fhir+json' });
    const absent = await fhir(holder(), 'GET', `/Binary/${documentFhirId(patient, randomUUID())}`, undefined, { accept: 'application/fhir+json' });
    expect(read.statusCode).toBe(404);
    expect(read.json()).toEqual(absent.json());
  });

  it('feeds a DocumentReference whose attachment.url is Binary/<id> (relative): the document holds the staged bytes and their SHA-256', async () => {
    const bytes = pdfBytes('compte rendu par référence');
    const staged = (await stage(doctor, patient, bytes)).json();
    const before = await stagedRows(patient);
    const fed = await fhir(doctor, 'POST', '/DocumentReference', referencing(patient, `Binary/${staged.id}`));
    expect(fed.statusCode).toBe(201);
    const docId = fed.json().id as string;
    const content = await t.app.inject({ method: 'GET', url: `/fhir/R4/Binary/${docId}`, headers: { authorization: `Bearer ${await t.tokenFor(doctor)}` } });
    expect(content.statusCode).toBe(200);
    expect(Buffer.compare(content.rawPayload, bytes)).toBe(0);
    const row = await t.db.query<{ sha256: string; size: number }>('SELECT sha256, size FROM document WHERE dossier_id = $1 AND document_id = $2', [patient, parseDocumentFhirId(docId)!.documentId]);
    expect(row.rows[0]).toEqual({ sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
    // Consumed with the feed.
    expect(await stagedRows(patient)).toBe(before - 1);
  });

  it('accepts the absolute URL under the FHIR base (the Location it was given)', async () => {
    const bytes = pdfBytes('référence absolue');
    const res = await stage(doctor, patient, bytes);
    const fed = await fhir(doctor, 'POST', '/DocumentReference', referencing(patient, String(res.headers.location)));
    expect(fed.statusCode).toBe(201);
    const content = await t.app.inject({ method: 'GET', url: `/fhir/R4/Binary/${fed.json().id}`, headers: { authorization: `Bearer ${await t.tokenFor(doctor)}` } });
    expect(Buffer.compare(content.rawPayload, bytes)).toBe(0);
  });

  it('staged content is used once: a second DocumentReference with the same Binary is refused and stores nothing', async () => {
    const staged = (await stage(doctor, patient, pdfBytes('une seule fois'))).json();
    expect((await fhir(doctor, 'POST', '/DocumentReference', referencing(patient, `Binary/${staged.id}`))).statusCode).toBe(201);
    const before = await documents(patient);
    const again = await fhir(doctor, 'POST', '/DocumentReference', referencing(patient, `Binary/${staged.id}`));
    expect(again.statusCode).toBe(400);
    expect(again.json().issue).toEqual([expect.objectContaining({
      details: { coding: [{ system: 'urn:openmes:reason', code: 'FHIR_BINARY_NOT_FOUND' }], text: 'Le Binary référencé est introuvable, a expiré ou a déjà été utilisé.' },
      expression: ['content[0].attachment.url'],
    })]);
    expect(await documents(patient)).toBe(before);
  });

  it('another professional cannot use content someone else staged', async () => {
    const staged = (await stage(doctor, patient, pdfBytes('à moi'))).json();
    const before = await documents(patient);
    const res = await fhir(nurse, 'POST', '/DocumentReference', referencing(patient, `Binary/${staged.id}`));
    expect(res.statusCode).toBe(400);
    expect(codesOf(res)).toEqual(['FHIR_BINARY_NOT_FOUND']);
    expect(await documents(patient)).toBe(before);
    // The one who staged it still can.
    expect((await fhir(doctor, 'POST', '/DocumentReference', referencing(patient, `Binary/${staged.id}`))).statusCode).toBe(201);
  });

  it('content staged for one patient cannot feed another patient’s record', async () => {
    const staged = (await stage(doctor, patient, pdfBytes('pour Hugo'))).json();
    const before = await documents(other);
    const res = await fhir(doctor, 'POST', '/DocumentReference', referencing(other, `Binary/${staged.id}`));
    expect(res.statusCode).toBe(400);
    expect(codesOf(res)).toEqual(['FHIR_BINARY_NOT_FOUND']);
    expect(await documents(other)).toBe(before);
  });

  it('the attachment must declare the type the content was staged with', async () => {
    const staged = (await stage(doctor, patient, Buffer.from('Compte rendu en texte brut.\n'), 'text/plain')).json();
    const res = await fhir(doctor, 'POST', '/DocumentReference', referencing(patient, `Binary/${staged.id}`, { contentType: 'application/pdf' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().issue[0]).toMatchObject({
      details: { coding: [{ code: 'FHIR_BINARY_CONTENT_TYPE' }], text: 'Le type MIME du document (application/pdf) diffère de celui du Binary (text/plain).' },
      expression: ['content[0].attachment.contentType'],
    });
    expect((await fhir(doctor, 'POST', '/DocumentReference', referencing(patient, `Binary/${staged.id}`, { contentType: 'text/plain' }))).statusCode).toBe(201);
  });

  it('staged content expires after 24 h; the next staging on the dossier clears the expired rows', async () => {
    const staged = (await stage(doctor, patient, pdfBytes('expire bientôt'))).json();
    const { documentId: binaryId } = parseDocumentFhirId(staged.id)!;
    t.clock.advanceDays(25 / 24);
    const before = await documents(patient);
    const res = await fhir(doctor, 'POST', '/DocumentReference', referencing(patient, `Binary/${staged.id}`));
    expect(res.statusCode).toBe(400);
    expect(codesOf(res)).toEqual(['FHIR_BINARY_NOT_FOUND']);
    expect(await documents(patient)).toBe(before);
    expect(await count('SELECT count(*)::int AS n FROM staged_binary WHERE dossier_id = $1 AND binary_id = $2', [patient, binaryId])).toBe(1);
    expect((await stage(nurse, patient, pdfBytes('nouveau dépôt'))).statusCode).toBe(201);
    expect(await count('SELECT count(*)::int AS n FROM staged_binary WHERE dossier_id = $1 AND expires_at <= $2', [patient, t.clock()])).toBe(0);
  });

  it('bytes that are not what they claim are refused at staging: 400 naming the problem, nothing stored, the refusal traced', async () => {
    const before = await stagedRows(patient);
    const res = await stage(doctor, patient, Buffer.from('Ceci est du texte, pas un PDF.'), 'application/pdf');
    expect(res.statusCode).toBe(400);
    expect(res.json().issue[0]).toMatchObject({ details: { coding: [{ code: 'CONTENT_TYPE_MISMATCH' }] }, expression: ['Binary.contentType'] });
    expect(res.json().issue[0].details.text).toContain('ne correspond pas au contenu');
    expect(await stagedRows(patient)).toBe(before);
    expect(await auditOf(res)).toEqual([expect.objectContaining({ dossier_id: patient, action: 'document.content.stage', outcome: 'denied', reason: 'CONTENT_TYPE_MISMATCH', target_type: 'Binary', target_id: null })]);
  });

  it('a Binary that is not valid FHIR is refused before anything is decided', async () => {
    const res = await fhir(doctor, 'POST', '/Binary', { ...binary(patient, pdfBytes()), data: 'pas du base64 !', extra: true });
    expect(res.statusCode).toBe(400);
    expect(codesOf(res).sort()).toEqual(['FHIR_BASE64', 'FHIR_UNKNOWN_ELEMENT']);
    expect(await auditOf(res)).toEqual([]);
    const noPatient = await fhir(doctor, 'POST', '/Binary', { resourceType: 'Binary', contentType: 'application/pdf', data: pdfBytes().toString('base64') });
    expect(codesOf(noPatient)).toEqual(['FHIR_REQUIRED']);
    expect(noPatient.json().issue[0].expression).toEqual(['Binary.securityContext']);
  });

  it('a professional the patient blocked cannot stage (403, SPEC §3.2 message), and the refusal is traced', async () => {
    const blocked = await t.app.inject({ method: 'POST', url: `/api/dossiers/${patient}/blocked-professionals`, headers: { authorization: `Bearer ${await t.tokenFor(holder())}`, 'content-type': 'application/json' }, payload: JSON.stringify({ rpps: blockedDoctor.rpps }) });
    expect(blocked.statusCode).toBeLessThan(300);
    const before = await stagedRows(patient);
    const res = await stage(blockedDoctor, patient, pdfBytes('bloqué'));
    expect(res.statusCode).toBe(403);
    expect(res.json().issue[0]).toMatchObject({ details: { coding: [{ code: 'POLICY_BLOCKED_PROFESSIONAL' }], text: "Le patient vous a retiré les droits d'accès à son DMP." } });
    expect(await stagedRows(patient)).toBe(before);
    expect(await auditOf(res)).toEqual([expect.objectContaining({ dossier_id: patient, action: 'document.content.stage', outcome: 'denied', reason: 'POLICY_BLOCKED_PROFESSIONAL' })]);
  });

  it('a caller who may not feed learns nothing of a staged Binary: the refusal comes first', async () => {
    const staged = (await stage(doctor, patient, pdfBytes('secret du dépôt'))).json();
    const res = await fhir(blockedDoctor, 'POST', '/DocumentReference', referencing(patient, `Binary/${staged.id}`));
    expect(res.statusCode).toBe(403);
    expect(codesOf(res)).toEqual(['POLICY_BLOCKED_PROFESSIONAL']);
    // …and the Binary is still there for the one who staged it.
    expect((await fhir(doctor, 'POST', '/DocumentReference', referencing(patient, `Binary/${staged.id}`))).statusCode).toBe(201);
  });

  it('an unknown patient answers 404, traced on the system chain', async () => {
    const res = await stage(doctor, randomUUID(), pdfBytes('personne'));
    expect(res.statusCode).toBe(404);
    expect(codesOf(res)).toEqual(['RESOURCE_NOT_FOUND']);
    expect(await auditOf(res)).toEqual([expect.objectContaining({ dossier_id: SYSTEM_CHAIN, action: 'document.content.stage', outcome: 'denied', reason: 'POLICY_NO_DOSSIER' })]);
  });

  it('a retried staging with the same Idempotency-Key answers the same Binary and stores it once', async () => {
    const before = await stagedRows(patient);
    const bytes = pdfBytes('rejoué');
    const first = await stage(doctor, patient, bytes, 'application/pdf', { 'idempotency-key': 'stage-1' });
    const retry = await stage(doctor, patient, bytes, 'application/pdf', { 'idempotency-key': 'stage-1' });
    expect([first.statusCode, retry.statusCode]).toEqual([201, 201]);
    expect(retry.json()).toEqual(first.json());
    expect(retry.headers.location).toBe(first.headers.location);
    expect(await stagedRows(patient)).toBe(before + 1);
    // The replay is decided again and traced once, as a replay (issue 8, item 7a).
    expect(await auditOf(retry)).toEqual([expect.objectContaining({ action: 'document.content.stage', outcome: 'allowed', details: expect.objectContaining({ replay: true }) })]);
    const reused = await stage(doctor, patient, pdfBytes('autre contenu'), 'application/pdf', { 'idempotency-key': 'stage-1' });
    expect(reused.statusCode).toBe(422);
  });

  it('the patient stages and uploads their own document the same way', async () => {
    const bytes = Buffer.from('Mes notes de suivi tensionnel.\n');
    const staged = await stage(holder(), patient, bytes, 'text/plain');
    expect(staged.statusCode).toBe(201);
    expect((await auditOf(staged))[0]).toMatchObject({ outcome: 'allowed', reason: 'POLICY_HOLDER' });
    const fed = await fhir(holder(), 'POST', '/DocumentReference', referencing(patient, `Binary/${staged.json().id}`, { contentType: 'text/plain', typeCode: 'DOCPAT03', title: 'Mes notes' }));
    expect(fed.statusCode).toBe(201);
  });

  it('in an ITI-65 transaction, Binary/<id> references staged content too, and one staged content feeds one document only', async () => {
    const staged = (await stage(doctor, patient, pdfBytes('lot'))).json();
    const urls = [`urn:uuid:${randomUUID()}`, `urn:uuid:${randomUUID()}`];
    const bundle = (docs: Record<string, unknown>[]) => ({
      resourceType: 'Bundle', type: 'transaction',
      entry: [
        {
          fullUrl: `urn:uuid:${randomUUID()}`, request: { method: 'POST', url: 'List' },
          resource: {
            resourceType: 'List', status: 'current', mode: 'working', subject: { reference: `Patient/${patient}` }, date: '2026-01-10T09:00:00Z',
            code: { coding: [{ system: 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes', code: 'submissionset' }] },
            identifier: [{ use: 'usual', system: 'urn:ietf:rfc:3986', value: `urn:oid:1.2.3.77.${Date.now()}` }],
            entry: docs.map((_, i) => ({ item: { reference: urls[i] } })),
          },
        },
        ...docs.map((d, i) => ({ fullUrl: urls[i], resource: d, request: { method: 'POST', url: 'DocumentReference' } })),
      ],
    });
    const before = await documents(patient);
    const twice = await fhir(doctor, 'POST', '/', bundle([referencing(patient, `Binary/${staged.id}`), referencing(patient, `Binary/${staged.id}`, { title: 'Doublon' })]));
    expect(twice.statusCode).toBe(400);
    expect(twice.json().issue).toEqual([expect.objectContaining({ details: expect.objectContaining({ coding: [expect.objectContaining({ code: 'FHIR_BINARY_NOT_FOUND' })] }), expression: ['document[1].content[0].attachment.url'] })]);
    expect(await documents(patient)).toBe(before);
    const once = await fhir(doctor, 'POST', '/', bundle([referencing(patient, `Binary/${staged.id}`)]));
    expect(once.statusCode).toBe(200);
    expect(once.json().entry[0].response.status).toBe('201 Created');
    expect(await documents(patient)).toBe(before + 1);
  });

  it('the audit chains still verify', async () => {
    expect((await verifyAudit(t.db)).problems).toEqual([]);
  });
});
