import type { Actor } from '../actor.ts';
import type { AccessRequest, Decision, DocumentFacts, PatientSettings, ProfessionalFacts, RuleData } from './access-facts.ts';
import { isMinorAt } from './age.ts';
import { allow, deny } from './decision.ts';

type Professional = Extract<Actor, { kind: 'professional' }>;
type Facts = { f: ProfessionalFacts; settings: PatientSettings; rules: RuleData };

/** Decisions for health and médico-social professionals, in the order of SPEC §3. */
export function decideForProfessional(req: AccessRequest, actor: Professional): Decision {
  const { professional: f, patientSettings: settings, rules } = req;
  if (!f || !settings || !rules) return deny('POLICY_FACTS_MISSING');
  // §3.2: a blocked professional can neither read nor feed, in any mode.
  if (f.blocked) return deny('POLICY_BLOCKED_PROFESSIONAL');
  // §3.4: médico-social roles are authorised by law but opened by a setting.
  const sector = rules.sectorOf(actor.profession);
  if (!sector) return deny('POLICY_MATRIX_UNKNOWN');
  if (sector === 'medico_social' && !rules.medicoSocialEnabled) return deny('POLICY_MEDICO_SOCIAL_DISABLED');
  // §3.10: the secret connection exists for minors only: starting one for an adult is refused, and one
  // started before the patient's majority no longer applies (the professional is back in normal mode).
  const minor = isMinorAt(req.dossier!.birthDate, req.now);
  if (req.action === 'secret.start' && !minor) return deny('POLICY_SECRET_MINORS_ONLY');
  const mode = f.mode === 'secret' && !minor ? 'normal' : f.mode;
  const facts: Facts = { f: { ...f, mode }, settings, rules };
  switch (req.action) {
    case 'dossier.identity.read':
    case 'dossier.identity.search':
      return allow('POLICY_PRO_PATIENT_IDENTIFICATION', { mode: f.mode });
    case 'consent.record':
    case 'information.record':
    case 'opposition.record':
      return allow('POLICY_PRO_RECORDS_FOR_PATIENT', { mode: f.mode });
    case 'emergency.start':
      return startEmergency(actor, { ...facts, f });
    case 'secret.start':
      return allow('POLICY_SECRET_CONNECTION', { mode: 'secret' });
    case 'document.search':
      return consultationGate(actor, facts);
    case 'document.read':
      return req.document ? readDocument(req.document, actor, facts) : deny('POLICY_FACTS_MISSING');
    case 'document.feed':
      return feed(req, facts) ?? allow('POLICY_PRO_FEED', { mode: f.mode });
    case 'document.content.stage':
      // The feeding gate without the per-document facts (type, labels, opposition): those are decided
      // when the DocumentReference that uses the content is fed.
      return facts.f.patientInformed ? allow('POLICY_PRO_STAGE_CONTENT', { mode: facts.f.mode }) : deny('POLICY_PATIENT_NOT_INFORMED');
    case 'document.replace':
    case 'document.delete': {
      const doc = req.document;
      if (!doc) return deny('POLICY_FACTS_MISSING');
      const visible = readDocument(doc, actor, facts);
      if (visible.effect === 'deny') return visible;
      if (!isAuthor(doc, actor)) return deny('POLICY_NOT_AUTHOR');
      if (req.action === 'document.delete') return allow('POLICY_AUTHOR', { mode: f.mode });
      return feed(req, facts) ?? allow('POLICY_AUTHOR', { mode: f.mode });
    }
    case 'document.labels.update':
      return relabel(req, actor, facts);
    default:
      return deny('POLICY_NO_RULE');
  }
}

/**
 * §3.10: everything a professional does in a secret connection is part of it, refusals included (a
 * refused deposit tells the parents as much as an accepted one): a denial made in a secret connection
 * carries the mode, so it is traced and hidden like the rest of the session.
 */
export function inSessionMode(req: Pick<AccessRequest, 'professional' | 'dossier' | 'now'>, decision: Decision): Decision {
  if (decision.effect === 'allow' || req.professional?.mode !== 'secret' || !req.dossier) return decision;
  return isMinorAt(req.dossier.birthDate, req.now) ? { ...decision, mode: 'secret' } : decision;
}

const isAuthor = (doc: DocumentFacts, actor: Professional) => doc.author.kind === 'professional' && doc.author.rpps === actor.rpps;

/** §3.5 / §3.7: consultation needs recorded consent, the médecin traitant's standing, or an emergency mode in force. */
function consultationGate(actor: Professional, { f, settings }: Facts): Decision {
  if (f.mode === 'bris_de_glace' && !settings.blockEmergency) return allow('POLICY_EMERGENCY_BRIS_DE_GLACE', { mode: f.mode });
  if (f.mode === 'samu' && !settings.blockSamu) return allow('POLICY_EMERGENCY_SAMU', { mode: f.mode });
  // An emergency mode the patient blocked gives nothing, but takes nothing away either: the
  // professional's ordinary standing (médecin traitant, consent) still applies, in normal mode.
  const emergencyBlocked = f.mode === 'bris_de_glace' || f.mode === 'samu';
  const mode = emergencyBlocked ? 'normal' : f.mode;
  if (settings.medecinTraitantRpps === actor.rpps) return allow('POLICY_MEDECIN_TRAITANT', { mode });
  if (f.consent) return allow('POLICY_CONSENT', { mode });
  if (emergencyBlocked) return deny(f.mode === 'samu' ? 'POLICY_EMERGENCY_SAMU_BLOCKED' : 'POLICY_EMERGENCY_BLOCKED');
  return deny('POLICY_NO_CONSENT');
}

