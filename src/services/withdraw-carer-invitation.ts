import { AppError } from '../domain/errors.ts';
import { answerInvitation, findInvitation, isPending } from '../store/carer-invitation-repo.ts';
import { findPersonName } from '../store/relationship-repo.ts';
import { noticeToPerson } from './carer-notices.ts';
import { noticeDelegationChange } from './delegation-notice.ts';
import { runDossierOperation } from './dossier-operation.ts';
import { outcomeOf, type IdempotencyRequest } from './idempotency.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type WithdrawResult = { invitationId: string; status: 'withdrawn'; withdrawnAt: string };

/** The holder side withdraws a pending carer invitation; the invited person (if any) is told. */
export async function withdrawCarerInvitation(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, invitationId: string, idempotency?: IdempotencyRequest,
): Promise<WithdrawResult> {
  return runDossierOperation<WithdrawResult>(deps, ctx, dossierId, { write: true, idempotency }, async ({ tx, now, access, trace, refuse }) => {
    const action = 'delegation.withdraw';
    const target = { type: 'CarerInvitation', id: invitationId };
    const decision = access.decide(action);
    if (!access.dossier || decision.effect === 'deny') return refuse(action, decision, target);
    const invitation = await findInvitation(tx, dossierId, invitationId);
    if (!invitation || !isPending(invitation, now) || !(await answerInvitation(tx, dossierId, invitationId, 'withdrawn', now))) {
      await trace(action, { effect: 'deny', reason: 'CARER_INVITATION_NOT_FOUND' }, target);
      return outcomeOf(new AppError('RESOURCE_NOT_FOUND', "Aucune invitation d'aidant en attente ne correspond : elle a peut-être déjà reçu une réponse ou expiré."));
    }
    await trace(action, decision, target);
    const by = ctx.actor.kind === 'person' ? ctx.actor.displayName : 'Mon espace santé';
    if (invitation.inviteeDossierId) {
      await noticeToPerson(tx, invitation.inviteeDossierId, { type: 'carer.invitation', event: 'withdrawn', holderName: (await findPersonName(tx, dossierId)) ?? by, by }, now);
    }
    await noticeDelegationChange(tx, ctx, dossierId, decision, 'withdrawn', null, now);
    return { ok: true, value: { invitationId, status: 'withdrawn', withdrawnAt: now.toISOString() } };
  });
}
