/**
 * DMP document types (JDV_J66 → class J57) with their French labels, read from the reference data the
 * server validates against (reference-data/), so the portal never drifts from it.
 */
import typesCsv from '../../../reference-data/dmp_typecode_J66_to_classcode_J57.csv?raw';

export interface DocumentType {
  code: string;
  /** System URI as FHIR search expects it (LOINC or TRE_A05). */
  system: string;
  label: string;
  classCode: string;
  classLabel: string;
}

const LOINC_OID = '2.16.840.1.113883.6.1';

/** Splits one CSV line (RFC 4180 quoting: "a, b" and "" for a quote). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

export function parseDocumentTypes(csv: string): DocumentType[] {
  const [header, ...rows] = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const columns = splitCsvLine(header ?? '');
  const at = (name: string) => columns.indexOf(name);
  const [code, oid, label, classCode, classLabel] = ['typeCode', 'typeCodeSystemOID', 'displayName_fr', 'classCode', 'classDisplay_fr'].map(at);
  return rows.map((row) => {
    const cells = splitCsvLine(row);
    const typeOid = cells[oid!] ?? '';
    return {
      code: cells[code!] ?? '',
      system: typeOid === LOINC_OID ? 'http://loinc.org' : `urn:oid:${typeOid}`,
      label: cells[label!] ?? '',
      classCode: cells[classCode!] ?? '',
      classLabel: cells[classLabel!] ?? '',
    };
  });
}

export const DOCUMENT_TYPES: readonly DocumentType[] = parseDocumentTypes(typesCsv);

const byCode = new Map(DOCUMENT_TYPES.map((t) => [t.code, t]));

export function documentType(code: string): DocumentType | undefined {
  return byCode.get(code);
}

/** The types a patient may deposit (DOCPAT01…09, EXPPAT_1…3): the only ones the API accepts from the patient side. */
export function isPatientDocumentType(code: string): boolean {
  return /^DOCPAT0[1-9]$/.test(code) || /^EXPPAT_[1-3]$/.test(code);
}

export const PATIENT_DOCUMENT_TYPES: readonly DocumentType[] = DOCUMENT_TYPES.filter((t) => isPatientDocumentType(t.code));

/** Types a patient uploads from the form: DOCPAT08 (the medical profile summary) is produced by the profile, not uploaded. */
export const UPLOADABLE_DOCUMENT_TYPES: readonly DocumentType[] = PATIENT_DOCUMENT_TYPES.filter((t) => t.code.startsWith('DOCPAT') && t.code !== 'DOCPAT08');
