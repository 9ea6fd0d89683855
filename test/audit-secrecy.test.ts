/**
 * Issue 8, items 3, 7 and 13: what the audit trail records (every refused upload, replays decided
 * again, what a label request changed, the calling software and address, our own request id) and what
 * the patient side may learn from it (nothing of a secret connection, nothing from entry numbers).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { issueAccessToken } from '../src/services/access-token.ts';
import { documentReference, pdfBytes } from './support/documents.ts';
import { insertDossier, insWithKey, operator, personFor, relate } from './support/fixtures.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { ENGINE } from './support/test-db.ts';

type Pro = Extract<Actor, { kind: 'professional' }>;
type Row = { seq: number; action: string; outcome: string; reason: string; mode: string; actor_id: string; request_id: string | null; details: Record<string, unknown>;
  client_id: string | null; client_address: string | null; client_request_id: string | null };
type Item = { id: string; seq?: number; action: string; outcome: string; mode: string; occurredAt: string; text: string; actor: { rpps?: string } };

let t: TestApp;
let lea: string; // a minor; Marie is her legal representative
let marie: string;
let paul: string; // Marie's carer
const claire: Pro = {
  kind: 'professional', accountId: '0f000000-0000-4000-8000-0000000000c1', displayName: 'Dr Claire Bernard', rpps: '30303030303', profession: 'G15:10', specialty: 'SM54',
  structure: { finess: '750000002', name: 'Maison de santé Bernard' },
};
const jean: Pro = {
  kind: 'professional', accountId: '0f000000-0000-4000-8000-0000000000c2', displayName: 'Dr Jean Dupont', rpps: '10101010101', profession: 'G15:10', specialty: 'SM54',
  structure: { finess: '750000001', name: 'Cabinet Dupont' },
};
const marieActor = () => personFor(marie, 'Marie Martin');
const leaActor = () => personFor(lea, 'Léa Martin');
const paulActor = () => personFor(paul, 'Paul Durand');

async function call(actor: Actor, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}, token?: string) {
  const all: Record<string, string> = { authorization: `Bearer ${token ?? await t.tokenFor(actor)}`, ...headers };
  if (body !== undefined && !all['content-type']) all['content-type'] = url.startsWith('/fhir/') ? 'application/fhir+json' : 'application/json';
  return t.app.inject({ method, url, headers: all, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
}
const rows = async (dossierId: string) => (await t.db.query<Row>('SELECT * FROM audit_event WHERE dossier_id = $1 ORDER BY seq', [dossierId])).rows;
const count = async (dossierId: string) => (await rows(dossierId)).length;
const historyOf = async (dossierId: string, reader: Actor, query = '?limit=100') => {
  const res = await call(reader, 'GET', `/api/dossiers/${dossierId}/history${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { entries: Item[]; nextBefore: string | null };
};
const auditEvents = async (dossierId: string, reader: Actor, query = '') => {
  const res = await call(reader, 'GET', `/fhir/R4/AuditEvent?patient=Patient/${dossierId}${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { entry?: { resource: Record<string, any> }[]; link: { relation: string; url: string }[] };
};
const minutes = (n: number) => t.clock.set(new Date(t.clock().getTime() + n * 60_000).toISOString());

beforeAll(async () => {
  t = await createTestApp();
  marie = await insertDossier(t.db, { ins: insWithKey('2850575056001'), state: 'active' });
  lea = await insertDossier(t.db, { ins: insWithKey('2150575056004'), birthDate: '2012-04-02', firstNames: 'Léa', state: 'active' });
  paul = await insertDossier(t.db, { ins: insWithKey('1870575056003'), state: 'active' });
  await relate(t.db, lea, 'legal_representative', marie, insWithKey('2850575056001'));
  await relate(t.db, marie, 'carer', paul, insWithKey('1870575056003'));
  for (const d of [lea, marie]) expect((await call(jean, 'POST', `/api/dossiers/${d}/feeding-information`, {})).statusCode).toBe(201);
});
afterAll(async () => { await t?.close(); });

describe(`audit secrecy and completeness (${ENGINE})`, () => {
  describe('a secret connection leaves nothing the legal representatives can see (item 3)', () => {
    let startedAt: number;
    it('hides a refused deposit made in a secret connection, and the connection itself, from the parent', async () => {
      // Before the secret connection: an ordinary deposit the parent may see.
      minutes(1);
      expect((await call(claire, 'POST', '/fhir/R4/DocumentReference', documentReference({ patientId: lea, title: 'Vaccination' }))).statusCode).toBe(201);
      minutes(1);
      startedAt = t.clock().getTime();
      expect((await call(claire, 'POST', `/api/dossiers/${lea}/secret-connection`, {})).statusCode).toBe(201);
      minutes(1);
      const refused = await call(claire, 'POST', '/fhir/R4/DocumentReference', documentReference({ patientId: lea, title: 'Contraception' }));
      expect(refused.statusCode).toBe(403);
      expect(refused.body).toContain('POLICY_SECRET_DEPOSIT_RESTRICTED');
      const trace = (await rows(lea)).at(-1)!;
      expect(trace).toMatchObject({ action: 'document.feed', outcome: 'denied', reason: 'POLICY_SECRET_DEPOSIT_RESTRICTED', mode: 'secret' });
      minutes(1);
      // A refused emergency access asked during the secret connection stays in it too (found by R1).
      expect((await call(claire, 'POST', `/api/dossiers/${lea}/emergency-access`, { mode: 'samu' })).statusCode).toBe(403);
      expect((await rows(lea)).at(-1)).toMatchObject({ action: 'emergency.start', outcome: 'denied', mode: 'secret', details: { mode: 'samu' } });
      minutes(1);
      expect((await call(claire, 'POST', '/fhir/R4/DocumentReference', documentReference({ patientId: lea, title: 'Contraception', labels: ['INVISIBLE_REPRESENTANTS_LEGAUX'] }))).statusCode).toBe(201);

      const during = (e: { occurredAt: string; actor: { rpps?: string } }) => e.actor.rpps === claire.rpps && Date.parse(e.occurredAt) >= startedAt;
      const parent = await historyOf(lea, marieActor());
      expect(parent.entries.filter(during)).toEqual([]);
      expect(parent.entries.some((e) => e.actor.rpps === claire.rpps && e.action === 'document.feed')).toBe(true);
      expect(JSON.stringify(parent)).not.toContain('Contraception');
      // The minor sees all of it, the refusal included; so does the operator.
      const minor = await historyOf(lea, leaActor());
      expect(minor.entries.filter(during).map((e) => `${e.action} ${e.outcome}`)).toEqual(['document.feed allowed', 'emergency.start denied', 'document.feed denied', 'secret.start allowed']);
      expect((await historyOf(lea, operator)).entries.filter(during)).toHaveLength(4);
    });

    it('shows the parent AuditEvents with no position, hash or count that would tell of the hidden entries', async () => {
      const bundle = await auditEvents(lea, marieActor());
      const events = (bundle.entry ?? []).map((e) => e.resource);
      expect(events.length).toBeGreaterThan(2);
      expect(events.some((e) => (e.agent as { who?: { identifier?: { value?: string } } }[]).some((a) => a.who?.identifier?.value === claire.rpps && Date.parse(e.recorded) >= startedAt))).toBe(false);
      for (const e of events) {
        expect(e.id).toMatch(/^[0-9a-f]{32}$/);
        expect(e.extension).toBeUndefined();
        expect(JSON.stringify(e)).not.toMatch(/"(seq|hash)"/);
      }
      expect(bundle).not.toHaveProperty('total');
      const seqs = (await rows(lea)).map((r) => String(r.seq));
      expect(events.map((e) => e.id).filter((id) => seqs.includes(id) || id.endsWith(`-${seqs.at(-1)}`))).toEqual([]);
      // The operator reads the chain itself.
      const op = (await auditEvents(lea, operator)).entry!.map((e) => e.resource);
      expect(op[0]!.extension[0].extension[0]).toMatchObject({ url: 'seq' });
    });

    it('pages the parent through visible entries with opaque cursors, never a sequence number', async () => {
      const all = (await historyOf(lea, marieActor())).entries;
      const first = await historyOf(lea, marieActor(), '?limit=2');
      expect(first.nextBefore).toMatch(/^[0-9a-f]{32}$/);
      expect(first.entries.every((e) => e.seq === undefined)).toBe(true);
      const seen = [...first.entries];
      for (let cursor = first.nextBefore; cursor;) {
        const page = await historyOf(lea, marieActor(), `?limit=2&before=${cursor}`);
        seen.push(...page.entries);
        cursor = page.nextBefore;
      }
      // Each read of the history is itself a new entry, on top: walking the pages finds every entry there
      // was, in order, each once.
      expect(seen.map((e) => e.id).filter((id) => all.some((a) => a.id === id))).toEqual(all.map((e) => e.id));
      expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
      expect(seen.filter((e) => e.mode === 'secret')).toEqual([]);
      // A sequence number is no cursor.
      expect((await call(marieActor(), 'GET', `/api/dossiers/${lea}/history?before=3`)).statusCode).toBe(400);
      expect((await call(marieActor(), 'GET', `/fhir/R4/AuditEvent?patient=Patient/${lea}&_page=3`)).statusCode).toBe(400);
    });
  });

  describe('audit gaps (item 7)', () => {
    it('decides a replayed request again and traces it: a carer whose mandate was revoked gets no stored answer', async () => {
      minutes(1);
      const body = documentReference({ patientId: marie, typeCode: 'DOCPAT01', typeSystem: 'urn:oid:1.2.250.1.213.1.1.4.12', title: 'Ordonnance scannée' });
      const first = await call(paulActor(), 'POST', '/fhir/R4/DocumentReference', body, { 'idempotency-key': 'carer-upload-1' });
      expect(first.statusCode, first.body).toBe(201);
      const retry = await call(paulActor(), 'POST', '/fhir/R4/DocumentReference', body, { 'idempotency-key': 'carer-upload-1' });
      expect(retry.statusCode).toBe(201);
      expect((await rows(marie)).at(-1)).toMatchObject({ action: 'document.feed', outcome: 'allowed', details: { replay: true } });
      // The mandate ends (as the holder's revocation records it).
      await t.db.query(`UPDATE dossier_relationship SET ended_at = $3, ended_reason = 'revoked' WHERE dossier_id = $1 AND related_dossier_id = $2`, [marie, paul, t.clock()]);
      minutes(1);
      const before = await count(marie);
      const revoked = await call(paulActor(), 'POST', '/fhir/R4/DocumentReference', body, { 'idempotency-key': 'carer-upload-1' });
      expect(revoked.statusCode).not.toBe(201);
      expect(revoked.body).not.toContain('Ordonnance');
      expect(await count(marie)).toBe(before + 1);
      expect((await rows(marie)).at(-1)).toMatchObject({ action: 'document.feed', outcome: 'denied', details: { replay: true } });
    });

    it('traces a label request that changes nothing as such, and says so in the history', async () => {
      minutes(1);
      const fed = await call(jean, 'POST', '/fhir/R4/DocumentReference', documentReference({ patientId: marie, title: 'Bilan sanguin' }));
      expect(fed.statusCode).toBe(201);
      const id = fed.json().id as string;
      const same = { ...fed.json(), securityLabel: fed.json().securityLabel };
      minutes(1);
      expect((await call(marieActor(), 'PUT', `/fhir/R4/DocumentReference/${id}`, same)).statusCode).toBe(200);
      expect((await rows(marie)).at(-1)).toMatchObject({ action: 'document.labels.update', outcome: 'allowed', details: { added: [], removed: [], changed: false } });
      const entry = (await historyOf(marie, marieActor())).entries.find((e) => e.action === 'document.labels.update')!;
      expect(entry.text).toBe('Vous avez enregistré la confidentialité du document « Bilan sanguin » sans la changer');
      minutes(1);
      const patch = [{ op: 'add', path: '/securityLabel/-', value: { coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.13', code: 'MASQUE_PS' }] } }];
      expect((await call(marieActor(), 'PATCH', `/fhir/R4/DocumentReference/${id}`, patch, { 'content-type': 'application/json-patch+json' })).statusCode).toBe(200);
      expect((await rows(marie)).at(-1)).toMatchObject({ details: { added: ['MASQUE_PS'], removed: [], changed: true } });
    });

    it("keeps our own request id, the client's X-Request-Id apart, the OAuth client and the address of the caller", async () => {
      minutes(1);
      const token = await issueAccessToken(t.tokenKeys, jean, 300, t.clock(), 'logiciel-cabinet');
      const forged = 'attacker-chosen-id-0001';
      const res = await call(jean, 'GET', `/fhir/R4/Patient/${marie}`, undefined, { 'x-request-id': forged }, token);
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-request-id']).not.toBe(forged);
      const row = (await rows(marie)).at(-1)!;
      expect(row).toMatchObject({ action: 'dossier.identity.read', request_id: res.headers['x-request-id'], client_request_id: forged, client_id: 'logiciel-cabinet', client_address: '127.0.0.1' });
      // A header that is not a plain bounded id is dropped, not written.
      await call(jean, 'GET', `/fhir/R4/Patient/${marie}`, undefined, { 'x-request-id': `${'x'.repeat(65)}` }, token);
      expect((await rows(marie)).at(-1)!.client_request_id).toBeNull();
      // The operator sees the software and the address; the patient side the software, never the address.
      const opEvent = (await auditEvents(marie, operator)).entry!.map((e) => e.resource).find((e) => JSON.stringify(e).includes(forged))!;
      expect(opEvent.agent).toContainEqual(expect.objectContaining({ who: { type: 'Device', identifier: { system: 'urn:openmes:client', value: 'logiciel-cabinet' } }, network: { address: '127.0.0.1', type: '2' } }));
      const patientSide = JSON.stringify((await auditEvents(marie, marieActor())).entry!.map((e) => e.resource)) + JSON.stringify((await historyOf(marie, marieActor())).entries);
      expect(patientSide).toContain('logiciel-cabinet');
      expect(patientSide).not.toContain('127.0.0.1');
      expect(patientSide).not.toContain(forged);
      // The new fields are hashed into the chain: changing one is found, entries written before still verify.
      expect((await verifyAudit(t.db)).problems).toEqual([]);
    });
  });

  describe('every refused upload leaves its trace (item 13)', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const cdaWithDtd = Buffer.from('<?xml version="1.0"?><!DOCTYPE ClinicalDocument [<!ENTITY x "y">]><ClinicalDocument xmlns="urn:hl7-org:v3"/>', 'utf8');
    it.each([
      ['a PDF declared as image/png', { content: pdfBytes(), contentType: 'image/png' }],
      ['a PNG declared as a PDF', { content: png, contentType: 'application/pdf' }],
      ['an inline CDA with a DTD', { content: cdaWithDtd, contentType: 'text/xml' }],
      ['an unknown document type', { typeCode: '99999-9' }],
    ])('traces %s sent to POST DocumentReference, refused, nothing stored', async (_name, options) => {
      minutes(1);
      const docs = async () => (await t.db.query('SELECT 1 FROM document WHERE dossier_id = $1', [marie])).rowCount;
      const [before, stored] = [await count(marie), await docs()];
      const res = await call(jean, 'POST', '/fhir/R4/DocumentReference', documentReference({ patientId: marie, ...options }));
      expect(res.statusCode).toBe(400);
      expect(await docs()).toBe(stored);
      expect(await count(marie)).toBe(before + 1);
      expect((await rows(marie)).at(-1)).toMatchObject({ action: 'document.feed', outcome: 'denied', request_id: res.headers['x-request-id'] });
    });

    it('traces each refused document of an ITI-65 bundle, and the denied ones beside the invalid ones', async () => {
      minutes(1);
      const entry = (doc: Record<string, unknown>, i: number) => ({ fullUrl: `urn:uuid:00000000-0000-4000-8000-00000000000${i}`, resource: doc, request: { method: 'POST', url: 'DocumentReference' } });
      const manifest = {
        fullUrl: 'urn:uuid:00000000-0000-4000-8000-000000000009',
        resource: {
          resourceType: 'List', status: 'current', mode: 'working', code: { coding: [{ system: 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes', code: 'submissionset' }] },
          subject: { reference: `Patient/${marie}` }, date: '2026-01-10T09:00:00Z',
          identifier: [{ use: 'usual', system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.3.99.7' }, { use: 'official', system: 'urn:ietf:rfc:3986', value: 'urn:uuid:00000000-0000-4000-8000-0000000000aa' }],
          entry: [1, 2].map((i) => ({ item: { reference: `urn:uuid:00000000-0000-4000-8000-00000000000${i}` } })),
        },
        request: { method: 'POST', url: 'List' },
      };
      const bundle = {
        resourceType: 'Bundle', type: 'transaction',
        entry: [manifest, entry(documentReference({ patientId: marie, content: pdfBytes(), contentType: 'image/png' }), 1), entry(documentReference({ patientId: marie, typeCode: 'DOCPAT01', typeSystem: 'urn:oid:1.2.250.1.213.1.1.4.12' }), 2)],
      };
      const before = await count(marie);
      const res = await call(jean, 'POST', '/fhir/R4', bundle);
      if (res.statusCode === 400 && (await count(marie)) === before) throw new Error(`bundle refused before the feed: ${res.body}`);
      expect(res.statusCode).toBe(400);
      expect((await rows(marie)).slice(before).map((r) => `${r.action} ${r.outcome} ${r.reason}`).sort()).toEqual([
        'document.feed denied CONTENT_TYPE_MISMATCH', 'document.feed denied POLICY_PATIENT_TYPE_RESERVED',
      ].sort());
    });
  });
});
