import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { createOutboxDispatcher, type OutboxDispatcher } from '../src/jobs/outbox-dispatcher.job.ts';
import { runRevisibility } from '../src/services/run-revisibility.ts';
import { documentFhirId, parseDocumentFhirId } from '../src/domain/resource-ids.ts';
import { documentReference } from './support/documents.ts';
import { doctor, insertDossier, insWithKey, operator, personFor, relate } from './support/fixtures.ts';
import { personAccount, professionalAccount, serviceDeps } from './support/notifications.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { ENGINE } from './support/test-db.ts';

type Pro = Extract<Actor, { kind: 'professional' }>;
type Person = Extract<Actor, { kind: 'person' }>;
type Item = { id: string; kind: string; dossierId: string; title: string; createdAt: string; readAt: string | null; link: string };
type Page = { items: Item[]; unread: number; next?: string };

let t: TestApp;
let dispatcher: OutboxDispatcher;
let marie: Person; // adult holder, legal representative of Léa
let lea: Person; // minor
let paul: Person; // Marie's carer
const claire: Pro = {
  kind: 'professional', accountId: randomUUID(), displayName: 'Dr Claire Bernard', rpps: '30303030303', profession: 'G15:10', specialty: 'SM54',
  structure: { finess: '750000002', name: 'Maison de santé Bernard' },
};
const pharmacist: Pro = { kind: 'professional', accountId: randomUUID(), displayName: 'Omar Haddad', rpps: '40404040404', profession: 'G15:21', specialty: null, structure: null };

