import { parse } from 'csv-parse/sync';
import { isIsoCalendarDate, issue, type ValidationIssue } from '../validation-issue.ts';

/**
 * The habilitation matrix (DOMAIN §1, SPEC §3.4): for each DMP document type × professional column,
 * may a professional of that column read documents of that type. Versioned data, in LONG format — one
 * row per cell `type_code,profession_key,allowed,provenance,source` — with a companion file declaring
 * the columns `profession_key,sector,label`. Pure: the caller reads the files.
 *
 * Fail closed: `allows` answers undefined for an unknown type or column, and the caller must deny.
 * A column may refine a profession by physician specialty (`G15:10/SM26`); such a column must be
 * complete and takes precedence over its base column (`G15:10`) for professionals of that specialty.
 * The `sector` of a column lets the policy switch off the médico-social roles (SPEC §3.4).
 */

export const MATRIX_CSV_HEADER = ['type_code', 'profession_key', 'allowed', 'provenance', 'source'] as const;
export const MATRIX_COLUMNS_CSV_HEADER = ['profession_key', 'sector', 'label'] as const;

export const MATRIX_SECTORS = { HEALTH: 'health', MEDICO_SOCIAL: 'medico_social' } as const;
export type MatrixSector = (typeof MATRIX_SECTORS)[keyof typeof MATRIX_SECTORS];

/** `stated`: transcribed from a public source; `provisional`: our heuristic until the official annex is loaded. */
export const MATRIX_PROVENANCES = { STATED: 'stated', PROVISIONAL: 'provisional' } as const;
export type MatrixProvenance = (typeof MATRIX_PROVENANCES)[keyof typeof MATRIX_PROVENANCES];

export const MATRIX_ISSUE_CODES = {
  META: 'TERMINOLOGY_MATRIX_META',
  CSV: 'TERMINOLOGY_MATRIX_CSV',
  HEADER: 'TERMINOLOGY_MATRIX_HEADER',
  COLUMNS: 'TERMINOLOGY_MATRIX_COLUMNS',
  EMPTY: 'TERMINOLOGY_MATRIX_EMPTY',
  TYPE_UNKNOWN: 'TERMINOLOGY_MATRIX_TYPE_UNKNOWN',
  PROFESSION_UNKNOWN: 'TERMINOLOGY_MATRIX_PROFESSION_UNKNOWN',
  COLUMN_UNDECLARED: 'TERMINOLOGY_MATRIX_COLUMN_UNDECLARED',
  ALLOWED: 'TERMINOLOGY_MATRIX_ALLOWED',
  PROVENANCE: 'TERMINOLOGY_MATRIX_PROVENANCE',
  SOURCE: 'TERMINOLOGY_MATRIX_SOURCE',
  DUPLICATE: 'TERMINOLOGY_MATRIX_DUPLICATE',
  MISSING: 'TERMINOLOGY_MATRIX_MISSING',
  TYPE_MISSING: 'TERMINOLOGY_MATRIX_TYPE_MISSING',
  COLUMN_EMPTY: 'TERMINOLOGY_MATRIX_COLUMN_EMPTY',
  COLUMN_SECTOR: 'TERMINOLOGY_MATRIX_COLUMN_SECTOR',
  COLUMN_LABEL: 'TERMINOLOGY_MATRIX_COLUMN_LABEL',
  COLUMN_DUPLICATE: 'TERMINOLOGY_MATRIX_COLUMN_DUPLICATE',
  SPECIALTY: 'TERMINOLOGY_MATRIX_SPECIALTY',
} as const;

export type HabilitationCell = {
  allowed: boolean;
  provenance: MatrixProvenance;
  source: string;
  /** The column that decided (`G15:10/SM26` when a specialty column applied). */
  column: string;
};

export type MatrixColumn = {
  professionKey: string;
  /** `G15:10` for `G15:10/SM26`; the key itself otherwise. */
  baseProfessionKey: string;
  specialty: string | null;
  sector: MatrixSector;
  label: string;
};

export type MatrixMeta = { version: string; effectiveFrom: string; effectiveTo?: string };

