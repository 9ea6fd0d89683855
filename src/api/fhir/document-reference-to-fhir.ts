import type { ConfidentialityLabel, ConfidentialityLevel, DocumentAuthor, DocumentMeta } from '../../domain/document.ts';
import { ID_NAT_PS_SYSTEM, RPPS_SYSTEM } from '../../domain/identity/rpps.ts';
import { FHIR_SYSTEMS, LOINC_CODE, NON_PS_CODES, OPENMES_EXTENSIONS, PDSM_PROFILES } from './fhir-primitives.ts';

// ---------------------------------------------------------------------------------------------
// DocumentMeta -> FHIR
// ---------------------------------------------------------------------------------------------

const LEVEL_DISPLAY: Record<ConfidentialityLevel, string> = { N: 'Normal', R: 'Restreint', V: 'Très restreint' };
const LABEL_DISPLAY: Record<ConfidentialityLabel, string> = {
  MASQUE_PS: 'Masqué aux professionnels de santé',
  INVISIBLE_PATIENT: 'Non visible par le patient',
  INVISIBLE_REPRESENTANTS_LEGAUX: 'Non visible par les représentants légaux du patient',
};
export const PATIENT_INVISIBLE_WARNING = 'Ce document n’est pas visible du patient.';

export type ToFhirDocumentReferenceOptions = {
  baseUrl: string;
  patientId: string;
  /** Add the "not visible to the patient" warning for professionals (SPEC §3.8). */
  includeWarning: boolean;
  custodianDisplay?: string;
  /** The coding of `meta.authorSpecialty` (JDV_J01, whose codes span several code systems). */
  authorSpecialty?: { system: string; code: string; display?: string };
};

/** One document version as a PDSm comprehensive DocumentReference (ITI-67 / read). */
export function toFhirDocumentReference(meta: DocumentMeta, opts: ToFhirDocumentReferenceOptions): Record<string, unknown> {
  const author = authorToFhir(meta.author, opts.authorSpecialty);
  const context = {
    period: meta.periodStart || meta.periodEnd ? { start: meta.periodStart ?? undefined, end: meta.periodEnd ?? undefined } : undefined,
    facilityType: meta.facilityType ? concept(NON_PS_CODES.has(meta.facilityType) ? FHIR_SYSTEMS.TRE_A00_NON_PS : FHIR_SYSTEMS.TRE_R02_SECTOR, meta.facilityType) : undefined,
    practiceSetting: meta.practiceSetting ? concept(NON_PS_CODES.has(meta.practiceSetting) ? FHIR_SYSTEMS.TRE_A00_NON_PS : FHIR_SYSTEMS.TRE_A01_PRACTICE, meta.practiceSetting) : undefined,
    sourcePatientInfo: { reference: `Patient/${opts.patientId}` },
  };
  return {
    resourceType: 'DocumentReference',
    id: meta.documentId,
    meta: { profile: [PDSM_PROFILES.DOCUMENT_REFERENCE] },
    contained: author.contained.length ? author.contained : undefined,
    extension: opts.includeWarning ? [{ url: OPENMES_EXTENSIONS.PATIENT_INVISIBLE_WARNING, valueString: PATIENT_INVISIBLE_WARNING }] : undefined,
    masterIdentifier: { system: FHIR_SYSTEMS.RFC3986, value: meta.masterIdentifier },
    identifier: [{ use: 'official', system: FHIR_SYSTEMS.RFC3986, value: `urn:uuid:${meta.documentId}` }],
    status: meta.status,
    docStatus: 'final',
    type: concept(LOINC_CODE.test(meta.typeCode) ? FHIR_SYSTEMS.LOINC : FHIR_SYSTEMS.TRE_A05_TYPE, meta.typeCode),
    category: [concept(FHIR_SYSTEMS.TRE_A03_CLASS, meta.classCode)],
    subject: { reference: `Patient/${opts.patientId}` },
    date: meta.date,
    author: author.refs,
    custodian: { type: 'Organization', display: opts.custodianDisplay ?? 'OpenMES' },
    relatesTo: meta.replaces ? [{ code: 'replaces', target: { reference: `DocumentReference/${meta.replaces}` } }] : undefined,
    description: meta.description ?? undefined,
    securityLabel: [
      concept(FHIR_SYSTEMS.V3_CONFIDENTIALITY, meta.level, LEVEL_DISPLAY[meta.level]),
      ...meta.labels.map((l) => concept(FHIR_SYSTEMS.TRE_A07_VISIBILITY, l, LABEL_DISPLAY[l])),
    ],
    content: [{
      attachment: {
        extension: [{ url: OPENMES_EXTENSIONS.SHA256, valueString: meta.sha256 }],
        contentType: meta.contentType,
        url: `${opts.baseUrl}/Binary/${meta.documentId}`,
        size: meta.size,
        title: meta.title,
        creation: meta.date,
      },
      format: meta.formatCode ? { system: formatSystemFor(meta.formatCode), code: meta.formatCode } : undefined,
    }],
    context,
  };
}

