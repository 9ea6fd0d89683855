import type { StoredAuditRow } from './audit-repo.ts';
import type { Queryable } from './db.ts';

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
 * One page of a dossier's audit entries, newest first, strictly before `beforeSeq` when given, with the
 * hidden ones filtered out in the query itself so that a page is never short because of them. Entries
 * about a document are joined to the document on the same dossier (target_type DocumentReference), by its
 * primary key: comparing `document_id::text` would read every document of the dossier for every entry.
 */
export async function listDossierHistory(
  db: Queryable, dossierId: string, filter: HistoryFilter, page: { limit: number; beforeSeq: number | null },
): Promise<StoredAuditRow[]> {
  const hidden: string[] = [];
  if (filter.hideSecret) hidden.push(`a.mode = 'secret'`);
  if (filter.hideInvisibleToRepresentatives) hidden.push(`COALESCE('INVISIBLE_REPRESENTANTS_LEGAUX' = ANY(d.labels), false)`);
  if (filter.invisibleToPatientSinceAfter) {
    hidden.push(`COALESCE('INVISIBLE_PATIENT' = ANY(d.labels) AND (d.invisible_patient_since IS NULL OR d.invisible_patient_since > $4), false)`);
  }
  const res = await db.query<StoredAuditRow>(
    `SELECT a.* FROM audit_event a
     LEFT JOIN document d ON a.target_type = 'DocumentReference' AND d.dossier_id = a.dossier_id
       AND d.document_id = (CASE WHEN a.target_type = 'DocumentReference' AND a.target_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                                 THEN a.target_id::uuid END)
     WHERE a.dossier_id = $1 AND ($2::bigint IS NULL OR a.seq < $2::bigint)
       ${hidden.length ? `AND NOT (${hidden.join(' OR ')})` : ''}
     ORDER BY a.seq DESC
     LIMIT $3`,
    [dossierId, page.beforeSeq, page.limit, ...(filter.invisibleToPatientSinceAfter ? [filter.invisibleToPatientSinceAfter] : [])]);
  return res.rows;
}
