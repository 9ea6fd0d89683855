import type { Actor } from '../actor.ts';
import type { DossierState } from '../lifecycle.ts';
import { isMinorAt } from './age.ts';

/**
 * The one access decision (invariant 1): every read or write of patient data asks it first.
 * Pure and fail-closed: anything not explicitly allowed is denied, and every answer carries a reason
 * code that the API returns to a denied caller and the audit trail records.
 * SPEC §3 rules on documents extend this function; the order of the checks is the priority.
 */
export const POLICY_ACTIONS = [
  'dossier.identity.read',
  'dossier.identity.search',
  'dossier.lifecycle.activate',
  'dossier.lifecycle.oppose',
  'dossier.lifecycle.close',
  'dossier.lifecycle.reopen',
  'dossier.audit.read',
  'population.import',
  'audit.verify',
] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

export type RelationshipFact = {
  kind: 'legal_representative' | 'carer' | 'protector';
  relatedDossierId: string;
  endedAt: Date | null;
};

export type DossierFacts = { dossierId: string; state: DossierState; birthDate: string | null };

export type AccessRequest = {
  actor: Actor;
  action: PolicyAction;
  dossier: DossierFacts | null;
  relationships: readonly RelationshipFact[];
  now: Date;
  settings: { carersEnabled: boolean };
};

export type PatientSideRole = 'holder' | 'legal_representative' | 'carer' | 'protector';
export type Decision =
  | { effect: 'allow'; reason: string; role?: PatientSideRole }
  | { effect: 'deny'; reason: string };

const allow = (reason: string, role?: PatientSideRole): Decision => (role ? { effect: 'allow', reason, role } : { effect: 'allow', reason });
const deny = (reason: string): Decision => ({ effect: 'deny', reason });

const OPERATOR_ACTIONS: ReadonlySet<PolicyAction> = new Set(POLICY_ACTIONS);
const LIFECYCLE: ReadonlySet<PolicyAction> = new Set([
  'dossier.lifecycle.activate', 'dossier.lifecycle.oppose', 'dossier.lifecycle.close', 'dossier.lifecycle.reopen',
]);

export function decideAccess(req: AccessRequest): Decision {
  const { actor, action, dossier } = req;
  if (actor.kind === 'operator') {
    // The national operator acts on request (support, DPO): allowed, and traced like everyone else.
    return OPERATOR_ACTIONS.has(action) ? allow('POLICY_OPERATOR') : deny('POLICY_NO_RULE');
  }
  if (action === 'population.import' || action === 'audit.verify') return deny('POLICY_OPERATOR_ONLY');
  if (!dossier) return deny('POLICY_NO_DOSSIER');
  if (dossier.state === 'opposed') return deny('DOSSIER_OPPOSED');
  switch (actor.kind) {
    case 'person':
      return decideForPerson(req, actor, dossier);
    case 'professional':
      return decideForProfessional(action, dossier);
    case 'app':
    case 'system':
      return deny('POLICY_NO_RULE');
    default:
      return actor satisfies never;
  }
}

function decideForPerson(req: AccessRequest, actor: Extract<Actor, { kind: 'person' }>, dossier: DossierFacts): Decision {
  const role = patientSideRole(req, actor, dossier);
  if (!role) return deny('POLICY_NO_RELATIONSHIP');
  // Closure removes every access at once; only the holder may reopen (SPEC §1).
  if (dossier.state === 'closed') {
    return req.action === 'dossier.lifecycle.reopen' && role !== 'carer' ? allow('POLICY_REOPEN_BY_HOLDER', role) : deny('DOSSIER_CLOSED');
  }
  if (req.action === 'dossier.identity.search') return deny('POLICY_NO_RULE');
  // A carer sees the whole space but does not decide its existence (SPEC §1 carers).
  if (role === 'carer' && LIFECYCLE.has(req.action)) return deny('POLICY_CARER_CANNOT_MANAGE_SPACE');
  const reasonByRole = {
    holder: 'POLICY_HOLDER',
    legal_representative: 'POLICY_LEGAL_REPRESENTATIVE',
    carer: 'POLICY_CARER_MANDATE',
    protector: 'POLICY_PROTECTOR_REPRESENTATION',
  } as const;
  return allow(reasonByRole[role], role);
}

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

function decideForProfessional(action: PolicyAction, dossier: DossierFacts): Decision {
  if (dossier.state === 'closed') return deny('DOSSIER_CLOSED');
  // Finding a patient by INS and reading the identity is how care starts (SPEC §9); documents have
  // their own rules (matrix, consent, masking), decided per document.
  if (action === 'dossier.identity.search' || action === 'dossier.identity.read') return allow('POLICY_PRO_PATIENT_IDENTIFICATION');
  return deny('POLICY_NO_RULE');
}
