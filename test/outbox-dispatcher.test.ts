import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_CHAIN } from '../src/domain/audit-chain.ts';
import { createOutboxDispatcher } from '../src/jobs/outbox-dispatcher.job.ts';
import { describeDeliveryError, retryDelayMs, type DeliveryOptions } from '../src/services/deliver-outbox.ts';
import { devMailboxTransport, messageIdFor, type MailTransport, type OutgoingMail } from '../src/services/mail-transport.ts';
import { deliveryKey, sendMail } from '../src/services/send-mail.ts';
import type { Queryable } from '../src/store/db.ts';
import { testClock } from './support/fixtures.ts';
import { createTestDb, type TestDb } from './support/test-db.ts';

let db: TestDb;
const clock = testClock();
const noSmtp = { smtpUrl: undefined, mailFrom: 'Mon espace santé <ne-pas-repondre@openmes.local>' };
const delivery: DeliveryOptions = { batchSize: 4, maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000 };

beforeAll(async () => { db = await createTestDb(); });
afterAll(async () => db?.drop());
beforeEach(async () => {
  await db.query('DELETE FROM outbox');
  await db.query('DELETE FROM dev_mail');
});

async function queue(n: number): Promise<string[]> {
  const ids: string[] = [];
  await db.transaction(async (tx) => {
    for (let i = 0; i < n; i++) ids.push(await sendMail(tx, SYSTEM_CHAIN, { to: `person${i}@example.test`, subject: `Sujet ${i}`, text: `Bonjour ${i}` }, clock()));
  });
  return ids;
}

/** A transport that fails the first `failures` sends, then delegates to the embedded mailbox. */
function flaky(failures: number): MailTransport & { calls: OutgoingMail[] } {
  const inner = devMailboxTransport(clock);
  const calls: OutgoingMail[] = [];
  let left = failures;
  return {
    name: 'flaky', calls,
    async send(mail: OutgoingMail, tx: Queryable) {
      calls.push(mail);
      if (left-- > 0) throw new Error(`550 mailbox unavailable for <${mail.to}>`);
      await inner.send(mail, tx);
    },
    close: async () => undefined,
  };
}

describe('sendMail', () => {
  it('writes the outbox row in the caller’s transaction (nothing leaves if it rolls back)', async () => {
    await expect(db.transaction(async (tx) => {
      await sendMail(tx, SYSTEM_CHAIN, { to: 'a@example.test', subject: 's', text: 't' }, clock());
      throw new Error('rollback');
    })).rejects.toThrow('rollback');
    expect((await db.query('SELECT 1 FROM outbox')).rows.length).toBe(0);
    await queue(1);
    const row = await db.query<{ kind: string; payload: Record<string, string> }>('SELECT kind, payload FROM outbox');
    expect(row.rows[0]).toEqual({ kind: 'email', payload: { to: 'person0@example.test', subject: 'Sujet 0', text: 'Bonjour 0' } });
  });
});