export type MatrixKnowns = {
  isDmpTypeCode(code: string): boolean;
  isKnownProfessionKey(key: string): boolean;
  /** When given, each of these types must have rows (a type missing entirely is reported once). */
  dmpTypeCodes?: readonly string[];
  /** When given, a specialty column `G15:10/SM26` must pass it (e.g. J01 holds `G15_10/SM26`). */
  isKnownSpecialtyKey?(key: string): boolean;
};

export type HabilitationMatrix = {
  version: string;
  effectiveFrom: string;
  effectiveTo?: string;
  /**
   * The cell for a type and a profession (its specialty column first when `specialty` — `SM26` or
   * `G15_10/SM26` — has one). Undefined when the type or the column is unknown: deny.
   */
  allows(typeCode: string, professionKey: string, specialty?: string | null): HabilitationCell | undefined;
  sectorOf(professionKey: string): MatrixSector | undefined;
  columns(): readonly MatrixColumn[];
  typeCodes(): readonly string[];
};

export type ParseMatrixResult = { ok: true; matrix: HabilitationMatrix } | { ok: false; issues: ValidationIssue[] };

const codes = MATRIX_ISSUE_CODES;
const SECTORS = new Set<string>(Object.values(MATRIX_SECTORS));
const PROVENANCES = new Set<string>(Object.values(MATRIX_PROVENANCES));
const SPECIALTY_KEY = /^([A-Z]+\d+:[A-Za-z0-9_.-]+)\/([A-Za-z0-9]+)$/;
type CsvRecord = { record: string[]; info: { lines: number } };
type Parsed = { rows: CsvRecord[] } | { issues: ValidationIssue[] };

/** Parses and validates a matrix version: header, complete grid, values, known types and professions. */
export function parseHabilitationMatrix(
  csvText: string,
  columnsCsvText: string,
  meta: MatrixMeta,
  knowns: MatrixKnowns,
): ParseMatrixResult {
  const issues = metaIssues(meta);
  const columns = parseColumns(columnsCsvText, knowns, issues);
  const rows = readCsv(csvText, 'matrix', MATRIX_CSV_HEADER);
  if ('issues' in rows) return { ok: false, issues: [...issues, ...rows.issues] };
  // Without a readable columns file every row would be reported as undeclared: stop here.
  if (columns === undefined) return { ok: false, issues };
  if (rows.rows.length === 0) issues.push(issue('matrix', codes.EMPTY, 'La matrice ne contient aucune cellule.'));
  const cells = readCells(rows.rows, columns, knowns, issues);
  issues.push(...completenessIssues(cells, columns, knowns));
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, matrix: buildMatrix(meta, columns, cells) };
}

function metaIssues(meta: MatrixMeta): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (typeof meta?.version !== 'string' || meta.version.trim() === '') {
    issues.push(issue('meta.version', codes.META, 'La version de la matrice est obligatoire.'));
  }
  if (!isIsoCalendarDate(meta?.effectiveFrom)) {
    issues.push(issue('meta.effectiveFrom', codes.META, "La date d'effet de la matrice doit être une date AAAA-MM-JJ."));
  }
  if (meta?.effectiveTo !== undefined && (!isIsoCalendarDate(meta.effectiveTo) || meta.effectiveTo <= meta.effectiveFrom)) {
    issues.push(issue('meta.effectiveTo', codes.META, "La date de fin doit être une date AAAA-MM-JJ postérieure à la date d'effet."));
  }
  return issues;
}

function readCsv(text: string, where: string, header: readonly string[]): Parsed {
  let records: CsvRecord[];
  try {
    const options = { bom: true, info: true, relax_column_count: true, skip_empty_lines: true };
    records = parse(text, options) as unknown as CsvRecord[];
  } catch (error) {
    return { issues: [issue(where, codes.CSV, `Le fichier CSV (${where}) est mal formé : ${(error as Error).message}`)] };
  }
  const [first, ...rows] = records;
  if (first?.record.join(',') !== header.join(',')) {
    return { issues: [issue(`${where}.header`, codes.HEADER, `L'en-tête (${where}) doit être exactement : ${header.join(',')}.`)] };
  }
  return { rows };
}

