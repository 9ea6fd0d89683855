import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { createOutboxDispatcher, type OutboxDispatcher } from '../src/jobs/outbox-dispatcher.job.ts';
import { notificationIdFor, notificationMailIdFor } from '../src/services/deliver-notifications.ts';
import { messageIdFor } from '../src/services/mail-transport.ts';
import { NOTIFICATION_EMAIL_SUBJECT } from '../src/services/notification-email.ts';
import { deliveryKey } from '../src/services/send-mail.ts';
import { documentReference } from './support/documents.ts';
import { doctor, insertDossier, insWithKey, personFor } from './support/fixtures.ts';
import { bodyOf, personAccount, professionalAccount, serviceDeps, startSmtpServer, type ReceivedMail } from './support/notifications.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { ENGINE } from './support/test-db.ts';

type Pro = Extract<Actor, { kind: 'professional' }>;
type Person = Extract<Actor, { kind: 'person' }>;

const MAIL_FROM = 'Mon espace santé <ne-pas-repondre@openmes.local>';
const PUBLIC_URL = 'https://mes.example.test';
let t: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let dispatcher: OutboxDispatcher;
let marie: Person;
const claire: Pro = {
  kind: 'professional', accountId: randomUUID(), displayName: 'Dr Claire Bernard', rpps: '30303030303', profession: 'G15:10', specialty: 'SM54',
  structure: { finess: '750000002', name: 'Maison de santé Bernard' },
};
const pharmacist: Pro = { kind: 'professional', accountId: randomUUID(), displayName: 'Omar Haddad', rpps: '40404040404', profession: 'G15:21', specialty: null, structure: { finess: '750000077', name: 'Pharmacie des Oliviers' } };

async function call(actor: Actor, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
  return t.app.inject({
    method, url, headers: { authorization: `Bearer ${await t.tokenFor(actor)}`, ...(body === undefined ? {} : { 'content-type': url.startsWith('/fhir') ? 'application/fhir+json' : 'application/json' }) },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}
const to = (address: string) => smtp.received.filter((m) => m.to.includes(address));

describe(`notification e-mails through a real SMTP server (${ENGINE})`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    smtp = await startSmtpServer();
    marie = personFor(await insertDossier(t.db, { ins: insWithKey('2850575056301'), state: 'active', birthName: 'MARTIN', firstNames: 'Marie' }), 'Marie Martin') as Person;
    await personAccount(t.db, marie, 'marie@example.test');
    await professionalAccount(t.db, claire, 'claire@example.test');
    expect((await call(doctor, 'POST', `/api/dossiers/${marie.dossierId}/feeding-information`, {})).statusCode).toBe(201);
    expect((await call(marie, 'PUT', `/api/dossiers/${marie.dossierId}/settings`, { medecinTraitant: { rpps: claire.rpps } })).statusCode).toBe(200);
    dispatcher = createOutboxDispatcher({
      db: t.db, clock: t.clock, config: { smtpUrl: smtp.url, mailFrom: MAIL_FROM, publicUrl: PUBLIC_URL },
      notifications: { services: serviceDeps(t.db, t.clock), hub: t.notificationHub },
    });
  });
  afterAll(async () => {
    await dispatcher?.stop();
    await smtp?.close();
    await t?.close();
  });

  it('e-mails the patient that something happened, with the link, and no health data', async () => {
    const fed = await call(doctor, 'POST', '/fhir/R4/DocumentReference', documentReference({ patientId: marie.dossierId, title: 'Compte rendu d’IRM du genou', typeCode: '11488-4' }));
    expect(fed.statusCode).toBe(201);
    await dispatcher.runOnce();
    // The new document and the doctor's first access: two notifications, two e-mails.
    const mails = to('marie@example.test');
    expect(mails).toHaveLength(2);
    for (const mail of mails) {
      expect(mail.data).toContain(`Subject: =?UTF-8?Q?`); // French subject, encoded
      const body = bodyOf(mail);
      expect(body).toContain('Un nouvel événement concerne votre espace santé.');
      expect(body).toContain(`${PUBLIC_URL}/notifications`);
      expectNoHealthData(mail, ['IRM', 'genou', 'Compte rendu', '11488-4', 'Dupont', 'Jean', 'Médecin', 'Martin', 'Cabinet', 'a consulté', 'ajouté', 'document']);
    }
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(2);
  });

  it('e-mails an emergency access to the patient and to the médecin traitant, naming neither the professional nor the emergency', async () => {
    expect((await call(pharmacist, 'POST', `/api/dossiers/${marie.dossierId}/emergency-access`, { mode: 'bris_de_glace', reason: 'Malaise grave à l’officine' })).statusCode).toBe(201);
    await dispatcher.runOnce();
    const toClaire = to('claire@example.test');
    expect(toClaire).toHaveLength(1);
    expect(bodyOf(toClaire[0]!)).toContain(`${PUBLIC_URL}/pro`);
    const toMarie = to('marie@example.test');
    expect(toMarie).toHaveLength(3);
    for (const mail of [toClaire[0]!, toMarie[2]!]) expectNoHealthData(mail, ['Haddad', 'Omar', 'Pharmac', 'urgence', 'bris', 'Malaise', 'Marie', 'Martin', 'Oliviers']);
    // The Message-ID follows from the notification (its idempotency key): a re-sent copy would carry the same one.
    const outbox = await t.db.query<{ outbox_id: string }>(
      `SELECT outbox_id FROM outbox WHERE kind = 'notification' AND payload->>'type' = 'emergency.access' AND payload->>'recipient' = 'medecin_traitant'`);
    const mailId = notificationMailIdFor(notificationIdFor(outbox.rows[0]!.outbox_id, `professional:${claire.rpps}`));
    expect(toClaire[0]!.messageId).toBe(messageIdFor(deliveryKey(marie.dossierId, mailId), MAIL_FROM));
  });

  it('sends nothing for a kind the person switched off, and keeps the notification in the centre', async () => {
    expect((await call(marie, 'PUT', '/api/notification-preferences', { kinds: [{ kind: 'document.added', email: false }] })).statusCode).toBe(200);
    const before = to('marie@example.test').length;
    await call(doctor, 'POST', '/fhir/R4/DocumentReference', documentReference({ patientId: marie.dossierId, title: 'Ordonnance' }));
    await dispatcher.runOnce();
    expect(to('marie@example.test')).toHaveLength(before);
    const centre = (await call(marie, 'GET', '/api/notifications')).json() as { items: { title: string }[] };
    expect(centre.items.map((i) => i.title)).toContain('Dr Jean Dupont a ajouté le document « Ordonnance »');
  });
});

/** Neither the subject nor the body names the event, the document, the professional or the person. */
function expectNoHealthData(mail: ReceivedMail, words: string[]): void {
  const subject = /^Subject: (.*)$/m.exec(mail.data.replace(/\r\n[ \t]+/g, ' '))?.[1] ?? '';
  const decodedSubject = subject.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?Q\?(.*?)\?=/g, (_m, q: string) => Buffer.from(q.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
  expect(decodedSubject.replace(/\s+/g, ' ')).toBe(NOTIFICATION_EMAIL_SUBJECT);
  const body = bodyOf(mail);
  for (const word of words) expect(body, `e-mail mentions « ${word} »`).not.toContain(word);
}
