import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { createOutboxDispatcher, type OutboxDispatcher } from '../src/jobs/outbox-dispatcher.job.ts';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { documentReference } from './support/documents.ts';
import { doctor, insertDossier, insWithKey, personFor, relate } from './support/fixtures.ts';
import { personAccount, serviceDeps } from './support/notifications.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { ENGINE } from './support/test-db.ts';

/*
 * Carers by invitation (SPEC §1; issue 8, item 6): the holder side invites by e-mail and gets the same
 * answer whatever the address; nothing is granted, and nobody named, until the invited person accepts in
 * their own portal; either side may end it, both are told; a space sends at most 10 invitations a day.
 */
type Person = Extract<Actor, { kind: 'person' }>;
type Res = Awaited<ReturnType<TestApp['app']['inject']>>;
type Entry = { action: string; outcome: string; reason: string; actor_id: string; target_type: string; target_id: string | null; details: Record<string, unknown> };
type Invitation = { invitationId: string; email: string; sentAt: string; expiresAt: string };
type Received = { invitationId: string; dossierId: string; holderName: string; invitedBy: string };

let t: TestApp;
let dispatcher: OutboxDispatcher;
// Marie (adult holder, legal representative of her daughter Léa), Paul and Sophie (adults who activated
// their space), Nina (her space is not activated yet). Up to two carers per space in this suite.
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
  expect(res.json().issues?.[0] ?? { code: res.json().code, message: res.json().detail }).toMatchObject({ code, ...(message ? { message } : {}) });
}

const carersOf = (p: Person) => `/api/dossiers/${p.dossierId}/carers`;
const invitationsOf = (p: Person) => `/api/dossiers/${p.dossierId}/carer-invitations`;
const invite = (by: Person, holder: Person, email: string) => call(by, 'POST', carersOf(holder), { email });
const invitationIdOf = (res: Res) => (res.json() as { invitation: Invitation }).invitation.invitationId;
const spacesOf = async (p: Person) => ((await call(p, 'GET', '/api/me')).json() as { actsFor: { dossierId: string; relationship: string }[] }).actsFor;
const rolesOf = async (p: Person) => (await call(p, 'GET', '/api/carer-invitations')).json() as { received: Received[]; helping: { dossierId: string; name: string }[] };
const documentsOf = (reader: Person, holder: Person) => call(reader, 'GET', `/fhir/R4/DocumentReference?patient=Patient/${holder.dossierId}`);
const titles = async (p: Person) => {
  await dispatcher.runOnce();
  return ((await call(p, 'GET', '/api/notifications?limit=100')).json() as { items: { title: string }[] }).items.map((i) => i.title);
};
const later = (ms = 60_000) => t.clock.set(new Date(t.clock().getTime() + ms).toISOString());
const SENT = "Si cette adresse correspond à un espace santé activé, la personne a reçu une invitation. Elle deviendra aidante quand elle l'aura acceptée depuis son propre espace.";

