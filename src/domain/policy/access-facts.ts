import type { Actor } from '../actor.ts';
import type { ConfidentialityLabel, DocumentAuthor, DocumentStatus } from '../document.ts';
import type { DossierState } from '../lifecycle.ts';

/**
 * The facts an access decision is made from (invariant 1): gathered by the service, decided by the
 * pure function. A fact that an action needs and that is missing makes the decision deny.
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
  /** Loading the public directory of professionals (RPPS extract). */
  'directory.import',
  /** Running a scheduled job now, on the operator's request (the job then acts as the system). */
  'job.run',
  'document.search',
  'document.read',
  'document.feed',
  /** Staging a document's content (FHIR Binary) before the DocumentReference that feeds it. */
  'document.content.stage',
  'document.replace',
  'document.delete',
  'document.labels.update',
  'settings.read',
  'settings.update',
  /** Revoking a carer's mandate (SPEC §1 carers). */
  'delegation.update',
  /** Inviting someone to become a carer, and withdrawing a pending invitation (issue 8, item 6). */
  'delegation.invite',
  'delegation.withdraw',
  /** The invited person's answer: only an accepted invitation gives a mandate. */
  'delegation.accept',
  'delegation.decline',
  /** A carer ends their own mandate. */
  'delegation.give_up',
  'professional.block',
  'consent.record',
  'information.record',
  'opposition.record',
  'emergency.start',
  'secret.start',
  'document.visibility.inform',
  'document.visibility.expire',
] as const;
export type PolicyAction = (typeof POLICY_ACTIONS)[number];

export type RelationshipFact = {
  kind: 'legal_representative' | 'carer' | 'protector';
  relatedDossierId: string;
  endedAt: Date | null;
};

export type DossierFacts = {
  dossierId: string; state: DossierState; birthDate: string | null;
  /** For a closed space: since when, and until when it may be reopened (told to its holder side). */
  closedAt?: Date | null; retentionUntil?: Date | null;
};

/** A carer invitation an action is about: to whom it was addressed, and whether it is still pending. */
export type InvitationFacts = { inviteeDossierId: string | null; pending: boolean };

/** The patient's confidentiality settings (SPEC §3.6, §3.7). */
export type PatientSettings = {
  maskAll: boolean;
  blockSamu: boolean;
  blockEmergency: boolean;
  blockMaskedInEmergency: boolean;
  medecinTraitantRpps: string | null;
};

export const DEFAULT_PATIENT_SETTINGS: PatientSettings = {
  maskAll: false, blockSamu: false, blockEmergency: false, blockMaskedInEmergency: false, medecinTraitantRpps: null,
};

export type AccessMode = 'normal' | 'bris_de_glace' | 'samu' | 'secret';

/** What is known of the acting professional towards this dossier at `now`. */
export type ProfessionalFacts = {
  blocked: boolean;
  /** A recorded, unrevoked consent covers this professional (directly, or their care team / structure). */
  consent: boolean;
  /** Someone recorded that the patient was informed their record is fed (needed before feeding). */
  patientInformed: boolean;
  /** The mode of the request: an emergency mode only when an emergency access is in force. */
  mode: AccessMode;
  /**
   * The professional practises in a listed SAMU regulation centre (centre 15): their structure is in the
   * `regulation_centre` data. Loaded for `emergency.start` only; absent means no (fail closed).
   */
  regulationCentre?: boolean;
};

/** The document an action targets (metadata only). */
export type DocumentFacts = {
  documentId: string;
  status: DocumentStatus;
  typeCode: string;
  author: DocumentAuthor;
  labels: readonly ConfidentialityLabel[];
  invisibleToPatientSince: Date | null;
  deleted: boolean;
};

/** A document being deposited (feed or replacement). */
export type DepositFacts = {
  typeCode: string;
  labels: readonly ConfidentialityLabel[];
  /** The patient opposed feeding this document (recorded by a professional, SPEC §2). */
  opposed: boolean;
  /** A patient-side deposit of a type reserved to the patient (DOCPAT / EXPPAT). */
  isPatientType: boolean;
  isAdvanceDirective: boolean;
};

export type LabelChange = {
  add: readonly ConfidentialityLabel[];
  remove: readonly ConfidentialityLabel[];
  /** Explicit confirmation for the irreversible reveal to legal representatives (SPEC §3.9). */
  confirmIrreversible: boolean;
};

/** Regulatory data the rules read (invariant 5): the habilitation matrix and the delays in force. */
export type RuleData = {
  /** Habilitation matrix cell; undefined when the profession or type is unknown (then: deny). */
  matrixAllows: (typeCode: string, profession: string, specialty: string | null) => boolean | undefined;
  sectorOf: (profession: string) => 'health' | 'medico_social' | undefined;
  /** The matrix in force lets this profession (with this specialty) read at least one document type; absent: no. */
  readsAnyDocumentType?: (profession: string, specialty: string | null) => boolean;
  medicoSocialEnabled: boolean;
  invisiblePatientVisibleAfterDays: number;
};

export type AccessRequest = {
  actor: Actor;
  action: PolicyAction;
  dossier: DossierFacts | null;
  relationships: readonly RelationshipFact[];
  now: Date;
  settings: { carersEnabled: boolean };
  patientSettings?: PatientSettings;
  professional?: ProfessionalFacts;
  document?: DocumentFacts;
  deposit?: DepositFacts;
  labelChange?: LabelChange;
  invitation?: InvitationFacts;
  /** Why the national operator acts (closing or reopening a space needs one on record), as they stated it. */
  justification?: string | null;
  rules?: RuleData;
  /** Delay before the patient is told an invisible document exists (re-visibility job only). */
  informAfterDays?: number;
};

export type PatientSideRole = 'holder' | 'legal_representative' | 'carer' | 'protector';
export type Decision =
  | { effect: 'allow'; reason: string; role?: PatientSideRole; mode?: AccessMode }
  /**
   * `mode`: the session the refused request was made in, when it must be traced as such (a secret connection).
   * `facts`: what the refusal's message may tell the caller (when a space was closed…), never more than they may know.
   */
  | { effect: 'deny'; reason: string; mode?: AccessMode; facts?: Record<string, string> };
