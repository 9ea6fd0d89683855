import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import type { DossierRow } from '../store/dossier-repo.ts';
import { appendAudit } from '../store/audit-repo.ts';
import { loadAccessContext } from './access-context.ts';
import { auditEntryFor } from './audit-entry.ts';
import { deniedError } from './denied-error.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

/** Reads a dossier's identity (FHIR Patient read), decided and traced; hidden dossiers look absent. */
export async function readPatient(deps: ServiceDeps, ctx: RequestContext, dossierId: string): Promise<DossierRow> {
  const result = await deps.db.transaction(async (tx) => {
    const now = deps.clock();
    const access = await loadAccessContext(tx, deps, ctx.actor, dossierId, now);
    const decision = access.decide('dossier.identity.read');
    await appendAudit(tx, auditEntryFor(ctx, access.dossier && decision.effect === 'allow' ? dossierId : (access.dossier ? dossierId : SYSTEM_CHAIN),
      'dossier.identity.read', decision, { type: 'Patient', id: dossierId }, now, {}, decision.effect === 'allow' ? decision.mode ?? 'normal' : 'normal'));
    return { dossier: access.dossier, decision };
  });
  if (!result.dossier || result.decision.effect === 'deny') throw deniedError(result.decision, result.dossier !== null);
  return result.dossier;
}
