import { isIsoCalendarDate } from '../../domain/validation-issue.ts';

// ---------------------------------------------------------------------------------------------
// Canonical URLs, code systems and JSON primitives (shared by the other FHIR modules)
// ---------------------------------------------------------------------------------------------

/** PDSm 3.1.1 canonicals (ansforge/IG-fhir-partage-de-documents-de-sante, canonicals.json). */
export const PDSM_PROFILES = {
  DOCUMENT_REFERENCE: 'https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-comprehensive-document-reference',
  SUBMISSION_SET: 'https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-submissionset-comprehensive',
  PROVIDE_BUNDLE: 'https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-comprehensive-provide-document-bundle',
  FIND_RESPONSE: 'https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-find-documentreferences-comprehensive-response',
} as const;

/** Code systems written on output (inputs are first resolved by `canonicalSystem`). */
export const FHIR_SYSTEMS = {
  RFC3986: 'urn:ietf:rfc:3986',
  LOINC: 'http://loinc.org',
  TRE_A05_TYPE: 'urn:oid:1.2.250.1.213.1.1.4.12',
  TRE_A03_CLASS: 'urn:oid:1.2.250.1.213.1.1.4.1',
  TRE_R02_SECTOR: 'urn:oid:1.2.250.1.71.4.2.4',
  TRE_A00_NON_PS: 'urn:oid:1.2.250.1.213.1.1.4.6',
  TRE_A01_PRACTICE: 'urn:oid:1.2.250.1.213.1.1.4.9',
  TRE_A06_FORMAT: 'urn:oid:1.2.250.1.213.1.1.4.2.282',
  IHE_FORMAT: 'http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode',
  DICOM_UID: 'urn:oid:1.2.840.10008.2.6.1',
  V3_CONFIDENTIALITY: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
  TRE_A07_VISIBILITY: 'urn:oid:1.2.250.1.213.1.1.4.13',
  TRE_R38_SPECIALTY: 'https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale',
  FINESS: 'urn:oid:1.2.250.1.71.4.2.2',
} as const;

/** Our own extensions: one canonical base, never the deployment's URL (clients hard-code these). */
export const OPENMES_CANONICAL = 'https://openmes.example/fhir';
export const OPENMES_EXTENSIONS = {
  SHA256: `${OPENMES_CANONICAL}/StructureDefinition/attachment-sha256`,
  PATIENT_INVISIBLE_WARNING: `${OPENMES_CANONICAL}/StructureDefinition/patient-invisible-warning`,
  AUDIT_CHAIN: `${OPENMES_CANONICAL}/StructureDefinition/audit-chain`,
  /** When the document was added to the space (DocumentReference.date is when its author created it). */
  DEPOSIT_DATE: `${OPENMES_CANONICAL}/StructureDefinition/deposit-date`,
  /** When a document deposited invisible to the patient (INVISIBLE_PATIENT, SPEC §3.8) became visible to them. */
  VISIBLE_TO_PATIENT_SINCE: `${OPENMES_CANONICAL}/StructureDefinition/visible-to-patient-since`,
} as const;

const SYSTEM_ALIASES: Readonly<Record<string, string>> = {
  'urn:oid:2.16.840.1.113883.6.1': FHIR_SYSTEMS.LOINC,
  'urn:oid:2.16.840.1.113883.5.25': FHIR_SYSTEMS.V3_CONFIDENTIALITY,
  'urn:oid:1.3.6.1.4.1.19376.1.2.3': FHIR_SYSTEMS.IHE_FORMAT,
};
/** NOS FHIR canonicals (`https://mos.esante.gouv.fr/NOS/TRE_A05-…/FHIR/…`) read as the TRE's OID. */
const NOS_TRE_SYSTEMS: Readonly<Record<string, string>> = {
  TRE_A00: FHIR_SYSTEMS.TRE_A00_NON_PS, TRE_A01: FHIR_SYSTEMS.TRE_A01_PRACTICE, TRE_A03: FHIR_SYSTEMS.TRE_A03_CLASS,
  TRE_A05: FHIR_SYSTEMS.TRE_A05_TYPE, TRE_A06: FHIR_SYSTEMS.TRE_A06_FORMAT, TRE_A07: FHIR_SYSTEMS.TRE_A07_VISIBILITY,
  TRE_R02: FHIR_SYSTEMS.TRE_R02_SECTOR,
};

/** The one spelling we use for a code system that has several (OID, URL, NOS canonical). */
export function canonicalSystem(system: string): string {
  const nos = /^https:\/\/mos\.esante\.gouv\.fr\/NOS\/(TRE_[A-Z]\d{2,3})-[^/]+\/FHIR\/[^/]+$/.exec(system);
  const key = nos ? nos[1] ?? '' : system;
  const table = nos ? NOS_TRE_SYSTEMS : SYSTEM_ALIASES;
  return (Object.hasOwn(table, key) ? table[key] : undefined) ?? system;
}

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A non-blank string of at most `max` characters (FHIR forbids empty strings). */
export function fhirString(v: unknown, max: number): string | undefined {
  return typeof v === 'string' && v.trim() !== '' && v.length <= max ? v : undefined;
}

const INSTANT = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-](0\d|1[0-4]):[0-5]\d)$/;

/** FHIR instant: full date-time with seconds and a time zone, on a real calendar day. */
export function isInstant(v: unknown): v is string {
  if (typeof v !== 'string' || v.startsWith('0000')) return false;
  const m = INSTANT.exec(v);
  return !!m && isIsoCalendarDate(m[1]);
}

/** FHIR dateTime: YYYY, YYYY-MM, YYYY-MM-DD or an instant (a time always carries its zone). */
export function isDateTime(v: unknown): v is string {
  if (typeof v !== 'string' || v.startsWith('0000')) return false;
  return /^\d{4}$/.test(v) || /^\d{4}-(0[1-9]|1[0-2])$/.test(v) || isIsoCalendarDate(v) || isInstant(v);
}

/** The id of a `Type/id` reference, relative or under `baseUrl`; undefined for anything else. */
export function referenceId(ref: unknown, type: string, baseUrl?: string): string | undefined {
  if (typeof ref !== 'string') return undefined;
  const local = baseUrl && ref.startsWith(`${baseUrl}/`) ? ref.slice(baseUrl.length + 1) : ref;
  const m = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(local);
  return m && m[1] === type ? m[2] : undefined;
}

/** Non-PS codes of TRE_A00 used in facility type and practice setting (patient's own deposits, referenced apps). */
export const NON_PS_CODES: ReadonlySet<string> = new Set(['EXP_PATIENT', 'SNR']);

/** A LOINC code (digits, dash, check digit). */
export const LOINC_CODE = /^\d{1,7}-\d$/;
