import { parse } from 'csv-parse/sync';
import { issue, type ValidationIssue } from '../validation-issue.ts';
import {
  CODE_SYSTEMS,
  fhirSystemForOid,
  isSystemForOid,
  nosCanonical,
  type ValueSet,
  type ValueSetInfo,
} from './svs-value-set.ts';

/**
 * The document terminology of the DMP (DOMAIN §2): DMP type codes (JDV_J66) and their class
 * (JDV_J57), from `dmp_typecode_J66_to_classcode_J57.csv` (derived from ConceptMap ASS_X16), plus the
 * CI-SIS value sets J07 (all XDS types), J08 (confidentiality), J04 (practice setting), J02 (facility
 * type) and J01 (author specialty) parsed from their SVS files. Pure: the caller reads the files.
 *
 * E1762 (ASTM "Full Document") is a J66 row but the type of a submission-set signature, not of a
 * readable document: it has no class, is not a DMP document type here (`isDmpTypeCode` is false) and
 * has no row in the habilitation matrix; `isSignatureTypeCode` recognises it.
 */

export const DMP_TYPES_CSV_HEADER = [
  'typeCode', 'typeCodeSystemOID', 'typeCodeSystem', 'displayName_fr', 'classCode', 'classDisplay_fr', 'also_in_JDV_J07_2024-09',
] as const;

/** JDV_J66: its OID is not in the material we hold (the CSV comes from ASS_X16, OID 1.2.250.1.213.1.1.5.587). */
export const J66_ID = 'JDV_J66-TypeCode-DMP';
/** JDV_J57 (OID and version 2023-09-22 from the ANS terminology IG). */
export const J57_INFO: ValueSetInfo = Object.freeze({
  id: 'JDV_J57-ClassCode-DMP',
  oid: '1.2.250.1.213.1.1.5.6',
  version: '2023-09-22',
  canonical: nosCanonical('JDV_J57-ClassCode-DMP'),
});

/** OIDs of the SVS value sets the terminology needs (checked against each file's `id`). */
export const DOCUMENT_VALUE_SET_OIDS = {
  J01: '1.2.250.1.213.1.1.5.461',
  J02: '1.2.250.1.213.1.1.5.466',
  J04: '1.2.250.1.213.1.1.5.467',
  J07: '1.2.250.1.213.1.1.5.471',
  J08: '1.2.250.1.213.1.1.5.463',
} as const;
export type DocumentValueSetKey = keyof typeof DOCUMENT_VALUE_SET_OIDS;

export const SIGNATURE_TYPE_CODE = 'E1762';

/** Types a patient may deposit (SPEC §2, DOMAIN §5.4): DOCPAT01…09 and EXPPAT_1…3. */
export const PATIENT_TYPE_CODES = [
  'DOCPAT01', 'DOCPAT02', 'DOCPAT03', 'DOCPAT04', 'DOCPAT05', 'DOCPAT06', 'DOCPAT07', 'DOCPAT08', 'DOCPAT09',
  'EXPPAT_1', 'EXPPAT_2', 'EXPPAT_3',
] as const;

/** J08 codes every deployment relies on (levels N/R/V and the three CI-SIS visibility labels). */
const REQUIRED_CONFIDENTIALITY = [
  ['N', CODE_SYSTEMS.HL7_CONFIDENTIALITY.oid], ['R', CODE_SYSTEMS.HL7_CONFIDENTIALITY.oid], ['V', CODE_SYSTEMS.HL7_CONFIDENTIALITY.oid],
  ['MASQUE_PS', CODE_SYSTEMS.TRE_A07.oid], ['INVISIBLE_PATIENT', CODE_SYSTEMS.TRE_A07.oid],
  ['INVISIBLE_REPRESENTANTS_LEGAUX', CODE_SYSTEMS.TRE_A07.oid],
] as const;

export const DOCUMENT_TERMINOLOGY_ISSUE_CODES = {
  CSV: 'TERMINOLOGY_DMP_TYPES_CSV',
  HEADER: 'TERMINOLOGY_DMP_TYPES_HEADER',
  COLUMNS: 'TERMINOLOGY_DMP_TYPES_COLUMNS',
  ROW: 'TERMINOLOGY_DMP_TYPES_ROW',
  DUPLICATE: 'TERMINOLOGY_DMP_TYPES_DUPLICATE',
  CLASS: 'TERMINOLOGY_DMP_TYPES_CLASS',
  PATIENT_TYPES: 'TERMINOLOGY_DMP_TYPES_PATIENT',
  VALUE_SET: 'TERMINOLOGY_DOCUMENT_VALUE_SET',
} as const;

export type DmpType = { code: string; systemOid: string; system: string; display: string; classCode: string; classDisplay: string };

