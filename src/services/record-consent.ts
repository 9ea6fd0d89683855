import { actorSnapshot } from '../domain/actor.ts';
import { findActiveConsent, insertConsent } from '../store/record-facts-repo.ts';
import { runDossierOperation } from './dossier-operation.ts';
import type { IdempotencyRequest } from './idempotency.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type ConsentScope = 'professional' | 'structure';
export type ConsentResult = { consentId: string; scope: ConsentScope; rpps: string | null; finess: string | null; recordedAt: string; created: boolean };

/**
 * Records the patient's consent to consultation (SPEC §3.5) for the calling professional, or for the
 * care team of their structure (FINESS), with who recorded it and when. Recording a consent already
 * in force changes nothing and answers the one on record.
 */
export async function recordConsent(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, scope: ConsentScope, idempotency?: IdempotencyRequest,
): Promise<ConsentResult> {
  return runDossierOperation<ConsentResult>(deps, ctx, dossierId, { write: true, idempotency }, async ({ tx, now, access, trace, refuse, invalid }) => {
    const decision = access.decide('consent.record');
    const actor = ctx.actor;
    if (!access.dossier || decision.effect === 'deny') return refuse('consent.record', decision, { type: 'Consent', id: null }, { scope });
    // The policy allows this action to professionals only; anything else is a bug, refused.
    if (actor.kind !== 'professional') return refuse('consent.record', NO_RULE, { type: 'Consent', id: null }, { scope });
    const finess = actor.structure?.finess ?? null;
    if (scope === 'structure' && !finess) return invalid('consent.record', { type: 'Consent', id: null }, NO_STRUCTURE, { scope });
    const subject = scope === 'structure' ? { scope, finess: finess! } : { scope, rpps: actor.rpps };
    const existing = await findActiveConsent(tx, dossierId, subject);
    const consentId = existing?.consentId ?? await insertConsent(tx, dossierId, {
      scope, rpps: scope === 'professional' ? actor.rpps : null, finess: scope === 'structure' ? finess : null, recordedBy: actorSnapshot(actor),
    }, now);
    await trace('consent.record', decision, { type: 'Consent', id: consentId }, { scope, ...(scope === 'structure' ? { finess } : {}), created: !existing });
    return {
      ok: true,
      value: {
        consentId, scope, rpps: existing?.rpps ?? (scope === 'professional' ? actor.rpps : null), finess: existing?.finess ?? (scope === 'structure' ? finess : null),
        recordedAt: (existing?.recordedAt ?? now).toISOString(), created: !existing,
      },
    };
  });
}

const NO_RULE = { effect: 'deny', reason: 'POLICY_NO_RULE' } as const;
const NO_STRUCTURE = {
  field: 'scope', code: 'CONSENT_NO_STRUCTURE',
  message: "Vous n'exercez pas dans une structure identifiée (FINESS) : enregistrez le consentement pour vous-même.",
};