function readDocument(doc: DocumentFacts, actor: Professional, facts: Facts): Decision {
  const { f, settings, rules } = facts;
  // §3.3: the author always reads their document; the médecin traitant reads even masked ones.
  const author = isAuthor(doc, actor);
  const medecinTraitant = settings.medecinTraitantRpps === actor.rpps;
  // The explicit refusals that do not depend on the document (no consent, emergency blocked) come
  // first, so their answer is the same for a document that exists and for one that does not.
  const gate = consultationGate(actor, facts);
  if (!author && !medecinTraitant && gate.effect === 'deny') return gate;
  if (doc.deleted || doc.status === 'entered-in-error') return deny('POLICY_DOCUMENT_DELETED');
  if (author) return allow('POLICY_AUTHOR', { mode: f.mode });
  if (medecinTraitant) return allow('POLICY_MEDECIN_TRAITANT', { mode: f.mode });
  // §3.4: the habilitation matrix is a ceiling; an unknown cell denies.
  const cell = rules.matrixAllows(doc.typeCode, actor.profession, actor.specialty);
  if (cell === undefined) return deny('POLICY_MATRIX_UNKNOWN');
  if (!cell) return deny('POLICY_MATRIX');
  // §3.6: masked documents (one, or all with "mask all") are hidden except in emergency unless blocked too.
  if (doc.labels.includes('MASQUE_PS') || settings.maskAll) {
    const emergency = gate.effect === 'allow' && (gate.mode === 'bris_de_glace' || gate.mode === 'samu');
    if (!emergency) return deny('POLICY_MASKED');
    if (settings.blockMaskedInEmergency) return deny('POLICY_MASKED_IN_EMERGENCY');
  }
  return gate;
}

function feed(req: AccessRequest, { f }: Facts): Decision | null {
  const d = req.deposit;
  if (!d) return deny('POLICY_FACTS_MISSING');
  // §2: the patient must have been informed once; an opposed document is not sent.
  if (!f.patientInformed) return deny('POLICY_PATIENT_NOT_INFORMED');
  if (d.opposed) return deny('POLICY_DOCUMENT_OPPOSED');
  if (d.isPatientType) return deny('POLICY_PATIENT_TYPE_RESERVED');
  if (d.labels.includes('INVISIBLE_PATIENT') && d.labels.includes('MASQUE_PS')) return deny('POLICY_LABELS_INCOMPATIBLE');
  if (d.labels.includes('INVISIBLE_REPRESENTANTS_LEGAUX') && !isMinorAt(req.dossier!.birthDate, req.now)) return deny('POLICY_LABEL_MINORS_ONLY');
  // §3.10: in a secret connection, only documents hidden from the representatives may be deposited.
  if (f.mode === 'secret' && !d.labels.includes('INVISIBLE_REPRESENTANTS_LEGAUX')) return deny('POLICY_SECRET_DEPOSIT_RESTRICTED');
  return null;
}

/**
 * §3.7 who may start an emergency access (L.1111-17: a professionnel de santé facing a risk to the patient).
 * Bris de glace: a health professional whom the habilitation matrix in force lets read at least one document
 * type (what they then read is still decided document by document by the matrix); médico-social roles and
 * professions with no column or no allowed cell are refused. SAMU regulation mode: a physician (G15:10)
 * practising in a listed regulation centre (centre 15). Then the patient's blocks apply.
 */
function startEmergency(actor: Professional, { f, settings, rules }: Facts): Decision {
  if (f.mode === 'samu') {
    if (actor.profession !== 'G15:10' || f.regulationCentre !== true) return deny('POLICY_SAMU_ROLE_REQUIRED');
    return settings.blockSamu ? deny('POLICY_EMERGENCY_SAMU_BLOCKED') : allow('POLICY_EMERGENCY_SAMU', { mode: 'samu' });
  }
  if (f.mode === 'bris_de_glace') {
    const habilitated = rules.sectorOf(actor.profession) === 'health' && rules.readsAnyDocumentType?.(actor.profession, actor.specialty) === true;
    if (!habilitated) return deny('POLICY_EMERGENCY_NOT_HABILITATED');
    return settings.blockEmergency ? deny('POLICY_EMERGENCY_BLOCKED') : allow('POLICY_EMERGENCY_BRIS_DE_GLACE', { mode: 'bris_de_glace' });
  }
  return deny('POLICY_FACTS_MISSING');
}

function relabel(req: AccessRequest, actor: Professional, facts: Facts): Decision {
  const doc = req.document;
  const change = req.labelChange;
  if (!doc || !change) return deny('POLICY_FACTS_MISSING');
  const visible = readDocument(doc, actor, facts);
  if (visible.effect === 'deny') return visible;
  // Invisibility is decided at deposit only: adding it later could hide what the patient already saw.
  if (change.add.some((l) => l !== 'MASQUE_PS')) return deny('POLICY_LABEL_ONLY_AT_DEPOSIT');
  // Masking by a professional: the author, at or after deposit (DOMAIN §5.1).
  if ((change.add.includes('MASQUE_PS') || change.remove.includes('MASQUE_PS')) && !isAuthor(doc, actor)) return deny('POLICY_NOT_AUTHOR');
  if (change.add.includes('MASQUE_PS') && doc.labels.includes('INVISIBLE_PATIENT') && !change.remove.includes('INVISIBLE_PATIENT')) {
    return deny('POLICY_LABELS_INCOMPATIBLE');
  }
  if (change.remove.includes('INVISIBLE_REPRESENTANTS_LEGAUX') && !change.confirmIrreversible) return deny('POLICY_REVEAL_NEEDS_CONFIRMATION');
  return visible;
}
