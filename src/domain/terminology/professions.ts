import { parse } from 'csv-parse/sync';
import { isIsoCalendarDate, issue, type ValidationIssue } from '../validation-issue.ts';

/**
 * Catalogue of professions and care roles (TRE_G15 health professions, TRE_R85 roles, TRE_R94 social
 * professions, TRE_R95 protected titles), parsed from `professions_and_roles.csv` (extracted from the
 * ANS value sets JDV_J01 / JDV_J48; see reference-data/manifest.json). Pure: the caller reads the file.
 */

export const PROFESSIONS_CSV_HEADER = ['terminology', 'oid', 'code', 'display_fr', 'kind', 'status_note'] as const;

/** Broad kind: a G15 health profession, or anything else (social, protected title, care role). */
export const PROFESSION_KINDS = { HEALTH: 'health', MEDICO_SOCIAL: 'medico_social' } as const;
export type ProfessionKind = (typeof PROFESSION_KINDS)[keyof typeof PROFESSION_KINDS];

/** Finer category, one per `kind` label found in the file. */
export const PROFESSION_CATEGORIES = {
  HEALTH_PROFESSION: 'health_profession',
  PROTECTED_TITLE: 'protected_title',
  SOCIAL_PROFESSION: 'social_profession',
  CARE_ROLE: 'care_role',
} as const;
export type ProfessionCategory = (typeof PROFESSION_CATEGORIES)[keyof typeof PROFESSION_CATEGORIES];

/** The `kind` labels of the CSV and what they mean here. An unknown label fails the load. */
const KIND_LABELS: Readonly<Record<string, { kind: ProfessionKind; category: ProfessionCategory }>> = {
  'profession de santé (RPPS)': { kind: 'health', category: 'health_profession' },
  'usage de titre professionnel': { kind: 'medico_social', category: 'protected_title' },
  'profession du social': { kind: 'medico_social', category: 'social_profession' },
  'rôle (non-PS / médico-social / personnel)': { kind: 'medico_social', category: 'care_role' },
};

export const PROFESSIONS_ISSUE_CODES = {
  CSV: 'TERMINOLOGY_PROFESSIONS_CSV',
  HEADER: 'TERMINOLOGY_PROFESSIONS_HEADER',
  COLUMNS: 'TERMINOLOGY_PROFESSIONS_COLUMNS',
  EMPTY: 'TERMINOLOGY_PROFESSIONS_EMPTY',
  TERMINOLOGY: 'TERMINOLOGY_PROFESSIONS_TERMINOLOGY',
  OID: 'TERMINOLOGY_PROFESSIONS_OID',
  CODE: 'TERMINOLOGY_PROFESSIONS_CODE',
  DUPLICATE: 'TERMINOLOGY_PROFESSIONS_DUPLICATE',
  DISPLAY: 'TERMINOLOGY_PROFESSIONS_DISPLAY',
  KIND: 'TERMINOLOGY_PROFESSIONS_KIND',
  META: 'TERMINOLOGY_PROFESSIONS_META',
} as const;

export type ProfessionEntry = {
  /** `<short name>:<code>`, e.g. `G15:10` (médecin), `R85:301`, `R94:41`, `R95:93`. */
  key: string;
  /** Terminology id, e.g. `TRE_G15-ProfessionSante`; `terminologyShortName` is `G15`. */
  terminology: string;
  terminologyShortName: string;
  /** Remark written after the terminology name in the file (e.g. the R94 name is inferred). */
  terminologyNote?: string;
  oid: string;
  code: string;
  display: string;
  kind: ProfessionKind;
  category: ProfessionCategory;
  deprecated: boolean;
  /** Date found in a "deprecated … on YYYY-MM-DD" note. */
  deprecatedOn?: string;
  statusNote?: string;
};

export type ProfessionCatalog = {
  version: string;
  effectiveFrom: string;
  get(key: string): ProfessionEntry | undefined;
  isKnownProfessionKey(key: string): boolean;
  /** True only for a known key whose entry is deprecated (unknown keys: false — check first). */
  isDeprecated(key: string): boolean;
  kind(key: string): ProfessionKind | undefined;
  /** Every entry, in file order. */
  all(): readonly ProfessionEntry[];
};

export type ParseProfessionsResult = { ok: true; catalog: ProfessionCatalog } | { ok: false; issues: ValidationIssue[] };

/** Builds a catalogue key from a terminology short name and a code (`professionKey('G15', '10')`). */
export function professionKey(shortName: string, code: string): string {
  return `${shortName}:${code}`;
}