/** Reads the columns file: sector and label per key, keys known, specialty columns attached to a base column. */
function parseColumns(text: string, knowns: MatrixKnowns, issues: ValidationIssue[]): Map<string, MatrixColumn> | undefined {
  const columns = new Map<string, MatrixColumn>();
  const parsed = readCsv(text, 'columns', MATRIX_COLUMNS_CSV_HEADER);
  if ('issues' in parsed) {
    issues.push(...parsed.issues);
    return undefined;
  }
  if (parsed.rows.length === 0) issues.push(issue('columns', codes.EMPTY, 'Le fichier des colonnes est vide.'));
  for (const { record, info } of parsed.rows) {
    const at = (name: string) => `columns.row[${info.lines}].${name}`;
    if (record.length !== MATRIX_COLUMNS_CSV_HEADER.length) {
      issues.push(issue(`columns.row[${info.lines}]`, codes.COLUMNS, `Ligne ${info.lines} : 3 colonnes attendues (${record.length} trouvées).`));
      continue;
    }
    const [key, sector, label] = record.map((v) => v.trim()) as [string, string, string];
    const before = issues.length;
    const specialty = SPECIALTY_KEY.exec(key);
    const base = specialty?.[1] ?? key;
    if (!knowns.isKnownProfessionKey(base)) {
      issues.push(issue(at('profession_key'), codes.PROFESSION_UNKNOWN, `Ligne ${info.lines} : profession ${base} inconnue du catalogue des professions.`));
    } else if (specialty && knowns.isKnownSpecialtyKey && !knowns.isKnownSpecialtyKey(key)) {
      issues.push(issue(at('profession_key'), codes.SPECIALTY, `Ligne ${info.lines} : spécialité ${key} inconnue.`));
    }
    if (!SECTORS.has(sector)) {
      issues.push(issue(at('sector'), codes.COLUMN_SECTOR, `Ligne ${info.lines} : secteur « ${sector} » invalide (health ou medico_social).`));
    }
    if (label === '') issues.push(issue(at('label'), codes.COLUMN_LABEL, `Ligne ${info.lines} : libellé obligatoire.`));
    if (columns.has(key)) issues.push(issue(at('profession_key'), codes.COLUMN_DUPLICATE, `Ligne ${info.lines} : la colonne ${key} est déjà déclarée.`));
    if (issues.length > before) continue;
    const column = { professionKey: key, baseProfessionKey: base, specialty: specialty?.[2] ?? null, sector: sector as MatrixSector, label };
    columns.set(key, Object.freeze(column));
  }
  for (const column of columns.values()) {
    if (column.specialty === null) continue;
    const base = columns.get(column.baseProfessionKey);
    if (base === undefined || base.sector !== column.sector) {
      const message = `La colonne ${column.professionKey} exige une colonne ${column.baseProfessionKey} du même secteur.`;
      issues.push(issue(`columns.${column.professionKey}`, codes.SPECIALTY, message));
    }
  }
  return columns;
}

/** cells: type → column → cell; a row whose type and column are valid counts as present even if its values are not. */
type Cells = { byType: Map<string, Map<string, HabilitationCell | null>>; firstLine: Map<string, number> };

function readCells(rows: CsvRecord[], columns: Map<string, MatrixColumn>, knowns: MatrixKnowns, issues: ValidationIssue[]): Cells {
  const cells: Cells = { byType: new Map(), firstLine: new Map() };
  const reported = new Set<string>();
  const once = (key: string, found: ValidationIssue) => {
    if (!reported.has(key)) issues.push(found);
    reported.add(key);
  };
  for (const { record, info } of rows) {
    const line = info.lines;
    const at = (name: string) => `matrix.row[${line}].${name}`;
    if (record.length !== MATRIX_CSV_HEADER.length) {
      issues.push(issue(`matrix.row[${line}]`, codes.COLUMNS, `Ligne ${line} : 5 colonnes attendues (${record.length} trouvées).`));
      continue;
    }
    const [type, key, allowed, provenance, source] = record.map((v) => v.trim()) as [string, string, string, string, string];
    let placed = true;
    if (!knowns.isDmpTypeCode(type)) {
      once(`type:${type}`, issue(at('type_code'), codes.TYPE_UNKNOWN, `Ligne ${line} : type de document ${type} inconnu de JDV_J66.`));
      placed = false;
    }
    if (!columns.has(key)) {
      const base = SPECIALTY_KEY.exec(key)?.[1] ?? key;
      const found = knowns.isKnownProfessionKey(base)
        ? issue(at('profession_key'), codes.COLUMN_UNDECLARED, `Ligne ${line} : la colonne ${key} n'est pas déclarée dans le fichier des colonnes.`)
        : issue(at('profession_key'), codes.PROFESSION_UNKNOWN, `Ligne ${line} : profession ${key} inconnue du catalogue des professions.`);
      once(`column:${key}`, found);
      placed = false;
    }
    const valid = checkValues(allowed, provenance, source, line, issues);
    if (!placed) continue;
    const cellKey = `${type}|${key}`;
    const first = cells.firstLine.get(cellKey);
    if (first !== undefined) {
      issues.push(issue(at('profession_key'), codes.DUPLICATE, `Ligne ${line} : la cellule (${type}, ${key}) figure déjà ligne ${first}.`));
      continue;
    }
    cells.firstLine.set(cellKey, line);
    const row = cells.byType.get(type) ?? new Map<string, HabilitationCell | null>();
    cells.byType.set(type, row);
    const cell = valid ? { allowed: allowed === 'yes', provenance: provenance as MatrixProvenance, source, column: key } : null;
    row.set(key, cell === null ? null : Object.freeze(cell));
  }
  return cells;
}

