import { activeSession, findCoveringConsent } from '../store/record-facts-repo.ts';
import { actorView, type ActorView } from './actor-view.ts';
import { runDossierOperation } from './dossier-operation.ts';
import type { AccessSessionView } from './find-access-session.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type ProfessionalStatus = {
  /** The patient was informed their record is fed (SPEC §2): the first recording, by whom. */
  patientInformed: { at: string; by: ActorView | null } | null;
  /** The consent in force that covers the caller (for them, or for their structure's care team). */
  consent: { scope: 'professional' | 'structure'; recordedAt: string } | null;
  /** The caller's emergency or secret session in force. */
  session: AccessSessionView | null;
};

const NO_RULE = { effect: 'deny', reason: 'POLICY_NO_RULE' } as const;

/**
 * What a professional opening a patient's record needs to know first: whether the patient was already
 * informed of feeding, whether a consent covers them, whether they have a session in force — about the
 * caller only. Decided as identifying the patient (a blocked professional gets the SPEC §3.2 refusal)
 * and traced once.
 */
export async function readProfessionalStatus(deps: ServiceDeps, ctx: RequestContext, dossierId: string): Promise<ProfessionalStatus> {
  return runDossierOperation<ProfessionalStatus>(deps, ctx, dossierId, { write: false }, async ({ tx, now, access, trace, refuse }) => {
    const target = { type: 'Patient', id: dossierId };
    const decision = access.decide('dossier.identity.read');
    if (!access.dossier || decision.effect === 'deny') return refuse('dossier.identity.read', decision, target);
    // The patient side and the operator may identify the patient, but this status is a professional's.
    const actor = ctx.actor;
    if (actor.kind !== 'professional') return refuse('dossier.identity.read', NO_RULE, target);
    const consent = await findCoveringConsent(tx, dossierId, actor.rpps, actor.structure?.finess ?? null);
    const session = await activeSession(tx, dossierId, actor.rpps, now);
    const { patientInformedAt, patientInformedBy } = access.settings;
    await trace('dossier.identity.read', decision, target, { view: 'professional-status' });
    return {
      ok: true,
      value: {
        patientInformed: patientInformedAt
          ? { at: patientInformedAt.toISOString(), by: patientInformedBy ? actorView(deps, 'professional', patientInformedBy) : null }
          : null,
        consent: consent && { scope: consent.scope, recordedAt: consent.recordedAt.toISOString() },
        session: session && { mode: session.mode, expiresAt: session.expiresAt.toISOString() },
      },
    };
  });
}
