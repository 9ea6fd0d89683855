import { appendAudit } from '../store/audit-repo.ts';
import { answerInvitation, findInvitation, isPending } from '../store/carer-invitation-repo.ts';
import { findDossier } from '../store/dossier-repo.ts';
import { findPersonName, grantCarer, listActiveCarers } from '../store/relationship-repo.ts';
import { auditEntryFor } from './audit-entry.ts';
import { noticeToSpace } from './carer-notices.ts';
import { runDossierOperation } from './dossier-operation.ts';
import type { IdempotencyRequest } from './idempotency.ts';
import type { CarerOptions } from './list-carer-mandates.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type InvitationAnswer = 'accept' | 'decline';
export type AnswerResult = { invitationId: string; dossierId: string; status: 'accepted' | 'declined'; holderName: string };

/**
 * The invited person accepts or declines a carer invitation, in their own portal (issue 8, item 6).
 * Acceptance grants the mandate from this instant (the only way a carer mandate starts); traced in the
 * history of the holder's space, which learns the carer's name only now. A decline is traced in the
 * invited person's own history and names nobody to the holder's side.
 */
export async function answerCarerInvitation(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, invitationId: string, answer: InvitationAnswer, options: CarerOptions,
  idempotency?: IdempotencyRequest,
): Promise<AnswerResult> {
  return runDossierOperation<AnswerResult>(deps, ctx, dossierId, { write: true, idempotency }, async ({ tx, now, access, trace, refuse, invalid }) => {
    const action = answer === 'accept' ? 'delegation.accept' : 'delegation.decline';
    const target = { type: 'CarerInvitation', id: invitationId };
    const invitation = access.dossier ? await findInvitation(tx, dossierId, invitationId) : null;
    const decision = access.decide(action, invitation ? { invitation: { inviteeDossierId: invitation.inviteeDossierId, pending: isPending(invitation, now) } } : {});
    if (!access.dossier || !invitation || decision.effect === 'deny') return refuse(action, decision, target);
    const carerDossierId = invitation.inviteeDossierId!;
    const holderName = (await findPersonName(tx, dossierId)) ?? 'la personne aidée';
    if (answer === 'decline') {
      await answerInvitation(tx, dossierId, invitationId, 'declined', now);
      // Traced in the history of the invited person's own space: nothing was granted in the holder's,
      // whose people must not learn who declined (only the address they typed, by notification).
      await appendAudit(tx, auditEntryFor(ctx, carerDossierId, action, decision, target, now, { holderName }));
      await noticeToSpace(tx, dossierId, { type: 'carer.mandate', event: 'declined', email: invitation.email, byDossierId: carerDossierId }, now);
      return { ok: true, value: { invitationId, dossierId, status: 'declined', holderName } };
    }
    const inForce = await listActiveCarers(tx, dossierId, now);
    const already = inForce.some((m) => m.carerDossierId === carerDossierId);
    // Pending invitations count towards the maximum when sent; it may have been lowered since.
    if (!already && inForce.length >= options.maxCarers) return invalid(action, target, MAXIMUM_REACHED);
    const carer = await findDossier(tx, carerDossierId);
    if (!carer || carer.state !== 'active') return invalid(action, target, OWN_SPACE_NOT_ACTIVE);
    if (!already) await grantCarer(tx, dossierId, { dossierId: carerDossierId, ins: carer.ins }, now);
    await answerInvitation(tx, dossierId, invitationId, 'accepted', now);
    const carerName = (await findPersonName(tx, carerDossierId)) ?? 'Aidant';
    await trace(action, decision, target, { carerName });
    await noticeToSpace(tx, dossierId, { type: 'carer.mandate', event: 'accepted', carerName, byDossierId: carerDossierId }, now);
    return { ok: true, value: { invitationId, dossierId, status: 'accepted', holderName } };
  });
}

const MAXIMUM_REACHED = {
  field: 'invitation', code: 'CARERS_MAXIMUM_REACHED',
  message: "Cet espace a déjà le nombre maximal d'aidants : l'invitation ne peut plus être acceptée. La personne qui vous a invité peut retirer un mandat en cours.",
};
const OWN_SPACE_NOT_ACTIVE = {
  field: 'invitation', code: 'CARER_SPACE_NOT_ACTIVE', message: "Votre propre espace santé doit être activé pour devenir aidant.",
};