function checkValues(allowed: string, provenance: string, source: string, line: number, issues: ValidationIssue[]): boolean {
  const at = (name: string) => `matrix.row[${line}].${name}`;
  const before = issues.length;
  if (allowed !== 'yes' && allowed !== 'no') {
    issues.push(issue(at('allowed'), codes.ALLOWED, `Ligne ${line} : allowed vaut yes ou no (reçu « ${allowed} »).`));
  }
  if (!PROVENANCES.has(provenance)) {
    issues.push(issue(at('provenance'), codes.PROVENANCE, `Ligne ${line} : provenance stated ou provisional attendue (reçu « ${provenance} »).`));
  }
  if (source === '') issues.push(issue(at('source'), codes.SOURCE, `Ligne ${line} : la source ou la justification est obligatoire.`));
  return issues.length === before;
}

/** Every declared column × every type has exactly one row (duplicates were reported while reading). */
function completenessIssues(cells: Cells, columns: Map<string, MatrixColumn>, knowns: MatrixKnowns): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const type of knowns.dmpTypeCodes ?? []) {
    if (!cells.byType.has(type)) issues.push(issue(`matrix.type[${type}]`, codes.TYPE_MISSING, `Le type ${type} n'a aucune ligne dans la matrice.`));
  }
  const used = new Set([...cells.byType.values()].flatMap((row) => [...row.keys()]));
  for (const key of columns.keys()) {
    if (!used.has(key)) issues.push(issue(`matrix.column[${key}]`, codes.COLUMN_EMPTY, `La colonne ${key} n'a aucune cellule dans la matrice.`));
  }
  for (const [type, row] of cells.byType) {
    for (const key of columns.keys()) {
      if (used.has(key) && !row.has(key)) {
        issues.push(issue(`matrix.cell[${type},${key}]`, codes.MISSING, `La cellule (${type}, ${key}) manque : la grille doit être complète.`));
      }
    }
  }
  return issues;
}

function buildMatrix(meta: MatrixMeta, columns: Map<string, MatrixColumn>, cells: Cells): HabilitationMatrix {
  const byType = new Map<string, Map<string, HabilitationCell>>();
  for (const [type, row] of cells.byType) {
    byType.set(type, new Map([...row].filter((entry): entry is [string, HabilitationCell] => entry[1] !== null)));
  }
  const columnList = Object.freeze([...columns.values()]);
  const typeList = Object.freeze([...byType.keys()]);
  const allows = (typeCode: string, professionKey: string, specialty?: string | null): HabilitationCell | undefined => {
    const row = byType.get(typeCode);
    if (row === undefined) return undefined;
    if (specialty) {
      const refined = row.get(`${professionKey}/${specialty.slice(specialty.lastIndexOf('/') + 1)}`);
      if (refined !== undefined) return refined;
    }
    return row.get(professionKey);
  };
  return Object.freeze({
    version: meta.version,
    effectiveFrom: meta.effectiveFrom,
    ...(meta.effectiveTo !== undefined ? { effectiveTo: meta.effectiveTo } : {}),
    allows,
    sectorOf: (professionKey: string) => columns.get(professionKey)?.sector,
    columns: () => columnList,
    typeCodes: () => typeList,
  });
}
