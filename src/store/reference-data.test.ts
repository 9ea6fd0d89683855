import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { generateHabilitationMatrix, MATRIX_FILE } from '../../scripts/build-habilitation-matrix.ts';
import { loadReferenceData } from '../services/load-reference-data.ts';
import { validateDocumentCodes } from '../domain/terminology/validate-document-codes.ts';
import {
  DEFAULT_REFERENCE_DATA_DIR,
  loadDocumentTerminology,
  loadHabilitationMatrix,
  loadProfessionCatalog,
  loadReferenceManifest,
  loadRegulatoryParameters,
  readReferenceFile,
} from './reference-data.ts';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A writable copy of the real reference-data folder. */
function copyOfReferenceData(): string {
  const dir = mkdtempSync(join(tmpdir(), 'openmes-refdata-'));
  temps.push(dir);
  cpSync(DEFAULT_REFERENCE_DATA_DIR, dir, { recursive: true });
  return dir;
}

/** Rewrites a dataset file and its sha256 in the manifest. */
function replaceFile(dir: string, file: string, text: string): void {
  writeFileSync(join(dir, file), text);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  for (const d of manifest.datasets) {
    if (d.file === file) d.sha256 = createHash('sha256').update(text).digest('hex');
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
}

/** Rewrites the professions CSV and its sha256 in the manifest. */
function replaceProfessions(dir: string, text: string): void {
  replaceFile(dir, 'professions_and_roles.csv', text);
}

describe('loadProfessionCatalog (real reference data)', () => {
  const catalog = loadProfessionCatalog();

  it('loads the 116 professions and roles of version 2024-12-13', () => {
    expect(catalog.all()).toHaveLength(116);
    expect(catalog.version).toBe('2024-12-13');
    expect(catalog.effectiveFrom).toBe('2024-12-13');
    const perTerminology: Record<string, number> = {};
    for (const e of catalog.all()) perTerminology[e.terminologyShortName] = (perTerminology[e.terminologyShortName] ?? 0) + 1;
    expect(perTerminology).toEqual({
      G15: 29,
      R85: 70,
      R94: 12,
      R95: 5,
    });
  });

  it('finds the entries used across the project', () => {
    expect(catalog.get('G15:10')).toMatchObject({ display: 'Médecin', kind: 'health', deprecated: false });
    expect(catalog.get('R85:301')).toMatchObject({ display: "Coordination territoriale d'appui (PAERPA)", kind: 'medico_social' });
    expect(catalog.get('R94:41')).toMatchObject({ display: 'Assistant de service social', kind: 'medico_social' });
    expect(catalog.get('R95:93')).toMatchObject({ display: 'Psychologue', kind: 'medico_social' });
    expect(['35', '36', '37', '38', '39'].every((c) => catalog.isDeprecated(`G15:${c}`))).toBe(true);
    expect(catalog.all().filter((e) => e.deprecated)).toHaveLength(5);
    expect(catalog.all().filter((e) => e.kind === 'health')).toHaveLength(29);
  });

  it('selects the version in force at a date', () => {
    expect(loadProfessionCatalog(DEFAULT_REFERENCE_DATA_DIR, { date: '2025-01-01' }).version).toBe('2024-12-13');
    expect(() => loadProfessionCatalog(DEFAULT_REFERENCE_DATA_DIR, { date: '2024-12-12' })).toThrow(/aucune version en vigueur/);
  });
});

describe('reference-data manifest', () => {
  it('lists existing files whose sha256 matches', () => {
    const manifest = loadReferenceManifest();
    expect(manifest.datasets.map((d) => d.id)).toContain('dmp_typecode_J66_to_classcode_J57');
    expect(manifest.datasets.filter((d) => d.file.startsWith('ans-nos/'))).toHaveLength(11);
    for (const d of manifest.datasets) expect(readReferenceFile(manifest, d).length).toBeGreaterThan(0);
  });
});

describe('loadProfessionCatalog (fails fast)', () => {
  it('throws when a file does not match its checksum', () => {
    const dir = copyOfReferenceData();
    writeFileSync(join(dir, 'professions_and_roles.csv'), 'terminology,oid,code,display_fr,kind,status_note\n');
    expect(() => loadProfessionCatalog(dir)).toThrow(/REFERENCE_DATA_CHECKSUM/);
  });

  it('throws an Error listing every issue of an invalid CSV', () => {
    const dir = copyOfReferenceData();
    const text = readFileSync(join(dir, 'professions_and_roles.csv'), 'utf8');
    const firstRow = text.split('\n')[1]!;
    replaceProfessions(dir, `${text}${firstRow}\n${firstRow.replace(',10,', ',11,').replace('Médecin', '')}\n`);
    expect(() => loadProfessionCatalog(dir)).toThrow(/TERMINOLOGY_PROFESSIONS_DUPLICATE[\s\S]*TERMINOLOGY_PROFESSIONS_DISPLAY/);
  });

  it('throws on a bad header and on a missing manifest', () => {
    const dir = copyOfReferenceData();
    const text = readFileSync(join(dir, 'professions_and_roles.csv'), 'utf8');
    replaceProfessions(dir, text.replace('display_fr', 'libelle'));
    expect(() => loadProfessionCatalog(dir)).toThrow(/TERMINOLOGY_PROFESSIONS_HEADER/);
    rmSync(join(dir, 'manifest.json'));
    expect(() => loadProfessionCatalog(dir)).toThrow(/Manifeste/);
  });
});

describe('loadDocumentTerminology (real reference data)', () => {
  const documents = loadDocumentTerminology();

  it('holds the 102 DMP document types of J66 (E1762 apart) in the 11 DMP classes', () => {
    expect(documents.dmpTypeCodes()).toHaveLength(102);
    expect(documents.isDmpTypeCode('E1762')).toBe(false);
    expect(documents.isSignatureTypeCode('E1762')).toBe(true);
    expect(new Set(documents.dmpTypeCodes().map((t) => documents.classCodeFor(t)))).toEqual(
      new Set(['10', '11', '31', '42', '43', '44', '45', '52', '60', '90', '95']),
    );
    expect(documents.classCodeFor('60591-5')).toBe('11');
    expect(documents.classCodeFor('EXPPAT_3')).toBe('90');
    expect(documents.typeDisplay('74207-2')).toBe("Document de liaison d'urgence");
    expect(documents.typeCodeSystem('34112-3')).toBe('http://loinc.org');
    expect(documents.typeCodeSystem('DOCPAT08')).toBe('urn:oid:1.2.250.1.213.1.1.4.12');
    expect(documents.isXdsTypeCode('101881-1') && !documents.isDmpTypeCode('101881-1')).toBe(true);
  });

  it('reads the value sets with their OID, version and canonical', () => {
    expect(documents.valueSets.J07).toMatchObject({ oid: '1.2.250.1.213.1.1.5.471', version: '2024-09-27', canonical: 'https://mos.esante.gouv.fr/NOS/JDV_J07-XdsTypeCode-CISIS/FHIR/JDV-J07-XdsTypeCode-CISIS' });
    // The manifest and DOMAIN say 115 codes; the file holds 114 Concept elements.
    expect(documents.valueSets.J07.concepts).toHaveLength(114);
    expect(documents.valueSets.J01.concepts).toHaveLength(396);
    expect(documents.valueSets.J02.concepts).toHaveLength(69);
    expect(documents.valueSets.J04.concepts).toHaveLength(12);
    expect(documents.typeValueSet).toMatchObject({ id: 'JDV_J66-TypeCode-DMP', version: '2024-02-23' });
  });

  it('answers the lookups used when a document is fed', () => {
    expect(documents.isConfidentialityCode('V', 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality')).toBe(true);
    expect(documents.confidentialitySystem('INVISIBLE_REPRESENTANTS_LEGAUX')).toBe('urn:oid:1.2.250.1.213.1.1.4.13');
    expect(documents.isPracticeSetting('SAMU_SMUR') && documents.isFacilityType('SA33') && documents.isAuthorSpecialty('G15_10/SM26')).toBe(true);
    expect(documents.patientTypeCodes.every((t) => documents.isDmpTypeCode(t))).toBe(true);
    expect(validateDocumentCodes(documents, { typeCode: '60591-5', classCode: '11', practiceSetting: 'ESSMS', facilityType: 'SA07', authorSpecialty: 'G15_60', labels: ['N'] })).toEqual([]);
    expect(validateDocumentCodes(documents, { typeCode: '28617-9' }).map((i) => i.code)).toEqual(['DOCUMENT_TYPE_NOT_DMP']);
  });
});

/** DOMAIN.md §1.3, transcribed again here (independently of scripts/build-habilitation-matrix.ts). */
const COORDINATION_DENIED = ['15507-7', 'BIL_AUTO', '34794-8', '34112-3', '11506-3', '89601-9', 'CERT_DECL', '57828-6', '57832-8', '57833-6',
  'PRESC-AAT', 'PRESC-BIO', 'PRESC-KINE', 'PRESC-INF', 'PRESC-PEDI', 'PRESC-ORTHOPHO', 'PRESC-ORTHOPTIE'];
const STATED_CELLS: [profession: string, type: string, allowed: boolean][] = [
  ...['83981-1', 'DOCPAT01', 'DOCPAT02', 'DOCPAT03', 'DOCPAT04', 'DOCPAT05', 'DOCPAT06', 'DOCPAT07', 'DOCPAT08', 'DOCPAT09',
    '75482-0', '75492-9', '47420-5', '11502-2', '15507-7', '56445-0', 'PROT_ALD'].map((t): [string, string, boolean] => ['G15:60', t, true]),
  ...['75496-0', '68599-0', '83901-9', '68817-6', '89601-9'].map((t): [string, string, boolean] => ['G15:60', t, false]),
  ...['80788-3', '75496-0', '83981-1', '83901-9', '68599-0', 'EXPPAT_3'].map((t): [string, string, boolean] => ['G15:40', t, false]),
  ['G15:80', '15508-5', false],
  ...COORDINATION_DENIED.flatMap((t): [string, string, boolean][] => [['R85:330', t, false], ['R85:301', t, false]]),
];

describe('loadHabilitationMatrix (real reference data)', () => {
  const documents = loadDocumentTerminology();
  const matrix = loadHabilitationMatrix('2026-01-15');
  const grid = matrix.typeCodes().flatMap((type) => matrix.columns().map((c) => ({ type, key: c.professionKey, cell: matrix.allows(type, c.professionKey) })));

  it('is version 2023-10-26, in force from 2023-10-29, with 14 health and 9 médico-social columns', () => {
    expect(matrix).toMatchObject({ version: '2023-10-26', effectiveFrom: '2023-10-29' });
    expect(matrix.effectiveTo).toBeUndefined();
    expect(matrix.columns().filter((c) => c.sector === 'health').map((c) => c.professionKey)).toEqual(
      ['G15:10', 'G15:21', 'G15:40', 'G15:50', 'G15:60', 'G15:69', 'G15:70', 'G15:80', 'G15:91', 'G15:92', 'G15:94', 'G15:95', 'G15:96', 'G15:98'],
    );
    expect(matrix.columns().filter((c) => c.sector === 'medico_social').map((c) => c.professionKey)).toEqual(
      ['R85:330', 'R85:301', 'R85:331', 'R94:51', 'R85:313', 'R85:359', 'R85:333', 'R94:41', 'R95:93'],
    );
    expect(() => loadHabilitationMatrix('2023-10-28')).toThrow(/aucune version en vigueur le 2023-10-28/);
  });

  it('is a complete grid over every DMP type: 102 × 23 cells, 165 stated, 2181 provisional', () => {
    expect([...matrix.typeCodes()]).toEqual([...documents.dmpTypeCodes()]);
    expect(grid).toHaveLength(102 * 23);
    expect(grid.every((g) => g.cell !== undefined)).toBe(true);
    expect(grid.filter((g) => g.cell?.provenance === 'stated')).toHaveLength(165);
    expect(grid.filter((g) => g.cell?.provenance === 'provisional')).toHaveLength(2181);
    expect(grid.filter((g) => g.cell?.provenance === 'stated').every((g) => g.cell!.source.startsWith('https://'))).toBe(true);
    expect(grid.filter((g) => g.cell?.provenance === 'provisional').every((g) => g.cell!.source.startsWith('rule '))).toBe(true);
  });

  it('gives physicians every type except the residence certificate (stated)', () => {
    for (const type of matrix.typeCodes()) {
      expect(matrix.allows(type, 'G15:10')).toMatchObject({ allowed: type !== 'ATTEST-RESID', provenance: 'stated' });
    }
  });

  it.each(STATED_CELLS)('%s × %s is stated %s', (profession, type, allowed) => {
    expect(matrix.allows(type, profession)).toMatchObject({ allowed, provenance: 'stated' });
  });

  it('states nothing beyond DOMAIN §1.3', () => {
    const stated = grid.filter((g) => g.cell?.provenance === 'stated' && g.key !== 'G15:10').map((g) => `${g.key}|${g.type}`);
    expect(stated.sort()).toEqual(STATED_CELLS.map(([p, t]) => `${p}|${t}`).sort());
  });

  it('keeps the heuristics consistent with the source documents', () => {
    // Patient-deposited documents: row default for every health profession.
    for (const c of matrix.columns().filter((c) => c.sector === 'health')) expect(matrix.allows('DOCPAT05', c.professionKey)?.allowed).toBe(true);
    // Médico-social roles read the médico-social documents opened in 2023 (DLU, PPA) but no clinical report.
    expect(matrix.allows('74207-2', 'R94:41')?.allowed).toBe(true);
    expect(matrix.allows('80788-3', 'R85:359')?.allowed).toBe(true);
    expect(matrix.columns().filter((c) => c.sector === 'medico_social').some((c) => matrix.allows('34112-3', c.professionKey)?.allowed)).toBe(false);
    // Psychologists read the psychological assessment; infirmier psychiatrique follows the nurse column.
    expect(matrix.allows('83901-9', 'R95:93')?.allowed).toBe(true);
    expect(matrix.typeCodes().every((t) => matrix.allows(t, 'G15:69')?.allowed === matrix.allows(t, 'G15:60')?.allowed)).toBe(true);
    expect(matrix.sectorOf('R85:330')).toBe('medico_social');
  });

  it('property: for any known type and column, allows() is defined and deterministic', () => {
    const types = matrix.typeCodes();
    const keys = matrix.columns().map((c) => c.professionKey);
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.constantFrom(...keys), fc.option(fc.constantFrom('SM26', 'G15_10/SM04')), (type, key, specialty) => {
        const first = matrix.allows(type, key, specialty);
        expect(first).toBeDefined();
        expect(matrix.allows(type, key, specialty)).toEqual(first);
        expect(first).toEqual(matrix.allows(type, key));
      }),
    );
  });

  it('is exactly what scripts/build-habilitation-matrix.ts generates', () => {
    const generated = generateHabilitationMatrix(documents.dmpTypeCodes());
    expect(readFileSync(new URL(MATRIX_FILE, DEFAULT_REFERENCE_DATA_DIR), 'utf8')).toBe(generated.matrixCsv);
    expect(readFileSync(new URL('habilitation-matrix-columns.csv', DEFAULT_REFERENCE_DATA_DIR), 'utf8')).toBe(generated.columnsCsv);
  });
});

describe('loadHabilitationMatrix (fails fast)', () => {
  it('throws on a tampered file and on an invalid grid', () => {
    const dir = copyOfReferenceData();
    const text = readFileSync(join(dir, MATRIX_FILE), 'utf8');
    writeFileSync(join(dir, MATRIX_FILE), text.replace('G15:60,yes', 'G15:60,no'));
    expect(() => loadHabilitationMatrix('2026-01-15', { dir })).toThrow(/REFERENCE_DATA_CHECKSUM/);
    const lines = text.trimEnd().split('\n');
    const broken = [...lines.slice(0, 2), lines[1]!, ...lines.slice(3), '12345-6,G15:10,yes,stated,x'].join('\n');
    replaceFile(dir, MATRIX_FILE, broken);
    const message = (() => {
      try {
        loadHabilitationMatrix('2026-01-15', { dir });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('matrix.row[3].profession_key: Ligne 3 : la cellule (11369-6, G15:10) figure déjà ligne 2. [TERMINOLOGY_MATRIX_DUPLICATE]');
    expect(message).toContain('type de document 12345-6 inconnu de JDV_J66. [TERMINOLOGY_MATRIX_TYPE_UNKNOWN]');
    expect(message).toContain('matrix.cell[11369-6,G15:21]: La cellule (11369-6, G15:21) manque : la grille doit être complète. [TERMINOLOGY_MATRIX_MISSING]');
  });

  it('throws when the columns file is not of the matrix version', () => {
    const dir = copyOfReferenceData();
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    for (const d of manifest.datasets) if (d.id === 'habilitation_matrix_columns') d.version = '2023-01-01';
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    expect(() => loadHabilitationMatrix('2026-01-15', { dir })).toThrow(/REFERENCE_DATA_MATRIX_COLUMNS/);
  });
});

describe('regulatory parameters (real reference data)', () => {
  const parameters = loadRegulatoryParameters();

  it('ships the source documents’ delays (3 months, information at 1.5 month) as the values in force', () => {
    expect(parameters.at('2026-01-15')?.values).toEqual({
      invisiblePatientInformAfterDays: 45,
      invisiblePatientVisibleAfterDays: 90,
      emergencyAccessMinutes: 240,
      oppositionWindowDays: 42,
      retentionYears: 10,
      firstSearchYears: 2,
    });
    expect(parameters.at('2025-06-01')?.values).toMatchObject({ invisiblePatientInformAfterDays: 14, invisiblePatientVisibleAfterDays: 30 });
    expect(parameters.at('2021-12-31')).toBeUndefined();
  });

  it('throws on an invalid file', () => {
    const dir = copyOfReferenceData();
    const text = readFileSync(join(dir, 'regulatory-parameters.json'), 'utf8');
    replaceFile(dir, 'regulatory-parameters.json', text.replace('"invisiblePatientVisibleAfterDays": 90', '"invisiblePatientVisibleAfterDays": 30'));
    expect(() => loadRegulatoryParameters(dir)).toThrow(/TERMINOLOGY_REGULATORY_VALUE/);
    replaceFile(dir, 'regulatory-parameters.json', '{ not json');
    expect(() => loadRegulatoryParameters(dir)).toThrow(/REFERENCE_DATA_JSON/);
  });
});

describe('loadReferenceData', () => {
  it('loads and cross-checks every dataset at start', () => {
    const reference = loadReferenceData(new Date('2026-01-15T10:00:00Z'));
    expect(reference.professions.version).toBe('2024-12-13');
    expect(reference.documents.isDmpTypeCode('11488-4')).toBe(true);
    expect(reference.matrix.allows('11488-4', 'G15:60')?.allowed).toBe(true);
    expect(reference.regulatory.at(new Date('2026-03-01T00:00:00Z')).invisiblePatientInformAfterDays).toBe(45);
    expect(() => reference.regulatory.at(new Date('2020-01-01T00:00:00Z'))).toThrow(/Aucun paramètre réglementaire en vigueur le 2020-01-01/);
  });
});
