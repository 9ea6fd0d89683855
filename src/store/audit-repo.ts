import { canonicalAuditPayload, chainHash, genesisHash, type AuditEntry } from '../domain/audit-chain.ts';
import type { Queryable } from './db.ts';
import { dossierChainIdsSql } from './dossier-former-id-repo.ts';
import { textArrayLiteral } from './sql-array.ts';

/** A professional's first access to a dossier, noted with the trace of an allowed access (SPEC §4). */
export type FirstAccessNote = { rpps: string; outboxId: string; outboxKind: string; payload: Record<string, unknown> };

/**
 * Appends one entry to its dossier's chain in a single statement: the upsert on audit_head takes the
 * dossier's row lock (so concurrent appends serialise per dossier) and computes the next hash with the
 * same formula as `chainHash`. Runs in the transaction of the action it records — or, for a read, as the
 * read's last statement, committed before anything leaves. With `firstAccess`, the same statement also
 * records the professional's first access to the dossier and, only if it is the first, queues the
 * patient's notification: one round trip instead of three on the hot read paths.
 */
export async function appendAudit(tx: Queryable, e: AuditEntry, firstAccess?: FirstAccessNote): Promise<{ seq: number; hash: string }> {
  const canonical = canonicalAuditPayload(e);
  const params: unknown[] = [
    e.dossierId, genesisHash(e.dossierId), canonical, e.occurredAt, e.action, e.outcome, e.reason, e.mode,
    e.actorKind, e.actorId, JSON.stringify(e.actor), e.targetType, e.targetId, e.requestId, JSON.stringify(e.details),
    e.clientId ?? null, e.clientAddress ?? null, e.clientRequestId ?? null,
  ];
  if (firstAccess) params.push(firstAccess.rpps, firstAccess.outboxId, firstAccess.outboxKind, JSON.stringify(firstAccess.payload));
  const res = await tx.query<{ seq: number; hash: string }>(firstAccess ? APPEND_NOTING_FIRST_ACCESS : APPEND, params);
  const row = res.rows[0];
  if (!row) throw new Error('audit append wrote no row');
  return row;
}

const APPEND_CTES = `head AS (
       INSERT INTO audit_head AS h (dossier_id, seq, hash)
       VALUES ($1, 1, encode(sha256(convert_to($2 || '|1|' || $3, 'UTF8')), 'hex'))
       ON CONFLICT (dossier_id) DO UPDATE
         SET seq = h.seq + 1,
             hash = encode(sha256(convert_to(h.hash || '|' || (h.seq + 1)::text || '|' || $3, 'UTF8')), 'hex')
       RETURNING seq, hash),
     entry AS (
       INSERT INTO audit_event (dossier_id, seq, occurred_at, action, outcome, reason, mode, actor_kind, actor_id,
                                actor, target_type, target_id, request_id, details, hash, client_id, client_address, client_request_id)
       SELECT $1, head.seq, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, head.hash, $16, $17, $18 FROM head
       RETURNING seq, hash)`;

const APPEND = `WITH ${APPEND_CTES} SELECT seq, hash FROM entry`;

const APPEND_NOTING_FIRST_ACCESS = `WITH ${APPEND_CTES},
     first_access AS (
       INSERT INTO professional_first_access (dossier_id, rpps, first_at) VALUES ($1, $19, $4)
       ON CONFLICT DO NOTHING RETURNING dossier_id),
     notification AS (
       INSERT INTO outbox (dossier_id, outbox_id, kind, payload, created_at, available_at, attempts)
       SELECT dossier_id, $20, $21, $22, $4, $4, 0 FROM first_access)
     SELECT seq, hash FROM entry`;

/** First audit entries of new chains, hashed and laid out as columns: computed apart from the insert, so a bulk caller can do it ahead. */
export type FirstAuditRows = {
  readonly dossierIds: string[];
  readonly columns: readonly (string | null)[][];
};

/** Hashes first entries (seq 1 of each chain) in JS and lays them out for `insertFirstAuditEntries`. */
export function prepareFirstAuditEntries(entries: readonly AuditEntry[]): FirstAuditRows {
  const columns: (string | null)[][] = Array.from({ length: 14 }, () => []);
  const dossierIds: string[] = [];
  for (const e of entries) {
    const values = firstAuditValues(e);
    for (let c = 0; c < 14; c++) columns[c]!.push(values[c]!);
    dossierIds.push(e.dossierId);
  }
  return { dossierIds, columns };
}

/** Replaces (and re-hashes) prepared entry `i`: its dossier id turned out to be another one. */
export function replacePreparedFirstAuditEntry(rows: FirstAuditRows, i: number, e: AuditEntry): void {
  const values = firstAuditValues(e);
  for (let c = 0; c < 14; c++) rows.columns[c]![i] = values[c]!;
  rows.dossierIds[i] = e.dossierId;
}

