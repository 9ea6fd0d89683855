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
 * Locks up to `limit` due rows of the given kinds for the caller's transaction. SKIP LOCKED lets several
 * dispatchers run at once: each row is handed to exactly one of them.
 */
export async function claimDueOutbox(tx: Queryable, kinds: readonly string[], now: Date, limit: number): Promise<OutboxRow[]> {
  const res = await tx.query<OutboxRow>(
    `SELECT * FROM outbox
     WHERE delivered_at IS NULL AND failed_at IS NULL AND available_at <= $1 AND kind = ANY($2::text[])
     ORDER BY available_at, outbox_id
     LIMIT $3
     FOR UPDATE SKIP LOCKED`,
    [now, kinds, limit],
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