describe(`Carer invitations and mandates (${ENGINE})`, () => {
  beforeAll(async () => {
    t = await createTestApp({ OPENMES_MAX_CARERS: '2' });
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

  it('answers an invitation the same way whatever the address, naming nobody and granting nothing', async () => {
    const answers: string[] = [];
    for (const email of ['personne@example.test', 'nina@example.test', 'Paul@Example.test']) {
      const { res, entry } = await traced(marie.dossierId, { action: 'delegation.invite', outcome: 'allowed', reason: 'POLICY_HOLDER', target_type: 'CarerInvitation' },
        () => invite(marie, marie, email));
      expect(res.statusCode, res.body).toBe(202);
      const body = res.json() as { invitation: Invitation; message: string };
      expect(body.message).toBe(SENT);
      expect(body.invitation).toMatchObject({ email: email.toLowerCase(), sentAt: t.clock().toISOString() });
      expect(entry.target_id).toBe(body.invitation.invitationId);
      expect(entry.details).toEqual({ changed: true });
      expect(res.body).not.toMatch(/Paul|Durand|Nina|Petit/);
      expect(res.body).not.toContain(paul.dossierId);
      expect(res.body).not.toContain(nina.dossierId);
      answers.push(`${res.statusCode} ${JSON.stringify({ ...body, invitation: { ...body.invitation, invitationId: 'ID', email: 'EMAIL' } })}`);
      if (email !== 'Paul@Example.test') expect((await call(marie, 'DELETE', `${invitationsOf(marie)}/${body.invitation.invitationId}`)).statusCode).toBe(200);
    }
    expect(new Set(answers).size).toBe(1);
    // Nothing granted: Paul has no access until he accepts.
    expect(await spacesOf(paul)).toEqual([]);
    expect((await documentsOf(paul, marie)).statusCode).toBe(404);
    const list = (await call(marie, 'GET', carersOf(marie))).json() as { carers: unknown[]; invitations: Invitation[] };
    expect(list.carers).toEqual([]);
    expect(list.invitations.map((i) => i.email)).toEqual(['paul@example.test']);
    // Only the invited person with an activated space is told; the unknown and not-activated addresses leave nothing to see.
    const notices = async (p: Person) => (await t.db.query<{ payload: { type: string } }>('SELECT payload FROM outbox WHERE dossier_id = $1', [p.dossierId])).rows
      .map((r) => r.payload.type).filter((x) => x.startsWith('carer.'));
    expect(await notices(paul)).toEqual(['carer.invitation']);
    expect(await notices(nina)).toEqual([]);
  });

  it('shows the invitation in the invited person’s own portal, and lets nobody else answer it', async () => {
    const roles = await rolesOf(paul);
    expect(roles.helping).toEqual([]);
    expect(roles.received).toMatchObject([{ dossierId: marie.dossierId, holderName: 'Marie Martin', invitedBy: 'Marie Martin' }]);
    expect(await titles(paul)).toContain('Marie Martin vous invite à devenir son aidant : acceptez ou refusez l’invitation');
    // The e-mail says nothing of the event (SPEC §4).
    const mails = (await t.db.query<{ payload: unknown }>("SELECT payload FROM outbox WHERE kind = 'email' AND dossier_id = $1", [paul.dossierId])).rows;
    expect(mails.length).toBeGreaterThan(0);
    expect(JSON.stringify(mails)).not.toMatch(/Marie|aidant/);
    expect((await rolesOf(sophie)).received).toEqual([]);

    const id = roles.received[0]!.invitationId;
    for (const intruder of [sophie, marie]) {
      const { res } = await traced(marie.dossierId, { action: 'delegation.accept', outcome: 'denied' },
        () => call(intruder, 'POST', `${invitationsOf(marie)}/${id}/accept`));
      expectProblem(res, 404, 'RESOURCE_NOT_FOUND');
    }
    expect((await call(doctor, 'POST', `${invitationsOf(marie)}/${id}/accept`)).statusCode).toBe(404);
    expect(await spacesOf(sophie)).toEqual([]);
  });

  it('gives access from the acceptance on, and only then tells the holder who the carer is', async () => {
    const id = (await rolesOf(paul)).received[0]!.invitationId;
    later();
    const { res, entry } = await traced(marie.dossierId,
      { action: 'delegation.accept', outcome: 'allowed', reason: 'POLICY_CARER_INVITEE', target_type: 'CarerInvitation', target_id: id },
      () => call(paul, 'POST', `${invitationsOf(marie)}/${id}/accept`));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'accepted', dossierId: marie.dossierId, holderName: 'Marie Martin' });
    expect(entry.details).toEqual({ carerName: 'Paul Durand' });
    expect(await spacesOf(paul)).toEqual([{ dossierId: marie.dossierId, relationship: 'carer' }]);
    expect(JSON.stringify((await documentsOf(paul, marie)).json())).toContain('Bilan sanguin');
    expect((await call(marie, 'GET', carersOf(marie))).json()).toEqual({
      maxCarers: 2, carers: [{ carerDossierId: paul.dossierId, name: 'Paul Durand', since: t.clock().toISOString() }], invitations: [],
    });
    expect((await rolesOf(paul))).toEqual({ received: [], helping: [{ dossierId: marie.dossierId, name: 'Marie Martin', since: t.clock().toISOString() }] });
    expect(await titles(marie)).toContain('Paul Durand a accepté de devenir aidant de votre espace');
    // Answered once: a second acceptance finds no invitation.
    expectProblem(await call(paul, 'POST', `${invitationsOf(marie)}/${id}/accept`), 404, 'RESOURCE_NOT_FOUND');
  });

  it('keeps a declined invitation without any access, traced in the history of the person who declined, naming nobody to the holder', async () => {
    later();
    const id = invitationIdOf(await invite(marie, marie, 'sophie@example.test'));
    const { res } = await traced(sophie.dossierId, { action: 'delegation.decline', outcome: 'allowed', reason: 'POLICY_CARER_INVITEE', details: { holderName: 'Marie Martin' } },
      () => call(sophie, 'POST', `${invitationsOf(marie)}/${id}/decline`));
    expect(res.statusCode, res.body).toBe(200);
    expect(await spacesOf(sophie)).toEqual([]);
    expect((await documentsOf(sophie, marie)).statusCode).toBe(404);
    expect(((await call(marie, 'GET', carersOf(marie))).json() as { invitations: unknown[] }).invitations).toEqual([]);
    const told = await titles(marie);
    expect(told).toContain('L’invitation à devenir aidant de votre espace envoyée à sophie@example.test a été refusée');
    expect(told.join()).not.toContain('Sophie');
    expect((await entries(marie.dossierId)).filter((e) => e.action === 'delegation.decline')).toEqual([]);
    // A declined invitation cannot be accepted afterwards.
    expectProblem(await call(sophie, 'POST', `${invitationsOf(marie)}/${id}/accept`), 404, 'RESOURCE_NOT_FOUND');
  });

  it('counts accepted mandates and pending invitations towards the maximum; a pending one can be withdrawn', async () => {
    const pending = await invite(marie, marie, 'nina@example.test');
    expect(pending.statusCode).toBe(202);
    const { res } = await traced(marie.dossierId, { action: 'delegation.invite', outcome: 'denied', reason: 'CARERS_MAXIMUM_REACHED' },
      () => invite(marie, marie, 'quelquun@example.test'));
    expectProblem(res, 400, 'CARERS_MAXIMUM_REACHED', "Au plus 2 aidants peuvent être désignés (mandats et invitations en attente) : retirez d'abord un mandat ou une invitation.");
    const id = invitationIdOf(pending);
    await traced(marie.dossierId, { action: 'delegation.withdraw', outcome: 'allowed', target_id: id },
      () => call(marie, 'DELETE', `${invitationsOf(marie)}/${id}`));
    const again = await traced(marie.dossierId, { action: 'delegation.withdraw', outcome: 'denied', reason: 'CARER_INVITATION_NOT_FOUND' },
      () => call(marie, 'DELETE', `${invitationsOf(marie)}/${id}`));
    expect(again.res.statusCode).toBe(404);
    expectProblem(await invite(marie, marie, 'marie@example.test'), 400, 'CARER_IS_HOLDER');
    expectProblem(await invite(marie, marie, 'pas-une-adresse'), 400, 'CARER_EMAIL_INVALID');
  });

  it('tells the invited person when a pending invitation is withdrawn', async () => {
    later();
    const id = invitationIdOf(await invite(marie, marie, 'sophie@example.test'));
    expect((await rolesOf(sophie)).received.map((r) => r.invitationId)).toEqual([id]);
    expect((await call(marie, 'DELETE', `${invitationsOf(marie)}/${id}`)).statusCode).toBe(200);
    expect((await rolesOf(sophie)).received).toEqual([]);
    expect(await titles(sophie)).toContain('L’invitation à devenir aidant de Marie Martin a été retirée');
  });

  it('refuses more than 10 invitations a day from one space with 429 and a French message, then accepts again a day later', async () => {
    later(86_400_000);
    let refused: Res | undefined;
    let sent = 0;
    for (let i = 0; i < 12 && !refused; i++) {
      const res = await invite(marie, marie, `essai${i}@example.test`);
      if (res.statusCode === 429) { refused = res; break; }
      expect(res.statusCode, res.body).toBe(202);
      sent += 1;
      expect((await call(marie, 'DELETE', `${invitationsOf(marie)}/${invitationIdOf(res)}`)).statusCode).toBe(200);
    }
    expect(sent).toBe(10);
    expect(refused!.headers['content-type']).toContain('application/problem+json');
    expect(refused!.json()).toMatchObject({ status: 429, code: 'CARER_INVITATIONS_LIMITED' });
    expect(refused!.json().detail).toMatch(/^Cet espace a déjà envoyé 10 invitations d'aidant en 24 heures\. Vous pourrez en envoyer une nouvelle à partir du .+\.$/);
    expect((await entries(marie.dossierId)).at(-1)).toMatchObject({ action: 'delegation.invite', outcome: 'denied', reason: 'CARER_INVITATIONS_LIMITED' });
    later(86_400_000);
    const next = await invite(marie, marie, 'essai-suivant@example.test');
    expect(next.statusCode, next.body).toBe(202);
    expect((await call(marie, 'DELETE', `${invitationsOf(marie)}/${invitationIdOf(next)}`)).statusCode).toBe(200);
  });

  it('does not let a carer invite, withdraw or revoke, and tells them why', async () => {
    const message = "Un aidant ne peut pas inviter ni retirer d'aidant : seule la personne (ou son représentant) le peut. Vous pouvez renoncer à votre propre mandat.";
    const { res, entry } = await traced(marie.dossierId, { action: 'delegation.invite', outcome: 'denied', reason: 'POLICY_CARER_CANNOT_DELEGATE' },
      () => invite(paul, marie, 'sophie@example.test'));
    expectProblem(res, 403, 'POLICY_CARER_CANNOT_DELEGATE', message);
    expect(entry.actor_id).toContain(paul.accountId);
    const revoke = await traced(marie.dossierId, { action: 'delegation.revoke', outcome: 'denied', reason: 'POLICY_CARER_CANNOT_DELEGATE' },
      () => call(paul, 'DELETE', `${carersOf(marie)}/${paul.dossierId}`));
    expect(revoke.res.statusCode).toBe(403);
    // A professional has no say either, and learns nothing of the carers.
    expect((await invite(doctor as unknown as Person, marie, 'sophie@example.test')).statusCode).toBe(404);
    expect((await call(doctor, 'GET', carersOf(marie))).statusCode).toBe(404);
  });

  it('lets the carer give up the mandate at any time: access ends at once and the holder is told', async () => {
    const holderSide = await call(marie, 'DELETE', `/api/dossiers/${marie.dossierId}/carer-mandate`);
    expectProblem(holderSide, 403, 'POLICY_NOT_A_CARER');
    later();
    const { res } = await traced(marie.dossierId, { action: 'delegation.give_up', outcome: 'allowed', reason: 'POLICY_CARER_MANDATE', details: { carerName: 'Paul Durand' } },
      () => call(paul, 'DELETE', `/api/dossiers/${marie.dossierId}/carer-mandate`));
    expect(res.statusCode, res.body).toBe(200);
    expect(await spacesOf(paul)).toEqual([]);
    expect((await documentsOf(paul, marie)).statusCode).toBe(404);
    expect((await rolesOf(paul)).helping).toEqual([]);
    expect(await titles(marie)).toContain('Paul Durand a renoncé à son mandat d’aidant sur votre espace');
    expectProblem(await call(paul, 'DELETE', `/api/dossiers/${marie.dossierId}/carer-mandate`), 404, 'RESOURCE_NOT_FOUND');
  });

  it('lets the holder revoke a mandate at any time: the carer loses the space and is told', async () => {
    later();
    const id = invitationIdOf(await invite(marie, marie, 'paul@example.test'));
    expect((await call(paul, 'POST', `${invitationsOf(marie)}/${id}/accept`)).statusCode).toBe(200);
    expect((await documentsOf(paul, marie)).statusCode).toBe(200);
    later();
    const { res } = await traced(marie.dossierId,
      { action: 'delegation.revoke', outcome: 'allowed', reason: 'POLICY_HOLDER', target_type: 'CarerMandate', target_id: paul.dossierId },
      () => call(marie, 'DELETE', `${carersOf(marie)}/${paul.dossierId}`));
    expect(res.json()).toEqual({ carerDossierId: paul.dossierId, name: 'Paul Durand', endedAt: t.clock().toISOString() });
    expect((await documentsOf(paul, marie)).statusCode).toBe(404);
    expect(await titles(paul)).toContain('Marie Martin a mis fin à votre mandat d’aidant');
    const again = await traced(marie.dossierId, { action: 'delegation.revoke', outcome: 'denied', reason: 'CARER_MANDATE_NOT_FOUND' },
      () => call(marie, 'DELETE', `${carersOf(marie)}/${paul.dossierId}`));
    expect(again.res.statusCode).toBe(404);
  });

  it('tells the minor when their legal representative invites a carer on their space', async () => {
    later();
    const { res } = await traced(lea.dossierId, { action: 'delegation.invite', outcome: 'allowed', reason: 'POLICY_LEGAL_REPRESENTATIVE' },
      () => invite(marie, lea, 'paul@example.test'));
    expect(res.statusCode, res.body).toBe(202);
    expect((await titles(lea))[0]).toBe('Marie Martin a invité une personne à devenir aidant de votre espace');
    expect(await titles(paul)).toContain('Marie Martin vous invite à devenir aidant de Léa Martin : acceptez ou refusez l’invitation');
  });

  it('documents the routes in OpenAPI and keeps every audit chain verifiable', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    expect(Object.keys(doc.paths['/api/dossiers/{dossierId}/carers'])).toEqual(expect.arrayContaining(['get', 'post']));
    for (const path of ['/api/dossiers/{dossierId}/carer-invitations/{invitationId}/accept', '/api/dossiers/{dossierId}/carer-invitations/{invitationId}/decline',
      '/api/dossiers/{dossierId}/carer-invitations/{invitationId}', '/api/dossiers/{dossierId}/carer-mandate', '/api/carer-invitations']) {
      expect(Object.values(doc.paths[path] ?? {}).length, path).toBeGreaterThan(0);
    }
    expect((await verifyAudit(t.db)).problems).toEqual([]);
  });
});