const TERMINOLOGY_PATTERN = /^(TRE_([A-Z]+\d+)-[A-Za-z0-9]+)(?:\s*\((.+)\))?$/;
const OID_PATTERN = /^[0-2](\.(0|[1-9]\d*))+$/;
const CODE_PATTERN = /^[A-Za-z0-9_.-]+$/;

type CsvRecord = { record: string[]; info: { lines: number } };

/** One row that passed the per-row checks. */
type CheckedRow = {
  line: number;
  terminology: string;
  shortName: string;
  note: string | undefined;
  oid: string;
  code: string;
  display: string;
  kindLabel: string;
  statusNote: string;
  kinds: { kind: ProfessionKind; category: ProfessionCategory };
};

/** What has been seen so far, to check consistency across rows. */
type SeenSoFar = {
  oidByTerminology: Map<string, string>;
  terminologyByOid: Map<string, string>;
  terminologyByShortName: Map<string, string>;
  kindLabelByTerminology: Map<string, string>;
  lineByKey: Map<string, number>;
};

const codes = PROFESSIONS_ISSUE_CODES;

/**
 * Parses and validates the professions CSV: exact header, six columns per row, known terminology /
 * kind labels, one OID per terminology (and back), non-empty display, no duplicate (terminology, code).
 * Every problem is reported, with the file line in the field name (`row[12].code`).
 */
export function parseProfessionsCsv(
  text: string,
  meta: { version: string; effectiveFrom: string },
): ParseProfessionsResult {
  const issues = metaIssues(meta);
  let records: CsvRecord[];
  try {
    const options = { bom: true, info: true, relax_column_count: true, skip_empty_lines: true };
    records = parse(text, options) as unknown as CsvRecord[];
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, issues: [...issues, issue('csv', codes.CSV, `Le fichier CSV est mal formé : ${detail}`)] };
  }

  const [header, ...rows] = records;
  if (header === undefined || header.record.join(',') !== PROFESSIONS_CSV_HEADER.join(',')) {
    const expected = PROFESSIONS_CSV_HEADER.join(',');
    issues.push(issue('header', codes.HEADER, `L'en-tête du fichier doit être exactement : ${expected}.`));
    return { ok: false, issues };
  }
  if (rows.length === 0) issues.push(issue('rows', codes.EMPTY, 'Le fichier ne contient aucune profession.'));

  const entries: ProfessionEntry[] = [];
  const seen: SeenSoFar = {
    oidByTerminology: new Map(),
    terminologyByOid: new Map(),
    terminologyByShortName: new Map(),
    kindLabelByTerminology: new Map(),
    lineByKey: new Map(),
  };
  for (const { record, info } of rows) {
    const checked = checkRow(record, info.lines);
    if (!checked.ok) {
      issues.push(...checked.issues);
      continue;
    }
    const crossIssues = checkAgainstEarlierRows(checked.row, seen);
    issues.push(...crossIssues);
    if (crossIssues.length === 0) entries.push(toEntry(checked.row));
  }

  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, catalog: buildCatalog(entries, meta) };
}

function metaIssues(meta: { version: string; effectiveFrom: string }): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (typeof meta?.version !== 'string' || meta.version.trim() === '') {
    issues.push(issue('meta.version', codes.META, 'La version du jeu de données est obligatoire.'));
  }
  if (!isIsoCalendarDate(meta?.effectiveFrom)) {
    const message = "La date d'effet du jeu de données doit être une date AAAA-MM-JJ.";
    issues.push(issue('meta.effectiveFrom', codes.META, message));
  }
  return issues;
}

