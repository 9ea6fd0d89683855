import type { ThrottleState } from '../domain/throttle.ts';
import type { Queryable } from './db.ts';
import { textArrayLiteral } from './sql-array.ts';

type Row = { throttle_key: string; hits: number; window_start: Date; last_hit: Date; blocked_until: Date | null };

/**
 * Locks the throttle rows of `keys` for the caller's transaction (creating empty ones first, so that even
 * a first attempt is serialised with its concurrent twins across processes) and returns their states.
 * Keys are locked in sorted order, so two transactions never wait on each other in a cycle.
 */
export async function lockThrottles(tx: Queryable, keys: readonly string[], now: Date): Promise<Map<string, ThrottleState>> {
  const sorted = textArrayLiteral([...new Set(keys)].sort());
  await tx.query(
    `INSERT INTO sign_in_throttle (throttle_key, hits, window_start, last_hit, blocked_until)
     SELECT k, 0, $2, $2, NULL FROM unnest($1::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n
     ON CONFLICT (throttle_key) DO NOTHING`,
    [sorted, now],
  );
  const res = await tx.query<Row>(
    'SELECT * FROM sign_in_throttle WHERE throttle_key = ANY($1::text[]) ORDER BY throttle_key FOR UPDATE', [sorted]);
  return new Map(res.rows.map((r) => [r.throttle_key, {
    hits: r.hits, windowStart: r.window_start, lastHit: r.last_hit, blockedUntil: r.blocked_until,
  }]));
}

/** Writes back states of keys locked by `lockThrottles` (a handful per attempt); no hits deletes the row. */
export async function saveThrottles(tx: Queryable, states: ReadonlyMap<string, ThrottleState>): Promise<void> {
  for (const key of [...states.keys()].sort()) {
    const s = states.get(key)!;
    if (s.hits <= 0) {
      await tx.query('DELETE FROM sign_in_throttle WHERE throttle_key = $1', [key]);
    } else {
      await tx.query(
        'UPDATE sign_in_throttle SET hits = $2, window_start = $3, last_hit = $4, blocked_until = $5 WHERE throttle_key = $1',
        [key, s.hits, s.windowStart, s.lastHit, s.blockedUntil],
      );
    }
  }
}

/** Deletes rows untouched since `before` and no longer blocking; returns how many went. */
export async function purgeThrottles(db: Queryable, before: Date, now: Date, limit = 10_000): Promise<number> {
  const res = await db.query(
    `DELETE FROM sign_in_throttle WHERE throttle_key IN (
       SELECT throttle_key FROM sign_in_throttle
       WHERE last_hit < $1 AND (blocked_until IS NULL OR blocked_until <= $2) LIMIT $3)`,
    [before, now, limit],
  );
  return res.rowCount;
}