function firstAuditValues(entry: AuditEntry): (string | null)[] {
  // Bulk first entries come from imports, with no HTTP client: the client columns are not written.
  const e: AuditEntry = { ...entry, clientId: null, clientAddress: null, clientRequestId: null };
  return [
    e.dossierId, e.occurredAt.toISOString(), e.action, e.outcome, e.reason, e.mode, e.actorKind, e.actorId,
    JSON.stringify(e.actor), e.targetType, e.targetId, e.requestId, JSON.stringify(e.details),
    chainHash(genesisHash(e.dossierId), 1, canonicalAuditPayload(e)),
  ];
}

/**
 * SQL for composing the insert of prepared first entries into a bigger statement: two data-modifying
 * CTEs (`first_audit_event`, `first_audit_head`) reading parameters $first…$first+13 (see
 * `firstAuditParams`), keeping the rows for which `keep` (an SQL condition on `t.d::uuid`) holds.
 */
export function firstAuditEntriesCtes(first: number, keep = 'true'): string {
  const cols = ['d', 'o', 'a', 'oc', 'r', 'm', 'ak', 'ai', 'ac', 'tt', 'ti', 'ri', 'de', 'h'];
  const p = cols.map((_, i) => `$${first + i}::text[]`);
  // A one-element array stands for a value shared by every row (see firstAuditParams).
  const v = cols.map((c, i) => (i === 0 ? `t.${c}` : `CASE WHEN cardinality(${p[i]}) = 1 THEN (${p[i]})[1] ELSE t.${c} END`));
  return `first_audit_event AS (
       INSERT INTO audit_event (dossier_id, seq, occurred_at, action, outcome, reason, mode, actor_kind, actor_id,
                                actor, target_type, target_id, request_id, details, hash)
       SELECT (${v[0]})::uuid, 1, (${v[1]})::timestamptz, ${v.slice(2, 8).join(', ')}, (${v[8]})::jsonb, ${v[9]}, ${v[10]}, ${v[11]},
              (${v[12]})::jsonb, ${v[13]}
       FROM unnest(${p.join(', ')}) AS t(${cols.join(', ')})
       WHERE ${keep}
       RETURNING dossier_id, hash),
     first_audit_head AS (
       INSERT INTO audit_head (dossier_id, seq, hash) SELECT dossier_id, 1, hash FROM first_audit_event)`;
}

/**
 * The 14 parameters of `firstAuditEntriesCtes` (array literals); a column whose rows all hold the same
 * value (actor, action, time… in a bulk creation) is sent once, as a one-element array.
 */
export function firstAuditParams(rows: FirstAuditRows): string[] {
  // never the dossier id (column 0): callers filter on t.d
  return rows.columns.map((col, i) => textArrayLiteral(i > 0 && col.every((v) => v === col[0]) ? col.slice(0, 1) : col));
}

/**
 * Inserts prepared first entries (and their chain heads) in one statement. Callers guarantee the
 * dossiers are new: the insert into audit_head fails on an existing chain.
 */
export async function insertFirstAuditEntries(tx: Queryable, rows: FirstAuditRows): Promise<void> {
  if (rows.dossierIds.length === 0) return;
  await tx.query(`WITH ${firstAuditEntriesCtes(1)} SELECT 1`, firstAuditParams(rows));
}

/**
 * Appends the first entry of many new chains at once (bulk creation by the population import).
 * Callers guarantee the dossiers are new: the insert into audit_head fails on an existing chain.
 */
export async function appendFirstAuditEntries(tx: Queryable, entries: readonly AuditEntry[]): Promise<void> {
  await insertFirstAuditEntries(tx, prepareFirstAuditEntries(entries));
}

export type StoredAuditRow = {
  dossier_id: string; seq: number; occurred_at: Date; action: string; outcome: AuditEntry['outcome'];
  reason: string; mode: string; actor_kind: string; actor_id: string; actor: Record<string, unknown>;
  target_type: string; target_id: string | null; request_id: string | null; details: Record<string, unknown>;
  hash: string; client_id: string | null; client_address: string | null; client_request_id: string | null;
};

export function rowToEntry(r: StoredAuditRow): AuditEntry {
  return {
    dossierId: r.dossier_id, occurredAt: r.occurred_at, action: r.action, outcome: r.outcome, reason: r.reason,
    mode: r.mode, actorKind: r.actor_kind, actorId: r.actor_id, actor: r.actor, targetType: r.target_type,
    targetId: r.target_id, requestId: r.request_id, details: r.details,
    // Set only when recorded (entries before migration 0009, and those of imports and jobs, have none).
    ...(r.client_id !== null ? { clientId: r.client_id } : {}),
    ...(r.client_address !== null ? { clientAddress: r.client_address } : {}),
    ...(r.client_request_id !== null ? { clientRequestId: r.client_request_id } : {}),
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
    `SELECT * FROM audit_event WHERE dossier_id IN ${dossierChainIdsSql('$1')} ORDER BY seq DESC LIMIT $2`, [dossierId, limit]);
  return res.rows;
}
