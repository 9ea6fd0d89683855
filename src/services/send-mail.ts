import { randomUUID } from 'node:crypto';
import type { Queryable } from '../store/db.ts';
import { insertOutbox } from '../store/outbox-repo.ts';

/** The outbox kind of e-mails. */
export const EMAIL_KIND = 'email';

/** What an e-mail carries. Never health data: only that something happened and where to look. */
export type Mail = { to: string; subject: string; text: string };

export type MailOutboxPayload = Mail;

/**
 * Queues an e-mail in the caller's transaction (outbox row, kind `email`): it leaves only if the action
 * commits, and the dispatcher delivers it. `dossierId` is the patient's dossier, or SYSTEM_CHAIN.
 * Returns the outbox id; call the dispatcher's wake-up after commit for immediate delivery.
 */
export async function sendMail(tx: Queryable, dossierId: string, mail: Mail, now: Date): Promise<string> {
  const outboxId = randomUUID();
  const payload: MailOutboxPayload = { to: mail.to, subject: mail.subject, text: mail.text };
  await insertOutbox(tx, { dossier_id: dossierId, outbox_id: outboxId, kind: EMAIL_KIND, payload }, now);
  return outboxId;
}

/** The idempotent delivery key of an outbox row: the same row always yields the same key. */
export function deliveryKey(dossierId: string, outboxId: string): string {
  return `outbox:${dossierId}:${outboxId}`;
}
