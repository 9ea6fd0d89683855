import { randomUUID } from 'node:crypto';
import type { Actor } from '../domain/actor.ts';
import type { FirstAccessNote } from '../store/audit-repo.ts';
import type { Queryable } from '../store/db.ts';
import { recordFirstFeed } from '../store/record-facts-repo.ts';
import { enqueueNotification, NOTIFICATION_KIND } from './notify.ts';

/**
 * The patient's notification of a professional's first access (SPEC §4). The RPPS lets the delivery tell
 * a first access made in a secret connection, which only the minor hears of (SPEC §3.10).
 */
function firstAccessPayload(actor: Extract<Actor, { kind: 'professional' }>): Record<string, unknown> {
  return { type: 'professional.first_access', professional: actor.displayName, profession: actor.profession, rpps: actor.rpps };
}

/**
 * A professional's first feed of a record they never consulted: the patient is told in words of its
 * own (« a alimenté votre dossier pour la première fois »), never that the record was consulted. The
 * first access proper (« a consulté … ») follows the first read, whenever it comes.
 */
export async function noteProfessionalFeed(tx: Queryable, actor: Actor, dossierId: string, now: Date): Promise<void> {
  if (actor.kind !== 'professional') return;
  if (await recordFirstFeed(tx, dossierId, actor.rpps, now)) {
    await enqueueNotification(tx, dossierId, { ...firstAccessPayload(actor), access: 'feed' }, now, now);
  }
}

/**
 * The first access note, for the read paths that record it with their audit entry in one statement
 * (`appendAudit(…, firstAccess)`): the notification is queued only if this access is the first.
 */
export function firstAccessNote(actor: Actor): FirstAccessNote | undefined {
  if (actor.kind !== 'professional') return undefined;
  return { rpps: actor.rpps, outboxId: randomUUID(), outboxKind: NOTIFICATION_KIND, payload: firstAccessPayload(actor) };
}
