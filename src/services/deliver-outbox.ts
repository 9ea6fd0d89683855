import type { Db } from '../store/db.ts';
import {
  claimDueOutbox, leaseOutboxRows, markOutboxAttemptFailed, markOutboxDelivered, recordMailAccepted, renewOutboxLease, wasMailAccepted,
  type OutboxRow,
} from '../store/outbox-repo.ts';
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
  /** How long a claimed e-mail stays reserved to its dispatcher (renewed before each send); default 5 min. */
  leaseMs?: number;
};

export const DEFAULT_DELIVERY: DeliveryOptions = { batchSize: 10, maxAttempts: 8, baseDelayMs: 5_000, maxDelayMs: 60 * 60_000 };

/** Longer than one SMTP exchange can take (the SMTP transport's timeouts add up to less than 2 minutes). */
export const DEFAULT_LEASE_MS = 5 * 60_000;

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

type MailOutcome = 'delivered' | 'retried' | 'failed' | 'taken';

/**
 * Delivers one batch of due e-mails. The rows are claimed with FOR UPDATE SKIP LOCKED and leased in a
 * short transaction (concurrent dispatchers never share a row; no lock is held while SMTP answers), then
 * each is sent on its own:
 *   1. skipped if `mail_delivery` says an SMTP server already accepted it (a dispatcher died after that);
 *   2. sent, with a Message-ID derived from the delivery key;
 *   3. the acceptance recorded at once (one INSERT, committed), then the outbox row acknowledged.
 * A crash anywhere but between the server's "250 OK" and step 3's INSERT sends nothing twice; inside that
 * window the message is sent again with the same Message-ID (at-least-once, never lost).
 */
export async function deliverOutboxBatch(
  deps: { db: Db; clock: () => Date },
  transport: MailTransport,
  options: DeliveryOptions = DEFAULT_DELIVERY,
): Promise<DeliveryReport> {
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const claimedAt = deps.clock();
  const leaseUntil = new Date(claimedAt.getTime() + leaseMs);
  const rows = await deps.db.transaction(async (tx) => {
    const due = await claimDueOutbox(tx, EMAIL_KIND, claimedAt, options.batchSize);
    await leaseOutboxRows(tx, due, leaseUntil);
    return due;
  });
  const report: DeliveryReport = { delivered: 0, retried: 0, failed: 0 };
  for (const row of rows) {
    const outcome = await deliverMail(deps, transport, row, leaseUntil, options, leaseMs);
    if (outcome !== 'taken') report[outcome]++;
  }
  return report;
}

async function deliverMail(
  deps: { db: Db; clock: () => Date }, transport: MailTransport, row: OutboxRow, held: Date, options: DeliveryOptions, leaseMs: number,
): Promise<MailOutcome> {
  // Earlier rows of the batch may have outlasted the lease: renew it, or leave the row to whoever took it.
  if (!(await renewOutboxLease(deps.db, row.dossier_id, row.outbox_id, held, new Date(deps.clock().getTime() + leaseMs)))) return 'taken';
  const mail = toMail(row);
  const key = deliveryKey(row.dossier_id, row.outbox_id);
  try {
    if (!mail) throw new Error('malformed e-mail payload');
    if (!(await wasMailAccepted(deps.db, key))) {
      await transport.send({ ...mail, deliveryKey: key }, deps.db);
      await recordMailAccepted(deps.db, key, transport.name, deps.clock());
    }
  } catch (err) {
    const now = deps.clock();
    const attempts = row.attempts + 1;
    const giveUp = !mail || attempts >= options.maxAttempts;
    const retryAt = giveUp ? null : new Date(now.getTime() + retryDelayMs(attempts, options));
    await markOutboxAttemptFailed(deps.db, row.dossier_id, row.outbox_id, describeDeliveryError(err), retryAt, now);
    return giveUp ? 'failed' : 'retried';
  }
  await markOutboxDelivered(deps.db, row.dossier_id, row.outbox_id, deps.clock());
  return 'delivered';
}
