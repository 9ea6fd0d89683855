import { DEFAULT_DELIVERY, deliverOutboxBatch, type DeliveryOptions, type DeliveryReport } from '../services/deliver-outbox.ts';
import { deliverNotificationBatch } from '../services/deliver-notifications.ts';
import { mailTransportFor, type MailTransport } from '../services/mail-transport.ts';
import type { NotificationHub } from '../services/notification-hub.ts';
import type { ServiceDeps } from '../services/service-deps.ts';
import type { Db } from '../store/db.ts';

export type OutboxDispatcher = {
  /** Delivers due rows until none is left (or only failures remain); returns the totals. */
  runOnce(): Promise<DeliveryReport>;
  /** Starts polling in the background (every `pollMs`, or at once after `wake()`). */
  start(): void;
  /** Asks for a delivery now: called after a transaction that queued an e-mail commits. */
  wake(): void;
  /** Stops polling, waits for the batch in progress, closes the transport. */
  stop(): Promise<void>;
};

export type DispatcherDeps = {
  db: Db;
  clock: () => Date;
  config: { smtpUrl: string | undefined; mailFrom: string; publicUrl?: string };
  /** Technical log of a failed round (never the message content). */
  onError?: (err: unknown) => void;
  /**
   * Also deliver notifications (in-app rows, and the e-mails they call for): with the service dependencies
   * (the access rules decide who receives them) and the hub that announces new rows to live streams.
   */
  notifications?: { services: ServiceDeps; hub?: NotificationHub };
};

export type DispatcherOptions = { transport?: MailTransport; pollMs?: number; delivery?: DeliveryOptions };

/**
 * The outbox dispatcher of `openmes start`: delivers notifications (in-app rows, and the e-mails they call
 * for) and queued e-mails through SMTP (OPENMES_SMTP_URL) or into the embedded development mailbox, with
 * retries and exponential backoff (notifications only when `deps.notifications` is given).
 *
 * Our own dispatcher over the `outbox` table (FOR UPDATE SKIP LOCKED), not pg-boss or graphile-worker:
 * the rows must be written in the transaction of the action, on both engines, and those queues need a
 * PostgreSQL server of their own (LISTEN, their schema and workers), which embedded PGlite cannot be.
 */
export function createOutboxDispatcher(deps: DispatcherDeps, options: DispatcherOptions = {}): OutboxDispatcher {
  const transport = options.transport ?? mailTransportFor(deps.config, deps.clock);
  const delivery = options.delivery ?? DEFAULT_DELIVERY;
  const pollMs = options.pollMs ?? 500;
  let running = false;
  let loop: Promise<void> | null = null;
  let pending = false;
  let wakeUp: (() => void) | null = null;

  const services = deps.notifications ? { ...deps.notifications.services, publicUrl: deps.config.publicUrl ?? 'http://127.0.0.1:8080' } : null;

  const runNotifications = async (total: DeliveryReport): Promise<void> => {
    if (!services) return;
    for (;;) {
      const r = await deliverNotificationBatch(services, delivery);
      // Committed: the live streams may now read the new rows.
      for (const c of r.created) deps.notifications?.hub?.publish(c.recipient, { type: 'created', notificationId: c.notificationId });
      total.delivered += r.delivered;
      total.retried += r.retried;
      total.failed += r.failed;
      if (r.delivered < delivery.batchSize) return;
    }
  };

  const runOnce = async (): Promise<DeliveryReport> => {
    const total: DeliveryReport = { delivered: 0, retried: 0, failed: 0 };
    // Notifications first: the e-mails they queue leave in the same round.
    await runNotifications(total);
    for (;;) {
      const r = await deliverOutboxBatch(deps, transport, delivery);
      total.delivered += r.delivered;
      total.retried += r.retried;
      total.failed += r.failed;
      // A full batch of successes may hide more due rows; anything less means the queue is drained for now.
      if (r.delivered < delivery.batchSize) return total;
    }
  };

  const sleep = () => new Promise<void>((resolve) => {
    if (pending || !running) return resolve();
    const timer = setTimeout(done, pollMs);
    function done() {
      clearTimeout(timer);
      wakeUp = null;
      resolve();
    }
    wakeUp = done;
  });

  const poll = async () => {
    while (running) {
      pending = false;
      try {
        await runOnce();
      } catch (err) {
        deps.onError?.(err);
      }
      await sleep();
    }
  };

  return {
    runOnce,
    start() {
      if (running) return;
      running = true;
      loop = poll();
    },
    wake() {
      pending = true;
      wakeUp?.();
    },
    async stop() {
      running = false;
      wakeUp?.();
      await loop;
      loop = null;
      await transport.close();
    },
  };
}
