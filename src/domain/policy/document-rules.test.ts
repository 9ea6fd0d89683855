import { describe, expect, it } from 'vitest';
import type { Actor } from '../actor.ts';
import type { ConfidentialityLabel, DocumentAuthor } from '../document.ts';
import {
  decideAccess, DEFAULT_PATIENT_SETTINGS, type AccessMode, type AccessRequest, type DepositFacts, type DocumentFacts,
  type LabelChange, type PatientSettings, type PolicyAction, type ProfessionalFacts, type RelationshipFact,
} from './decide-access.ts';
import { DENIAL_REASONS } from './reasons.ts';

const now = new Date('2026-06-01T12:00:00Z');
const DOSSIER = 'd-patient';
const doctor: Actor = { kind: 'professional', accountId: 'a1', displayName: 'Dr A', rpps: '10000000001', profession: 'G15:10', specialty: 'SM54', structure: { finess: '750000001', name: 'Cabinet' } };
const otherDoctor: Actor = { ...doctor, accountId: 'a2', rpps: '10000000002', displayName: 'Dr B' };
const nurse: Actor = { kind: 'professional', accountId: 'a3', displayName: 'Inf C', rpps: '10000000003', profession: 'G15:60', specialty: null, structure: null };
const socialWorker: Actor = { kind: 'professional', accountId: 'a4', displayName: 'AS D', rpps: '10000000004', profession: 'R94:41', specialty: null, structure: null };
const unknownProfession: Actor = { ...nurse, profession: 'G15:999' };
const holder: Actor = { kind: 'person', accountId: 'p1', dossierId: DOSSIER, displayName: 'Léa' };
const parent: Actor = { kind: 'person', accountId: 'p2', dossierId: 'd-parent', displayName: 'Parent' };
const carer: Actor = { kind: 'person', accountId: 'p3', dossierId: 'd-carer', displayName: 'Aidant' };
const protector: Actor = { kind: 'person', accountId: 'p4', dossierId: 'd-protector', displayName: 'Tuteur' };
const operatorActor: Actor = { kind: 'operator', accountId: 'o1', displayName: 'Opérateur' };
const app: Actor = { kind: 'app', clientId: 'app-1', displayName: 'Application' };
const job: Actor = { kind: 'system', job: 'revisibility' };
const relationships: RelationshipFact[] = [
  { kind: 'legal_representative', relatedDossierId: 'd-parent', endedAt: null },
  { kind: 'carer', relatedDossierId: 'd-carer', endedAt: null },
  { kind: 'protector', relatedDossierId: 'd-protector', endedAt: null },
];
const proAuthor = (a: Actor): DocumentAuthor => a.kind === 'professional'
  ? { kind: 'professional', accountId: a.accountId, rpps: a.rpps, displayName: a.displayName, profession: a.profession, specialty: a.specialty, structure: a.structure }
  : { kind: 'patient', dossierId: DOSSIER, displayName: 'Léa' };
const doc = (labels: ConfidentialityLabel[] = [], extra: Partial<DocumentFacts> = {}): DocumentFacts => ({
  documentId: 'doc-1', status: 'current', typeCode: '11488-4', author: proAuthor(otherDoctor), labels,
  invisibleToPatientSince: labels.includes('INVISIBLE_PATIENT') ? new Date('2026-05-01T00:00:00Z') : null, deleted: false, ...extra,
});
// A small matrix: nurses may not read psychiatric syntheses (68599-0); social workers read only 88348-8.
const matrixAllows = (type: string, profession: string) => {
  if (profession === 'G15:10') return type !== 'ATTEST-RESID';
  if (profession === 'G15:60') return type !== '68599-0';
  if (profession === 'R94:41') return type === '88348-8';
  return undefined;
};
const MATRIX_TYPES = ['11488-4', '68599-0', '88348-8', 'ATTEST-RESID'];
const rules = (medicoSocialEnabled = false) => ({
  matrixAllows, medicoSocialEnabled, invisiblePatientVisibleAfterDays: 90,
  sectorOf: (p: string) => (p.startsWith('G15') && p !== 'G15:999' ? 'health' as const : p.startsWith('R94') ? 'medico_social' as const : undefined),
  readsAnyDocumentType: (p: string) => MATRIX_TYPES.some((type) => matrixAllows(type, p) === true),
});
const deposit = (over: Partial<DepositFacts> = {}): DepositFacts => ({ typeCode: '11488-4', labels: [], opposed: false, isPatientType: false, isAdvanceDirective: false, ...over });

