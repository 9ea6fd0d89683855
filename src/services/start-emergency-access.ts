import { decideAccess, type AccessMode, type Decision, type ProfessionalFacts } from '../domain/policy/decide-access.ts';
import { insertSession } from '../store/record-facts-repo.ts';
import { isRegulationCentre } from '../store/regulation-centre-repo.ts';
import type { AccessContext } from './access-context.ts';
import { professionLabel } from './actor-view.ts';
import { runDossierOperation } from './dossier-operation.ts';
import type { IdempotencyRequest } from './idempotency.ts';
import { enqueueNotification } from './notify.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type EmergencyMode = Extract<AccessMode, 'bris_de_glace' | 'samu'>;
export type SessionResult = { sessionId: string; mode: Exclude<AccessMode, 'normal'>; expiresAt: string };

/** How long an emergency or secret session lasts: the regulatory parameter in force at `now`. */
export function accessSessionMinutes(deps: ServiceDeps, now: Date): number {
  return deps.reference.regulatory.at(now).emergencyAccessMinutes;
}

/** Decides starting a session in `mode`: the rules read the requested mode from the professional facts. */
export function decideSessionStart(
  access: AccessContext, action: 'emergency.start' | 'secret.start', mode: Exclude<AccessMode, 'normal'>, facts: Pick<ProfessionalFacts, 'regulationCentre'> = {},
): Decision {
  const { base } = access;
  return decideAccess({ ...base, ...(base.professional ? { professional: { ...base.professional, ...facts, mode } } : {}), action });
}

/**
 * Starts an emergency access (SPEC §3.7): bris de glace, or the SAMU regulation mode, for a limited
 * time. Traced with its mode and reason, and notified to the patient and to their médecin traitant.
 */
export async function startEmergencyAccess(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, request: { mode: EmergencyMode; reason: string | null }, idempotency?: IdempotencyRequest,
): Promise<SessionResult> {
  const { mode } = request;
  const reason = request.reason?.trim() || null;
  return runDossierOperation<SessionResult>(deps, ctx, dossierId, { write: true, idempotency }, async ({ tx, now, access, trace, refuse }) => {
    // The SAMU mode is for physicians of a listed regulation centre: a fact about the caller's structure.
    const structure = ctx.actor.kind === 'professional' ? ctx.actor.structure : null;
    const regulationCentre = mode === 'samu' && structure !== null && await isRegulationCentre(tx, structure.finess);
    const decision = decideSessionStart(access, 'emergency.start', mode, { regulationCentre });
    const details = { reason, ...(mode === 'samu' ? { regulationCentre } : {}) };
    // The requested mode is recorded even on a refusal: the history shows what was attempted.
    if (!access.dossier || decision.effect === 'deny' || ctx.actor.kind !== 'professional') {
      return refuse('emergency.start', decision.effect === 'deny' ? decision : NO_RULE, { type: 'AccessSession', id: null }, details, mode);
    }
    const actor = ctx.actor;
    const expiresAt = new Date(now.getTime() + accessSessionMinutes(deps, now) * 60_000);
    const sessionId = await insertSession(tx, dossierId, { rpps: actor.rpps, mode, reason, expiresAt }, now);
    await trace('emergency.start', decision, { type: 'AccessSession', id: sessionId }, { ...details, expiresAt: expiresAt.toISOString() }, mode);
    // SPEC §4: every emergency access is notified, to the patient and to their médecin traitant.
    const notice = {
      type: 'emergency.access', mode, professional: actor.displayName, profession: professionLabel(deps, actor.profession),
      structure: actor.structure?.name ?? null, startedAt: now.toISOString(), expiresAt: expiresAt.toISOString(),
    };
    await enqueueNotification(tx, dossierId, { ...notice, recipient: 'holder' }, now, now);
    const medecin = access.settings.medecinTraitantRpps;
    if (medecin && medecin !== actor.rpps) await enqueueNotification(tx, dossierId, { ...notice, recipient: 'medecin_traitant', rpps: medecin }, now, now);
    return { ok: true, value: { sessionId, mode, expiresAt: expiresAt.toISOString() } };
  });
}

const NO_RULE = { effect: 'deny', reason: 'POLICY_NO_RULE' } as const;
