import { hash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { documentFhirId, parseDocumentFhirId } from '../src/domain/resource-ids.ts';
import { createOutboxDispatcher, type OutboxDispatcher } from '../src/jobs/outbox-dispatcher.job.ts';
import { importPopulation, type ImportDeps } from '../src/services/import-population.ts';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { findDossierIdByIns } from '../src/store/dossier-repo.ts';
import { migrations } from '../src/store/migrations/index.ts';
import { m0011 } from '../src/store/migrations/0011_random_dossier_ids.ts';
import { migrate } from '../src/store/migrator.ts';
import { documentReference, pdfBytes } from './support/documents.ts';
import { doctor, personFor } from './support/fixtures.ts';
import { personAccount, serviceDeps } from './support/notifications.ts';
import { memorySource, ndjson, person } from './support/population.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { createTestDb, ENGINE } from './support/test-db.ts';

/** The dossier id as the platform derived it before migration 0011 (name-based UUID of the INS). */
function legacyDossierIdForIns(ins: string): string {
  const h = hash('sha256', `openmes-dossier|${ins}`, 'buffer');
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const OPERATOR: Actor = { kind: 'operator', accountId: '0f000000-0000-4000-8000-000000000001', displayName: 'Opératrice' };
const nurse: Actor = { kind: 'professional', accountId: '0f000000-0000-4000-8000-000000000003', displayName: 'Karim Benali', rpps: '10000010016', profession: 'G15:60', specialty: null, structure: { finess: '750000002', name: 'Centre de soins' } };

const mum = person(701, { sex: 'F', email: 'maman@example.org' });
const dad = person(702, { sex: 'M' });
const child = person(703, { minor: true, reps: [mum.ins, dad.ins] });
const absentRep = person(704, { sex: 'M' }); // named by a child, not in the file: linked by computed id before 0011
const child2 = person(705, { minor: true, reps: [absentRep.ins] });
const people = [mum, dad, child, child2];

let t: TestApp;
let dispatcher: OutboxDispatcher;
const old = { mum: legacyDossierIdForIns(mum.ins), dad: legacyDossierIdForIns(dad.ins), child: legacyDossierIdForIns(child.ins), absentRep: legacyDossierIdForIns(absentRep.ins), child2: legacyDossierIdForIns(child2.ins) };
const oldIds = Object.values(old);
const fed: { mum: string[]; child: string[]; binary: string; replayKey: string } = { mum: [], child: [], binary: '', replayKey: 'feed-before-0011' };
let auditDigestBefore = '';
let auditDigestAfter = '';
/** An authorization-server record full of 43-character base64url ids: none is a document id, none may change. */
const oidcPayload = { jti: randomBytes(32).toString('base64url'), grantId: randomBytes(32).toString('base64url'), uid: randomBytes(32).toString('base64url').replace(/_/g, 'x'), accountId: '0f000000-0000-4000-8000-000000000002' };
let chainLengthBefore = 0;

const auth = async (actor: Actor) => ({ authorization: `Bearer ${await t.tokenFor(actor)}` });
const fhir = async (actor: Actor, method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url: `/fhir/R4${url}`, headers: { ...(await auth(actor)), 'content-type': 'application/fhir+json', ...headers }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
const api = async (actor: Actor, method: 'GET' | 'POST', url: string, body?: unknown) =>
  t.app.inject({ method, url: `/api${url}`, headers: { ...(await auth(actor)), 'content-type': 'application/json' }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
const auditDigest = async () => (await t.db.query<{ d: string }>(
  `SELECT md5(string_agg(a::text, '|' ORDER BY dossier_id, seq)) AS d FROM audit_event a`)).rows[0]!.d;

/** Every table's rows as text, except the audit trail (kept as chained) and the id mapping itself. */
async function everyRowAsText(): Promise<Map<string, string>> {
  const tables = await t.db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
       AND table_name NOT IN ('audit_event', 'audit_head', 'dossier_former_id', 'schema_migration')`);
  const out = new Map<string, string>();
  for (const { table_name } of tables.rows) {
    out.set(table_name, (await t.db.query<{ d: string | null }>(`SELECT string_agg(x::text, '|') AS d FROM ${table_name} x`)).rows[0]!.d ?? '');
  }
  return out;
}

describe(`migration 0011: random dossier ids on a populated database (${ENGINE})`, () => {
  beforeAll(async () => {
    const db = await createTestDb({ migrateNow: false });
    const before0011 = migrations.slice(0, migrations.indexOf(m0011));
    expect((await migrate(db, before0011)).ok).toBe(true);
    t = await createTestApp({}, { db });
    // The dossiers as the former import made them: ids computed from the INS. Reserving those ids in the
    // index makes the real import use them; the absent representative was linked without an index entry.
    for (const p of [...people, absentRep]) await db.query('INSERT INTO dossier_by_ins (ins, dossier_id) VALUES ($1, $2)', [p.ins, legacyDossierIdForIns(p.ins)]);
    const deps: ImportDeps = { db, clock: t.clock, lifecycle: { oppositionWindowDays: 42, retentionYears: 10 }, settings: { carersEnabled: true, medicoSocialEnabled: false, maxDocumentBytes: 20971520 } };
    expect(await importPopulation(deps, { actor: OPERATOR, requestId: null }, memorySource(ndjson(people)), { batchSize: 2 })).toMatchObject({ created: 4 });
    await db.query('DELETE FROM dossier_by_ins WHERE ins = $1', [absentRep.ins]);
    expect((await db.query('SELECT 1 FROM dossier_relationship WHERE related_dossier_id = $1', [old.absentRep])).rowCount).toBe(1);
    await db.query(`UPDATE dossier SET state = 'active', activated_at = now()`);
    const marie = personFor(old.mum, 'Anne Dupont') as Extract<Actor, { kind: 'person' }>;
    await personAccount(db, marie, 'maman@example.org');
    // Through the API: informing, feeds (one with an Idempotency-Key), a staged Binary, a consent, a block,
    // an emergency session, the holder reading and masking.
    for (const id of [old.mum, old.child]) expect((await api(doctor, 'POST', `/dossiers/${id}/feeding-information`, {})).statusCode).toBe(201);
    for (let i = 0; i < 2; i++) {
      const res = await fhir(doctor, 'POST', '/DocumentReference', documentReference({ patientId: old.mum, title: `Bilan ${i}` }), i === 0 ? { 'idempotency-key': fed.replayKey } : {});
      expect(res.statusCode).toBe(201);
      fed.mum.push(res.json().id);
    }
    const childDoc = await fhir(doctor, 'POST', '/DocumentReference', documentReference({ patientId: old.child, title: 'Vaccins' }));
    expect(childDoc.statusCode).toBe(201);
    fed.child.push(childDoc.json().id);
    const staged = await fhir(doctor, 'POST', '/Binary', { resourceType: 'Binary', contentType: 'application/pdf', securityContext: { reference: `Patient/${old.mum}` }, data: pdfBytes('staged').toString('base64') });
    expect(staged.statusCode).toBe(201);
    fed.binary = staged.json().id;
    expect((await api(nurse, 'POST', `/dossiers/${old.mum}/consents`, { scope: 'professional' })).statusCode).toBe(201);
    await db.query(`INSERT INTO professional_block (dossier_id, rpps, display_name, blocked_at) VALUES ($1, '10000010099', 'Dr Anne Roux', now())`, [old.mum]);
    expect((await api(nurse, 'POST', `/dossiers/${old.child}/emergency-access`, { mode: 'bris_de_glace', reason: 'Enfant inconscient aux urgences' })).statusCode).toBeLessThan(300);
    expect((await fhir(marie, 'GET', `/DocumentReference/${fed.mum[0]}`)).statusCode).toBe(200);
    expect((await fhir(nurse, 'GET', `/DocumentReference?patient=Patient/${old.mum}`)).statusCode).toBe(200);
    // A carer invitation (table of 0010) naming both spaces.
    await db.query(
      `INSERT INTO carer_invitation (dossier_id, invitation_id, email, invitee_dossier_id, invited_by, invited_by_name, created_at, expires_at, status)
       VALUES ($1, gen_random_uuid(), 'papa@example.org', $2, $3, 'Anne Dupont', now(), now() + interval '7 days', 'pending')`, [old.mum, old.dad, marie.accountId]);
    // A delivered message whose text links to a document by its FHIR id (the dossier inside the id).
    await db.query(
      `INSERT INTO outbox (dossier_id, outbox_id, kind, payload, created_at, available_at, delivered_at)
       VALUES ($1, gen_random_uuid(), 'archived.link', $2, now(), now(), now())`,
      [old.mum, JSON.stringify({ text: `Voir https://mes.example.test/documents?document=${fed.mum[1]} (Patient/${old.mum})` })]);
    await db.query(`INSERT INTO oidc_payload (model, id, payload) VALUES ('Session', 's-1', $1)`, [JSON.stringify(oidcPayload)]);
    dispatcher = createOutboxDispatcher({ db, clock: t.clock, config: { smtpUrl: undefined, mailFrom: 'ne-pas-repondre@openmes.local', publicUrl: 'https://mes.example.test' },
      notifications: { services: serviceDeps(db, t.clock), hub: t.notificationHub } });
    await dispatcher.runOnce();
    await dispatcher.runOnce();
    // The former ids are everywhere now: rows, payloads, links, stored responses.
    const text = [...(await everyRowAsText()).values()].join('\n');
    for (const id of [old.mum, old.child]) expect(text).toContain(id);
    expect((await db.query(`SELECT 1 FROM notification WHERE recipient = $1`, [`person:${old.mum}`])).rowCount).toBeGreaterThan(0);
    auditDigestBefore = await auditDigest();
    chainLengthBefore = Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event WHERE dossier_id = $1', [old.mum])).rows[0]!.n);

    const report = await migrate(db);
    expect(report).toMatchObject({ ok: true });
    expect(report.ok && report.applied[0]).toBe('0011_random_dossier_ids');
    auditDigestAfter = await auditDigest();
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await t?.close();
  });

  const now = async () => {
    const res = await t.db.query<{ dossier_id: string; former_dossier_id: string }>('SELECT dossier_id, former_dossier_id FROM dossier_former_id');
    const byOld = new Map(res.rows.map((r) => [r.former_dossier_id, r.dossier_id]));
    return (id: string) => byOld.get(id)!;
  };

  it('gives every dossier (and the reserved representative) a new random id', async () => {
    const current = await now();
    for (const id of oldIds) {
      expect(current(id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(current(id)).not.toBe(id);
    }
    for (const p of [...people, absentRep]) {
      const indexed = await t.db.query<{ dossier_id: string }>('SELECT dossier_id FROM dossier_by_ins WHERE ins = $1', [p.ins]);
      expect(indexed.rows[0]!.dossier_id).toBe(current(legacyDossierIdForIns(p.ins)));
    }
    // The INS still finds the dossier, through the index.
    expect(await findDossierIdByIns(t.db, mum.ins)).toBe(current(old.mum));
    expect(await findDossierIdByIns(t.db, absentRep.ins)).toBeNull(); // a reservation, not a dossier
  });

  it('leaves no former id anywhere but in the audit trail: columns, payloads, links, FHIR ids, stored responses', async () => {
    const current = await now();
    const newIds = new Set(oldIds.map(current));
    const uuidColumns = await t.db.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
       WHERE table_schema = current_schema() AND data_type = 'uuid' AND column_name LIKE '%dossier_id'
         AND table_name NOT IN ('audit_event', 'audit_head', 'dossier_former_id')`);
    expect(uuidColumns.rows.length).toBeGreaterThanOrEqual(20);
    for (const { table_name, column_name } of uuidColumns.rows) {
      const values = await t.db.query<{ v: string }>(`SELECT DISTINCT ${column_name}::text AS v FROM ${table_name} WHERE ${column_name} IS NOT NULL`);
      for (const { v } of values.rows) expect([table_name, column_name, newIds.has(v)]).toEqual([table_name, column_name, true]);
    }
    // The first 21 characters of a document/binary FHIR id are the dossier's alone.
    const oldFhirPrefixes = oldIds.map((id) => documentFhirId(id, '00000000-0000-4000-8000-000000000000').slice(0, 21));
    for (const [table, text] of await everyRowAsText()) {
      for (const id of oldIds) expect([table, text.includes(id)]).toEqual([table, false]);
      for (const prefix of oldFhirPrefixes) expect([table, text.includes(prefix)]).toEqual([table, false]);
    }
    const oidc = await t.db.query<{ payload: unknown }>(`SELECT payload FROM oidc_payload WHERE id = 's-1'`);
    expect(oidc.rows[0]!.payload).toEqual(oidcPayload);
    const recipients = await t.db.query<{ recipient: string }>(`SELECT DISTINCT recipient FROM notification WHERE recipient LIKE 'person:%'`);
    expect(recipients.rows.map((r) => r.recipient)).toContain(`person:${current(old.mum)}`);
  });

  it('documents are read by their new FHIR ids (the former ones are gone); stored answers and links name the new ids', async () => {
    const current = await now();
    for (const former of [...fed.mum, ...fed.child]) {
      const { dossierId, documentId } = parseDocumentFhirId(former)!;
      const renamed = documentFhirId(current(dossierId), documentId);
      const res = await fhir(doctor, 'GET', `/DocumentReference/${renamed}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: renamed, subject: { reference: `Patient/${current(dossierId)}` } });
      expect((await fhir(doctor, 'GET', `/DocumentReference/${former}`)).statusCode).toBe(404);
    }
    const { documentId } = parseDocumentFhirId(fed.mum[0]!)!;
    const content = await fhir(doctor, 'GET', `/Binary/${documentFhirId(current(old.mum), documentId)}`);
    expect(content.statusCode).toBe(200);
    // What a retry with the same Idempotency-Key is answered names the new id.
    const stored = await t.db.query<{ response: unknown }>('SELECT response FROM idempotency_record WHERE idempotency_key = $1', [fed.replayKey]);
    expect(JSON.stringify(stored.rows[0]!.response)).toContain(current(old.mum));
    // A link stored in a text names the document by its new FHIR id.
    const archived = await t.db.query<{ text: string }>(`SELECT payload->>'text' AS text FROM outbox WHERE kind = 'archived.link'`);
    const { documentId: linked } = parseDocumentFhirId(fed.mum[1]!)!;
    expect(archived.rows[0]!.text).toBe(`Voir https://mes.example.test/documents?document=${documentFhirId(current(old.mum), linked)} (Patient/${current(old.mum)})`);
    // The staged Binary is still usable under its new id by the professional who staged it.
    const { documentId: binaryId } = parseDocumentFhirId(fed.binary)!;
    const url = `Binary/${documentFhirId(current(old.mum), binaryId)}`;
    const withStaged = { ...documentReference({ patientId: current(old.mum), title: 'Contenu déposé' }), content: [{ attachment: { contentType: 'application/pdf', title: 'Contenu déposé', url } }] };
    expect((await fhir(doctor, 'POST', '/DocumentReference', withStaged)).statusCode).toBe(201);
  });

  it('leaves the audit rows untouched and append-only; the chains verify, before and after new entries', async () => {
    const current = await now();
    await expect(t.db.query(`UPDATE audit_event SET reason = 'X' WHERE dossier_id = $1`, [old.mum])).rejects.toThrow(/append-only/);
    const ok = await verifyAudit(t.db);
    expect(ok.problems).toEqual([]);
    // New entries go on the new id and continue the former chain's numbering.
    expect((await fhir(nurse, 'GET', `/DocumentReference?patient=Patient/${current(old.mum)}`)).statusCode).toBe(200);
    const next = await t.db.query<{ seq: number }>('SELECT seq FROM audit_event WHERE dossier_id = $1 ORDER BY seq', [current(old.mum)]);
    expect(next.rows[0]!.seq).toBe(chainLengthBefore + 1);
    expect((await verifyAudit(t.db)).problems).toEqual([]);
    // The migration did not touch a single audit row.
    expect(auditDigestAfter).toBe(auditDigestBefore);
  });

  it('a forged link between a former chain and its new one is named by the verifier', async () => {
    const current = await now();
    await t.db.transaction(async (tx) => {
      await tx.query(`UPDATE dossier_former_id SET former_audit_hash = repeat('0', 64) WHERE dossier_id = $1`, [current(old.child)]);
      const problems = (await verifyAudit(tx)).problems;
      expect(problems).toEqual(expect.arrayContaining([{ kind: 'continuation_broken', dossierId: current(old.child), formerDossierId: old.child }]));
      throw new Error('rollback');
    }).catch((e: Error) => expect(e.message).toBe('rollback'));
    expect((await verifyAudit(t.db)).problems).toEqual([]);
  });

  it('the history lists the entries from before the change, with the current ids only', async () => {
    const current = await now();
    const marie = personFor(current(old.mum), 'Anne Dupont');
    const res = await api(marie, 'GET', `/dossiers/${current(old.mum)}/history?limit=100`);
    expect(res.statusCode).toBe(200);
    const entries = res.json().entries as { action: string }[];
    expect(entries.length).toBeGreaterThan(chainLengthBefore);
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['dossier.lifecycle.create']));
    for (const id of oldIds) expect(res.body).not.toContain(id);
    const audit = await fhir(marie, 'GET', `/AuditEvent?patient=Patient/${current(old.mum)}&_count=100`);
    expect(audit.statusCode).toBe(200);
    for (const id of oldIds) expect(audit.body).not.toContain(id);
  });

  it('a representative reserved before the change gets the reserved (new) id when imported, and the child is linked to them', async () => {
    const current = await now();
    const deps: ImportDeps = { db: t.db, clock: t.clock, lifecycle: { oppositionWindowDays: 42, retentionYears: 10 }, settings: { carersEnabled: true, medicoSocialEnabled: false, maxDocumentBytes: 20971520 } };
    expect(await importPopulation(deps, { actor: OPERATOR, requestId: null }, memorySource(ndjson([absentRep, mum]))))
      .toMatchObject({ created: 1, existing: 1 });
    expect(await findDossierIdByIns(t.db, absentRep.ins)).toBe(current(old.absentRep));
    const links = await t.db.query<{ related_dossier_id: string }>('SELECT related_dossier_id FROM dossier_relationship WHERE dossier_id = $1', [current(old.child2)]);
    expect(links.rows.map((l) => l.related_dossier_id)).toEqual([current(old.absentRep)]);
    expect((await verifyAudit(t.db)).problems).toEqual([]);
  });
});
