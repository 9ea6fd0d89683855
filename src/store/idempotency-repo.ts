import type { Queryable } from './db.ts';

export type ClaimResult =
  | { kind: 'new' }
  | { kind: 'replay'; response: unknown }
  | { kind: 'mismatch' };

/**
 * Claims an idempotency key inside the caller's transaction. The first claim inserts a row that stays
 * locked until commit, so a concurrent retry with the same key waits, then replays the stored outcome.
 */
export async function claimIdempotencyKey(tx: Queryable, principal: string, key: string, fingerprint: string, now: Date): Promise<ClaimResult> {
  const inserted = await tx.query(
    `INSERT INTO idempotency_record (principal, idempotency_key, request_hash, status_code, response, created_at)
     VALUES ($1, $2, $3, 0, 'null', $4) ON CONFLICT (principal, idempotency_key) DO NOTHING`,
    [principal, key, fingerprint, now],
  );
  if (inserted.rowCount === 1) return { kind: 'new' };
  const existing = await tx.query<{ request_hash: string; response: unknown }>(
    'SELECT request_hash, response FROM idempotency_record WHERE principal = $1 AND idempotency_key = $2', [principal, key]);
  const row = existing.rows[0];
  if (!row) return { kind: 'new' };
  return row.request_hash === fingerprint ? { kind: 'replay', response: row.response } : { kind: 'mismatch' };
}

export async function storeIdempotentResponse(tx: Queryable, principal: string, key: string, response: unknown): Promise<void> {
  await tx.query(
    `UPDATE idempotency_record SET status_code = 1, response = $3 WHERE principal = $1 AND idempotency_key = $2`,
    [principal, key, JSON.stringify(response)],
  );
}