export type DocumentTerminology = {
  /** JDV_J66 (oid null: unknown here; version = the CSV dataset version). */
  typeValueSet: ValueSetInfo;
  classValueSet: ValueSetInfo;
  valueSets: Readonly<Record<DocumentValueSetKey, ValueSet>>;
  /** A J66 document type (E1762 excluded). */
  isDmpTypeCode(code: string): boolean;
  /** The DMP document types, in file order. */
  dmpTypeCodes(): readonly string[];
  dmpType(code: string): DmpType | undefined;
  isSignatureTypeCode(code: string): boolean;
  /** In the generic CI-SIS list J07 (may be outside the DMP). */
  isXdsTypeCode(code: string): boolean;
  /** J57 class of a DMP type. */
  classCodeFor(typeCode: string): string | undefined;
  isDmpClassCode(code: string): boolean;
  classDisplay(classCode: string): string | undefined;
  typeDisplay(code: string): string | undefined;
  /** FHIR system of a DMP type: `http://loinc.org` (LOINC) or `urn:oid:1.2.250.1.213.1.1.4.12` (TRE_A05). */
  typeCodeSystem(code: string): string | undefined;
  /** J08 code, optionally checking its system (FHIR URI, `urn:oid:` or ANS canonical). */
  isConfidentialityCode(code: string, system?: string): boolean;
  /** FHIR system of a J08 code: HL7 v3-Confidentiality for N/R/V, `urn:oid:1.2.250.1.213.1.1.4.13` for the labels. */
  confidentialitySystem(code: string): string | undefined;
  isPracticeSetting(code: string): boolean;
  isFacilityType(code: string): boolean;
  isAuthorSpecialty(code: string): boolean;
  /** DOCPAT01…09 + EXPPAT_1…3. */
  patientTypeCodes: readonly string[];
  isPatientTypeCode(code: string): boolean;
};

export type BuildDocumentTerminologyResult =
  | { ok: true; terminology: DocumentTerminology }
  | { ok: false; issues: ValidationIssue[] };

const codes = DOCUMENT_TERMINOLOGY_ISSUE_CODES;
const TYPE_SYSTEMS: Readonly<Record<string, { name: string; system: string }>> = {
  [CODE_SYSTEMS.LOINC.oid]: { name: 'LOINC', system: CODE_SYSTEMS.LOINC.system },
  [CODE_SYSTEMS.TRE_A05.oid]: { name: 'TRE_A05-TypeDocComplementaire', system: CODE_SYSTEMS.TRE_A05.system },
};
type CsvRecord = { record: string[]; info: { lines: number } };

/**
 * Builds the terminology from the J66→J57 CSV and the parsed value sets. Checks the CSV (header,
 * 7 columns, LOINC or TRE_A05 system, a class for every type but E1762, one label per class, no
 * duplicate), the OID of each value set, the J08 codes the rules rely on, and that the patient types
 * are DMP types. Every problem is reported.
 */
export function buildDocumentTerminology(input: {
  dmpTypesCsv: string;
  dmpTypesVersion: string;
  valueSets: Readonly<Record<DocumentValueSetKey, ValueSet>>;
}): BuildDocumentTerminologyResult {
  const issues = valueSetIssues(input.valueSets);
  const parsed = parseDmpTypes(input.dmpTypesCsv);
  issues.push(...parsed.issues);
  for (const code of parsed.readable ? PATIENT_TYPE_CODES : []) {
    if (!parsed.types.has(code)) {
      issues.push(issue('dmpTypes', codes.PATIENT_TYPES, `Le type patient ${code} est absent de la liste des types DMP.`));
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, terminology: createTerminology(parsed, input) };
}

function valueSetIssues(valueSets: Readonly<Record<DocumentValueSetKey, ValueSet>>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [key, oid] of Object.entries(DOCUMENT_VALUE_SET_OIDS) as [DocumentValueSetKey, string][]) {
    const vs = valueSets[key];
    if (vs?.oid !== oid) {
      issues.push(issue(`valueSets.${key}`, codes.VALUE_SET, `Le jeu de valeurs ${key} doit avoir l'OID ${oid}.`));
    }
  }
  for (const [code, system] of REQUIRED_CONFIDENTIALITY) {
    if (valueSets.J08?.get(code)?.codeSystem !== system) {
      issues.push(issue('valueSets.J08', codes.VALUE_SET, `Le code de confidentialité ${code} (système ${system}) manque dans J08.`));
    }
  }
  return issues;
}

type ParsedTypes = {
  readable: boolean;
  types: Map<string, DmpType>;
  signature: boolean;
  classes: Map<string, string>;
  issues: ValidationIssue[];
};

