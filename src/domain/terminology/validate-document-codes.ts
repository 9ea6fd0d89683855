import { issue, type ValidationIssue } from '../validation-issue.ts';
import { isSystemForOid } from './svs-value-set.ts';
import type { DocumentTerminology } from './value-sets.ts';

/**
 * Checks the coded metadata of a document against the DMP terminology (DOMAIN §2.1, §2.5). Returns
 * the issues as values (never throws), with French messages and `field` = the FHIR DocumentReference
 * path (`type`, `category`, `context.practiceSetting`, `context.facilityType`, `author.specialty`,
 * `securityLabel`).
 */

export const DOCUMENT_CODE_ISSUES = {
  TYPE_REQUIRED: 'DOCUMENT_TYPE_REQUIRED',
  TYPE_UNKNOWN: 'DOCUMENT_TYPE_UNKNOWN',
  TYPE_NOT_DMP: 'DOCUMENT_TYPE_NOT_DMP',
  TYPE_SIGNATURE: 'DOCUMENT_TYPE_SIGNATURE',
  TYPE_SYSTEM_MISMATCH: 'DOCUMENT_TYPE_SYSTEM_MISMATCH',
  CLASS_UNKNOWN: 'DOCUMENT_CLASS_UNKNOWN',
  CLASS_MISMATCH: 'DOCUMENT_CLASS_MISMATCH',
  PRACTICE_SETTING_UNKNOWN: 'DOCUMENT_PRACTICE_SETTING_UNKNOWN',
  FACILITY_TYPE_UNKNOWN: 'DOCUMENT_FACILITY_TYPE_UNKNOWN',
  AUTHOR_SPECIALTY_UNKNOWN: 'DOCUMENT_AUTHOR_SPECIALTY_UNKNOWN',
  SECURITY_LABEL_UNKNOWN: 'DOCUMENT_SECURITY_LABEL_UNKNOWN',
  SECURITY_LABEL_LEVELS: 'DOCUMENT_SECURITY_LABEL_LEVELS',
  SECURITY_LABEL_CONFLICT: 'DOCUMENT_SECURITY_LABEL_CONFLICT',
} as const;

/** A security label as a bare J08 code or a coding (the system, when given, must match the code's). */
export type LabelInput = string | { system?: string; code: string };

export type DocumentCodesInput = {
  typeCode: string;
  /** FHIR system of `type`, checked when given (`http://loinc.org`, `urn:oid:…` or the ANS canonical). */
  typeSystem?: string;
  classCode?: string;
  practiceSetting?: string;
  facilityType?: string;
  authorSpecialty?: string;
  labels?: readonly LabelInput[];
};

const c = DOCUMENT_CODE_ISSUES;
const LEVELS = new Set(['N', 'R', 'V']);

export function validateDocumentCodes(terminology: DocumentTerminology, input: DocumentCodesInput): ValidationIssue[] {
  const issues = typeIssues(terminology, input);
  const { practiceSetting, facilityType, authorSpecialty } = input;
  if (practiceSetting !== undefined && !terminology.isPracticeSetting(practiceSetting)) {
    const message = `Le cadre d'exercice « ${practiceSetting} » n'appartient pas au jeu de valeurs JDV_J04.`;
    issues.push(issue('context.practiceSetting', c.PRACTICE_SETTING_UNKNOWN, message));
  }
  if (facilityType !== undefined && !terminology.isFacilityType(facilityType)) {
    const message = `Le secteur d'activité « ${facilityType} » n'appartient pas au jeu de valeurs JDV_J02.`;
    issues.push(issue('context.facilityType', c.FACILITY_TYPE_UNKNOWN, message));
  }
  if (authorSpecialty !== undefined && !terminology.isAuthorSpecialty(authorSpecialty)) {
    const message = `La spécialité de l'auteur « ${authorSpecialty} » n'appartient pas au jeu de valeurs JDV_J01.`;
    issues.push(issue('author.specialty', c.AUTHOR_SPECIALTY_UNKNOWN, message));
  }
  issues.push(...labelIssues(terminology, input.labels ?? []));
  return issues;
}

function typeIssues(terminology: DocumentTerminology, input: DocumentCodesInput): ValidationIssue[] {
  const code = input.typeCode?.trim() ?? '';
  if (code === '') return [issue('type', c.TYPE_REQUIRED, 'Le type de document est obligatoire.')];
  if (terminology.isSignatureTypeCode(code)) {
    const message = `Le type ${code} désigne la signature d'un lot de soumission, pas un document consultable.`;
    return [issue('type', c.TYPE_SIGNATURE, message)];
  }
  if (!terminology.isDmpTypeCode(code)) {
    return terminology.isXdsTypeCode(code)
      ? [issue('type', c.TYPE_NOT_DMP, `Le type de document ${code} existe (JDV_J07) mais n'est pas accepté par le DMP (JDV_J66).`)]
      : [issue('type', c.TYPE_UNKNOWN, `Le type de document ${code} est inconnu.`)];
  }
  const issues: ValidationIssue[] = [];
  const dmpType = terminology.dmpType(code);
  if (input.typeSystem !== undefined && dmpType !== undefined && !isSystemForOid(input.typeSystem, dmpType.systemOid)) {
    const message = `Le type ${code} relève du système ${dmpType.system}, pas de ${input.typeSystem}.`;
    issues.push(issue('type', c.TYPE_SYSTEM_MISMATCH, message));
  }
  if (input.classCode !== undefined) {
    const expected = terminology.classCodeFor(code);
    if (!terminology.isDmpClassCode(input.classCode)) {
      issues.push(issue('category', c.CLASS_UNKNOWN, `La classe de document « ${input.classCode} » est inconnue (JDV_J57).`));
    } else if (input.classCode !== expected) {
      const message = `Le type ${code} appartient à la classe ${expected} (${terminology.classDisplay(expected ?? '')}), pas à la classe ${input.classCode}.`;
      issues.push(issue('category', c.CLASS_MISMATCH, message));
    }
  }
  return issues;
}

function labelIssues(terminology: DocumentTerminology, labels: readonly LabelInput[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const known: string[] = [];
  for (const label of labels) {
    const { code, system } = typeof label === 'string' ? { code: label, system: undefined } : label;
    if (terminology.isConfidentialityCode(code, system)) {
      known.push(code);
      continue;
    }
    const message = terminology.isConfidentialityCode(code)
      ? `Le libellé de confidentialité ${code} n'appartient pas au système ${system}.`
      : `Le libellé de confidentialité « ${code} » n'appartient pas au jeu de valeurs JDV_J08.`;
    issues.push(issue('securityLabel', c.SECURITY_LABEL_UNKNOWN, message));
  }
  if (known.filter((code) => LEVELS.has(code)).length > 1) {
    const message = 'Un document porte un seul niveau de confidentialité (N, R ou V).';
    issues.push(issue('securityLabel', c.SECURITY_LABEL_LEVELS, message));
  }
  // SPEC §3.8: a document cannot be both invisible to the patient and masked to professionals.
  if (known.includes('INVISIBLE_PATIENT') && known.includes('MASQUE_PS')) {
    const message = 'Un document ne peut pas être à la fois invisible pour le patient et masqué aux professionnels.';
    issues.push(issue('securityLabel', c.SECURITY_LABEL_CONFLICT, message));
  }
  return issues;
}
