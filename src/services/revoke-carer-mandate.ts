import { AppError } from '../domain/errors.ts';
import { endCarer, findPersonName, listActiveCarers } from '../store/relationship-repo.ts';
import { noticeToPerson } from './carer-notices.ts';
import { noticeDelegationChange } from './delegation-notice.ts';
import { runDossierOperation } from './dossier-operation.ts';
import { outcomeOf, type IdempotencyRequest } from './idempotency.ts';
import { carerName } from './list-carer-mandates.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type RevokeResult = { carerDossierId: string; name: string; endedAt: string };

/**
 * Revokes a carer's mandate at any time, without a reason (SPEC §1): the carer loses access to the
 * space from this instant, since every access decision reads the mandates in force at its own time.
 * The carer is told in their own portal.
 */
export async function revokeCarerMandate(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, carerDossierId: string, idempotency?: IdempotencyRequest,
): Promise<RevokeResult> {
  return runDossierOperation<RevokeResult>(deps, ctx, dossierId, { write: true, idempotency }, async ({ tx, now, access, trace, refuse }) => {
    const action = 'delegation.revoke';
    const target = { type: 'CarerMandate', id: carerDossierId };
    const decision = access.decide('delegation.update');
    if (!access.dossier || decision.effect === 'deny') return refuse(action, decision, target);
    const mandate = (await listActiveCarers(tx, dossierId, now)).find((m) => m.carerDossierId === carerDossierId);
    if (!mandate || !(await endCarer(tx, dossierId, carerDossierId, now, 'revoked'))) {
      await trace(action, { effect: 'deny', reason: 'CARER_MANDATE_NOT_FOUND' }, target);
      return outcomeOf(new AppError('RESOURCE_NOT_FOUND', "Aucun mandat d'aidant en cours pour cette personne."));
    }
    const name = carerName(mandate);
    await trace(action, decision, target, { carerName: name });
    const by = ctx.actor.kind === 'person' ? ctx.actor.displayName : 'Mon espace santé';
    await noticeToPerson(tx, carerDossierId, { type: 'carer.mandate', event: 'revoked', holderName: (await findPersonName(tx, dossierId)) ?? by, by }, now);
    await noticeDelegationChange(tx, ctx, dossierId, decision, 'revoked', name, now);
    return { ok: true, value: { carerDossierId, name, endedAt: now.toISOString() } };
  });
}
