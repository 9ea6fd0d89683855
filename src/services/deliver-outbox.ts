import type { Db } from '../store/db.ts';
import { claimDueOutbox, markOutboxAttemptFailed, markOutboxDelivered, type OutboxRow } from '../store/outbox-repo.ts';
import type { MailTransport } from './mail-transport.ts';
import { deliveryKey, EMAIL_KIND, type MailOutboxPayload } from './send-mail.ts';

export type DeliveryOptions = {
  /** Rows claimed per transaction. */
  batchSize: number;
  /** Attempts before a row is given up (failed_at). */
  maxAttempts: number;
  /** First retry delay; doubled at each further failure, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
};

export const DEFAULT_DELIVERY: DeliveryOptions = { batchSize: 10, maxAttempts: 8, baseDelayMs: 5_000, maxDelayMs: 60 * 60_000 };

export type DeliveryReport = { delivered: number; retried: number; failed: number };

/** Delay before the next attempt after `attemptsSoFar` failures (exponential, capped). */
export function retryDelayMs(attemptsSoFar: number, options: DeliveryOptions): number {
  return Math.min(options.baseDelayMs * 2 ** Math.max(0, attemptsSoFar - 1), options.maxDelayMs);
}

/** Error text kept on the row: short, and without e-mail addresses (they are personal data). */
export function describeDeliveryError(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/[^\s<>@"']+@[^\s<>@"']+/g, '[adresse]').slice(0, 500);
}

function toMail(row: OutboxRow): MailOutboxPayload | null {
  const p = row.payload;
  return typeof p.to === 'string' && typeof p.subject === 'string' && typeof p.text === 'string'
    ? { to: p.to, subject: p.subject, text: p.text }
    : null;
}

/**
 * Delivers one batch of due e-mails. The rows stay locked (FOR UPDATE SKIP LOCKED) until the batch
 * commits, so concurrent dispatchers never send the same row; each row runs under a savepoint so one
 * failure does not undo the others. Returns what happened.
 */
export async function deliverOutboxBatch(
  deps: { db: Db; clock: () => Date },
  transport: MailTransport,
  options: DeliveryOptions = DEFAULT_DELIVERY,
): Promise<DeliveryReport> {
  return deps.db.transaction(async (tx) => {
    const report: DeliveryReport = { delivered: 0, retried: 0, failed: 0 };
    const rows = await claimDueOutbox(tx, [EMAIL_KIND], deps.clock(), options.batchSize);
    for (const row of rows) {
      const mail = toMail(row);
      await tx.query('SAVEPOINT outbox_row');
      try {
        if (!mail) throw new Error('malformed e-mail payload');
        await transport.send({ ...mail, deliveryKey: deliveryKey(row.dossier_id, row.outbox_id) }, tx);
        await tx.query('RELEASE SAVEPOINT outbox_row');
        await markOutboxDelivered(tx, row.dossier_id, row.outbox_id, deps.clock());
        report.delivered++;
      } catch (err) {
        await tx.query('ROLLBACK TO SAVEPOINT outbox_row');
        const now = deps.clock();
        const attempts = row.attempts + 1;
        const giveUp = !mail || attempts >= options.maxAttempts;
        const retryAt = giveUp ? null : new Date(now.getTime() + retryDelayMs(attempts, options));
        await markOutboxAttemptFailed(tx, row.dossier_id, row.outbox_id, describeDeliveryError(err), retryAt, now);
        if (giveUp) report.failed++;
        else report.retried++;
      }
    }
    return report;
  });
}
