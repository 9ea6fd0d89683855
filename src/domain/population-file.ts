import { issue, type ValidationIssue, type ValidationResult } from './validation-issue.ts';

/**
 * The insurer's population file (docs/population-file.md): one person per line, as NDJSON or as CSV
 * with a header row. This module turns one physical line into a raw record with the NDJSON field
 * names; `validatePopulationRow` then checks it. Pure: no I/O.
 */
export const POPULATION_FORMATS = ['ndjson', 'csv'] as const;
export type PopulationFormat = (typeof POPULATION_FORMATS)[number];

export const POPULATION_FILE_ISSUE_CODES = {
  BAD_JSON: 'IMPORT_BAD_JSON',
  BAD_CSV: 'IMPORT_BAD_CSV',
  BAD_HEADER: 'IMPORT_BAD_HEADER',
} as const;

/** A raw record: field names of the NDJSON form, values not yet checked. */
export type RawPopulationRow = Record<string, unknown>;

/** The CSV columns, in any order; the first six are required in the header. */
export const CSV_COLUMNS = [
  'ins', 'birthName', 'firstNames', 'birthDate', 'sex', 'birthPlace', 'insOid', 'email', 'rep1Ins', 'rep2Ins',
] as const;
const REQUIRED_CSV_COLUMNS = CSV_COLUMNS.slice(0, 6);

export type CsvHeader = { columns: readonly string[]; separator: ',' | ';' };

/** The format a file name implies (.ndjson / .jsonl / .csv), or null. */
export function formatForPath(path: string): PopulationFormat | null {
  const lower = path.toLowerCase();
  if (lower.endsWith('.ndjson') || lower.endsWith('.jsonl')) return 'ndjson';
  if (lower.endsWith('.csv')) return 'csv';
  return null;
}

export function isPopulationFormat(value: unknown): value is PopulationFormat {
  return (POPULATION_FORMATS as readonly unknown[]).includes(value);
}

/** Parses the CSV header row: separator `,` (or `;`, as spreadsheets write in French), known columns only. */
export function parseCsvHeader(line: string): ValidationResult<CsvHeader> {
  const text = stripBom(line);
  const separator = text.includes(';') && !text.includes(',') ? ';' : ',';
  const split = splitCsvLine(text, separator);
  const bad = (message: string): ValidationResult<CsvHeader> => ({
    ok: false, issues: [issue('header', POPULATION_FILE_ISSUE_CODES.BAD_HEADER, message)],
  });
  if (!split) return bad("La ligne d'en-tête CSV est mal formée (guillemets non fermés).");
  const columns = split.map((c) => c.trim());
  const unknown = columns.filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0) {
    return bad(`Colonnes inconnues dans l'en-tête CSV : ${unknown.join(', ')} (colonnes possibles : ${CSV_COLUMNS.join(', ')}).`);
  }
  const duplicated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (duplicated.length > 0) return bad(`Colonnes en double dans l'en-tête CSV : ${duplicated.join(', ')}.`);
  const missing = REQUIRED_CSV_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) return bad(`Colonnes obligatoires absentes de l'en-tête CSV : ${missing.join(', ')}.`);
  return { ok: true, value: { columns, separator } };
}

/** One NDJSON line -> raw record (a JSON object), or IMPORT_BAD_JSON. */
export function parseNdjsonLine(line: string): ValidationResult<RawPopulationRow> {
  let value: unknown;
  try {
    value = JSON.parse(stripBom(line));
  } catch {
    return badLine(POPULATION_FILE_ISSUE_CODES.BAD_JSON, "La ligne n'est pas un JSON valide.");
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return badLine(POPULATION_FILE_ISSUE_CODES.BAD_JSON, 'La ligne doit être un objet JSON (une personne par ligne).');
  }
  return { ok: true, value: value as RawPopulationRow };
}

/**
 * One CSV data line -> raw record with NDJSON names (rep1Ins/rep2Ins become `legalRepresentatives`);
 * empty cells are absent values. Records spanning several lines are not supported.
 */
export function parseCsvLine(line: string, header: CsvHeader): ValidationResult<RawPopulationRow> {
  const cells = splitCsvLine(line, header.separator);
  if (!cells) return badLine(POPULATION_FILE_ISSUE_CODES.BAD_CSV, 'La ligne CSV est mal formée (guillemets non fermés ou mal placés).');
  if (cells.length !== header.columns.length) {
    return badLine(
      POPULATION_FILE_ISSUE_CODES.BAD_CSV,
      `La ligne CSV compte ${cells.length} colonne(s) au lieu de ${header.columns.length} (celles de l'en-tête).`,
    );
  }
  const row: RawPopulationRow = {};
  const reps: { ins: string }[] = [];
  header.columns.forEach((column, i) => {
    const cell = cells[i]!.trim();
    if (cell === '') return;
    if (column === 'rep1Ins' || column === 'rep2Ins') reps.push({ ins: cell });
    else row[column] = cell;
  });
  if (reps.length > 0) row.legalRepresentatives = reps;
  return { ok: true, value: row };
}

/** RFC 4180 fields of one line; null when quotes are unbalanced or a quoted field is followed by text. */
export function splitCsvLine(line: string, separator: string): string[] | null {
  if (!line.includes('"')) return line.split(separator);
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return null;
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      cells.push(value);
      if (i === line.length) return cells;
      if (line[i] !== separator) return null;
      i++;
    } else {
      const next = line.indexOf(separator, i);
      const cell = line.slice(i, next < 0 ? line.length : next);
      if (cell.includes('"')) return null;
      cells.push(cell);
      if (next < 0) return cells;
      i = next + 1;
    }
  }
}

function stripBom(line: string): string {
  return line.charCodeAt(0) === 0xfeff ? line.slice(1) : line;
}

function badLine(code: string, message: string): { ok: false; issues: ValidationIssue[] } {
  return { ok: false, issues: [issue('$', code, message)] };
}