function parseDmpTypes(text: string): ParsedTypes {
  const out: ParsedTypes = { readable: false, types: new Map(), signature: false, classes: new Map(), issues: [] };
  let records: CsvRecord[];
  try {
    const options = { bom: true, info: true, relax_column_count: true, skip_empty_lines: true };
    records = parse(text, options) as unknown as CsvRecord[];
  } catch (error) {
    out.issues.push(issue('dmpTypes', codes.CSV, `Le fichier CSV est mal formé : ${(error as Error).message}`));
    return out;
  }
  const [header, ...rows] = records;
  if (header?.record.join(',') !== DMP_TYPES_CSV_HEADER.join(',')) {
    out.issues.push(issue('dmpTypes.header', codes.HEADER, `L'en-tête doit être exactement : ${DMP_TYPES_CSV_HEADER.join(',')}.`));
    return out;
  }
  out.readable = true;
  for (const { record, info } of rows) checkTypeRow(record, info.lines, out);
  return out;
}

function checkTypeRow(record: string[], line: number, out: ParsedTypes): void {
  const at = `dmpTypes.row[${line}]`;
  if (record.length !== DMP_TYPES_CSV_HEADER.length) {
    out.issues.push(issue(at, codes.COLUMNS, `La ligne ${line} doit avoir 7 colonnes (${record.length} trouvées).`));
    return;
  }
  const [code, systemOid, , display, classCode, classDisplay] = record.map((v) => v.trim()) as [string, string, string, string, string, string];
  if (code === SIGNATURE_TYPE_CODE) {
    out.signature = true;
    return;
  }
  const system = TYPE_SYSTEMS[systemOid];
  const before = out.issues.length;
  if (!/^[A-Za-z0-9_-]+$/.test(code)) out.issues.push(issue(`${at}.typeCode`, codes.ROW, `Ligne ${line} : code de type invalide.`));
  if (system === undefined) {
    out.issues.push(issue(`${at}.typeCodeSystemOID`, codes.ROW, `Ligne ${line} : système ${systemOid} inattendu (LOINC ou TRE_A05).`));
  }
  if (display === '') out.issues.push(issue(`${at}.displayName_fr`, codes.ROW, `Ligne ${line} : libellé manquant.`));
  if (!/^\d+$/.test(classCode) || classDisplay === '') {
    out.issues.push(issue(`${at}.classCode`, codes.CLASS, `Ligne ${line} : classe J57 manquante ou invalide pour ${code}.`));
  } else {
    const known = out.classes.get(classCode);
    if (known !== undefined && known !== classDisplay) {
      out.issues.push(issue(`${at}.classDisplay_fr`, codes.CLASS, `Ligne ${line} : la classe ${classCode} s'appelle déjà « ${known} ».`));
    }
    out.classes.set(classCode, known ?? classDisplay);
  }
  if (out.types.has(code)) out.issues.push(issue(`${at}.typeCode`, codes.DUPLICATE, `Ligne ${line} : le type ${code} figure déjà.`));
  if (out.issues.length > before || system === undefined) return;
  out.types.set(code, Object.freeze({ code, systemOid, system: system.system, display, classCode, classDisplay }));
}

function createTerminology(
  parsed: ParsedTypes,
  input: { dmpTypesVersion: string; valueSets: Readonly<Record<DocumentValueSetKey, ValueSet>> },
): DocumentTerminology {
  const { types, classes } = parsed;
  const vs = Object.freeze({ ...input.valueSets });
  const typeCodes = Object.freeze([...types.keys()]);
  const patient = new Set<string>(PATIENT_TYPE_CODES);
  return Object.freeze({
    typeValueSet: Object.freeze({ id: J66_ID, oid: null, version: input.dmpTypesVersion, canonical: nosCanonical(J66_ID) }),
    classValueSet: J57_INFO,
    valueSets: vs,
    isDmpTypeCode: (code: string) => types.has(code),
    dmpTypeCodes: () => typeCodes,
    dmpType: (code: string) => types.get(code),
    isSignatureTypeCode: (code: string) => parsed.signature && code === SIGNATURE_TYPE_CODE,
    isXdsTypeCode: (code: string) => vs.J07.has(code),
    classCodeFor: (code: string) => types.get(code)?.classCode,
    isDmpClassCode: (code: string) => classes.has(code),
    classDisplay: (code: string) => classes.get(code),
    typeDisplay: (code: string) => types.get(code)?.display,
    typeCodeSystem: (code: string) => types.get(code)?.system,
    isConfidentialityCode: (code: string, system?: string) => {
      const concept = vs.J08.get(code);
      return concept !== undefined && (system === undefined || isSystemForOid(system, concept.codeSystem));
    },
    confidentialitySystem: (code: string) => {
      const concept = vs.J08.get(code);
      return concept === undefined ? undefined : fhirSystemForOid(concept.codeSystem);
    },
    isPracticeSetting: (code: string) => vs.J04.has(code),
    isFacilityType: (code: string) => vs.J02.has(code),
    isAuthorSpecialty: (code: string) => vs.J01.has(code),
    patientTypeCodes: PATIENT_TYPE_CODES,
    isPatientTypeCode: (code: string) => patient.has(code),
  });
}
