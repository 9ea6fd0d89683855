import { AppError } from '../domain/errors.ts';
import { endCarer, findPersonName } from '../store/relationship-repo.ts';
import { noticeToSpace } from './carer-notices.ts';
import { runDossierOperation } from './dossier-operation.ts';
import { outcomeOf, type IdempotencyRequest } from './idempotency.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type GiveUpResult = { dossierId: string; endedAt: string };

/** A carer ends their own mandate, at any time (issue 8, item 6): access ends at once, the space is told. */
export async function giveUpCarerMandate(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, idempotency?: IdempotencyRequest,
): Promise<GiveUpResult> {
  return runDossierOperation<GiveUpResult>(deps, ctx, dossierId, { write: true, idempotency }, async ({ tx, now, access, trace, refuse }) => {
    const action = 'delegation.give_up';
    const target = { type: 'CarerMandate', id: ctx.actor.kind === 'person' ? ctx.actor.dossierId : null };
    const decision = access.decide(action);
    if (!access.dossier || decision.effect === 'deny' || ctx.actor.kind !== 'person') return refuse(action, decision, target);
    const carerDossierId = ctx.actor.dossierId;
    if (!(await endCarer(tx, dossierId, carerDossierId, now, 'given_up'))) {
      // The decision saw a mandate in force, read in this very transaction: only a concurrent end gets here.
      await trace(action, { effect: 'deny', reason: 'CARER_MANDATE_NOT_FOUND' }, target);
      return outcomeOf(new AppError('RESOURCE_NOT_FOUND', "Aucun mandat d'aidant en cours sur cet espace."));
    }
    const carerName = (await findPersonName(tx, carerDossierId)) ?? ctx.actor.displayName;
    await trace(action, decision, target, { carerName });
    await noticeToSpace(tx, dossierId, { type: 'carer.mandate', event: 'given_up', carerName, byDossierId: carerDossierId }, now);
    return { ok: true, value: { dossierId, endedAt: now.toISOString() } };
  });
}
