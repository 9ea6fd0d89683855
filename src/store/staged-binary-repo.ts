import type { Queryable } from './db.ts';

/** Content staged by `POST /fhir/R4/Binary`, waiting for the DocumentReference that feeds it. */
export type StagedBinary = {
  dossierId: string;
  binaryId: string;
  /** actorId of whoever staged it: only they may use it. */
  stagedBy: string;
  contentType: string;
  content: Uint8Array;
  size: number;
  stagedAt: Date;
  expiresAt: Date;
};

type Row = {
  dossier_id: string; binary_id: string; staged_by: string; content_type: string; content: Uint8Array; size: number;
  staged_at: Date; expires_at: Date;
};

export async function insertStagedBinary(tx: Queryable, b: StagedBinary): Promise<void> {
  await tx.query(
    `INSERT INTO staged_binary (dossier_id, binary_id, staged_by, content_type, content, size, staged_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [b.dossierId, b.binaryId, b.stagedBy, b.contentType, b.content, b.size, b.stagedAt, b.expiresAt],
  );
}

/**
 * The staged content `stagedBy` may still use at `now` (null when absent, staged by someone else,
 * expired or already consumed), locked until the end of the caller's transaction.
 */
export async function findUsableStagedBinary(tx: Queryable, dossierId: string, binaryId: string, stagedBy: string, now: Date): Promise<StagedBinary | null> {
  const res = await tx.query<Row>(
    `SELECT dossier_id, binary_id, staged_by, content_type, content, size, staged_at, expires_at FROM staged_binary
     WHERE dossier_id = $1 AND binary_id = $2 AND staged_by = $3 AND expires_at > $4 FOR UPDATE`,
    [dossierId, binaryId, stagedBy, now],
  );
  const r = res.rows[0];
  return r ? {
    dossierId: r.dossier_id, binaryId: r.binary_id, stagedBy: r.staged_by, contentType: r.content_type, content: r.content,
    size: r.size, stagedAt: r.staged_at, expiresAt: r.expires_at,
  } : null;
}

/** Consumes a staged content (once: the row goes with the feed that used it). */
export async function deleteStagedBinary(tx: Queryable, dossierId: string, binaryId: string): Promise<void> {
  await tx.query('DELETE FROM staged_binary WHERE dossier_id = $1 AND binary_id = $2', [dossierId, binaryId]);
}

/** Drops one dossier's expired staged content; returns how many rows went. */
export async function deleteExpiredStagedBinaries(tx: Queryable, dossierId: string, now: Date): Promise<number> {
  const res = await tx.query('DELETE FROM staged_binary WHERE dossier_id = $1 AND expires_at <= $2', [dossierId, now]);
  return res.rowCount;
}