type Row = {
  name: string; actor: Actor; action: PolicyAction; expect: string;
  pro?: Partial<ProfessionalFacts>; settings?: Partial<PatientSettings>; document?: DocumentFacts; deposit?: DepositFacts;
  labelChange?: LabelChange; state?: 'created' | 'active' | 'closed' | 'opposed'; birthDate?: string; medicoSocial?: boolean; at?: Date;
};

function run(r: Row) {
  const req: AccessRequest = {
    actor: r.actor, action: r.action, now: r.at ?? now, relationships, settings: { carersEnabled: true },
    dossier: { dossierId: DOSSIER, state: r.state ?? 'active', birthDate: r.birthDate ?? '2012-01-01' },
    patientSettings: { ...DEFAULT_PATIENT_SETTINGS, ...r.settings },
    professional: { blocked: false, consent: true, patientInformed: true, mode: 'normal' as AccessMode, ...r.pro },
    rules: rules(r.medicoSocial),
    ...(r.document ? { document: r.document } : {}),
    ...(r.deposit ? { deposit: r.deposit } : {}),
    ...(r.labelChange ? { labelChange: r.labelChange } : {}),
  };
  const d = decideAccess(req);
  return `${d.effect}:${d.reason}`;
}

const rows: Row[] = [
  // §3.1 dossier state
  { name: 'closed space: professional sees nothing', actor: doctor, action: 'document.read', document: doc(), state: 'closed', expect: 'deny:DOSSIER_CLOSED' },
  { name: 'opposed space: nobody', actor: holder, action: 'document.search', state: 'opposed', expect: 'deny:DOSSIER_OPPOSED' },
  { name: 'feeding before activation is allowed', actor: doctor, action: 'document.feed', deposit: deposit(), state: 'created', expect: 'allow:POLICY_PRO_FEED' },
  { name: 'patient reads only once the space is activated', actor: holder, action: 'document.read', document: doc(), state: 'created', expect: 'deny:DOSSIER_NOT_ACTIVATED' },
  // §3.2 blocked professional
  { name: 'blocked: no read', actor: doctor, action: 'document.read', document: doc(), pro: { blocked: true }, expect: 'deny:POLICY_BLOCKED_PROFESSIONAL' },
  { name: 'blocked: no feed', actor: doctor, action: 'document.feed', deposit: deposit(), pro: { blocked: true }, expect: 'deny:POLICY_BLOCKED_PROFESSIONAL' },
  { name: 'blocked: even in emergency', actor: doctor, action: 'document.read', document: doc(), pro: { blocked: true, mode: 'bris_de_glace' }, expect: 'deny:POLICY_BLOCKED_PROFESSIONAL' },
  { name: 'blocked: even the author', actor: otherDoctor, action: 'document.read', document: doc(), pro: { blocked: true }, expect: 'deny:POLICY_BLOCKED_PROFESSIONAL' },
  // §3.3 author and médecin traitant
  { name: 'author reads a masked document without consent', actor: otherDoctor, action: 'document.read', document: doc(['MASQUE_PS']), pro: { consent: false }, expect: 'allow:POLICY_AUTHOR' },
  { name: 'médecin traitant reads masked documents', actor: doctor, action: 'document.read', document: doc(['MASQUE_PS']), settings: { medecinTraitantRpps: doctor.kind === 'professional' ? doctor.rpps : null }, expect: 'allow:POLICY_MEDECIN_TRAITANT' },
  { name: 'médecin traitant sees "mask all" documents', actor: doctor, action: 'document.read', document: doc(), settings: { maskAll: true, medecinTraitantRpps: '10000000001' }, expect: 'allow:POLICY_MEDECIN_TRAITANT' },
  // §3.4 matrix and sector
  { name: 'matrix denies a nurse a psychiatric synthesis', actor: nurse, action: 'document.read', document: doc([], { typeCode: '68599-0' }), expect: 'deny:POLICY_MATRIX' },
  { name: 'matrix allows a nurse a consultation report', actor: nurse, action: 'document.read', document: doc(), expect: 'allow:POLICY_CONSENT' },
  { name: 'unknown profession: fail closed', actor: unknownProfession, action: 'document.read', document: doc(), expect: 'deny:POLICY_MATRIX_UNKNOWN' },
  { name: 'médico-social roles switched off', actor: socialWorker, action: 'document.read', document: doc([], { typeCode: '88348-8' }), expect: 'deny:POLICY_MEDICO_SOCIAL_DISABLED' },
  { name: 'médico-social roles switched on: matrix applies', actor: socialWorker, action: 'document.read', document: doc([], { typeCode: '88348-8' }), medicoSocial: true, expect: 'allow:POLICY_CONSENT' },
  { name: 'médico-social roles switched on: other types stay closed', actor: socialWorker, action: 'document.read', document: doc(), medicoSocial: true, expect: 'deny:POLICY_MATRIX' },
  // §3.5 consent and information
  { name: 'no consent: no consultation', actor: doctor, action: 'document.read', document: doc(), pro: { consent: false }, expect: 'deny:POLICY_NO_CONSENT' },
  { name: 'no consent: no search', actor: doctor, action: 'document.search', pro: { consent: false }, expect: 'deny:POLICY_NO_CONSENT' },
  { name: 'consent recorded: search', actor: doctor, action: 'document.search', expect: 'allow:POLICY_CONSENT' },
  { name: 'feeding needs the patient informed', actor: doctor, action: 'document.feed', deposit: deposit(), pro: { patientInformed: false }, expect: 'deny:POLICY_PATIENT_NOT_INFORMED' },
  { name: 'feeding does not need consent', actor: doctor, action: 'document.feed', deposit: deposit(), pro: { consent: false }, expect: 'allow:POLICY_PRO_FEED' },
  { name: 'an opposed document is refused', actor: doctor, action: 'document.feed', deposit: deposit({ opposed: true }), expect: 'deny:POLICY_DOCUMENT_OPPOSED' },
  { name: 'patient types are the patient\'s', actor: doctor, action: 'document.feed', deposit: deposit({ isPatientType: true }), expect: 'deny:POLICY_PATIENT_TYPE_RESERVED' },
  // §3.6 masking
  { name: 'masked document hidden', actor: doctor, action: 'document.read', document: doc(['MASQUE_PS']), expect: 'deny:POLICY_MASKED' },
  { name: '"mask all" hides every document', actor: doctor, action: 'document.read', document: doc(), settings: { maskAll: true }, expect: 'deny:POLICY_MASKED' },
  // §3.7 emergency
  { name: 'bris de glace without consent', actor: doctor, action: 'document.read', document: doc(), pro: { consent: false, mode: 'bris_de_glace' }, expect: 'allow:POLICY_EMERGENCY_BRIS_DE_GLACE' },
  { name: 'bris de glace sees masked documents', actor: doctor, action: 'document.read', document: doc(['MASQUE_PS']), pro: { consent: false, mode: 'bris_de_glace' }, expect: 'allow:POLICY_EMERGENCY_BRIS_DE_GLACE' },
  { name: 'bris de glace blocked by the patient', actor: doctor, action: 'document.read', document: doc(), pro: { consent: false, mode: 'bris_de_glace' }, settings: { blockEmergency: true }, expect: 'deny:POLICY_EMERGENCY_BLOCKED' },
  { name: 'a blocked emergency mode leaves the consent in force', actor: doctor, action: 'document.read', document: doc(), pro: { mode: 'bris_de_glace' }, settings: { blockEmergency: true }, expect: 'allow:POLICY_CONSENT' },
  { name: 'a blocked emergency mode does not open masked documents', actor: doctor, action: 'document.read', document: doc(['MASQUE_PS']), pro: { mode: 'bris_de_glace' }, settings: { blockEmergency: true }, expect: 'deny:POLICY_MASKED' },
  { name: 'a secret session ends with majority: normal mode again', actor: doctor, action: 'document.feed', pro: { mode: 'secret' }, deposit: deposit(), birthDate: '1990-01-01', expect: 'allow:POLICY_PRO_FEED' },
  { name: 'masked documents blocked in emergency', actor: doctor, action: 'document.read', document: doc(['MASQUE_PS']), pro: { mode: 'bris_de_glace' }, settings: { blockMaskedInEmergency: true }, expect: 'deny:POLICY_MASKED_IN_EMERGENCY' },
  { name: 'SAMU mode', actor: doctor, action: 'document.read', document: doc(), pro: { consent: false, mode: 'samu' }, expect: 'allow:POLICY_EMERGENCY_SAMU' },
  { name: 'SAMU blocked, bris de glace still possible', actor: doctor, action: 'emergency.start', pro: { mode: 'bris_de_glace' }, settings: { blockSamu: true }, expect: 'allow:POLICY_EMERGENCY_BRIS_DE_GLACE' },
  { name: 'SAMU blocked by the patient', actor: doctor, action: 'emergency.start', pro: { mode: 'samu', regulationCentre: true }, settings: { blockSamu: true }, expect: 'deny:POLICY_EMERGENCY_SAMU_BLOCKED' },
  // Who may start an emergency access (issue 8): bris de glace for health professionals the matrix lets
  // read documents; the SAMU mode for physicians of a listed regulation centre.
  { name: 'bris de glace: a nurse of the matrix', actor: nurse, action: 'emergency.start', pro: { mode: 'bris_de_glace', consent: false }, expect: 'allow:POLICY_EMERGENCY_BRIS_DE_GLACE' },
  { name: 'bris de glace: not a médico-social role, even opened', actor: socialWorker, action: 'emergency.start', pro: { mode: 'bris_de_glace' }, medicoSocial: true, expect: 'deny:POLICY_EMERGENCY_NOT_HABILITATED' },
  { name: 'bris de glace: not a health profession the matrix gives no document type', actor: { ...nurse, profession: 'G15:97' } as Actor, action: 'emergency.start', pro: { mode: 'bris_de_glace' }, expect: 'deny:POLICY_EMERGENCY_NOT_HABILITATED' },
  { name: 'bris de glace: habilitation checked before the patient\'s block', actor: socialWorker, action: 'emergency.start', pro: { mode: 'bris_de_glace' }, medicoSocial: true, settings: { blockEmergency: true }, expect: 'deny:POLICY_EMERGENCY_NOT_HABILITATED' },
  { name: 'SAMU mode: a physician of a listed regulation centre', actor: doctor, action: 'emergency.start', pro: { mode: 'samu', regulationCentre: true, consent: false }, expect: 'allow:POLICY_EMERGENCY_SAMU' },
  { name: 'SAMU mode: not a physician outside a regulation centre', actor: doctor, action: 'emergency.start', pro: { mode: 'samu' }, expect: 'deny:POLICY_SAMU_ROLE_REQUIRED' },
  { name: 'SAMU mode is for physicians, even in a regulation centre', actor: nurse, action: 'emergency.start', pro: { mode: 'samu', regulationCentre: true }, expect: 'deny:POLICY_SAMU_ROLE_REQUIRED' },
  { name: 'emergency start needs a mode', actor: doctor, action: 'emergency.start', expect: 'deny:POLICY_FACTS_MISSING' },
  // §3.8 invisible to the patient
  { name: 'invisible to the patient: hidden from the holder', actor: holder, action: 'document.read', document: doc(['INVISIBLE_PATIENT']), expect: 'deny:POLICY_INVISIBLE_TO_PATIENT' },
  { name: 'invisible to the patient: hidden from the parent', actor: parent, action: 'document.read', document: doc(['INVISIBLE_PATIENT']), expect: 'deny:POLICY_INVISIBLE_TO_PATIENT' },
  { name: 'invisible to the patient: visible by itself after the delay', actor: holder, action: 'document.read', document: doc(['INVISIBLE_PATIENT']), at: new Date('2026-07-30T00:00:00Z'), expect: 'allow:POLICY_HOLDER' },
  { name: 'invisible to the patient: professionals still read it', actor: doctor, action: 'document.read', document: doc(['INVISIBLE_PATIENT']), expect: 'allow:POLICY_CONSENT' },
  { name: 'invisible and masked together is refused', actor: doctor, action: 'document.feed', deposit: deposit({ labels: ['INVISIBLE_PATIENT', 'MASQUE_PS'] }), expect: 'deny:POLICY_LABELS_INCOMPATIBLE' },
  { name: 'a professional makes it visible earlier', actor: doctor, action: 'document.labels.update', document: doc(['INVISIBLE_PATIENT']), labelChange: { add: [], remove: ['INVISIBLE_PATIENT'], confirmIrreversible: false }, expect: 'allow:POLICY_CONSENT' },
  { name: 'invisibility only at deposit', actor: otherDoctor, action: 'document.labels.update', document: doc(), labelChange: { add: ['INVISIBLE_PATIENT'], remove: [], confirmIrreversible: false }, expect: 'deny:POLICY_LABEL_ONLY_AT_DEPOSIT' },
  // §3.9 invisible to legal representatives
  { name: 'hidden from the parent', actor: parent, action: 'document.read', document: doc(['INVISIBLE_REPRESENTANTS_LEGAUX']), expect: 'deny:POLICY_INVISIBLE_TO_REPRESENTATIVES' },
  { name: 'the minor sees it', actor: holder, action: 'document.read', document: doc(['INVISIBLE_REPRESENTANTS_LEGAUX']), expect: 'allow:POLICY_HOLDER' },
  { name: 'only for minors', actor: doctor, action: 'document.feed', deposit: deposit({ labels: ['INVISIBLE_REPRESENTANTS_LEGAUX'] }), birthDate: '1990-01-01', expect: 'deny:POLICY_LABEL_MINORS_ONLY' },
  { name: 'revealing to the parents needs confirmation', actor: doctor, action: 'document.labels.update', document: doc(['INVISIBLE_REPRESENTANTS_LEGAUX']), labelChange: { add: [], remove: ['INVISIBLE_REPRESENTANTS_LEGAUX'], confirmIrreversible: false }, expect: 'deny:POLICY_REVEAL_NEEDS_CONFIRMATION' },
  { name: 'revealing to the parents with confirmation', actor: doctor, action: 'document.labels.update', document: doc(['INVISIBLE_REPRESENTANTS_LEGAUX']), labelChange: { add: [], remove: ['INVISIBLE_REPRESENTANTS_LEGAUX'], confirmIrreversible: true }, expect: 'allow:POLICY_CONSENT' },
  // §3.10 secret connection
  { name: 'secret connection for a minor', actor: doctor, action: 'secret.start', pro: { mode: 'secret' }, expect: 'allow:POLICY_SECRET_CONNECTION' },
  { name: 'secret connection refused for an adult', actor: doctor, action: 'secret.start', pro: { mode: 'secret' }, birthDate: '1990-01-01', expect: 'deny:POLICY_SECRET_MINORS_ONLY' },
  { name: 'secret deposit must be hidden from the parents', actor: doctor, action: 'document.feed', pro: { mode: 'secret' }, deposit: deposit(), expect: 'deny:POLICY_SECRET_DEPOSIT_RESTRICTED' },
  { name: 'secret deposit hidden from the parents', actor: doctor, action: 'document.feed', pro: { mode: 'secret' }, deposit: deposit({ labels: ['INVISIBLE_REPRESENTANTS_LEGAUX'] }), expect: 'allow:POLICY_PRO_FEED' },
  // Staging content (FHIR Binary) before the DocumentReference that feeds it: the feeding gate, without the document's facts
  { name: 'a professional stages content once the patient is informed', actor: nurse, action: 'document.content.stage', pro: { consent: false }, expect: 'allow:POLICY_PRO_STAGE_CONTENT' },
  { name: 'staging needs the patient informed', actor: doctor, action: 'document.content.stage', pro: { patientInformed: false }, expect: 'deny:POLICY_PATIENT_NOT_INFORMED' },
  { name: 'blocked: no staging', actor: doctor, action: 'document.content.stage', pro: { blocked: true }, expect: 'deny:POLICY_BLOCKED_PROFESSIONAL' },
  { name: 'staging before activation, like feeding', actor: doctor, action: 'document.content.stage', state: 'created', expect: 'allow:POLICY_PRO_STAGE_CONTENT' },
  { name: 'closed space: no staging', actor: doctor, action: 'document.content.stage', state: 'closed', expect: 'deny:DOSSIER_CLOSED' },
  { name: 'médico-social roles switched off: no staging', actor: socialWorker, action: 'document.content.stage', expect: 'deny:POLICY_MEDICO_SOCIAL_DISABLED' },
  { name: 'unknown profession: no staging', actor: unknownProfession, action: 'document.content.stage', expect: 'deny:POLICY_MATRIX_UNKNOWN' },
  { name: 'the patient stages content', actor: holder, action: 'document.content.stage', expect: 'allow:POLICY_HOLDER' },
  { name: 'a legal representative stages for the minor', actor: parent, action: 'document.content.stage', expect: 'allow:POLICY_LEGAL_REPRESENTATIVE' },
  { name: 'a protector stages', actor: protector, action: 'document.content.stage', birthDate: '1950-01-01', expect: 'allow:POLICY_PROTECTOR_REPRESENTATION' },
  { name: 'a carer stages', actor: carer, action: 'document.content.stage', birthDate: '1950-01-01', expect: 'allow:POLICY_CARER_MANDATE' },
  { name: 'the patient stages only on an activated space', actor: holder, action: 'document.content.stage', state: 'created', expect: 'deny:DOSSIER_NOT_ACTIVATED' },
  { name: 'the operator stages nothing', actor: operatorActor, action: 'document.content.stage', expect: 'deny:POLICY_NO_RULE' },
  { name: 'an app stages nothing', actor: app, action: 'document.content.stage', expect: 'deny:POLICY_NO_RULE' },
  { name: 'a job stages nothing', actor: job, action: 'document.content.stage', expect: 'deny:POLICY_NO_RULE' },
  // Replacement and deletion (SPEC §2)
  { name: 'only the author replaces', actor: doctor, action: 'document.replace', document: doc(), deposit: deposit(), expect: 'deny:POLICY_NOT_AUTHOR' },
  { name: 'the author replaces', actor: otherDoctor, action: 'document.replace', document: doc(), deposit: deposit(), expect: 'allow:POLICY_AUTHOR' },
  { name: 'only the author deletes', actor: doctor, action: 'document.delete', document: doc(), expect: 'deny:POLICY_NOT_AUTHOR' },
  { name: 'a deleted document is gone', actor: otherDoctor, action: 'document.read', document: doc([], { deleted: true, status: 'entered-in-error' }), expect: 'deny:POLICY_DOCUMENT_DELETED' },
  { name: 'the patient deletes their own upload', actor: holder, action: 'document.delete', document: doc([], { author: proAuthor(holder) }), expect: 'allow:POLICY_HOLDER' },
  { name: 'the patient cannot delete a professional\'s document', actor: holder, action: 'document.delete', document: doc(), expect: 'deny:POLICY_NOT_AUTHOR' },
  { name: 'a carer cannot delete', actor: carer, action: 'document.delete', document: doc([], { author: proAuthor(holder) }), birthDate: '1950-01-01', expect: 'deny:POLICY_CARER_CANNOT_REMOVE_DOCUMENT' },
  // Patient-side deposits and masking
  { name: 'the patient uploads a DOCPAT document', actor: holder, action: 'document.feed', deposit: deposit({ typeCode: 'DOCPAT03', isPatientType: true }), expect: 'allow:POLICY_HOLDER' },
  { name: 'the patient cannot deposit professional types', actor: holder, action: 'document.feed', deposit: deposit(), expect: 'deny:POLICY_PROFESSIONAL_TYPE_RESERVED' },
  { name: 'the patient cannot hide from the patient', actor: holder, action: 'document.feed', deposit: deposit({ isPatientType: true, labels: ['INVISIBLE_PATIENT'] }), expect: 'deny:POLICY_LABEL_NOT_ALLOWED' },
  { name: 'a carer cannot touch advance directives', actor: carer, action: 'document.feed', deposit: deposit({ typeCode: 'EXPPAT_3', isPatientType: true, isAdvanceDirective: true }), birthDate: '1950-01-01', expect: 'deny:POLICY_ADVANCE_DIRECTIVES_PROTECTED' },
  { name: 'the patient masks a document', actor: holder, action: 'document.labels.update', document: doc(), labelChange: { add: ['MASQUE_PS'], remove: [], confirmIrreversible: false }, expect: 'allow:POLICY_HOLDER' },
  { name: 'the patient cannot reveal an invisible-to-parents document', actor: holder, action: 'document.labels.update', document: doc(['INVISIBLE_REPRESENTANTS_LEGAUX']), labelChange: { add: [], remove: ['INVISIBLE_REPRESENTANTS_LEGAUX'], confirmIrreversible: true }, expect: 'deny:POLICY_LABEL_NOT_ALLOWED' },
  { name: 'a carer does not change confidentiality', actor: carer, action: 'document.labels.update', document: doc(), labelChange: { add: ['MASQUE_PS'], remove: [], confirmIrreversible: false }, birthDate: '1950-01-01', expect: 'deny:POLICY_CARER_CANNOT_RELABEL' },
  { name: 'a professional other than the author does not mask', actor: doctor, action: 'document.labels.update', document: doc(), labelChange: { add: ['MASQUE_PS'], remove: [], confirmIrreversible: false }, expect: 'deny:POLICY_NOT_AUTHOR' },
  // Records made by professionals for the patient
  { name: 'a professional records consent', actor: nurse, action: 'consent.record', pro: { consent: false }, expect: 'allow:POLICY_PRO_RECORDS_FOR_PATIENT' },
  { name: 'a blocked professional records nothing', actor: nurse, action: 'information.record', pro: { blocked: true }, expect: 'deny:POLICY_BLOCKED_PROFESSIONAL' },
  { name: 'professionals do not read the patient\'s history', actor: doctor, action: 'dossier.audit.read', expect: 'deny:POLICY_NO_RULE' },
];

