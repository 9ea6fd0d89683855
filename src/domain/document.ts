/**
 * A document of the shared medical record (SPEC §2), as the rules see it. The FHIR DocumentReference
 * (PDSm profile of IHE MHD) is mapped to and from this at the edge.
 */
export const CONFIDENTIALITY_LABELS = ['MASQUE_PS', 'INVISIBLE_PATIENT', 'INVISIBLE_REPRESENTANTS_LEGAUX'] as const;
export type ConfidentialityLabel = (typeof CONFIDENTIALITY_LABELS)[number];
/** HL7 confidentiality codes carried alongside (N normal, R restricted, V very restricted). */
export type ConfidentialityLevel = 'N' | 'R' | 'V';

export const DOCUMENT_STATUSES = ['current', 'superseded', 'entered-in-error'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export type DocumentAuthor =
  | { kind: 'professional'; accountId: string | null; rpps: string; displayName: string; profession: string; specialty: string | null; structure: { finess: string; name: string } | null }
  | { kind: 'patient'; dossierId: string; displayName: string }
  | { kind: 'insurer'; displayName: string }
  | { kind: 'device'; displayName: string };

export type Coding = { system: string; code: string; display?: string };

/** Metadata of one document version (what the access decision and the search see). */
export type DocumentMeta = {
  dossierId: string;
  documentId: string;
  /** Producer's unique id (masterIdentifier): the same document arriving twice is one document. */
  masterIdentifier: string;
  status: DocumentStatus;
  /** The version this one replaced (relatesTo replaces), if any. */
  replaces: string | null;
  typeCode: string;
  classCode: string;
  title: string;
  description: string | null;
  author: DocumentAuthor;
  /** When the document was created by its author (DocumentReference.date). */
  date: string;
  periodStart: string | null;
  periodEnd: string | null;
  facilityType: string | null;
  practiceSetting: string | null;
  authorSpecialty: string | null;
  formatCode: string | null;
  contentType: string;
  size: number;
  sha256: string;
  level: ConfidentialityLevel;
  labels: readonly ConfidentialityLabel[];
  /** Since when the document is invisible to the patient (the regulatory delays run from here). */
  invisibleToPatientSince: string | null;
  /** Deposited during a secret connection (minor's request). */
  depositedInSecret: boolean;
  /** When it was added to the record. */
  createdAt: string;
  deletedAt: string | null;
};

/** EXPPAT_3: the advance directives (directives anticipées), which a carer reads but never changes (SPEC §1). */
export const ADVANCE_DIRECTIVES_TYPE_CODE = 'EXPPAT_3';

export const hasLabel = (d: Pick<DocumentMeta, 'labels'>, label: ConfidentialityLabel): boolean => d.labels.includes(label);
