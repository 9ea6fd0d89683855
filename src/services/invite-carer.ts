import { randomUUID } from 'node:crypto';
import { actorId } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import type { ValidationIssue } from '../domain/validation-issue.ts';
import { insertInvitation, invitationsSentSince, listPendingInvitations } from '../store/carer-invitation-repo.ts';
import { findPatientByEmail, findPersonName, listActiveCarers } from '../store/relationship-repo.ts';
import { noticeToPerson } from './carer-notices.ts';
import { noticeDelegationChange } from './delegation-notice.ts';
import { runDossierOperation } from './dossier-operation.ts';
import { outcomeOf, type IdempotencyRequest } from './idempotency.ts';
import { invitationView, type CarerInvitationView, type CarerOptions } from './list-carer-mandates.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

/** How long an invitation may be answered. */
export const INVITATION_VALIDITY_DAYS = 30;
/** Invitations a space may send in 24 hours (counted from the stored invitations: shared by every server process). */
export const MAX_INVITATIONS_PER_DAY = 10;
const DAY = 86_400_000;

/** The one answer to an invitation, whatever the address names: nothing is learnt about its owner. */
export const INVITATION_SENT =
  "Si cette adresse correspond à un espace santé activé, la personne a reçu une invitation. Elle deviendra aidante quand elle l'aura acceptée depuis son propre espace.";

export type InviteResult = { invitation: CarerInvitationView; message: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Invites a person to become a carer of the space (SPEC §1 carers; issue 8, item 6). The answer is the
 * same whatever the address: an account with an activated space is told in its own portal (and by the
 * usual content-free e-mail) and may accept or decline; an unknown address gets an invitation nobody can
 * accept. Nothing is granted until the invited person accepts. Pending invitations count towards
 * OPENMES_MAX_CARERS with the mandates in force; a space sends at most MAX_INVITATIONS_PER_DAY a day.
 */
export async function inviteCarer(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, rawEmail: string, options: CarerOptions, idempotency?: IdempotencyRequest,
): Promise<InviteResult> {
  return runDossierOperation<InviteResult>(deps, ctx, dossierId, { write: true, idempotency }, async ({ tx, now, access, trace, refuse, invalid }) => {
    const action = 'delegation.invite';
    const target = { type: 'CarerInvitation', id: null };
    const decision = access.decide(action);
    if (!access.dossier || decision.effect === 'deny') return refuse(action, decision, target);
    if (options.maxCarers <= 0) return invalid(action, target, CARERS_CLOSED);
    const email = rawEmail.trim().toLowerCase();
    if (!EMAIL.test(email)) return invalid(action, target, EMAIL_INVALID);
    const person = await findPatientByEmail(tx, email);
    // Only what the inviter already knows: their own address, or the holder's.
    if (person && person.dossierId === dossierId) return invalid(action, target, IS_HOLDER);
    if (person && ctx.actor.kind === 'person' && person.dossierId === ctx.actor.dossierId) return invalid(action, target, IS_SELF);
    const pending = await listPendingInvitations(tx, dossierId, now);
    const again = pending.find((i) => i.email === email);
    if (again) {
      await trace(action, decision, { ...target, id: again.invitationId }, { changed: false });
      return { ok: true, value: { invitation: invitationView(again), message: INVITATION_SENT } };
    }
    const sent = await invitationsSentSince(tx, dossierId, new Date(now.getTime() - DAY));
    if (sent.count >= MAX_INVITATIONS_PER_DAY) {
      await trace(action, { effect: 'deny', reason: 'CARER_INVITATIONS_LIMITED' }, target, { sentToday: sent.count });
      return outcomeOf(new AppError('CARER_INVITATIONS_LIMITED', rateLimited(new Date(sent.oldest!.getTime() + DAY))));
    }
    const accepted = await listActiveCarers(tx, dossierId, now);
    if (accepted.length + pending.length >= options.maxCarers) return invalid(action, target, maximumReached(options.maxCarers));
    const invitation = {
      dossierId, invitationId: randomUUID(), email, inviteeDossierId: person?.state === 'active' ? person.dossierId : null,
      invitedBy: actorId(ctx.actor), invitedByName: ctx.actor.kind === 'person' ? ctx.actor.displayName : 'Mon espace santé',
      createdAt: now, expiresAt: new Date(now.getTime() + INVITATION_VALIDITY_DAYS * DAY),
    };
    await insertInvitation(tx, invitation);
    await trace(action, decision, { ...target, id: invitation.invitationId }, { changed: true });
    if (invitation.inviteeDossierId) {
      const holderName = (await findPersonName(tx, dossierId)) ?? invitation.invitedByName;
      await noticeToPerson(tx, invitation.inviteeDossierId, {
        type: 'carer.invitation', event: 'invited', holderName, by: invitation.invitedByName, invitationId: invitation.invitationId, dossierId,
      }, now);
    }
    await noticeDelegationChange(tx, ctx, dossierId, decision, 'invited', null, now);
    return { ok: true, value: { invitation: invitationView({ ...invitation, status: 'pending', answeredAt: null }), message: INVITATION_SENT } };
  });
}

const FRENCH_TIME = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' });
const rateLimited = (retryAt: Date) =>
  `Cet espace a déjà envoyé ${MAX_INVITATIONS_PER_DAY} invitations d'aidant en 24 heures. Vous pourrez en envoyer une nouvelle à partir du ${FRENCH_TIME.format(retryAt)}.`;

const CARERS_CLOSED: ValidationIssue = { field: 'email', code: 'CARERS_DISABLED', message: "La désignation d'un aidant n'est pas ouverte pour le moment." };
const EMAIL_INVALID: ValidationIssue = { field: 'email', code: 'CARER_EMAIL_INVALID', message: "L'adresse électronique de l'aidant n'est pas valide." };
const IS_HOLDER: ValidationIssue = { field: 'email', code: 'CARER_IS_HOLDER', message: "Le titulaire de l'espace ne peut pas être son propre aidant." };
const IS_SELF: ValidationIssue = { field: 'email', code: 'CARER_IS_SELF', message: 'Cette adresse est la vôtre : invitez la personne qui sera aidante, avec sa propre adresse.' };
const maximumReached = (max: number): ValidationIssue => ({
  field: 'email', code: 'CARERS_MAXIMUM_REACHED',
  message: max === 1
    ? "Un seul aidant peut être désigné : retirez d'abord le mandat ou l'invitation en cours."
    : `Au plus ${max} aidants peuvent être désignés (mandats et invitations en attente) : retirez d'abord un mandat ou une invitation.`,
});
