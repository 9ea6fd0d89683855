import type { ConfidentialityLevel } from '../document.ts';
import { INS_OIDS } from '../identity/ins.ts';
import type { ValidationIssue } from '../validation-issue.ts';
import type { CdaDetails } from './check-cda.ts';
import { CONTENT_ISSUE_CODES as C, dataIssue, quote } from './content-issues.ts';

/** What the metadata says, to be found again in the CDA header. */
export type CdaExpectations = {
  /** The subject's INS matricule (NIR or NIA, 15 characters; spaces ignored). */
  ins: string;
  /** DocumentReference.type code (J66 / LOINC). */
  typeCode: string;
  /** Its system (`http://loinc.org`, `urn:oid:…` or a bare OID); when given, the CDA's codeSystem must match. */
  typeSystem?: string;
  /** When given, the CDA confidentialityCode (N/R/V) must match. */
  level?: ConfidentialityLevel;
};

const INS_ROOTS = new Set<string>(Object.values(INS_OIDS).map((o) => o.oid));
const SYSTEM_TO_OID: Readonly<Record<string, string>> = { 'http://loinc.org': '2.16.840.1.113883.6.1' };

const normaliseIns = (v: string): string => v.replace(/\s+/gu, '').toUpperCase();
const normaliseSystem = (v: string): string => {
  const s = v.trim();
  return SYSTEM_TO_OID[s] ?? s.replace(/^urn:oid:/, '');
};

/**
 * Cross-checks a verified CDA header against the document metadata: the patient's INS
 * (recordTarget/patientRole/id with an INS OID root) must be the subject's, the document code must be
 * the metadata type. Messages never echo an INS (a mistyped one would name someone else).
 */
export function crossCheckCda(details: CdaDetails, expected: CdaExpectations): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const insIds = details.patientIds.filter((id) => INS_ROOTS.has(id.root) && id.extension !== null);
  if (insIds.length === 0) {
    issues.push(
      dataIssue(
        C.CDA_INS_MISSING,
        "Le document CDA ne porte pas l'INS du patient (recordTarget/patientRole/id avec un OID INS " +
          '1.2.250.1.213.1.4.8, .9, .10 ou .11).',
      ),
    );
  } else if (!insIds.some((id) => normaliseIns(id.extension ?? '') === normaliseIns(expected.ins))) {
    issues.push(
      dataIssue(
        C.CDA_INS_MISMATCH,
        "L'INS du patient dans le document CDA (recordTarget/patientRole/id) n'est pas celui du dossier " +
          'auquel le document est destiné.',
      ),
    );
  }

  const code = details.code?.code ?? null;
  if (code === null || code === '') {
    issues.push(dataIssue(C.CDA_CODE_MISSING, "L'en-tête du document CDA n'a pas d'élément code (type de document)."));
  } else if (code !== expected.typeCode.trim()) {
    issues.push(
      dataIssue(
        C.CDA_TYPE_CODE_MISMATCH,
        `Le type du document CDA (code ${quote(code, 40)}) ne correspond pas au type déclaré dans les ` +
          `métadonnées (${quote(expected.typeCode, 40)}).`,
      ),
    );
  } else if (
    expected.typeSystem !== undefined &&
    normaliseSystem(details.code?.codeSystem ?? '') !== normaliseSystem(expected.typeSystem)
  ) {
    issues.push(
      dataIssue(
        C.CDA_TYPE_CODE_MISMATCH,
        `Le système de codage du type du document CDA (${quote(details.code?.codeSystem ?? '', 60)}) ne correspond ` +
          `pas à celui des métadonnées (${quote(expected.typeSystem, 60)}).`,
      ),
    );
  }

  const level = details.confidentialityCode?.code ?? null;
  if (expected.level !== undefined && level !== expected.level) {
    issues.push(
      dataIssue(
        C.CDA_CONFIDENTIALITY_MISMATCH,
        `Le niveau de confidentialité du document CDA (${quote(level ?? 'absent', 10)}) ne correspond pas à celui ` +
          `des métadonnées (${expected.level}).`,
      ),
    );
  }
  return issues;
}
