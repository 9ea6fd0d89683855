import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { createOutboxDispatcher, type OutboxDispatcher } from '../src/jobs/outbox-dispatcher.job.ts';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { documentReference } from './support/documents.ts';
import { doctor, insertDossier, insWithKey, personFor, relate } from './support/fixtures.ts';
import { personAccount, serviceDeps } from './support/notifications.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { ENGINE } from './support/test-db.ts';

type Person = Extract<Actor, { kind: 'person' }>;
type Res = Awaited<ReturnType<TestApp['app']['inject']>>;
type Entry = { action: string; outcome: string; reason: string; actor_id: string; target_type: string; target_id: string | null; details: Record<string, unknown> };

let t: TestApp;
let dispatcher: OutboxDispatcher;
// Marie (adult holder, legal representative of her daughter Léa), Paul and Sophie (adults who activated
// their space), Nina (her space is not activated yet).
let marie: Person;
let lea: Person;
let paul: Person;
let sophie: Person;
let nina: Person;

async function call(actor: Actor, method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, key?: string): Promise<Res> {
  const headers: Record<string, string> = { authorization: `Bearer ${await t.tokenFor(actor)}` };
  if (key) headers['idempotency-key'] = key;
  return t.app.inject({ method, url, headers, ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}) });
}

const entries = async (dossierId: string) =>
  (await t.db.query<Entry>('SELECT action, outcome, reason, actor_id, target_type, target_id, details FROM audit_event WHERE dossier_id = $1 ORDER BY seq', [dossierId])).rows;

/** Runs `request` and checks it left exactly one new audit entry on the space's chain, matching `expected`. */
async function traced(dossierId: string, expected: Partial<Entry>, request: () => Promise<Res>): Promise<{ res: Res; entry: Entry }> {
  const before = (await entries(dossierId)).length;
  const res = await request();
  const after = await entries(dossierId);
  expect(after.length, `one new audit entry (${res.statusCode} ${res.body})`).toBe(before + 1);
  const entry = after[after.length - 1]!;
  expect(entry).toMatchObject(expected);
  return { res, entry };
}

function expectProblem(res: Res, status: number, code: string, message?: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.json().issues[0]).toMatchObject({ code, ...(message ? { message } : {}) });
}

const carersOf = (p: Person) => `/api/dossiers/${p.dossierId}/carers`;
const spacesOf = async (p: Person) => ((await call(p, 'GET', '/api/me')).json() as { actsFor: { dossierId: string; relationship: string }[] }).actsFor;
const documentsOf = (reader: Person, holder: Person) => call(reader, 'GET', `/fhir/R4/DocumentReference?patient=Patient/${holder.dossierId}`);
const payloads = async (dossierId: string, type: string) =>
  (await t.db.query<{ payload: Record<string, unknown> }>('SELECT payload FROM outbox WHERE dossier_id = $1 ORDER BY created_at', [dossierId])).rows
    .map((r) => r.payload).filter((p) => p.type === type);
const titles = async (p: Person) => ((await call(p, 'GET', '/api/notifications?limit=100')).json() as { items: { title: string }[] }).items.map((i) => i.title);

