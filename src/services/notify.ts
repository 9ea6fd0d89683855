import { randomUUID } from 'node:crypto';
import type { Queryable } from '../store/db.ts';
import { insertOutbox } from '../store/outbox-repo.ts';

/** The outbox kind of patient notifications (in-app and e-mail delivery: see the notifications work). */
export const NOTIFICATION_KIND = 'notification';

/**
 * Writes a notification for the dossier's holder as an outbox row, in the caller's transaction
 * (invariant 3): it commits with the action that causes it, and is delivered from `availableAt`.
 * Payloads carry no health data beyond what the patient's own space shows.
 */
export async function enqueueNotification(tx: Queryable, dossierId: string, payload: Record<string, unknown>, now: Date, availableAt: Date): Promise<string> {
  const id = randomUUID();
  await insertOutbox(tx, { dossier_id: dossierId, outbox_id: id, kind: NOTIFICATION_KIND, payload }, now, availableAt);
  return id;
}