function concept(system: string, code: string, display?: string): Record<string, unknown> {
  return { coding: [{ system, code, ...(display ? { display } : {}) }] };
}

function formatSystemFor(code: string): string {
  if (code.startsWith('urn:ihe:')) return FHIR_SYSTEMS.IHE_FORMAT;
  if (/^\d+(\.\d+)+$/.test(code)) return FHIR_SYSTEMS.DICOM_UID;
  return FHIR_SYSTEMS.TRE_A06_FORMAT;
}

const PROFESSION_OIDS: Record<string, string> = {
  G15: '1.2.250.1.71.1.2.7', R85: '1.2.250.1.213.1.6.1.107', R94: '1.2.250.1.213.1.6.1.4', R95: '1.2.250.1.213.1.6.1.109',
};

/** Authors are contained resources, as PDSm requires (contained 1..*), except the patient's own Patient. */
function authorToFhir(a: DocumentAuthor, declaredSpecialty?: { system: string; code: string; display?: string }): { contained: Record<string, unknown>[]; refs: Record<string, unknown>[] } {
  switch (a.kind) {
    case 'professional': {
      const [short, code] = a.profession.split(':');
      const oid = short && Object.hasOwn(PROFESSION_OIDS, short) ? PROFESSION_OIDS[short] : undefined;
      const practitioner = { resourceType: 'Practitioner', id: 'author-practitioner', identifier: [{ system: RPPS_SYSTEM, value: a.rpps }], name: [{ text: a.displayName }] };
      const org = a.structure ? { resourceType: 'Organization', id: 'author-organization', identifier: [{ system: FHIR_SYSTEMS.FINESS, value: a.structure.finess }], name: a.structure.name } : undefined;
      const role = {
        resourceType: 'PractitionerRole', id: 'author',
        practitioner: { reference: '#author-practitioner', display: a.displayName },
        organization: org ? { reference: '#author-organization', display: a.structure?.name } : undefined,
        code: oid && code ? [concept(`urn:oid:${oid}`, code)] : undefined,
        // The XDS authorSpecialty the author declared (J01), then their ordinal specialty (R38) from the card.
        specialty: declaredSpecialty || a.specialty ? [
          ...(declaredSpecialty ? [concept(declaredSpecialty.system, declaredSpecialty.code, declaredSpecialty.display)] : []),
          ...(a.specialty ? [concept(FHIR_SYSTEMS.TRE_R38_SPECIALTY, a.specialty)] : []),
        ] : undefined,
      };
      return { contained: org ? [practitioner, org, role] : [practitioner, role], refs: [{ reference: '#author', type: 'PractitionerRole', display: a.displayName }] };
    }
    case 'patient':
      return { contained: [], refs: [{ reference: `Patient/${a.dossierId}`, type: 'Patient', display: a.displayName }] };
    case 'insurer':
      return { contained: [{ resourceType: 'Organization', id: 'author', name: a.displayName }], refs: [{ reference: '#author', type: 'Organization', display: a.displayName }] };
    case 'device':
      return {
        contained: [{ resourceType: 'Device', id: 'author', deviceName: [{ name: a.displayName, type: 'user-friendly-name' }] }],
        refs: [{ reference: '#author', type: 'Device', display: a.displayName }],
      };
    default:
      return a satisfies never;
  }
}
