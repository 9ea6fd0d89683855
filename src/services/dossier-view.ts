import type { DossierRow } from '../store/dossier-repo.ts';

/** The lifecycle view of a dossier (no identity traits: those are in FHIR Patient); plain JSON so it can be replayed. */
export type DossierView = {
  dossierId: string; state: string; createdAt: string; oppositionDeadline: string;
  activatedAt: string | null; closedAt: string | null; retentionUntil: string | null;
};

export function dossierView(d: DossierRow): DossierView {
  return {
    dossierId: d.dossier_id,
    state: d.state,
    createdAt: d.created_at.toISOString(),
    oppositionDeadline: d.opposition_deadline.toISOString(),
    activatedAt: d.activated_at?.toISOString() ?? null,
    closedAt: d.closed_at?.toISOString() ?? null,
    retentionUntil: d.retention_until?.toISOString() ?? null,
  };
}
