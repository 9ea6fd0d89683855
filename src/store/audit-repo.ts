import { canonicalAuditPayload, chainHash, genesisHash, type AuditEntry } from '../domain/audit-chain.ts';
import type { Queryable } from './db.ts';

/**
 * Appends one entry to its dossier's chain in a single statement: the upsert on audit_head takes the
 * dossier's row lock (so concurrent appends serialise per dossier) and computes the next hash with the
 * same formula as `chainHash`. Must run inside the transaction of the action it records.
 */
export async function appendAudit(tx: Queryable, e: AuditEntry): Promise<{ seq: number; hash: string }> {
  const canonical = canonicalAuditPayload(e);
  const res = await tx.query<{ seq: number; hash: string }>(
    `WITH head AS (
       INSERT INTO audit_head AS h (dossier_id, seq, hash)
       VALUES ($1, 1, encode(sha256(convert_to($2 || '|1|' || $3, 'UTF8')), 'hex'))
       ON CONFLICT (dossier_id) DO UPDATE
         SET seq = h.seq + 1,
             hash = encode(sha256(convert_to(h.hash || '|' || (h.seq + 1)::text || '|' || $3, 'UTF8')), 'hex')
       RETURNING seq, hash)
     INSERT INTO audit_event (dossier_id, seq, occurred_at, action, outcome, reason, mode, actor_kind, actor_id,
                              actor, target_type, target_id, request_id, details, hash)
     SELECT $1, head.seq, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, head.hash FROM head
     RETURNING seq, hash`,
    [
      e.dossierId, genesisHash(e.dossierId), canonical, e.occurredAt, e.action, e.outcome, e.reason, e.mode,
      e.actorKind, e.actorId, JSON.stringify(e.actor), e.targetType, e.targetId, e.requestId, JSON.stringify(e.details),
    ],
  );
  const row = res.rows[0];
  if (!row) throw new Error('audit append wrote no row');
  return row;
}

/**
 * Appends the first entry of many new chains at once (bulk creation by the population import).
 * Callers guarantee the dossiers are new: the insert into audit_head fails on an existing chain.
 */
export async function appendFirstAuditEntries(tx: Queryable, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const cols = {
    dossier: [] as string[], occurred: [] as string[], action: [] as string[], outcome: [] as string[],
    reason: [] as string[], mode: [] as string[], actorKind: [] as string[], actorId: [] as string[],
    actor: [] as string[], targetType: [] as string[], targetId: [] as (string | null)[],
    requestId: [] as (string | null)[], details: [] as string[], hash: [] as string[],
  };
  for (const e of entries) {
    cols.dossier.push(e.dossierId);
    cols.occurred.push(e.occurredAt.toISOString());
    cols.action.push(e.action);
    cols.outcome.push(e.outcome);
    cols.reason.push(e.reason);
    cols.mode.push(e.mode);
    cols.actorKind.push(e.actorKind);
    cols.actorId.push(e.actorId);
    cols.actor.push(JSON.stringify(e.actor));
    cols.targetType.push(e.targetType);
    cols.targetId.push(e.targetId);
    cols.requestId.push(e.requestId);
    cols.details.push(JSON.stringify(e.details));
    cols.hash.push(chainHash(genesisHash(e.dossierId), 1, canonicalAuditPayload(e)));
  }
  await tx.query(
    `INSERT INTO audit_event (dossier_id, seq, occurred_at, action, outcome, reason, mode, actor_kind, actor_id,
                              actor, target_type, target_id, request_id, details, hash)
     SELECT d, 1, o, a, oc, r, m, ak, ai, ac::jsonb, tt, ti, ri, de::jsonb, h
     FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                 $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
          AS t(d, o, a, oc, r, m, ak, ai, ac, tt, ti, ri, de, h)`,
    [cols.dossier, cols.occurred, cols.action, cols.outcome, cols.reason, cols.mode, cols.actorKind, cols.actorId,
      cols.actor, cols.targetType, cols.targetId, cols.requestId, cols.details, cols.hash],
  );
  await tx.query(
    `INSERT INTO audit_head (dossier_id, seq, hash) SELECT d, 1, h FROM unnest($1::uuid[], $2::text[]) AS t(d, h)`,
    [cols.dossier, cols.hash],
  );
}

export type StoredAuditRow = {
  dossier_id: string; seq: number; occurred_at: Date; action: string; outcome: AuditEntry['outcome'];
  reason: string; mode: string; actor_kind: string; actor_id: string; actor: Record<string, unknown>;
  target_type: string; target_id: string | null; request_id: string | null; details: Record<string, unknown>;
  hash: string;
};

export function rowToEntry(r: StoredAuditRow): AuditEntry {
  return {
    dossierId: r.dossier_id, occurredAt: r.occurred_at, action: r.action, outcome: r.outcome, reason: r.reason,
    mode: r.mode, actorKind: r.actor_kind, actorId: r.actor_id, actor: r.actor, targetType: r.target_type,
    targetId: r.target_id, requestId: r.request_id, details: r.details,
  };
}

/** Every chain's audit rows in (dossier, seq) order, in pages, for the verifier. */
export async function* scanAudit(db: Queryable, pageSize = 5000): AsyncGenerator<StoredAuditRow[]> {
  let after: { dossier: string; seq: number } | null = null;
  for (;;) {
    const res: { rows: StoredAuditRow[] } = after
      ? await db.query<StoredAuditRow>(
          `SELECT * FROM audit_event WHERE (dossier_id, seq) > ($1::uuid, $2::bigint) ORDER BY dossier_id, seq LIMIT $3`,
          [after.dossier, after.seq, pageSize],
        )
      : await db.query<StoredAuditRow>(`SELECT * FROM audit_event ORDER BY dossier_id, seq LIMIT $1`, [pageSize]);
    if (res.rows.length === 0) return;
    yield res.rows;
    const last = res.rows[res.rows.length - 1]!;
    after = { dossier: last.dossier_id, seq: last.seq };
  }
}

export async function listAuditHeads(db: Queryable): Promise<Map<string, { seq: number; hash: string }>> {
  const res = await db.query<{ dossier_id: string; seq: number; hash: string }>('SELECT dossier_id, seq, hash FROM audit_head');
  return new Map(res.rows.map((r) => [r.dossier_id, { seq: r.seq, hash: r.hash }]));
}

/** A dossier's newest audit entries, for the patient's history. */
export async function listDossierAudit(db: Queryable, dossierId: string, limit: number): Promise<StoredAuditRow[]> {
  const res = await db.query<StoredAuditRow>(
    'SELECT * FROM audit_event WHERE dossier_id = $1 ORDER BY seq DESC LIMIT $2', [dossierId, limit]);
  return res.rows;
}
