import type { Actor } from '../actor.ts';
import { ADVANCE_DIRECTIVES_TYPE_CODE } from '../document.ts';
import type { AccessRequest, Decision, DocumentFacts, DossierFacts, PatientSideRole, PolicyAction } from './access-facts.ts';
import { allow, deny } from './decision.ts';
import { isVisibleToPatientAt } from './invisibility.ts';

const LIFECYCLE: ReadonlySet<PolicyAction> = new Set<PolicyAction>([
  'dossier.lifecycle.activate', 'dossier.lifecycle.oppose', 'dossier.lifecycle.close', 'dossier.lifecycle.reopen',
]);
const ROLE_REASON = {
  holder: 'POLICY_HOLDER',
  legal_representative: 'POLICY_LEGAL_REPRESENTATIVE',
  carer: 'POLICY_CARER_MANDATE',
  protector: 'POLICY_PROTECTOR_REPRESENTATION',
} as const;

/** Decisions for the holder and those who act for them (SPEC §1, §3.8, §3.9). */
export function decideForPatientSide(req: AccessRequest, role: PatientSideRole): Decision {
  const { action, dossier } = req;
  const ok = () => allow(ROLE_REASON[role], { role });
  // Closure removes every access at once; only the holder (or their representative) may reopen, and
  // they are told so (since when, until when). A carer's mandate ended with it: nothing to tell them.
  if (dossier!.state === 'closed') {
    if (role === 'carer') return deny('DOSSIER_CLOSED');
    return action === 'dossier.lifecycle.reopen' ? allow('POLICY_REOPEN_BY_HOLDER', { role }) : closedForHolderSide(dossier!);
  }
  if (LIFECYCLE.has(action)) return role === 'carer' ? deny('POLICY_CARER_CANNOT_MANAGE_SPACE') : ok();
  switch (action) {
    case 'dossier.identity.read':
    case 'dossier.audit.read':
    case 'settings.read':
      return ok();
    case 'settings.update':
    case 'professional.block':
      // A carer sees the space but does not decide who else may (SPEC §1 carers).
      return role === 'carer' ? deny('POLICY_CARER_CANNOT_CHANGE') : ok();
    case 'delegation.update':
    case 'delegation.invite':
    case 'delegation.withdraw':
      // Nor who else acts in it: inviting, withdrawing an invitation and revoking are the holder side's.
      return role === 'carer' ? deny('POLICY_CARER_CANNOT_DELEGATE') : ok();
    case 'delegation.give_up':
      // A carer may end their own mandate at any time; nobody else has one to give up.
      return role === 'carer' ? ok() : deny('POLICY_NOT_A_CARER');
    case 'document.search':
      return dossier!.state === 'active' ? ok() : deny('DOSSIER_NOT_ACTIVATED');
    case 'document.read':
      return readable(req, role) ?? ok();
    case 'document.feed':
      return deposit(req, role) ?? ok();
    case 'document.content.stage':
      // Every patient-side role may deposit (the type and advance-directive rules apply at the feed).
      return dossier!.state === 'active' ? ok() : deny('DOSSIER_NOT_ACTIVATED');
    case 'document.delete':
    case 'document.replace': {
      const refused = readable(req, role);
      if (refused) return refused;
      // Only the patient's own uploads (SPEC §2: the patient is their author), and never by a carer, who
      // reads them and may add new ones but not replace or delete what is there (advance directives: §1).
      const doc = req.document!;
      const ownUpload = doc.author.kind === 'patient' && doc.author.dossierId === dossier!.dossierId;
      if (!ownUpload) return deny('POLICY_NOT_AUTHOR');
      if (role === 'carer') {
        const directives = doc.typeCode === ADVANCE_DIRECTIVES_TYPE_CODE || req.deposit?.isAdvanceDirective === true;
        return deny(directives ? 'POLICY_ADVANCE_DIRECTIVES_PROTECTED' : 'POLICY_CARER_CANNOT_REMOVE_DOCUMENT');
      }
      return action === 'document.replace' ? deposit(req, role) ?? ok() : ok();
    }
    case 'document.labels.update':
      return relabel(req, role) ?? ok();
    default:
      return deny('POLICY_NO_RULE');
  }
}