/** Checks one row on its own. */
function checkRow(
  record: string[],
  line: number,
): { ok: true; row: CheckedRow } | { ok: false; issues: ValidationIssue[] } {
  const at = (column: string) => `row[${line}].${column}`;
  if (record.length !== PROFESSIONS_CSV_HEADER.length) {
    const message = `La ligne ${line} doit avoir 6 colonnes (${record.length} trouvées).`;
    return { ok: false, issues: [issue(`row[${line}]`, codes.COLUMNS, message)] };
  }
  const [rawTerminology, oid, code, display, kindLabel, statusNote] = record as [
    string, string, string, string, string, string,
  ];
  const issues: ValidationIssue[] = [];
  const t = TERMINOLOGY_PATTERN.exec(rawTerminology.trim());
  if (!t) {
    const message = `Ligne ${line} : nom de terminologie attendu de la forme TRE_X00-Nom.`;
    issues.push(issue(at('terminology'), codes.TERMINOLOGY, message));
  }
  if (!OID_PATTERN.test(oid)) issues.push(issue(at('oid'), codes.OID, `Ligne ${line} : OID mal formé.`));
  if (!CODE_PATTERN.test(code)) {
    const message = `Ligne ${line} : code vide ou contenant des caractères non admis.`;
    issues.push(issue(at('code'), codes.CODE, message));
  }
  if (display.trim() === '') {
    issues.push(issue(at('display_fr'), codes.DISPLAY, `Ligne ${line} : le libellé est obligatoire.`));
  }
  const kinds = KIND_LABELS[kindLabel];
  if (kinds === undefined) {
    const known = Object.keys(KIND_LABELS).join(' | ');
    issues.push(issue(at('kind'), codes.KIND, `Ligne ${line} : type « ${kindLabel} » inconnu (attendu : ${known}).`));
  }
  if (issues.length > 0 || !t || !kinds) return { ok: false, issues };
  const [, terminology, shortName, note] = t as unknown as [string, string, string, string | undefined];
  return {
    ok: true,
    row: { line, terminology, shortName, note, oid, code, display, kindLabel, statusNote, kinds },
  };
}

/** One OID per terminology and back, one terminology per short name, one kind per terminology, unique keys. */
function checkAgainstEarlierRows(row: CheckedRow, seen: SeenSoFar): ValidationIssue[] {
  const { line, terminology, shortName, oid, code, kindLabel } = row;
  const at = (column: string) => `row[${line}].${column}`;
  const issues = [
    ...consistency(seen.oidByTerminology, terminology, oid, at('oid'), codes.OID,
      `Ligne ${line} : la terminologie ${terminology} a déjà l'OID`),
    ...consistency(seen.terminologyByOid, oid, terminology, at('oid'), codes.OID,
      `Ligne ${line} : l'OID ${oid} est déjà celui de`),
    ...consistency(seen.terminologyByShortName, shortName, terminology, at('terminology'), codes.TERMINOLOGY,
      `Ligne ${line} : le nom court ${shortName} désigne déjà`),
    ...consistency(seen.kindLabelByTerminology, terminology, kindLabel, at('kind'), codes.KIND,
      `Ligne ${line} : la terminologie ${terminology} a déjà le type`),
  ];
  const key = professionKey(shortName, code);
  const firstLine = seen.lineByKey.get(key);
  if (firstLine !== undefined) {
    const message = `Ligne ${line} : le code ${code} de ${terminology} figure déjà ligne ${firstLine}.`;
    issues.push(issue(at('code'), codes.DUPLICATE, message));
  } else {
    seen.lineByKey.set(key, line);
  }
  return issues;
}

function toEntry(row: CheckedRow): ProfessionEntry {
  const statusNote = row.statusNote.trim();
  const deprecated = /^deprecated\b/i.test(statusNote);
  const deprecatedOn = deprecated ? /\b(\d{4}-\d{2}-\d{2})\b/.exec(statusNote)?.[1] : undefined;
  return Object.freeze({
    key: professionKey(row.shortName, row.code),
    terminology: row.terminology,
    terminologyShortName: row.shortName,
    ...(row.note !== undefined ? { terminologyNote: row.note.trim() } : {}),
    oid: row.oid,
    code: row.code,
    display: row.display.trim(),
    kind: row.kinds.kind,
    category: row.kinds.category,
    deprecated,
    ...(deprecatedOn !== undefined ? { deprecatedOn } : {}),
    ...(statusNote !== '' ? { statusNote } : {}),
  });
}

/** Records `value` for `key` the first time; later, reports a different value. */
function consistency(
  seen: Map<string, string>,
  key: string,
  value: string,
  field: string,
  code: string,
  message: string,
): ValidationIssue[] {
  const first = seen.get(key);
  if (first === undefined) {
    seen.set(key, value);
    return [];
  }
  return first === value ? [] : [issue(field, code, `${message} « ${first} » (reçu « ${value} »).`)];
}

function buildCatalog(entries: ProfessionEntry[], meta: { version: string; effectiveFrom: string }): ProfessionCatalog {
  const byKey = new Map(entries.map((e) => [e.key, e]));
  const all = Object.freeze([...entries]);
  return Object.freeze({
    version: meta.version,
    effectiveFrom: meta.effectiveFrom,
    get: (key: string) => byKey.get(key),
    isKnownProfessionKey: (key: string) => byKey.has(key),
    isDeprecated: (key: string) => byKey.get(key)?.deprecated === true,
    kind: (key: string) => byKey.get(key)?.kind,
    all: () => all,
  });
}
