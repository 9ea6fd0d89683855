import type { Migration } from '../migrator.ts';

// Frozen. Issue 8, item 12: a replacement is a new version of the same document, so the patient's own
// confidentiality choice (their mask, MASQUE_PS) carries over to it — but a mask the author put stays the
// author's to decide for the new version. The labels alone do not say who masked: this column does.
// Existing masks are attributed from what is known: a patient's own upload deposited masked, or a mask
// whose latest allowed change was made by a person of the patient side (the audit trail records it).
// The audit rows of a dossier whose id 0011 changed still carry its former id (dossier_former_id).
// regulation_centre: the structures where physicians regulate SAMU calls (centre 15), the data that
// opens the SAMU regulation mode to a médecin (issue 8, emergency access rule).
export const m0013: Migration = {
  name: '0013_patient_mask_regulation_centre',
  statements: [
    `ALTER TABLE document ADD COLUMN masked_by_patient boolean NOT NULL DEFAULT false`,
    `UPDATE document d SET masked_by_patient = true
     WHERE 'MASQUE_PS' = ANY(d.labels)
       AND (d.author_kind = 'patient'
         OR (SELECT a.actor_kind FROM audit_event a
             WHERE (a.dossier_id = d.dossier_id
                    OR a.dossier_id IN (SELECT f.former_dossier_id FROM dossier_former_id f WHERE f.dossier_id = d.dossier_id))
               AND a.action = 'document.labels.update' AND a.outcome = 'allowed'
               AND a.target_id = d.document_id::text
               AND (a.details->'added' ? 'MASQUE_PS' OR a.details->'removed' ? 'MASQUE_PS')
             ORDER BY a.seq DESC LIMIT 1) = 'person')`,
    `CREATE TABLE regulation_centre (
      structure_id text PRIMARY KEY,
      name text NOT NULL,
      added_at timestamptz NOT NULL
    )`,
  ],
};
