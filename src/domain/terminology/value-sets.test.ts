import { describe, expect, it } from 'vitest';
import { parseSvsValueSet, type ValueSet } from './svs-value-set.ts';
import { DOCUMENT_CODE_ISSUES as I, validateDocumentCodes } from './validate-document-codes.ts';
import {
  buildDocumentTerminology,
  DMP_TYPES_CSV_HEADER,
  DOCUMENT_TERMINOLOGY_ISSUE_CODES as T,
  DOCUMENT_VALUE_SET_OIDS,
  PATIENT_TYPE_CODES,
  type DocumentTerminology,
  type DocumentValueSetKey,
} from './value-sets.ts';

const LOINC = '2.16.840.1.113883.6.1,LOINC';
const A05 = '1.2.250.1.213.1.1.4.12,TRE_A05-TypeDocComplementaire';
const patientRows = PATIENT_TYPE_CODES.map((code) =>
  code.startsWith('EXPPAT') ? `${code},${A05},Expression du patient,90,Autres documents déposés par le patient,yes` : `${code},${A05},Déposé par le patient,10,Compte rendu,yes`,
);
const CSV = [
  DMP_TYPES_CSV_HEADER.join(','),
  `11488-4,${LOINC},CR ou fiche de consultation ou de visite,10,Compte rendu,yes`,
  `89601-9,${LOINC},Certificat médical,52,"Certificat, déclaration",yes`,
  `PROT_ALD,${A05},Protocole de soins ALD,44,"Plan de soins, protocole de soins",yes`,
  ...patientRows,
  'E1762,ASTM,TRE_A12-NomenclatureASTM,Full Document,,"(mapped to Digital Signature, not a class)",yes',
].join('\n');

const xml = (oid: string, id: string, concepts: [string, string][]) => `<ValueSet id="${oid}" revisionDate="2024-12-13T12:00:00+01:00"
  urlFichier="https://mos.esante.gouv.fr/NOS/${id}"><ConceptList>
${concepts.map(([code, system]) => `<Concept code="${code}" codeSystem="${system}" displayName="${code} label"/>`).join('\n')}
</ConceptList></ValueSet>`;

function valueSets(overrides: Partial<Record<DocumentValueSetKey, [string, string][]>> = {}): Record<DocumentValueSetKey, ValueSet> {
  const contents: Record<DocumentValueSetKey, [string, string][]> = {
    J01: [['G15_10', '1.2.250.1.71.1.2.7'], ['G15_10/SM26', '1.2.250.1.213.2.28'], ['EXP_PATIENT', '1.2.250.1.213.1.1.4.6']],
    J02: [['SA07', '1.2.250.1.71.4.2.4'], ['EXP_PATIENT', '1.2.250.1.213.1.1.4.6']],
    J04: [['AMBULATOIRE', '1.2.250.1.213.1.1.4.9'], ['ESSMS', '1.2.250.1.213.1.1.4.9']],
    J07: [['11488-4', '2.16.840.1.113883.6.1'], ['28617-9', '2.16.840.1.113883.6.1'], ['E1762', 'ASTM']],
    J08: [
      ['N', '2.16.840.1.113883.5.25'], ['R', '2.16.840.1.113883.5.25'], ['V', '2.16.840.1.113883.5.25'],
      ['MASQUE_PS', '1.2.250.1.213.1.1.4.13'], ['INVISIBLE_PATIENT', '1.2.250.1.213.1.1.4.13'],
      ['INVISIBLE_REPRESENTANTS_LEGAUX', '1.2.250.1.213.1.1.4.13'],
    ],
    ...overrides,
  };
  const out = {} as Record<DocumentValueSetKey, ValueSet>;
  for (const key of Object.keys(contents) as DocumentValueSetKey[]) {
    const parsed = parseSvsValueSet(xml(DOCUMENT_VALUE_SET_OIDS[key], `JDV_${key}-Exemple-CISIS`, contents[key]));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    out[key] = parsed.valueSet;
  }
  return out;
}

