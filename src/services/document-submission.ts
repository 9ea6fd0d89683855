import type { ConfidentialityLabel, ConfidentialityLevel } from '../domain/document.ts';
import type { StoredDocument } from '../store/document-repo.ts';

/** One document as submitted for feeding (from FHIR create or an ITI-65 bundle), content already decoded. */
export type DocumentSubmission = {
  masterIdentifier: string;
  subject: { kind: 'dossier'; dossierId: string } | { kind: 'ins'; ins: string };
  typeCode: string;
  classCode: string | null;
  title: string;
  description: string | null;
  /** When the author created it (ISO instant); defaults to the time of feeding. */
  date: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  facilityType: string | null;
  practiceSetting: string | null;
  authorSpecialty: string | null;
  /**
   * XDS authorSpecialty codes (JDV_J01) the producer declared, each for the RPPS of its PractitionerRole:
   * the feed keeps the one declared for the caller, never one declared for another identity.
   */
  declaredAuthorSpecialties?: readonly { rpps: string; code: string }[];
  formatCode: string | null;
  level: ConfidentialityLevel;
  labels: ConfidentialityLabel[];
  content: {
    contentType: string; bytes: Uint8Array; declaredSize: number | null; declaredSha1Base64: string | null;
    /**
     * Content staged earlier (`POST Binary`, referenced as `attachment.url = Binary/<id>`): `bytes` is
     * empty until the feed, once allowed, loads it.
     */
    staged?: { dossierId: string; binaryId: string };
  };
  /** Document id (same dossier) this one replaces (relatesTo.code = replaces). */
  replaces: string | null;
};

/** What happened to one submitted document, with the stored metadata to answer with (plain JSON, replayable). */
export type FeedResult = {
  status: 'created' | 'existing';
  dossierId: string;
  documentId: string;
  document: StoredDocument;
};
