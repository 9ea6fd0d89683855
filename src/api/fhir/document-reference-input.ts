import type { ConfidentialityLabel, ConfidentialityLevel } from '../../domain/document.ts';
import type { ValidationIssue } from '../../domain/validation-issue.ts';

/** What the DocumentReference parser (document-reference-mapper.ts) returns: its issue codes and the typed input. */

export const DOCUMENT_REFERENCE_ISSUE_CODES = {
  RESOURCE_TYPE: 'FHIR_RESOURCE_TYPE',
  UNKNOWN_ELEMENT: 'FHIR_UNKNOWN_ELEMENT',
  MODIFIER: 'FHIR_MODIFIER_UNSUPPORTED',
  REQUIRED: 'FHIR_REQUIRED',
  DATATYPE: 'FHIR_DATATYPE',
  STATUS: 'FHIR_STATUS_NOT_CURRENT',
  CODING: 'FHIR_CODING',
  CODE_SYSTEM: 'FHIR_CODE_SYSTEM',
  SUBJECT: 'FHIR_SUBJECT',
  AUTHOR: 'FHIR_AUTHOR',
  SECURITY_LABEL: 'FHIR_SECURITY_LABEL',
  CONTENT: 'FHIR_CONTENT',
  ATTACHMENT_URL: 'FHIR_ATTACHMENT_URL',
  BASE64: 'FHIR_BASE64',
  TOO_LARGE: 'FHIR_CONTENT_TOO_LARGE',
  HASH: 'FHIR_HASH',
  RELATES_TO: 'FHIR_RELATES_TO',
  PERIOD: 'FHIR_PERIOD',
} as const;

export type DocumentSubject = { kind: 'reference'; id: string } | { kind: 'ins'; system: string; value: string };
export type DocumentContentInput = { kind: 'inline'; base64: string } | { kind: 'binary'; reference: string };
export type AuthorResourceType = 'Practitioner' | 'PractitionerRole' | 'Patient' | 'Device';
/**
 * An author as declared by the producer; informative only (the service takes the author from the actor),
 * except the XDS authorSpecialty (JDV_J01) of a contained PractitionerRole, which the service keeps when
 * that role's practitioner is the caller.
 */
export type DeclaredAuthor = {
  reference: string | null; resourceType: AuthorResourceType | null; rpps: string | null; display: string | null;
  specialty: ParsedSpecialty | null;
};
export type ParsedSpecialty = { system: string; code: string };
export type RelatedRef =
  | { kind: 'identifier'; system: string | null; value: string; typeCode: string | null }
  | { kind: 'reference'; reference: string };

/** A document to deposit, as read from a DocumentReference: DocumentMeta's fields the producer owns. */
export type NewDocumentInput = {
  masterIdentifier: string;
  status: 'current';
  typeCode: string;
  typeSystem: string;
  /** Null when `category` is absent: the service derives it from the type (ASS_X16). */
  classCode: string | null;
  title: string;
  description: string | null;
  subject: DocumentSubject;
  authors: DeclaredAuthor[];
  /** DocumentReference.date (instant). */
  date: string;
  /** content.attachment.creation, when given. */
  creation: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  facilityType: string | null;
  practiceSetting: string | null;
  formatCode: string | null;
  formatSystem: string | null;
  related: RelatedRef[];
  contentType: string;
  content: DocumentContentInput;
  declaredSize?: number;
  declaredHashSha1Base64?: string;
  /** Id of the DocumentReference this one replaces (relatesTo replaces). */
  relatesToReplaces?: string;
  level: ConfidentialityLevel;
  labels: ConfidentialityLabel[];
};

export type ParseDocumentContext = {
  /** Largest accepted document, in bytes (decoded). */
  maxBytes: number;
  /** Server FHIR base: absolute references under it are accepted like relative ones. */
  baseUrl?: string;
  /** Inside an ITI-65 transaction: attachment.url may be a `urn:uuid:` of a Binary entry. */
  inBundle?: boolean;
  /** Path prefix of the issues (default `DocumentReference`). */
  root?: string;
};

export type ParseDocumentReferenceResult = { ok: true; input: NewDocumentInput } | { ok: false; issues: ValidationIssue[] };