describe('outbox dispatcher', () => {
  it('retries with exponential backoff after a failing transport, then delivers', async () => {
    const [id] = await queue(1);
    const transport = flaky(2);
    const dispatcher = createOutboxDispatcher({ db, clock, config: noSmtp }, { transport, delivery });
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    let row = (await db.query<{ attempts: number; available_at: Date; last_error: string }>('SELECT * FROM outbox')).rows[0]!;
    expect(row.attempts).toBe(1);
    expect(row.available_at.getTime()).toBe(clock().getTime() + 1_000);
    expect(row.last_error).toContain('550 mailbox unavailable');
    expect(row.last_error).not.toContain('@'); // no e-mail address kept in the error
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 0 }); // not due yet
    clock.set(new Date(clock().getTime() + 1_000).toISOString());
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    row = (await db.query<{ attempts: number; available_at: Date; last_error: string }>('SELECT * FROM outbox')).rows[0]!;
    expect(row.available_at.getTime()).toBe(clock().getTime() + 2_000);
    clock.set(new Date(clock().getTime() + 2_000).toISOString());
    expect(await dispatcher.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    const mail = await db.query<{ delivery_key: string }>('SELECT delivery_key FROM dev_mail');
    expect(mail.rows).toEqual([{ delivery_key: deliveryKey(SYSTEM_CHAIN, id!) }]);
    expect(transport.calls).toHaveLength(3);
  });

  it('gives up after the maximum number of attempts (failed_at)', async () => {
    await queue(1);
    const dispatcher = createOutboxDispatcher({ db, clock, config: noSmtp }, { transport: flaky(99), delivery });
    for (let i = 0; i < 3; i++) {
      await dispatcher.runOnce();
      clock.set(new Date(clock().getTime() + 60_000).toISOString());
    }
    const row = (await db.query<{ attempts: number; failed_at: Date | null; delivered_at: Date | null }>('SELECT * FROM outbox')).rows[0]!;
    expect(row.attempts).toBe(3);
    expect(row.failed_at).not.toBeNull();
    expect(row.delivered_at).toBeNull();
    expect(await dispatcher.runOnce()).toEqual({ delivered: 0, retried: 0, failed: 0 });
  });

  it('delivers each row exactly once when two dispatchers run concurrently', async () => {
    await queue(25);
    const a = flaky(0);
    const b = flaky(0);
    const [ra, rb] = await Promise.all([
      createOutboxDispatcher({ db, clock, config: noSmtp }, { transport: a, delivery }).runOnce(),
      createOutboxDispatcher({ db, clock, config: noSmtp }, { transport: b, delivery }).runOnce(),
    ]);
    expect(ra.delivered + rb.delivered).toBe(25);
    const keys = [...a.calls, ...b.calls].map((m) => m.deliveryKey);
    expect(new Set(keys).size).toBe(25);
    expect(keys).toHaveLength(25);
    expect((await db.query('SELECT 1 FROM dev_mail')).rows.length).toBe(25);
    expect((await db.query('SELECT 1 FROM outbox WHERE delivered_at IS NULL')).rows.length).toBe(0);
  });

  it('wakes up at once after an enqueue and stops cleanly', async () => {
    const dispatcher = createOutboxDispatcher({ db, clock, config: noSmtp }, { pollMs: 60_000, delivery });
    dispatcher.start();
    await new Promise((r) => setTimeout(r, 50));
    await queue(1);
    dispatcher.wake();
    for (let i = 0; i < 100 && (await db.query('SELECT 1 FROM dev_mail')).rows.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await db.query('SELECT 1 FROM dev_mail')).rows.length).toBe(1);
    await dispatcher.stop();
  });

  it('keeps errors short and free of e-mail addresses; backoff is capped', () => {
    expect(describeDeliveryError(new Error('rejected <jean.dupont@example.fr>'))).toBe('rejected <[adresse]>');
    expect(retryDelayMs(1, delivery)).toBe(1_000);
    expect(retryDelayMs(3, delivery)).toBe(4_000);
    expect(retryDelayMs(20, delivery)).toBe(10_000);
  });
});

describe('SMTP delivery', () => {
  let server: SMTPServer;
  const received: { from: string; to: string[]; data: string }[] = [];
  let port = 0;

  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS', 'AUTH'], logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends through the SMTP server of smtpUrl with a Message-ID derived from the delivery key', async () => {
    const [id] = await queue(1);
    const config = { smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'Mon espace santé <ne-pas-repondre@openmes.local>' };
    const dispatcher = createOutboxDispatcher({ db, clock, config }, { delivery });
    expect(await dispatcher.runOnce()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    await dispatcher.stop();
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual(['person0@example.test']);
    expect(received[0]!.from).toBe('ne-pas-repondre@openmes.local');
    const key = deliveryKey(SYSTEM_CHAIN, id!);
    expect(received[0]!.data.replace(/\r\n[ \t]+/g, " ")).toContain(`Message-ID: ${messageIdFor(key, config.mailFrom)}`);
    expect(received[0]!.data).toContain('Sujet 0');
    expect((await db.query('SELECT 1 FROM dev_mail')).rows.length).toBe(0);
  });
});