describe(`Carer mandates (${ENGINE})`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    const person = async (first13: string, firstNames: string, birthName: string, birthDate: string, state: 'active' | 'created', email: string) => {
      const ins = insWithKey(first13);
      const id = await insertDossier(t.db, { ins, firstNames, birthName, birthDate, state });
      const actor = personFor(id, `${firstNames} ${birthName[0]}${birthName.slice(1).toLowerCase()}`) as Person;
      await personAccount(t.db, actor, email);
      return { actor, ins };
    };
    const m = await person('2850575056201', 'Marie', 'MARTIN', '1985-05-12', 'active', 'marie@example.test');
    marie = m.actor;
    lea = (await person('2150575056204', 'Léa', 'MARTIN', '2015-03-10', 'active', 'lea@example.test')).actor;
    paul = (await person('1870575056203', 'Paul', 'DURAND', '1987-01-01', 'active', 'paul@example.test')).actor;
    sophie = (await person('2900575056205', 'Sophie', 'LEROY', '1990-02-02', 'active', 'sophie@example.test')).actor;
    nina = (await person('2920575056206', 'Nina', 'PETIT', '1992-04-04', 'created', 'nina@example.test')).actor;
    await relate(t.db, lea.dossierId, 'legal_representative', marie.dossierId, m.ins);
    expect((await call(doctor, 'POST', `/api/dossiers/${marie.dossierId}/feeding-information`, {})).statusCode).toBe(201);
    const fed = await call(doctor, 'POST', '/fhir/R4/DocumentReference', documentReference({ patientId: marie.dossierId, title: 'Bilan sanguin' }));
    expect(fed.statusCode, fed.body).toBe(201);
    dispatcher = createOutboxDispatcher({ db: t.db, clock: t.clock, config: { smtpUrl: undefined, mailFrom: 'ne-pas-repondre@openmes.local', publicUrl: 'https://mes.example.test' },
      notifications: { services: serviceDeps(t.db, t.clock), hub: t.notificationHub } });
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await t?.close();
  });

  it('lets the holder give a mandate by e-mail: the carer then finds the space and reads its documents', async () => {
    expect(await spacesOf(paul)).toEqual([]);
    expect((await documentsOf(paul, marie)).statusCode).toBe(404);
    const grant = () => call(marie, 'POST', carersOf(marie), { email: 'Paul@Example.test' }, 'grant-paul');
    const { res, entry } = await traced(marie.dossierId,
      { action: 'delegation.grant', outcome: 'allowed', reason: 'POLICY_HOLDER', target_type: 'CarerMandate', target_id: paul.dossierId }, grant);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ created: true, mandate: { carerDossierId: paul.dossierId, name: 'Paul Durand', since: t.clock().toISOString() } });
    expect(entry.details).toEqual({ carerName: 'Paul Durand', changed: true });
    // The holder made the change: nobody is told behind their back.
    expect(await payloads(marie.dossierId, 'settings.changed_by_other')).toEqual([]);

    // A retry with the same key replays the answer, without a second trace.
    const before = (await entries(marie.dossierId)).length;
    const retry = await grant();
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(res.json());
    expect((await entries(marie.dossierId)).length).toBe(before);

    expect(await spacesOf(paul)).toEqual([{ dossierId: marie.dossierId, relationship: 'carer' }]);
    const docs = await documentsOf(paul, marie);
    expect(docs.statusCode).toBe(200);
    expect(JSON.stringify(docs.json())).toContain('Bilan sanguin');
    const list = await traced(marie.dossierId, { action: 'delegation.read', outcome: 'allowed', reason: 'POLICY_CARER_MANDATE' },
      () => call(paul, 'GET', carersOf(marie)));
    expect(list.res.json()).toEqual({ maxCarers: 1, carers: [{ carerDossierId: paul.dossierId, name: 'Paul Durand', since: t.clock().toISOString() }] });
  });

  it('answers with the mandate in force when asked again for the same carer', async () => {
    const { res, entry } = await traced(marie.dossierId, { action: 'delegation.grant', outcome: 'allowed' },
      () => call(marie, 'POST', carersOf(marie), { email: 'paul@example.test' }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ created: false, mandate: { carerDossierId: paul.dossierId } });
    expect(entry.details).toEqual({ carerName: 'Paul Durand', changed: false });
  });

  it('refuses a carer who has not activated their own space, or has no account, with the same answer', async () => {
    const message = "Aucun profil Mon espace santé activé ne correspond à cette adresse : l'aidant doit d'abord activer son propre profil.";
    for (const email of ['nina@example.test', 'personne@example.test']) {
      const { res } = await traced(marie.dossierId, { action: 'delegation.grant', outcome: 'denied', reason: 'CARER_SPACE_NOT_ACTIVE' },
        () => call(marie, 'POST', carersOf(marie), { email }));
      expectProblem(res, 400, 'CARER_SPACE_NOT_ACTIVE', message);
    }
    expect(await spacesOf(nina)).toEqual([]);
  });

  it('refuses more carers than the setting allows, and the holder as their own carer', async () => {
    const { res } = await traced(marie.dossierId, { action: 'delegation.grant', outcome: 'denied', reason: 'CARERS_MAXIMUM_REACHED' },
      () => call(marie, 'POST', carersOf(marie), { email: 'sophie@example.test' }));
    expectProblem(res, 400, 'CARERS_MAXIMUM_REACHED', "Un seul aidant peut être désigné : retirez d'abord le mandat en cours.");
    expect(await spacesOf(sophie)).toEqual([]);
    const self = await call(marie, 'POST', carersOf(marie), { email: 'marie@example.test' });
    expectProblem(self, 400, 'CARER_IS_HOLDER');
    expectProblem(await call(marie, 'POST', carersOf(marie), { email: 'pas-une-adresse' }), 400, 'CARER_EMAIL_INVALID');
  });

  it('does not let a carer give or take back mandates, and traces the refusal under the carer', async () => {
    const { res, entry } = await traced(marie.dossierId, { action: 'delegation.grant', outcome: 'denied', reason: 'POLICY_CARER_CANNOT_CHANGE' },
      () => call(paul, 'POST', carersOf(marie), { email: 'sophie@example.test' }));
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().detail).toBe('Un aidant ne peut pas modifier ces paramètres.');
    expect(entry.actor_id).toContain(paul.accountId);
    const revoke = await traced(marie.dossierId, { action: 'delegation.revoke', outcome: 'denied', reason: 'POLICY_CARER_CANNOT_CHANGE' },
      () => call(paul, 'DELETE', `${carersOf(marie)}/${paul.dossierId}`));
    expect(revoke.res.statusCode).toBe(403);
    // A professional has no say either, and learns nothing of the mandates.
    expect((await call(doctor, 'POST', carersOf(marie), { email: 'sophie@example.test' })).statusCode).toBe(404);
    expect((await call(doctor, 'GET', carersOf(marie))).statusCode).toBe(404);
  });

  it('revokes a mandate at once: the carer loses the space and its documents', async () => {
    const { res, entry } = await traced(marie.dossierId,
      { action: 'delegation.revoke', outcome: 'allowed', reason: 'POLICY_HOLDER', target_type: 'CarerMandate', target_id: paul.dossierId },
      () => call(marie, 'DELETE', `${carersOf(marie)}/${paul.dossierId}`));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ carerDossierId: paul.dossierId, name: 'Paul Durand', endedAt: t.clock().toISOString() });
    expect(entry.details).toEqual({ carerName: 'Paul Durand' });
    expect((await documentsOf(paul, marie)).statusCode).toBe(404);
    expect(await spacesOf(paul)).toEqual([]);
    expect((await call(marie, 'GET', carersOf(marie))).json()).toEqual({ maxCarers: 1, carers: [] });
    const again = await traced(marie.dossierId, { action: 'delegation.revoke', outcome: 'denied', reason: 'CARER_MANDATE_NOT_FOUND' },
      () => call(marie, 'DELETE', `${carersOf(marie)}/${paul.dossierId}`));
    expect(again.res.statusCode).toBe(404);
    // With the place free, another carer can be appointed.
    t.clock.set(new Date(t.clock().getTime() + 60_000).toISOString());
    expect((await call(marie, 'POST', carersOf(marie), { email: 'sophie@example.test' })).statusCode).toBe(201);
    expect(await spacesOf(sophie)).toEqual([{ dossierId: marie.dossierId, relationship: 'carer' }]);
  });

  it('tells the minor when their legal representative gives or takes back a carer mandate on their space', async () => {
    t.clock.set(new Date(t.clock().getTime() + 60_000).toISOString());
    const { res } = await traced(lea.dossierId, { action: 'delegation.grant', outcome: 'allowed', reason: 'POLICY_LEGAL_REPRESENTATIVE' },
      () => call(marie, 'POST', carersOf(lea), { email: 'paul@example.test' }));
    expect(res.statusCode, res.body).toBe(201);
    expect(await payloads(lea.dossierId, 'settings.changed_by_other')).toEqual([{
      type: 'settings.changed_by_other', recipient: 'holder', by: 'Marie Martin', byDossierId: marie.dossierId, role: 'legal_representative',
      changed: ['carers'], delegation: 'granted', carerName: 'Paul Durand',
    }]);
    await dispatcher.runOnce();
    expect((await titles(lea))[0]).toBe('Marie Martin a donné un mandat d’aidant à Paul Durand sur votre espace');
    // The new carer acts for Léa from now on, and hears of it too; Marie, who made the change, does not.
    expect(await titles(paul)).toContain('Marie Martin a donné un mandat d’aidant à Paul Durand sur l’espace de Léa Martin');
    expect((await titles(marie)).join()).not.toContain('mandat');

    t.clock.set(new Date(t.clock().getTime() + 60_000).toISOString());
    expect((await call(marie, 'DELETE', `${carersOf(lea)}/${paul.dossierId}`)).statusCode).toBe(200);
    await dispatcher.runOnce();
    expect((await titles(lea))[0]).toBe('Marie Martin a retiré le mandat d’aidant de Paul Durand sur votre espace');
  });

  it('documents the three routes in OpenAPI and keeps every audit chain verifiable', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    expect(Object.keys(doc.paths['/api/dossiers/{dossierId}/carers'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(doc.paths['/api/dossiers/{dossierId}/carers/{carerDossierId}'].delete.summary).toMatch(/mandat/);
    expect((await verifyAudit(t.db)).problems).toEqual([]);
  });
});
