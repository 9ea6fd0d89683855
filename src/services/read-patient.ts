import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import type { RelationshipFact } from '../domain/policy/decide-access.ts';
import type { DossierRow } from '../store/dossier-repo.ts';
import { appendAudit } from '../store/audit-repo.ts';
import { loadAccessContext } from './access-context.ts';
import { auditEntryFor } from './audit-entry.ts';
import { deniedError } from './denied-error.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

/** Reads a dossier's identity (FHIR Patient read), decided and traced; hidden dossiers look absent. */
/** A dossier's identity as a caller may see it; professionals also learn that a carer mandate exists (SPEC §1). */
export type PatientView = { dossier: DossierRow; carerMandate: boolean };

export async function readPatient(deps: ServiceDeps, ctx: RequestContext, dossierId: string): Promise<PatientView> {
  const result = await deps.db.transaction(async (tx) => {
    const now = deps.clock();
    const access = await loadAccessContext(tx, deps, ctx.actor, dossierId, now);
    const decision = access.decide('dossier.identity.read');
    await appendAudit(tx, auditEntryFor(ctx, access.dossier && decision.effect === 'allow' ? dossierId : (access.dossier ? dossierId : SYSTEM_CHAIN),
      'dossier.identity.read', decision, { type: 'Patient', id: dossierId }, now, {}, decision.mode ?? 'normal'));
    return { dossier: access.dossier, decision, carerMandate: carerMandateShown(deps, ctx, access.base.relationships, now) };
  });
  if (!result.dossier || result.decision.effect === 'deny') throw deniedError(result.decision, result.dossier !== null);
  return { dossier: result.dossier, carerMandate: result.carerMandate };
}

/** Professionals consulting the record see that a carer acts for the patient (never who). */
export function carerMandateShown(deps: ServiceDeps, ctx: RequestContext, relationships: readonly RelationshipFact[], now: Date): boolean {
  return ctx.actor.kind === 'professional' && deps.settings.carersEnabled
    && relationships.some((r) => r.kind === 'carer' && (r.endedAt === null || r.endedAt.getTime() > now.getTime()));
}
