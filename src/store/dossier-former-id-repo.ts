import type { Queryable } from './db.ts';
import { textArrayLiteral } from './sql-array.ts';

/**
 * Dossiers whose id changed (migration 0011: ids derived from the INS became random). The audit entries
 * written before keep the former id they were chained with (append-only); the dossier's chain under its
 * new id continues the former chain's head, recorded here. See docs/dossier-ids.md.
 */
export type ChainContinuation = { formerDossierId: string; formerSeq: number; formerHash: string | null };

/** New id → the former chain it continues, for the verifier. */
export async function listChainContinuations(db: Queryable): Promise<Map<string, ChainContinuation>> {
  const res = await db.query<{ dossier_id: string; former_dossier_id: string; former_audit_seq: number; former_audit_hash: string | null }>(
    'SELECT dossier_id, former_dossier_id, former_audit_seq, former_audit_hash FROM dossier_former_id');
  return new Map(res.rows.map((r) => [r.dossier_id, {
    formerDossierId: r.former_dossier_id, formerSeq: Number(r.former_audit_seq), formerHash: r.former_audit_hash,
  }]));
}

/** Continuations whose recorded head is not an entry of the former chain (the link was forged or the entry rewritten). */
export async function listBrokenContinuations(db: Queryable): Promise<{ dossierId: string; formerDossierId: string }[]> {
  const res = await db.query<{ dossier_id: string; former_dossier_id: string }>(
    `SELECT m.dossier_id, m.former_dossier_id FROM dossier_former_id m
     LEFT JOIN audit_event a ON a.dossier_id = m.former_dossier_id AND a.seq = m.former_audit_seq
     WHERE m.former_audit_hash IS NOT NULL AND a.hash IS DISTINCT FROM m.former_audit_hash`);
  return res.rows.map((r) => ({ dossierId: r.dossier_id, formerDossierId: r.former_dossier_id }));
}

/** Former id → current id, for the given ids that are former ids (presenting old audit entries). */
export async function findCurrentDossierIds(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const res = await db.query<{ former_dossier_id: string; dossier_id: string }>(
    'SELECT former_dossier_id, dossier_id FROM dossier_former_id WHERE former_dossier_id = ANY($1::uuid[])', [textArrayLiteral([...new Set(ids)])]);
  return new Map(res.rows.map((r) => [r.former_dossier_id, r.dossier_id]));
}

/**
 * SQL: the chain ids holding a dossier's audit entries — its id ($n) and its former ids. For queries on
 * a dossier's audit trail.
 */
export function dossierChainIdsSql(param: string): string {
  return `(SELECT ${param}::uuid UNION ALL SELECT former_dossier_id FROM dossier_former_id WHERE dossier_id = ${param}::uuid)`;
}
