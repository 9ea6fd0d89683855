import type { DossierRow } from '../../store/dossier-repo.ts';

/** The lifecycle view of a dossier returned by /api (no identity traits: those are in FHIR Patient). */
export function dossierView(d: DossierRow): Record<string, unknown> {
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
