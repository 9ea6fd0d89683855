import type { ValidationIssue } from '../domain/validation-issue.ts';
import { findPatientByEmail, grantCarer, listActiveCarers } from '../store/relationship-repo.ts';
import { noticeDelegationChange } from './delegation-notice.ts';
import { runDossierOperation } from './dossier-operation.ts';
import type { IdempotencyRequest } from './idempotency.ts';
import { carerName, type CarerMandateView, type CarerOptions } from './list-carer-mandates.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type GrantResult = { mandate: CarerMandateView; created: boolean };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Gives a carer an explicit mandate on the space (SPEC §1 carers). The carer is named by the e-mail of
 * their patient account and must have activated their own space first; at most `maxCarers` mandates are
 * in force at once. Asking again for a carer who already holds a mandate returns it unchanged.
 */
export async function grantCarerMandate(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, rawEmail: string, options: CarerOptions, idempotency?: IdempotencyRequest,
): Promise<GrantResult> {
  return runDossierOperation<GrantResult>(deps, ctx, dossierId, { write: true, idempotency }, async ({ tx, now, access, trace, refuse, invalid }) => {
    const action = 'delegation.grant';
    const decision = access.decide('delegation.update');
    if (!access.dossier || decision.effect === 'deny') return refuse(action, decision, { type: 'CarerMandate', id: null });
    if (options.maxCarers <= 0) return invalid(action, { type: 'CarerMandate', id: null }, CARERS_CLOSED);
    const email = rawEmail.trim();
    if (!EMAIL.test(email)) return invalid(action, { type: 'CarerMandate', id: null }, EMAIL_INVALID);
    const carer = await findPatientByEmail(tx, email);
    // One answer for "no account" and "not activated": the e-mail reveals nothing more about its owner.
    if (!carer || carer.state !== 'active') return invalid(action, { type: 'CarerMandate', id: null }, NOT_ACTIVE);
    const target = { type: 'CarerMandate', id: carer.dossierId };
    if (carer.dossierId === dossierId) return invalid(action, target, IS_HOLDER);
    const name = carerName(carer);
    const active = await listActiveCarers(tx, dossierId, now);
    const existing = active.find((m) => m.carerDossierId === carer.dossierId);
    if (existing) {
      await trace(action, decision, target, { carerName: name, changed: false });
      return { ok: true, value: { mandate: { carerDossierId: carer.dossierId, name, since: existing.grantedAt.toISOString() }, created: false } };
    }
    if (active.length >= options.maxCarers) return invalid(action, target, maximumReached(options.maxCarers));
    await grantCarer(tx, dossierId, carer, now);
    await trace(action, decision, target, { carerName: name, changed: true });
    await noticeDelegationChange(tx, ctx, dossierId, decision, 'granted', name, now);
    return { ok: true, value: { mandate: { carerDossierId: carer.dossierId, name, since: now.toISOString() }, created: true } };
  });
}

const CARERS_CLOSED: ValidationIssue = { field: 'email', code: 'CARERS_DISABLED', message: "La désignation d'un aidant n'est pas ouverte pour le moment." };
const EMAIL_INVALID: ValidationIssue = { field: 'email', code: 'CARER_EMAIL_INVALID', message: "L'adresse électronique de l'aidant n'est pas valide." };
const NOT_ACTIVE: ValidationIssue = {
  field: 'email', code: 'CARER_SPACE_NOT_ACTIVE',
  message: "Aucun profil Mon espace santé activé ne correspond à cette adresse : l'aidant doit d'abord activer son propre profil.",
};
const IS_HOLDER: ValidationIssue = { field: 'email', code: 'CARER_IS_HOLDER', message: "Le titulaire de l'espace ne peut pas être son propre aidant." };
const maximumReached = (max: number): ValidationIssue => ({
  field: 'email', code: 'CARERS_MAXIMUM_REACHED',
  message: max === 1
    ? "Un seul aidant peut être désigné : retirez d'abord le mandat en cours."
    : `Au plus ${max} aidants peuvent être désignés : retirez d'abord un mandat en cours.`,
});
