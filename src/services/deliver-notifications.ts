import type { Queryable } from '../store/db.ts';
import { insertNotificationOnce } from '../store/notification-repo.ts';
import { claimDueOutbox, insertOutboxOnce, markOutboxAttemptFailed, markOutboxDelivered, type OutboxRow } from '../store/outbox-repo.ts';
import { describeDeliveryError, retryDelayMs, type DeliveryOptions, type DeliveryReport } from './deliver-outbox.ts';
import { isNotificationKind } from './notification-kinds.ts';
import { notificationEmail } from './notification-email.ts';
import { isInPortalNow } from './notification-presence.ts';
import { wantsEmail } from './notification-preferences.ts';
import { derivedUuid, resolveRecipients, type Recipient } from './notification-recipients.ts';
import { NOTIFICATION_KIND } from './notify.ts';
import { EMAIL_KIND } from './send-mail.ts';
import type { ServiceDeps } from './service-deps.ts';

/** A notification row written by a delivery, to be pushed to its recipient's live streams after commit. */
export type CreatedNotification = { recipient: string; notificationId: string };
export type NotificationDeliveryReport = DeliveryReport & { created: CreatedNotification[] };

/** The id of a recipient's notification from one outbox row: a re-delivery computes the same one. */
export const notificationIdFor = (outboxId: string, recipient: string): string => derivedUuid('notification', outboxId, recipient);
/** The e-mail outbox row of one notification: its id (hence its delivery key and Message-ID) follows from the notification's. */
export const notificationMailIdFor = (notificationId: string): string => derivedUuid('notification-mail', notificationId);

/**
 * Delivers one batch of due notification rows, in ONE transaction with them: for each, the recipients
 * are decided, one in-app row written per recipient, the e-mails queued (outbox rows of kind `email`),
 * and the row acknowledged. A crash anywhere rolls all of it back and the next delivery starts over, so
 * the centre gets each notification exactly once (the unique keys make even a double run a no-op).
 * Each row runs under a savepoint: one failure (retried with backoff) does not undo the others.
 */
export async function deliverNotificationBatch(deps: ServiceDeps & { publicUrl: string }, options: DeliveryOptions): Promise<NotificationDeliveryReport> {
  return deps.db.transaction(async (tx) => {
    const report: NotificationDeliveryReport = { delivered: 0, retried: 0, failed: 0, created: [] };
    const rows = await claimDueOutbox(tx, NOTIFICATION_KIND, deps.clock(), options.batchSize);
    for (const row of rows) {
      await tx.query('SAVEPOINT notification_row');
      try {
        const created = await deliverNotification(tx, deps, row);
        await markOutboxDelivered(tx, row.dossier_id, row.outbox_id, deps.clock());
        await tx.query('RELEASE SAVEPOINT notification_row');
        report.created.push(...created);
        report.delivered++;
      } catch (err) {
        await tx.query('ROLLBACK TO SAVEPOINT notification_row');
        const now = deps.clock();
        const attempts = row.attempts + 1;
        const giveUp = attempts >= options.maxAttempts || (err instanceof Error && err.message === 'unknown notification type');
        const retryAt = giveUp ? null : new Date(now.getTime() + retryDelayMs(attempts, options));
        await markOutboxAttemptFailed(tx, row.dossier_id, row.outbox_id, describeDeliveryError(err), retryAt, now);
        if (giveUp) report.failed++;
        else report.retried++;
      }
    }
    return report;
  });
}

async function deliverNotification(tx: Queryable, deps: ServiceDeps & { publicUrl: string }, row: OutboxRow): Promise<CreatedNotification[]> {
  const kind = row.payload.type;
  if (!isNotificationKind(kind)) throw new Error('unknown notification type');
  const now = deps.clock();
  const recipients = await resolveRecipients(tx, deps, row.dossier_id, row.payload, { at: row.created_at, now });
  // A person hears of a document once, whether it is announced as added or as made visible.
  const topic = (kind === 'document.added' || kind === 'document.visible') && typeof row.payload.documentId === 'string' ? `document:${row.payload.documentId}` : null;
  const created: CreatedNotification[] = [];
  for (const r of recipients) {
    const notificationId = notificationIdFor(row.outbox_id, r.key);
    const inserted = await insertNotificationOnce(tx, {
      dossier_id: row.dossier_id, notification_id: notificationId, outbox_id: row.outbox_id, recipient: r.key, kind, topic,
      payload: row.payload, created_at: now,
    });
    if (!inserted) continue;
    created.push({ recipient: r.key, notificationId });
    if (await shouldEmail(tx, r, kind, now)) {
      const mail = notificationEmail(r.email!, deps.publicUrl, r.personDossierId === null);
      await insertOutboxOnce(tx, { dossier_id: row.dossier_id, outbox_id: notificationMailIdFor(notificationId), kind: EMAIL_KIND, payload: mail }, now);
    }
  }
  return created;
}

/**
 * The e-mail rule: the person chose e-mail for this kind (default: yes), has an address, and is not in the
 * portal right now — someone watching the centre sees the notification appear and needs no e-mail.
 */
async function shouldEmail(tx: Queryable, r: Recipient, kind: Parameters<typeof wantsEmail>[2], now: Date): Promise<boolean> {
  if (!r.email) return false;
  if (!(await wantsEmail(tx, r.key, kind))) return false;
  return !(await isInPortalNow(tx, r.key, now));
}
