import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { createOutboxDispatcher } from '../src/jobs/outbox-dispatcher.job.ts';
import { notificationIdFor, notificationMailIdFor } from '../src/services/deliver-notifications.ts';
import { DEFAULT_LEASE_MS } from '../src/services/deliver-outbox.ts';
import { enqueueNotification } from '../src/services/notify.ts';
import type { Db, Queryable } from '../src/store/db.ts';
import { insertDossier, insWithKey, personFor } from './support/fixtures.ts';
import { personAccount, serviceDeps, startSmtpServer } from './support/notifications.ts';
import { testClock } from './support/fixtures.ts';
import { createTestDb, ENGINE, type TestDb } from './support/test-db.ts';

type Person = Extract<Actor, { kind: 'person' }>;
const MAIL_FROM = 'Mon espace santé <ne-pas-repondre@openmes.local>';

let db: TestDb;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
const clock = testClock();
let marie: Person;
let paul: Person;

/** Queues `n` notifications about Marie's space (each for Marie and her carer Paul), as actions do. */
async function queueNotifications(n: number): Promise<string[]> {
  const ids: string[] = [];
  await db.transaction(async (tx) => {
    for (let i = 0; i < n; i++) {
      ids.push(await enqueueNotification(tx, marie.dossierId, { type: 'emergency.access', recipient: 'holder', mode: 'bris_de_glace', professional: `Dr Urgence ${i}`, profession: 'Médecin' }, clock(), clock()));
    }
  });
  return ids;
}

/**
 * The database as a dispatcher sees it, until `dies(sql)` says this statement is where the process
 * dies: that statement and every later one fail, as if the process had gone (its open transaction is
 * rolled back by the database; what it committed stays).
 */
function dyingDb(real: Db, dies: (sql: string, inTransaction: boolean) => boolean): Db & { dead: () => boolean } {
  let dead = false;
  const guard = (sql: string, inTx: boolean) => {
    if (!dead && dies(sql, inTx)) dead = true;
    if (dead) throw new Error('process killed');
  };
  return {
    engine: real.engine,
    dead: () => dead,
    query: async (sql, params) => { guard(sql, false); return real.query(sql, params); },
    transaction: (fn) => real.transaction((tx) => fn({ query: async (sql, params) => { guard(sql, true); return tx.query(sql, params); } } satisfies Queryable)),
    close: () => real.close(),
  };
}

const dispatcherOn = (database: Db, now: () => Date = clock) => createOutboxDispatcher({
  db: database, clock: now, config: { smtpUrl: smtp.url, mailFrom: MAIL_FROM, publicUrl: 'https://mes.example.test' },
  notifications: { services: serviceDeps(database, now) },
});
const afterLease = () => new Date(clock().getTime() + DEFAULT_LEASE_MS + 1_000);
const centreRows = async () => (await db.query<{ outbox_id: string; recipient: string }>('SELECT outbox_id, recipient FROM notification')).rows;

/** Every notification reached Marie and Paul exactly once in the centre, and exactly once through SMTP. */
async function expectExactlyOnce(outboxIds: string[]): Promise<void> {
  const rows = await centreRows();
  const expected = outboxIds.flatMap((o) => [`${o} person:${marie.dossierId}`, `${o} person:${paul.dossierId}`]).sort();
  expect(rows.map((r) => `${r.outbox_id} ${r.recipient}`).sort()).toEqual(expected);
  expect(smtp.received).toHaveLength(expected.length);
  expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(expected.length);
  expect(smtp.received.filter((m) => m.to.includes('marie@example.test'))).toHaveLength(outboxIds.length);
  expect((await db.query(`SELECT 1 FROM outbox WHERE delivered_at IS NULL`)).rowCount).toBe(0);
}

