import type { Queryable } from './db.ts';

/** A side effect waiting to leave the platform (an e-mail…), written in the transaction that caused it. */
export type OutboxRow = {
  dossier_id: string;
  outbox_id: string;
  kind: string;
  payload: Record<string, unknown>;
  created_at: Date;
  available_at: Date;
  attempts: number;
  delivered_at: Date | null;
  failed_at: Date | null;
  last_error: string | null;
};

export type NewOutboxRow = Pick<OutboxRow, 'dossier_id' | 'outbox_id' | 'kind' | 'payload'>;

export async function insertOutbox(tx: Queryable, row: NewOutboxRow, now: Date, availableAt: Date = now): Promise<void> {
  await tx.query(
    `INSERT INTO outbox (dossier_id, outbox_id, kind, payload, created_at, available_at, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, 0)`,
    [row.dossier_id, row.outbox_id, row.kind, JSON.stringify(row.payload), now, availableAt],
  );
}

/**
 * Locks up to `limit` due rows of one kind for the caller's transaction. SKIP LOCKED lets several
 * dispatchers run at once: each row is handed to exactly one of them. One kind per claim, equal to the
 * leading column of the `outbox_pending` index (kind, available_at, outbox_id): the scan stops after
 * `limit` rows in order, however long the other kinds' backlog (with `kind = ANY(…)` the server sorted
 * every pending row: 270 ms per claim with 90,000 notifications waiting).
 */
export async function claimDueOutbox(tx: Queryable, kind: string, now: Date, limit: number): Promise<OutboxRow[]> {
  const res = await tx.query<OutboxRow>(
    `SELECT * FROM outbox
     WHERE delivered_at IS NULL AND failed_at IS NULL AND kind = $2 AND available_at <= $1
     ORDER BY kind, available_at, outbox_id
     LIMIT $3
     FOR UPDATE SKIP LOCKED`,
    [now, kind, limit],
  );
  return res.rows;
}

export async function markOutboxDelivered(tx: Queryable, dossierId: string, outboxId: string, now: Date): Promise<void> {
  await tx.query(
    'UPDATE outbox SET delivered_at = $3, attempts = attempts + 1, last_error = NULL WHERE dossier_id = $1 AND outbox_id = $2',
    [dossierId, outboxId, now],
  );
}

/** Counts a failed attempt: retried at `retryAt`, or given up (failed_at) when `retryAt` is null. */
export async function markOutboxAttemptFailed(
  tx: Queryable, dossierId: string, outboxId: string, error: string, retryAt: Date | null, now: Date,
): Promise<void> {
  await tx.query(
    `UPDATE outbox SET attempts = attempts + 1, last_error = $3,
       available_at = COALESCE($4, available_at), failed_at = CASE WHEN $4::timestamptz IS NULL THEN $5::timestamptz ELSE NULL END
     WHERE dossier_id = $1 AND outbox_id = $2`,
    [dossierId, outboxId, error, retryAt, now],
  );
}

export async function findOutbox(db: Queryable, dossierId: string, outboxId: string): Promise<OutboxRow | null> {
  const res = await db.query<OutboxRow>('SELECT * FROM outbox WHERE dossier_id = $1 AND outbox_id = $2', [dossierId, outboxId]);
  return res.rows[0] ?? null;
}

/** Inserts an outbox row whose id is derived from what causes it: a second insert of the same id changes nothing. */
export async function insertOutboxOnce(tx: Queryable, row: NewOutboxRow, now: Date, availableAt: Date = now): Promise<boolean> {
  const res = await tx.query(
    `INSERT INTO outbox (dossier_id, outbox_id, kind, payload, created_at, available_at, attempts)
     VALUES ($1, $2, $3, $4, $5, $6, 0) ON CONFLICT DO NOTHING`,
    [row.dossier_id, row.outbox_id, row.kind, JSON.stringify(row.payload), now, availableAt],
  );
  return res.rowCount === 1;
}

/**
 * Leases claimed rows: their `available_at` moves to `leaseUntil`. Once the claim commits nothing stays
 * locked while a slow SMTP server answers, and a dispatcher that dies leaves the rows due again when the
 * lease ends.
 */
export async function leaseOutboxRows(tx: Queryable, rows: readonly OutboxRow[], leaseUntil: Date): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    'UPDATE outbox SET available_at = $3 WHERE dossier_id = ANY($1::uuid[]) AND outbox_id = ANY($2::uuid[])',
    [rows.map((r) => r.dossier_id), rows.map((r) => r.outbox_id), leaseUntil],
  );
}

/**
 * Renews a lease only if it is still the one this dispatcher holds (compare-and-set on `available_at`):
 * false means the lease ran out and another dispatcher took the row, which this one must then leave alone.
 */
export async function renewOutboxLease(db: Queryable, dossierId: string, outboxId: string, held: Date, leaseUntil: Date): Promise<boolean> {
  const res = await db.query(
    `UPDATE outbox SET available_at = $4
     WHERE dossier_id = $1 AND outbox_id = $2 AND available_at = $3 AND delivered_at IS NULL AND failed_at IS NULL`,
    [dossierId, outboxId, held, leaseUntil],
  );
  return res.rowCount === 1;
}

/** Records that a transport accepted the message of `deliveryKey` (committed at once, before the acknowledgement). */
export async function recordMailAccepted(db: Queryable, deliveryKey: string, transport: string, now: Date): Promise<void> {
  await db.query(
    'INSERT INTO mail_delivery (delivery_key, transport, accepted_at) VALUES ($1, $2, $3) ON CONFLICT (delivery_key) DO NOTHING',
    [deliveryKey, transport, now],
  );
}

export async function wasMailAccepted(db: Queryable, deliveryKey: string): Promise<boolean> {
  const res = await db.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM mail_delivery WHERE delivery_key = $1) AS found', [deliveryKey]);
  return res.rows[0]!.found;
}
