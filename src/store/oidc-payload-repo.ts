import type { Queryable } from './db.ts';

/**
 * Records of the authorization server (sessions, interactions, grants, codes, replay markers, software
 * clients), one row per (model, id). A record whose `expires_at` has passed no longer exists for readers.
 */
export type OidcPayload = Record<string, unknown>;

export type OidcRecord = { payload: OidcPayload; consumedAt: Date | null };

type Row = { payload: OidcPayload; consumed_at: Date | null };

function indexes(payload: OidcPayload): [string | null, string | null, string | null] {
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  return [text(payload.grantId), text(payload.userCode), text(payload.uid)];
}

/** Inserts or replaces a record; `expiresAt` null means it does not expire (software clients). */
export async function upsertOidcPayload(db: Queryable, model: string, id: string, payload: OidcPayload, expiresAt: Date | null): Promise<void> {
  const [grantId, userCode, uid] = indexes(payload);
  await db.query(
    `INSERT INTO oidc_payload (model, id, payload, grant_id, user_code, uid, expires_at, consumed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)
     ON CONFLICT (model, id) DO UPDATE
       SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, user_code = EXCLUDED.user_code,
           uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at, consumed_at = NULL`,
    [model, id, JSON.stringify(payload), grantId, userCode, uid, expiresAt],
  );
}

/**
 * Inserts a record only if no live one exists (an expired one is replaced): true when inserted. Makes
 * "first use wins" atomic, e.g. for client-assertion identifiers (jti).
 */
export async function insertOidcPayloadIfAbsent(db: Queryable, model: string, id: string, payload: OidcPayload, expiresAt: Date | null, now: Date): Promise<boolean> {
  const [grantId, userCode, uid] = indexes(payload);
  const res = await db.query(
    `INSERT INTO oidc_payload (model, id, payload, grant_id, user_code, uid, expires_at, consumed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)
     ON CONFLICT (model, id) DO UPDATE
       SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id, user_code = EXCLUDED.user_code,
           uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at, consumed_at = NULL
       WHERE oidc_payload.expires_at IS NOT NULL AND oidc_payload.expires_at <= $8`,
    [model, id, JSON.stringify(payload), grantId, userCode, uid, expiresAt, now],
  );
  return res.rowCount === 1;
}

const LIVE = '(expires_at IS NULL OR expires_at > $2)';

export async function findOidcPayload(db: Queryable, model: string, id: string, now: Date): Promise<OidcRecord | null> {
  const res = await db.query<Row>(`SELECT payload, consumed_at FROM oidc_payload WHERE model = $1 AND ${LIVE} AND id = $3`, [model, now, id]);
  const row = res.rows[0];
  return row ? { payload: row.payload, consumedAt: row.consumed_at } : null;
}

export async function findOidcPayloadByUid(db: Queryable, model: string, uid: string, now: Date): Promise<OidcRecord | null> {
  const res = await db.query<Row>(`SELECT payload, consumed_at FROM oidc_payload WHERE model = $1 AND ${LIVE} AND uid = $3 LIMIT 1`, [model, now, uid]);
  const row = res.rows[0];
  return row ? { payload: row.payload, consumedAt: row.consumed_at } : null;
}

export async function findOidcPayloadByUserCode(db: Queryable, model: string, userCode: string, now: Date): Promise<OidcRecord | null> {
  const res = await db.query<Row>(`SELECT payload, consumed_at FROM oidc_payload WHERE model = $1 AND ${LIVE} AND user_code = $3 LIMIT 1`, [model, now, userCode]);
  const row = res.rows[0];
  return row ? { payload: row.payload, consumedAt: row.consumed_at } : null;
}

/** Marks a live record consumed; false when it was already consumed (or is gone): single use is atomic. */
export async function consumeOidcPayload(db: Queryable, model: string, id: string, now: Date): Promise<boolean> {
  const res = await db.query(
    `UPDATE oidc_payload SET consumed_at = $2 WHERE model = $1 AND id = $3 AND consumed_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
    [model, now, id],
  );
  return res.rowCount === 1;
}

export async function deleteOidcPayload(db: Queryable, model: string, id: string): Promise<void> {
  await db.query('DELETE FROM oidc_payload WHERE model = $1 AND id = $2', [model, id]);
}

/** Deletes every record issued under a grant (all models): what revoking a grant means. */
export async function deleteOidcPayloadsByGrant(db: Queryable, grantId: string): Promise<void> {
  await db.query('DELETE FROM oidc_payload WHERE grant_id = $1', [grantId]);
}

/** Purges records expired before `now`; returns how many went. */
export async function purgeExpiredOidcPayloads(db: Queryable, now: Date, limit = 10_000): Promise<number> {
  const res = await db.query(
    `DELETE FROM oidc_payload WHERE (model, id) IN (
       SELECT model, id FROM oidc_payload WHERE expires_at IS NOT NULL AND expires_at <= $1 LIMIT $2)`,
    [now, limit],
  );
  return res.rowCount;
}