describe('access rules on documents (SPEC §3), one row per rule', () => {
  it.each(rows.map((r) => [r.name, r] as const))('%s', (_name, r) => {
    expect(run(r)).toBe(r.expect);
  });

  it('every denial reason used in the rules has a French message', () => {
    for (const r of rows) {
      const [effect, reason] = r.expect.split(':');
      if (effect === 'deny') expect(DENIAL_REASONS).toHaveProperty(reason!);
    }
  });

  it('staging carries the mode of the professional\'s session (traced as such)', () => {
    const d = decideAccess({
      actor: doctor, action: 'document.content.stage', now, relationships, settings: { carersEnabled: true },
      dossier: { dossierId: DOSSIER, state: 'active', birthDate: '1990-01-01' }, patientSettings: DEFAULT_PATIENT_SETTINGS,
      professional: { blocked: false, consent: false, patientInformed: true, mode: 'bris_de_glace' }, rules: rules(),
    });
    expect(d).toEqual({ effect: 'allow', reason: 'POLICY_PRO_STAGE_CONTENT', mode: 'bris_de_glace' });
  });

  it('a professional without the facts the rule needs is denied', () => {
    const d = decideAccess({ actor: doctor, action: 'document.read', now, relationships, settings: { carersEnabled: true }, dossier: { dossierId: DOSSIER, state: 'active', birthDate: null }, document: doc() });
    expect(d).toEqual({ effect: 'deny', reason: 'POLICY_FACTS_MISSING' });
  });
});