describe(`outbox fault tests: a dispatcher dies, another takes over (${ENGINE})`, () => {
  beforeAll(async () => {
    db = await createTestDb();
    smtp = await startSmtpServer();
    marie = personFor(await insertDossier(db, { ins: insWithKey('2850575056401'), state: 'active' }), 'Marie Martin') as Person;
    const paulIns = insWithKey('1870575056403');
    paul = personFor(await insertDossier(db, { ins: paulIns, state: 'active', firstNames: 'Paul', birthName: 'DURAND', sex: 'M' }), 'Paul Durand') as Person;
    await db.query(`INSERT INTO dossier_relationship (dossier_id, kind, related_dossier_id, related_ins, granted_at) VALUES ($1, 'carer', $2, $3, now())`, [marie.dossierId, paul.dossierId, paulIns]);
    await personAccount(db, marie, 'marie@example.test');
    await personAccount(db, paul, 'paul@example.test');
  });
  afterAll(async () => {
    await smtp?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    for (const table of ['outbox', 'notification', 'mail_delivery']) await db.query(`DELETE FROM ${table}`);
    smtp.received.length = 0;
    clock.set(new Date(clock().getTime() + 3_600_000).toISOString());
  });

  it('dies after the SMTP server accepted an e-mail and before its acknowledgement: the next dispatcher does not send it again', async () => {
    const ids = await queueNotifications(3);
    // Dies at the acknowledgement of the third e-mail sent (after the server's 250 and the acceptance record).
    let acks = 0;
    const dying = dyingDb(db, (sql, inTx) => !inTx && sql.startsWith('UPDATE outbox SET delivered_at') && ++acks === 3);
    await expect(dispatcherOn(dying).runOnce()).rejects.toThrow('process killed');
    expect(dying.dead()).toBe(true);
    expect(smtp.received).toHaveLength(3);
    expect((await db.query(`SELECT 1 FROM outbox WHERE kind = 'email' AND delivered_at IS NULL`)).rowCount).toBe(4);

    // Restarted after the dead dispatcher's lease ran out.
    const next = dispatcherOn(db, afterLease);
    await next.runOnce();
    await next.stop();
    await expectExactlyOnce(ids);
  });

  it('dies after writing the notification rows and before acknowledging the outbox row: nothing of it remains, the next delivery is the only one', async () => {
    const ids = await queueNotifications(2);
    let wrote = 0;
    const dying = dyingDb(db, (sql, inTx) => {
      if (sql.startsWith('INSERT INTO notification')) wrote++;
      return inTx && sql.startsWith('UPDATE outbox SET delivered_at') && wrote >= 2;
    });
    await expect(dispatcherOn(dying).runOnce()).rejects.toThrow('process killed');
    expect(wrote).toBeGreaterThanOrEqual(2);
    // The whole delivery transaction was rolled back: no row in the centre, no e-mail queued or sent.
    expect(await centreRows()).toEqual([]);
    expect((await db.query(`SELECT 1 FROM outbox WHERE kind = 'email'`)).rowCount).toBe(0);
    expect(smtp.received).toHaveLength(0);

    const next = dispatcherOn(db);
    await next.runOnce();
    await next.runOnce();
    await next.stop();
    await expectExactlyOnce(ids);
  });

  it('a second delivery of the same notification row writes nothing and sends nothing (unique keys)', async () => {
    const [id] = await queueNotifications(1);
    const first = dispatcherOn(db);
    await first.runOnce();
    await first.stop();
    // As if the acknowledgement had been lost: the row is due again.
    await db.query('UPDATE outbox SET delivered_at = NULL WHERE outbox_id = $1', [id]);
    const again = dispatcherOn(db);
    await again.runOnce();
    await again.stop();
    await expectExactlyOnce([id!]);
  });

  it('the one window left: dying between the SMTP server\'s 250 and the acceptance record sends a second copy with the same Message-ID', async () => {
    const [id] = await queueNotifications(1);
    const dying = dyingDb(db, (sql) => sql.startsWith('INSERT INTO mail_delivery'));
    await expect(dispatcherOn(dying).runOnce()).rejects.toThrow('process killed');
    expect(smtp.received).toHaveLength(1);
    const next = dispatcherOn(db, afterLease);
    await next.runOnce();
    await next.stop();
    expect(smtp.received).toHaveLength(3);
    // The first e-mail went out twice, both copies with one Message-ID (receivers drop the second); the other once.
    const first = smtp.received[0]!;
    expect(smtp.received.filter((m) => m.messageId === first.messageId).map((m) => m.to)).toEqual([first.to, first.to]);
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(2);
    // Never more than one in the centre.
    expect((await centreRows()).filter((r) => r.outbox_id === id)).toHaveLength(2);
  });

  describe.skipIf(ENGINE !== 'postgres')('SIGKILL of a dispatcher process (PostgreSQL only: PGlite is embedded in one process, another process cannot share it)', () => {
    const CHILD = fileURLToPath(new URL('./support/dispatcher-child.ts', import.meta.url));
    let child: ChildProcess | null = null;
    let admin: pg.Client;
    let watcher: pg.Client;

    beforeAll(async () => {
      admin = new pg.Client({ connectionString: process.env.DATABASE_URL, options: `-c search_path=${db.schema},public` });
      await admin.connect();
      watcher = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await watcher.connect();
    });
    afterAll(async () => {
      child?.kill('SIGKILL');
      await admin?.end();
      await watcher?.end();
    });

    async function startChild(): Promise<ChildProcess> {
      const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], {
        env: { ...process.env, CHILD_SCHEMA: db.schema!, CHILD_NOW: clock().toISOString(), SMTP_URL: smtp.url },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      await new Promise<void>((resolve, reject) => {
        proc.stdout!.on('data', (c: Buffer) => { if (String(c).includes('ready')) resolve(); });
        proc.once('exit', (code) => reject(new Error(`dispatcher child exited (${code})`)));
      });
      return proc;
    }
    /** Waits until some backend waits for a lock held by the admin connection's transaction. */
    async function untilBlockedBy(pid: number): Promise<void> {
      // Asked from another connection: inside a transaction pg_stat_activity is a snapshot.
      await expect.poll(async () => (await watcher.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [pid])).rows[0]!.n,
        { timeout: 30_000, interval: 50 }).toBeGreaterThan(0);
    }
    /**
     * Kills the child with SIGKILL. Its backend may still be waiting for our lock with the statement it
     * sent last; the server ends it as it would on noticing the dead client (client_connection_check_interval).
     */
    async function killChild(proc: ChildProcess, blockedBy: number): Promise<void> {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGKILL');
      await exited;
      await watcher.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [blockedBy]);
    }
    const adminPid = async () => (await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;

    it('kill -9 between the SMTP acceptance and the acknowledgement: the restarted dispatcher sends nothing twice', async () => {
      const ids = await queueNotifications(2);
      // When the first e-mail reaches the server, hold its outbox row so the child blocks on the acknowledgement.
      let held: { dossierId: string; outboxId: string } | null = null;
      const server = await startSmtpServer({
        beforeAccept: async (mail) => {
          if (held) return;
          const m = /^<outbox\.([0-9a-f-]{36})\.([0-9a-f-]{36})@/.exec(mail.messageId ?? '');
          held = { dossierId: m![1]!, outboxId: m![2]! };
          await admin.query('BEGIN');
          await admin.query('SELECT 1 FROM outbox WHERE dossier_id = $1 AND outbox_id = $2 FOR UPDATE', [held.dossierId, held.outboxId]);
        },
      });
      const realSmtp = smtp;
      smtp = server;
      try {
        const pid = await adminPid();
        child = await startChild();
        await expect.poll(() => held !== null, { timeout: 30_000, interval: 50 }).toBe(true);
        await untilBlockedBy(pid);
        const key = `outbox:${held!.dossierId}:${held!.outboxId}`;
        expect((await db.query('SELECT 1 FROM mail_delivery WHERE delivery_key = $1', [key])).rowCount).toBe(1);
        await killChild(child, pid);
        child = null;
        await admin.query('ROLLBACK');
        expect((await db.query('SELECT delivered_at FROM outbox WHERE outbox_id = $1', [held!.outboxId])).rows[0]).toEqual({ delivered_at: null });

        const next = dispatcherOn(db, afterLease);
        await next.runOnce();
        await next.stop();
        await expectExactlyOnce(ids);
      } finally {
        smtp = realSmtp;
        await server.close();
      }
    });

    it('kill -9 after writing the notification rows, before the acknowledgement: the restarted dispatcher delivers once', async () => {
      const [id] = await queueNotifications(1);
      // The child's delivery queues Marie's e-mail after writing her notification row: an uncommitted row
      // with the same (derived) id makes it wait there, with the notification written and nothing committed.
      const mailId = notificationMailIdFor(notificationIdFor(id!, `person:${marie.dossierId}`));
      const pid = await adminPid();
      await admin.query('BEGIN');
      await admin.query(`INSERT INTO outbox (dossier_id, outbox_id, kind, payload, created_at, available_at) VALUES ($1, $2, 'email', '{}', $3, $4)`,
        [marie.dossierId, mailId, clock(), new Date(clock().getTime() + 86_400_000)]);
      child = await startChild();
      await untilBlockedBy(pid);
      await killChild(child, pid);
      child = null;
      await admin.query('ROLLBACK');
      expect(await centreRows()).toEqual([]);
      expect(smtp.received).toHaveLength(0);

      const next = dispatcherOn(db);
      await next.runOnce();
      await next.stop();
      await expectExactlyOnce([id!]);
    });
  });
});
