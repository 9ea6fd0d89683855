import { auditPublicIdSql } from '../domain/audit-chain.ts';
import type { StoredAuditRow } from './audit-repo.ts';
import type { Queryable } from './db.ts';
import { dossierChainIdsSql, findCurrentDossierIds } from './dossier-former-id-repo.ts';

/** What a patient-side reader must not see in the history (SPEC §3.8–§3.10), as plain flags. */
export type HistoryFilter = {
  /** Entries made in secret connection (the minor's secret, SPEC §3.10). */
  hideSecret: boolean;
  /** Entries about documents currently labelled INVISIBLE_REPRESENTANTS_LEGAUX (SPEC §3.9). */
  hideInvisibleToRepresentatives: boolean;
  /**
   * Entries about documents still invisible to the patient: labelled INVISIBLE_PATIENT and deposited
   * after this instant (i.e. the visibility delay has not run out), or with no start date (fail closed).
   * Null: nothing hidden on that ground.
   */
  invisibleToPatientSinceAfter: Date | null;
};

/**
 * One page of a dossier's audit entries, newest first, strictly before the entry named `before` (its
 * public id, see `auditPublicId`: a cursor that does not tell the entry's position) when given, with the
 * hidden ones filtered out in the query itself so that a page is never short because of them. Entries
 * about a document are joined to the document on the same dossier (target_type DocumentReference), by its
 * primary key: comparing `document_id::text` would read every document of the dossier for every entry.
 */
export async function listDossierHistory(
  db: Queryable, dossierId: string, filter: HistoryFilter, page: { limit: number; before: string | null },
): Promise<StoredAuditRow[]> {
  const hidden: string[] = [];
  if (filter.hideSecret) hidden.push(`a.mode = 'secret'`);
  if (filter.hideInvisibleToRepresentatives) hidden.push(`COALESCE('INVISIBLE_REPRESENTANTS_LEGAUX' = ANY(d.labels), false)`);
  if (filter.invisibleToPatientSinceAfter) {
    hidden.push(`COALESCE('INVISIBLE_PATIENT' = ANY(d.labels) AND (d.invisible_patient_since IS NULL OR d.invisible_patient_since > $4), false)`);
  }
  const res = await db.query<StoredAuditRow>(
    `SELECT a.* FROM audit_event a
     LEFT JOIN document d ON a.target_type = 'DocumentReference' AND d.dossier_id = $1::uuid
       AND d.document_id = (CASE WHEN a.target_type = 'DocumentReference' AND a.target_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                                 THEN a.target_id::uuid END)
     WHERE a.dossier_id IN ${dossierChainIdsSql('$1')}
       AND ($2::text IS NULL OR a.seq < (SELECT c.seq FROM audit_event c WHERE c.dossier_id IN ${dossierChainIdsSql('$1')} AND ${auditPublicIdSql('c')} = $2::text))
       ${hidden.length ? `AND NOT (${hidden.join(' OR ')})` : ''}
     ORDER BY a.seq DESC
     LIMIT $3`,
    [dossierId, page.before, page.limit, ...(filter.invisibleToPatientSinceAfter ? [filter.invisibleToPatientSinceAfter] : [])]);
  return presentWithCurrentIds(db, dossierId, res.rows);
}

/**
 * Entries written before the dossier's id changed (migration 0011) keep, as chained, the former ids (of
 * this dossier, of a person acting, of a target): shown with the current ones, so that no former id —
 * derived from an INS — leaves the server. The stored rows are untouched (the verifier reads those).
 */
async function presentWithCurrentIds(db: Queryable, dossierId: string, rows: StoredAuditRow[]): Promise<StoredAuditRow[]> {
  if (rows.every((r) => r.dossier_id === dossierId)) return rows;
  const actorDossier = (r: StoredAuditRow) => (typeof r.actor.dossierId === 'string' ? r.actor.dossierId : null);
  const ids = rows.flatMap((r) => [r.dossier_id, actorDossier(r), r.target_id].filter((v): v is string => v !== null && UUID.test(v)));
  const current = await findCurrentDossierIds(db, ids);
  const now = (id: string | null) => (id !== null ? current.get(id) ?? id : id);
  return rows.map((r) => ({
    ...r,
    dossier_id: dossierId,
    target_id: now(r.target_id),
    actor: actorDossier(r) !== null ? { ...r.actor, dossierId: now(actorDossier(r)) } : r.actor,
  }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
