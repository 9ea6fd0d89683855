import type { Actor } from '../actor.ts';
import { type AccessRequest, type Decision, type DossierFacts, type PatientSideRole, type PolicyAction } from './access-facts.ts';
import { isMinorAt } from './age.ts';
import { allow, deny } from './decision.ts';
import { decideForPatientSide, decideInvitationAnswer } from './patient-side-rules.ts';
import { decideForProfessional, inSessionMode } from './professional-rules.ts';
import { decideForSystem } from './system-rules.ts';

export * from './access-facts.ts';

/**
 * The one access decision (invariant 1): every read or write of patient data asks it first.
 * Pure and fail-closed: anything not explicitly allowed is denied, and every answer carries a reason
 * code that the API returns to a denied caller and the audit trail records. The order of the checks is
 * the priority order of SPEC §3.
 */
export function decideAccess(req: AccessRequest): Decision {
  const { actor, action, dossier } = req;
  if (actor.kind === 'operator') {
    // The national operator acts on request (support, DPO) on the space's administration and traces;
    // it never reads documents (SPEC §8: no other party accesses the medical data).
    if (!OPERATOR_ACTIONS.has(action)) return deny('POLICY_NO_RULE');
    // Closing or reopening someone's space is done on a request (the holder's, a court's…): its reason is
    // recorded in the trace, so the operator must state one (the holder closing their own space need not).
    if (OPERATOR_REASON_REQUIRED.has(action) && (req.justification?.trim().length ?? 0) < OPERATOR_REASON_MIN_LENGTH) return deny('POLICY_OPERATOR_REASON_REQUIRED');
    return allow('POLICY_OPERATOR');
  }
  if (OPERATOR_ONLY_ACTIONS.has(action)) return deny('POLICY_OPERATOR_ONLY');
  if (!dossier) return deny('POLICY_NO_DOSSIER');
  // SPEC §3.1: no access to an opposed space; a closed one only to be reopened by its holder.
  if (dossier.state === 'opposed') return deny('DOSSIER_OPPOSED');
  switch (actor.kind) {
    case 'person': {
      // The invited person has no role on the space yet: their answer is decided on the invitation.
      if (action === 'delegation.accept' || action === 'delegation.decline') return decideInvitationAnswer(req, actor);
      const role = patientSideRole(req, actor, dossier);
      if (!role) return deny('POLICY_NO_RELATIONSHIP');
      return decideForPatientSide(req, role);
    }
    case 'professional':
      return inSessionMode(req, dossier.state === 'closed' ? deny('DOSSIER_CLOSED') : decideForProfessional(req, actor));
    case 'system':
      return decideForSystem(req, actor);
    case 'app':
      return deny('POLICY_NO_RULE');
    default:
      return actor satisfies never;
  }
}

const OPERATOR_ACTIONS: ReadonlySet<PolicyAction> = new Set<PolicyAction>([
  'dossier.identity.read', 'dossier.identity.search', 'dossier.lifecycle.activate', 'dossier.lifecycle.oppose',
  'dossier.lifecycle.close', 'dossier.lifecycle.reopen', 'dossier.audit.read', 'population.import', 'audit.verify',
  'directory.import', 'job.run',
]);

const OPERATOR_REASON_REQUIRED: ReadonlySet<PolicyAction> = new Set<PolicyAction>(['dossier.lifecycle.close', 'dossier.lifecycle.reopen']);
/** As for the reason of a bris de glace: a few words, not a letter. */
export const OPERATOR_REASON_MIN_LENGTH = 10;

/** Platform operations with no dossier: the operator's alone. */
const OPERATOR_ONLY_ACTIONS: ReadonlySet<PolicyAction> = new Set<PolicyAction>(['population.import', 'audit.verify', 'directory.import', 'job.run']);

/** The role a person holds towards a dossier, if any; representatives lose it at the child's majority. */
function patientSideRole(req: AccessRequest, actor: Extract<Actor, { kind: 'person' }>, dossier: DossierFacts): PatientSideRole | null {
  if (actor.dossierId === dossier.dossierId) return 'holder';
  const active = req.relationships.filter(
    (r) => r.relatedDossierId === actor.dossierId && (r.endedAt === null || r.endedAt.getTime() > req.now.getTime()),
  );
  if (active.some((r) => r.kind === 'legal_representative') && isMinorAt(dossier.birthDate, req.now)) return 'legal_representative';
  if (active.some((r) => r.kind === 'protector')) return 'protector';
  if (req.settings.carersEnabled && active.some((r) => r.kind === 'carer')) return 'carer';
  return null;
}