function readable(req: AccessRequest, role: PatientSideRole): Decision | null {
  if (req.dossier!.state !== 'active') return deny('DOSSIER_NOT_ACTIVATED');
  const doc = req.document;
  if (!doc || !req.rules) return deny('POLICY_FACTS_MISSING');
  return documentHiddenFrom(doc, role, req);
}

/** Why a document is hidden from this patient-side role, or null when it is visible. */
function documentHiddenFrom(doc: DocumentFacts, role: PatientSideRole, req: AccessRequest): Decision | null {
  if (doc.deleted || doc.status === 'entered-in-error') return deny('POLICY_DOCUMENT_DELETED');
  // SPEC §3.8: hidden from the patient and everyone acting for them until revealed or the delay ends.
  if (doc.labels.includes('INVISIBLE_PATIENT') && !isVisibleToPatientAt(doc, req.now, req.rules!)) return deny('POLICY_INVISIBLE_TO_PATIENT');
  // SPEC §3.9: the minor's secret is kept from those who act as parents.
  if (doc.labels.includes('INVISIBLE_REPRESENTANTS_LEGAUX') && (role === 'legal_representative' || role === 'carer')) {
    return deny('POLICY_INVISIBLE_TO_REPRESENTATIVES');
  }
  return null;
}

function deposit(req: AccessRequest, role: PatientSideRole): Decision | null {
  if (req.dossier!.state !== 'active') return deny('DOSSIER_NOT_ACTIVATED');
  const d = req.deposit;
  if (!d) return deny('POLICY_FACTS_MISSING');
  if (!d.isPatientType) return deny('POLICY_PROFESSIONAL_TYPE_RESERVED');
  if (role === 'carer' && d.isAdvanceDirective) return deny('POLICY_ADVANCE_DIRECTIVES_PROTECTED');
  // The patient may mask their own upload; the invisibility labels are professionals' tools.
  if (d.labels.some((l) => l !== 'MASQUE_PS')) return deny('POLICY_LABEL_NOT_ALLOWED');
  return null;
}

function relabel(req: AccessRequest, role: PatientSideRole): Decision | null {
  if (role === 'carer') return deny('POLICY_CARER_CANNOT_RELABEL');
  const refused = readable(req, role);
  if (refused) return refused;
  const change = req.labelChange;
  if (!change) return deny('POLICY_FACTS_MISSING');
  // Patients mask and unmask (SPEC §3.6); nothing else.
  if ([...change.add, ...change.remove].some((l) => l !== 'MASQUE_PS')) return deny('POLICY_LABEL_NOT_ALLOWED');
  return null;
}

/** The holder side of a closed space learns since when, and until when it may be reopened (issue 8, item 15). */
function closedForHolderSide(dossier: DossierFacts): Decision {
  const facts: Record<string, string> = {};
  if (dossier.closedAt) facts.closedAt = dossier.closedAt.toISOString();
  if (dossier.retentionUntil) facts.reopenUntil = dossier.retentionUntil.toISOString();
  return deny('DOSSIER_CLOSED_REOPENABLE', facts);
}

/**
 * The invited person's answer to a carer invitation (issue 8, item 6): only they may accept or decline
 * it, only while it is pending, and only while carers are open and the space is not closed. Anyone else
 * is answered as if there were no such invitation.
 */
export function decideInvitationAnswer(req: AccessRequest, actor: Extract<Actor, { kind: 'person' }>): Decision {
  const invitation = req.invitation;
  if (!req.settings.carersEnabled) return deny('POLICY_NO_RELATIONSHIP');
  if (!invitation || !invitation.pending || invitation.inviteeDossierId !== actor.dossierId) return deny('POLICY_NO_INVITATION');
  if (req.dossier!.state === 'closed') return deny('POLICY_NO_INVITATION');
  return allow('POLICY_CARER_INVITEE');
}