function build(csv = CSV, sets = valueSets()): DocumentTerminology {
  const result = buildDocumentTerminology({ dmpTypesCsv: csv, dmpTypesVersion: '2024-02-23', valueSets: sets });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.terminology;
}
const issueCodes = (csv: string, sets = valueSets()) => {
  const result = buildDocumentTerminology({ dmpTypesCsv: csv, dmpTypesVersion: '2024-02-23', valueSets: sets });
  return result.ok ? [] : result.issues.map((i) => i.code);
};

describe('buildDocumentTerminology', () => {
  const terminology = build();

  it('answers the DMP type lookups, E1762 being a signature type only', () => {
    expect(terminology.isDmpTypeCode('11488-4')).toBe(true);
    expect(terminology.isDmpTypeCode('E1762')).toBe(false);
    expect(terminology.isSignatureTypeCode('E1762')).toBe(true);
    expect(terminology.dmpTypeCodes()).toHaveLength(3 + PATIENT_TYPE_CODES.length);
    expect(terminology.classCodeFor('89601-9')).toBe('52');
    expect(terminology.classDisplay('52')).toBe('Certificat, déclaration');
    expect(terminology.typeDisplay('PROT_ALD')).toBe('Protocole de soins ALD');
    expect(terminology.typeCodeSystem('11488-4')).toBe('http://loinc.org');
    expect(terminology.typeCodeSystem('PROT_ALD')).toBe('urn:oid:1.2.250.1.213.1.1.4.12');
    expect(terminology.typeCodeSystem('E1762')).toBeUndefined();
    expect(terminology.isXdsTypeCode('28617-9')).toBe(true);
  });

  it('keeps the identity of each value set', () => {
    expect(terminology.typeValueSet).toEqual({
      id: 'JDV_J66-TypeCode-DMP', oid: null, version: '2024-02-23',
      canonical: 'https://mos.esante.gouv.fr/NOS/JDV_J66-TypeCode-DMP/FHIR/JDV-J66-TypeCode-DMP',
    });
    expect(terminology.classValueSet.canonical).toBe('https://mos.esante.gouv.fr/NOS/JDV_J57-ClassCode-DMP/FHIR/JDV-J57-ClassCode-DMP');
    expect(terminology.valueSets.J08.oid).toBe('1.2.250.1.213.1.1.5.463');
  });

  it('answers the confidentiality, setting, facility, specialty and patient-type lookups', () => {
    expect(terminology.isConfidentialityCode('N', 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality')).toBe(true);
    expect(terminology.isConfidentialityCode('MASQUE_PS', 'urn:oid:1.2.250.1.213.1.1.4.13')).toBe(true);
    expect(terminology.isConfidentialityCode('MASQUE_PS', 'http://loinc.org')).toBe(false);
    expect(terminology.confidentialitySystem('R')).toBe('http://terminology.hl7.org/CodeSystem/v3-Confidentiality');
    expect(terminology.confidentialitySystem('INVISIBLE_PATIENT')).toBe('urn:oid:1.2.250.1.213.1.1.4.13');
    expect(terminology.isPracticeSetting('ESSMS')).toBe(true);
    expect(terminology.isFacilityType('SA07')).toBe(true);
    expect(terminology.isAuthorSpecialty('G15_10/SM26')).toBe(true);
    expect(terminology.isPatientTypeCode('EXPPAT_3')).toBe(true);
    expect(terminology.isPatientTypeCode('11488-4')).toBe(false);
  });

  it('rejects a bad CSV or value sets with precise issues', () => {
    const rows = CSV.split('\n');
    expect(issueCodes(CSV.replace('typeCode,', 'type,'))).toEqual([T.HEADER]);
    expect(issueCodes([...rows, rows[1]!].join('\n'))).toEqual([T.DUPLICATE]);
    expect(issueCodes([...rows, `X-1,9.9.9,Autre,Libellé,10,Compte rendu,yes`].join('\n'))).toEqual([T.ROW]);
    expect(issueCodes([...rows, `X-2,${LOINC},Libellé,,,yes`].join('\n'))).toEqual([T.CLASS]);
    expect(issueCodes([...rows, `X-3,${LOINC},Libellé,10,Autre nom,yes`].join('\n'))).toEqual([T.CLASS]);
    expect(issueCodes([...rows, 'X-4,too,few'].join('\n'))).toEqual([T.COLUMNS]);
    expect(issueCodes(rows.filter((r) => !r.startsWith('EXPPAT_3')).join('\n'))).toEqual([T.PATIENT_TYPES]);
    expect(issueCodes(CSV, valueSets({ J08: [['N', '2.16.840.1.113883.5.25']] }))).toHaveLength(5);
    expect(issueCodes(CSV, { ...valueSets(), J02: valueSets().J04 })).toEqual([T.VALUE_SET]);
  });
});

describe('validateDocumentCodes', () => {
  const terminology = build();
  const check = (input: Parameters<typeof validateDocumentCodes>[1]) => validateDocumentCodes(terminology, input);
  const fieldsAndCodes = (input: Parameters<typeof validateDocumentCodes>[1]) => check(input).map((i) => [i.field, i.code]);

  it('accepts a well-coded document', () => {
    expect(check({
      typeCode: '11488-4', typeSystem: 'http://loinc.org', classCode: '10', practiceSetting: 'AMBULATOIRE', facilityType: 'SA07',
      authorSpecialty: 'G15_10/SM26', labels: ['N', { system: 'urn:oid:1.2.250.1.213.1.1.4.13', code: 'MASQUE_PS' }],
    })).toEqual([]);
    expect(check({ typeCode: 'PROT_ALD', typeSystem: 'https://mos.esante.gouv.fr/NOS/TRE_A05-TypeDocComplementaire/FHIR/TRE-A05-TypeDocComplementaire' })).toEqual([]);
  });

  it('reports type problems on `type`', () => {
    expect(fieldsAndCodes({ typeCode: ' ' })).toEqual([['type', I.TYPE_REQUIRED]]);
    expect(fieldsAndCodes({ typeCode: 'NOPE' })).toEqual([['type', I.TYPE_UNKNOWN]]);
    expect(fieldsAndCodes({ typeCode: '28617-9' })).toEqual([['type', I.TYPE_NOT_DMP]]);
    expect(fieldsAndCodes({ typeCode: 'E1762' })).toEqual([['type', I.TYPE_SIGNATURE]]);
    expect(fieldsAndCodes({ typeCode: 'PROT_ALD', typeSystem: 'http://loinc.org' })).toEqual([['type', I.TYPE_SYSTEM_MISMATCH]]);
    expect(check({ typeCode: 'NOPE' })[0]?.message).toBe('Le type de document NOPE est inconnu.');
  });

  it('reports class, context, specialty and label problems on their FHIR paths', () => {
    expect(fieldsAndCodes({ typeCode: '11488-4', classCode: '52' })).toEqual([['category', I.CLASS_MISMATCH]]);
    expect(check({ typeCode: '11488-4', classCode: '52' })[0]?.message).toContain('classe 10 (Compte rendu)');
    expect(fieldsAndCodes({ typeCode: '11488-4', classCode: '77' })).toEqual([['category', I.CLASS_UNKNOWN]]);
    expect(fieldsAndCodes({ typeCode: '11488-4', practiceSetting: 'HOPITAL', facilityType: 'SA99', authorSpecialty: 'G15_99' })).toEqual([
      ['context.practiceSetting', I.PRACTICE_SETTING_UNKNOWN],
      ['context.facilityType', I.FACILITY_TYPE_UNKNOWN],
      ['author.specialty', I.AUTHOR_SPECIALTY_UNKNOWN],
    ]);
    expect(fieldsAndCodes({ typeCode: '11488-4', labels: ['SECRET', { system: 'http://loinc.org', code: 'N' }] })).toEqual([
      ['securityLabel', I.SECURITY_LABEL_UNKNOWN],
      ['securityLabel', I.SECURITY_LABEL_UNKNOWN],
    ]);
    expect(fieldsAndCodes({ typeCode: '11488-4', labels: ['N', 'V', 'INVISIBLE_PATIENT', 'MASQUE_PS'] })).toEqual([
      ['securityLabel', I.SECURITY_LABEL_LEVELS],
      ['securityLabel', I.SECURITY_LABEL_CONFLICT],
    ]);
  });
});