async function call(actor: Actor | null, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
  const headers: Record<string, string> = body === undefined ? {} : { 'content-type': url.startsWith('/fhir') ? 'application/fhir+json' : 'application/json' };
  if (actor) headers.authorization = `Bearer ${await t.tokenFor(actor)}`;
  return t.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
}
const centre = async (actor: Actor, query = ''): Promise<Page> => {
  const res = await call(actor, 'GET', `/api/notifications${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page;
};
/** The newest notification of a kind. */
const latestOf = async (actor: Actor, kind: string) => (await centre(actor, '?limit=100')).items.find((i) => i.kind === kind);
const titles = async (actor: Actor) => (await centre(actor, '?limit=100')).items.map((i) => i.title);
const feed = async (patient: string, title: string, labels: string[] = []) => {
  const res = await call(doctor, 'POST', '/fhir/R4/DocumentReference', documentReference({ patientId: patient, title, labels }));
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
};
/** Notification e-mails queued for an address (outbox rows of kind `email`). */
const mailsTo = async (address: string) => (await t.db.query('SELECT 1 FROM outbox WHERE kind = $1 AND payload->>$2 = $3', ['email', 'to', address])).rowCount;

describe(`notifications (${ENGINE})`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    const marieId = await insertDossier(t.db, { ins: insWithKey('2850575056101'), state: 'active', birthName: 'MARTIN', firstNames: 'Marie', birthDate: '1985-05-12' });
    const leaIns = insWithKey('2150575056104');
    const leaId = await insertDossier(t.db, { ins: leaIns, state: 'active', birthName: 'MARTIN', firstNames: 'Léa', birthDate: '2015-03-10' });
    const paulIns = insWithKey('1870575056103');
    const paulId = await insertDossier(t.db, { ins: paulIns, state: 'active', birthName: 'DURAND', firstNames: 'Paul', birthDate: '1987-01-01', sex: 'M' });
    marie = personFor(marieId, 'Marie Martin') as Person;
    lea = personFor(leaId, 'Léa Martin') as Person;
    paul = personFor(paulId, 'Paul Durand') as Person;
    await relate(t.db, leaId, 'legal_representative', marieId, insWithKey('2850575056101'));
    await relate(t.db, marieId, 'carer', paulId, paulIns);
    await personAccount(t.db, marie, 'marie@example.test');
    await personAccount(t.db, lea, 'lea@example.test');
    await personAccount(t.db, paul, 'paul@example.test');
    await professionalAccount(t.db, claire, 'claire@example.test');
    for (const p of [marieId, leaId]) {
      expect((await call(doctor, 'POST', `/api/dossiers/${p}/feeding-information`, {})).statusCode).toBe(201);
    }
    dispatcher = createOutboxDispatcher({ db: t.db, clock: t.clock, config: { smtpUrl: undefined, mailFrom: 'ne-pas-repondre@openmes.local', publicUrl: 'https://mes.example.test' },
      notifications: { services: serviceDeps(t.db, t.clock), hub: t.notificationHub } });
  });
  // Each story happens a minute after the previous one: the centre lists newest first.
  beforeEach(() => { t.clock.set(new Date(t.clock().getTime() + 60_000).toISOString()); });
  afterAll(async () => {
    await dispatcher?.stop();
    await t?.close();
  });

  it("tells the holder and the carer of each professional's first access, once", async () => {
    expect((await call(doctor, 'POST', `/api/dossiers/${marie.dossierId}/consents`, { scope: 'professional' })).statusCode).toBe(201);
    for (let i = 0; i < 2; i++) expect((await call(doctor, 'GET', `/fhir/R4/DocumentReference?patient=Patient/${marie.dossierId}`)).statusCode).toBe(200);
    await dispatcher.runOnce();
    expect(await titles(marie)).toEqual(['Dr Jean Dupont (Médecin) a consulté votre dossier pour la première fois']);
    expect(await titles(paul)).toEqual(['Dr Jean Dupont (Médecin) a consulté le dossier de Marie Martin pour la première fois']);
    // Léa is neither the holder nor acting for Marie.
    expect(await titles(lea)).toEqual([]);
    const [first] = (await centre(marie)).items;
    expect(first).toMatchObject({ kind: 'professional.first_access', dossierId: marie.dossierId, readAt: null, link: '/historique' });
  });

  it('tells of a first feed in its own words, and of the first consultation only when the professional reads', async () => {
    const id = await feed(lea.dossierId, 'Vaccination');
    await dispatcher.runOnce();
    const firsts = async () => (await centre(lea, '?limit=100')).items.filter((i) => i.kind === 'professional.first_access').map((i) => i.title);
    expect(await firsts()).toEqual(['Dr Jean Dupont (Médecin) a alimenté votre dossier pour la première fois']);
    t.clock.set(new Date(t.clock().getTime() + 60_000).toISOString());
    expect((await call(doctor, 'GET', `/fhir/R4/DocumentReference/${id}`)).statusCode).toBe(200);
    await dispatcher.runOnce();
    expect(await firsts()).toEqual([
      'Dr Jean Dupont (Médecin) a consulté votre dossier pour la première fois', 'Dr Jean Dupont (Médecin) a alimenté votre dossier pour la première fois',
    ]);
    // Neither is said twice.
    await feed(lea.dossierId, 'Vaccination (rappel)');
    expect((await call(doctor, 'GET', `/fhir/R4/DocumentReference/${id}`)).statusCode).toBe(200);
    await dispatcher.runOnce();
    expect(await firsts()).toHaveLength(2);
  });

  it('tells of each new document with its author and title, and e-mails per the default preference', async () => {
    const before = await mailsTo('marie@example.test');
    const id = await feed(marie.dossierId, 'Compte rendu d’IRM du genou');
    await dispatcher.runOnce();
    const latest = await latestOf(marie, 'document.added');
    // The link opens the document in the portal, which names it by its FHIR id.
    expect(latest).toMatchObject({ kind: 'document.added', title: 'Dr Jean Dupont a ajouté le document « Compte rendu d’IRM du genou »', link: `/documents?document=${id}` });
    expect(documentFhirId(marie.dossierId, parseDocumentFhirId(id)!.documentId)).toBe(id);
    expect((await latestOf(paul, 'document.added'))!.title).toBe('Dr Jean Dupont a ajouté le document « Compte rendu d’IRM du genou » au dossier de Marie Martin');
    expect(await mailsTo('marie@example.test')).toBe(before + 1);
  });

  it("keeps a minor's document hidden from the representatives out of their notifications", async () => {
    await feed(lea.dossierId, 'Consultation confidentielle', ['INVISIBLE_REPRESENTANTS_LEGAUX']);
    await dispatcher.runOnce();
    expect(await titles(lea)).toEqual(expect.arrayContaining([
      // Dr Dupont fed Léa's record without ever consulting it: a first feed, in its own words.
      'Dr Jean Dupont a ajouté le document « Consultation confidentielle »', 'Dr Jean Dupont (Médecin) a alimenté votre dossier pour la première fois',
    ]));
    expect((await titles(marie)).join()).not.toContain('confidentielle');
  });

  it('announces a document invisible to the patient only when due: the information first, then the re-visibility, each once', async () => {
    const before = (await titles(marie)).length;
    const id = await feed(marie.dossierId, 'Résultat à annoncer', ['INVISIBLE_PATIENT']);
    await dispatcher.runOnce();
    expect(await titles(marie)).toHaveLength(before);
    const deps = serviceDeps(t.db, t.clock);
    t.clock.advanceDays(46);
    expect(await runRevisibility(deps)).toMatchObject({ informed: 1 });
    await dispatcher.runOnce();
    expect((await centre(marie)).items[0]).toMatchObject({
      kind: 'record.updated_see_professional', title: 'Votre dossier a été mis à jour : nous vous invitons à consulter un professionnel de santé',
    });
    expect((await titles(marie)).join()).not.toContain('Résultat à annoncer');
    t.clock.advanceDays(45);
    expect(await runRevisibility(deps)).toMatchObject({ madeVisible: 1 });
    await dispatcher.runOnce();
    // The document was deferred as "added" to the same day: the patient hears of it once.
    const about = (await centre(marie, '?limit=100')).items.filter((i) => i.link === `/documents?document=${id}`);
    expect(about.map((i) => i.title)).toEqual(['Le document « Résultat à annoncer » est désormais visible dans votre dossier']);
    t.clock.advanceDays(1);
    await dispatcher.runOnce();
    expect((await centre(marie, '?limit=100')).items.filter((i) => i.link === `/documents?document=${id}`)).toHaveLength(1);
  });

  it('tells the patient, the carer and the médecin traitant of every emergency access', async () => {
    expect((await call(marie, 'PUT', `/api/dossiers/${marie.dossierId}/settings`, { medecinTraitant: { rpps: claire.rpps } })).statusCode).toBe(200);
    expect((await call(pharmacist, 'POST', `/api/dossiers/${marie.dossierId}/emergency-access`, { mode: 'bris_de_glace', reason: 'Malaise à l’officine' })).statusCode).toBe(201);
    await dispatcher.runOnce();
    expect((await centre(marie)).items[0]!.title).toBe('Omar Haddad (Pharmacien) a accédé en urgence (bris de glace) à votre dossier');
    expect((await centre(paul)).items[0]!.title).toBe('Omar Haddad (Pharmacien) a accédé en urgence (bris de glace) au dossier de Marie Martin');
    expect(await centre(claire)).toMatchObject({
      unread: 1, items: [{ kind: 'emergency.access', title: 'Omar Haddad (Pharmacien) a accédé en urgence (bris de glace) au dossier de votre patient Marie Martin', link: '/pro' }],
    });
    expect(await mailsTo('claire@example.test')).toBe(1);
  });

  it('tells the holder when someone else changes their settings, not the one who made the change', async () => {
    expect((await call(marie, 'PUT', `/api/dossiers/${lea.dossierId}/settings`, { maskAll: true })).statusCode).toBe(200);
    expect((await call(marie, 'PUT', `/api/dossiers/${marie.dossierId}/settings`, { blockSamu: true })).statusCode).toBe(200);
    await dispatcher.runOnce();
    expect((await centre(lea)).items[0]).toMatchObject({
      kind: 'settings.changed_by_other', title: 'Marie Martin a modifié les paramètres de confidentialité de votre espace', link: '/parametres/confidentialite',
    });
    expect((await titles(marie)).join()).not.toContain('paramètres');
  });

  it('keeps a secret connection from the representatives: only the minor hears of the first access', async () => {
    expect((await call(claire, 'POST', `/api/dossiers/${lea.dossierId}/consents`, { scope: 'professional' })).statusCode).toBe(201);
    expect((await call(claire, 'POST', `/api/dossiers/${lea.dossierId}/secret-connection`, {})).statusCode).toBe(201);
    expect((await call(claire, 'GET', `/fhir/R4/DocumentReference?patient=Patient/${lea.dossierId}`)).statusCode).toBe(200);
    await dispatcher.runOnce();
    expect((await centre(lea)).items.filter((i) => i.title.includes('Claire')).map((i) => i.title)).toEqual(['Dr Claire Bernard (Médecin) a consulté votre dossier pour la première fois']);
    expect((await titles(marie)).join()).not.toContain('Claire');
  });

  it('respects the e-mail preference per kind, and sends none while the person watches the portal', async () => {
    const prefs = await call(marie, 'GET', '/api/notification-preferences');
    expect(prefs.json().kinds).toContainEqual({ kind: 'document.added', label: 'Nouveau document dans le dossier', email: true });
    const put = await call(marie, 'PUT', '/api/notification-preferences', { kinds: [{ kind: 'document.added', email: false }] });
    expect(put.statusCode).toBe(200);
    expect(put.json().kinds).toContainEqual({ kind: 'document.added', label: 'Nouveau document dans le dossier', email: false });
    expect(put.json().kinds).toContainEqual(expect.objectContaining({ kind: 'emergency.access', email: true }));
    const before = await mailsTo('marie@example.test');
    await feed(marie.dossierId, 'Ordonnance');
    await dispatcher.runOnce();
    expect((await latestOf(marie, 'document.added'))!.title).toContain('Ordonnance');
    expect(await mailsTo('marie@example.test')).toBe(before);
    // Paul kept the default: e-mailed.
    expect(await mailsTo('paul@example.test')).toBeGreaterThan(0);
    expect((await call(marie, 'PUT', '/api/notification-preferences', { kinds: [{ kind: 'unknown.kind', email: true }] })).statusCode).toBe(400);
    expect((await call(marie, 'PUT', '/api/notification-preferences', { kinds: [{ kind: 'document.added', email: 'oui' }] })).statusCode).toBe(400);
  });

  it('counts unread, marks one or all read, pages with a cursor, and keeps each centre private', async () => {
    const page = await centre(marie, '?limit=2');
    expect(page.items).toHaveLength(2);
    expect(page.next).toBeDefined();
    const rest = await centre(marie, `?limit=100&before=${page.next}`);
    expect(rest.items.map((i) => i.id)).not.toContain(page.items[0]!.id);
    const all = page.items.length + rest.items.length;
    expect(page.unread).toBe(all);
    const read = await call(marie, 'POST', `/api/notifications/${page.items[0]!.id}/read`);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: page.items[0]!.id, unread: all - 1 });
    expect((await centre(marie)).items[0]!.readAt).not.toBeNull();
    // Someone else's notification is not found, whoever asks.
    expect((await call(paul, 'POST', `/api/notifications/${page.items[1]!.id}/read`)).statusCode).toBe(404);
    expect((await call(marie, 'POST', `/api/notifications/${randomUUID()}/read`)).statusCode).toBe(404);
    expect((await call(marie, 'POST', '/api/notifications/read-all')).json()).toEqual({ marked: all - 1, unread: 0 });
    expect((await centre(marie)).unread).toBe(0);
    expect((await centre(paul)).unread).toBeGreaterThan(0);
    expect((await call(marie, 'GET', '/api/notifications?before=nimporte')).statusCode).toBe(400);
    expect((await call(null, 'GET', '/api/notifications')).statusCode).toBe(401);
    expect((await call(operator, 'GET', '/api/notifications')).statusCode).toBe(403);
  });

  it('pushes a new notification to an open live stream, with the unread count', async () => {
    const address = await t.app.listen({ port: 0, host: '127.0.0.1' }).then(() => t.app.server.address() as AddressInfo);
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${address.port}/api/notifications/stream`, {
      headers: { authorization: `Bearer ${await t.tokenFor(marie)}` }, signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = readEvents(res.body!);
    expect(await events.next('unread')).toEqual({ unread: 0 });
    // Watching the portal: the e-mail is not needed.
    const mailsBefore = await mailsTo('marie@example.test');
    await call(pharmacist, 'POST', `/api/dossiers/${marie.dossierId}/emergency-access`, { mode: 'bris_de_glace', reason: 'Nouveau malaise' });
    await dispatcher.runOnce();
    const pushed = await events.next('notification') as Item;
    expect(pushed).toMatchObject({ kind: 'emergency.access', dossierId: marie.dossierId, readAt: null });
    expect(pushed.title).toContain('a accédé en urgence');
    expect(await events.next('unread')).toEqual({ unread: 1 });
    expect(await mailsTo('marie@example.test')).toBe(mailsBefore);
    await call(marie, 'POST', '/api/notifications/read-all');
    expect(await events.next('unread')).toEqual({ unread: 0 });
    controller.abort();
    // No token, no stream.
    expect((await fetch(`http://127.0.0.1:${address.port}/api/notifications/stream`)).status).toBe(401);
  });

  it('ends open streams when the server shuts down', async () => {
    const t2 = await createTestApp();
    try {
      const marie2 = personFor(await insertDossier(t2.db, { ins: insWithKey('2850575056201'), state: 'active' }));
      await t2.app.listen({ port: 0, host: '127.0.0.1' });
      const res = await fetch(`http://127.0.0.1:${(t2.app.server.address() as AddressInfo).port}/api/notifications/stream`, { headers: { authorization: `Bearer ${await t2.tokenFor(marie2)}` } });
      const events = readEvents(res.body!);
      expect(await events.next('unread')).toEqual({ unread: 0 });
      await t2.app.close();
      expect(await events.ended()).toBe(true);
    } finally {
      await t2.close();
    }
  });
});

/** Reads Server-Sent Events from a fetch body: `next(name)` resolves with the next event of that name. */
function readEvents(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let done = false;
  const queue: { event: string; data: unknown }[] = [];
  async function pull(): Promise<void> {
    const chunk = await reader.read();
    if (chunk.done) { done = true; return; }
    buffer += decoder.decode(chunk.value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event && data) queue.push({ event, data: JSON.parse(data) });
    }
  }
  return {
    async next(name: string): Promise<unknown> {
      for (;;) {
        const i = queue.findIndex((e) => e.event === name);
        if (i >= 0) return queue.splice(i, 1)[0]!.data;
        if (done) throw new Error(`stream ended before a "${name}" event`);
        await pull();
      }
    },
    async ended(): Promise<boolean> {
      while (!done) await pull().catch(() => { done = true; });
      return true;
    },
  };
}
