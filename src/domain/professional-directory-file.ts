import { validateFiness, validateSiret } from './identity/finess.ts';
import { validateRpps } from './identity/rpps.ts';
import { issue, type ValidationIssue, type ValidationResult } from './validation-issue.ts';

/**
 * The public extract of the national directory of professionals (« Annuaire santé »,
 * `PS_LibreAcces_Personne_activite_<timestamp>.txt`): pipe-separated, one header line, each line ending
 * with a trailing `|`, one line per person × activity. Columns are found by their header name, never
 * by position (the publisher adds columns over time). Pure: the caller reads the file.
 */

/** The header names we read, as published. */
export const DIRECTORY_COLUMNS = {
  idType: "Type d'identifiant PP",
  id: 'Identifiant PP',
  familyName: "Nom d'exercice",
  givenName: "Prénom d'exercice",
  profession: 'Code profession',
  specialty: 'Code savoir-faire',
  siret: 'Numéro SIRET site',
  finessSite: 'Numéro FINESS site',
  finessLegal: 'Numéro FINESS établissement juridique',
  companyName: 'Raison sociale site',
  tradeName: 'Enseigne commerciale site',
} as const;

type ColumnKey = keyof typeof DIRECTORY_COLUMNS;
const REQUIRED: readonly ColumnKey[] = ['idType', 'id', 'familyName', 'givenName', 'profession'];

/** `Type d'identifiant PP`: 8 = RPPS, 0 = ADELI (TRE_G08). */
const RPPS_ID_TYPE = '8';

export const DIRECTORY_ISSUE_CODES = {
  HEADER: 'DIRECTORY_HEADER',
  COLUMNS: 'DIRECTORY_COLUMNS',
  ID_TYPE: 'DIRECTORY_ID_TYPE',
  NAME: 'DIRECTORY_NAME',
  PROFESSION: 'DIRECTORY_PROFESSION',
} as const;

export type DirectoryHeader = { index: Readonly<Record<ColumnKey, number>>; width: number };

/** One activity line, checked: the professional (by RPPS) and the structure of this activity, if any. */
export type DirectoryRow = {
  rpps: string;
  givenName: string;
  familyName: string;
  /** Catalogue key of the G15 profession, e.g. `G15:10`. */
  profession: string;
  specialty: string | null;
  structure: { finess: string | null; siret: string | null; name: string } | null;
};

/** Splits a line on `|`, dropping the one empty field the trailing separator makes. */
export function splitDirectoryLine(line: string): string[] {
  const fields = line.replace(/\r$/, '').split('|');
  if (fields.length > 1 && fields[fields.length - 1] === '') fields.pop();
  return fields.map((f) => f.trim());
}

/** Reads the header line: every required column must be named; a byte-order mark is ignored. */
export function parseDirectoryHeader(line: string): ValidationResult<DirectoryHeader> {
  const names = splitDirectoryLine(line.replace(/^\uFEFF/, ''));
  if (names.length < REQUIRED.length) {
    return { ok: false, issues: [issue('header', DIRECTORY_ISSUE_CODES.HEADER, "La première ligne n'est pas l'en-tête d'une extraction de l'Annuaire santé (colonnes séparées par « | »).")] };
  }
  const index = {} as Record<ColumnKey, number>;
  const missing: string[] = [];
  for (const [key, name] of Object.entries(DIRECTORY_COLUMNS) as [ColumnKey, string][]) {
    const at = names.indexOf(name);
    index[key] = at;
    if (at < 0 && REQUIRED.includes(key)) missing.push(`« ${name} »`);
  }
  if (missing.length > 0) {
    return { ok: false, issues: [issue('header', DIRECTORY_ISSUE_CODES.COLUMNS, `Colonnes obligatoires absentes de l'en-tête : ${missing.join(', ')}.`)] };
  }
  return { ok: true, value: { index, width: names.length } };
}

/**
 * Checks one activity line. `isKnownProfession` answers for catalogue keys (`G15:10`): the directory
 * names professions by their TRE_G15 code. ADELI-only lines are refused: professionals act here under
 * their RPPS. A structure number present but invalid refuses the line rather than attach a wrong one.
 */
export function parseDirectoryLine(
  line: string,
  header: DirectoryHeader,
  isKnownProfession: (key: string) => boolean,
): ValidationResult<DirectoryRow> {
  const fields = splitDirectoryLine(line);
  if (fields.length !== header.width) {
    return { ok: false, issues: [issue('line', DIRECTORY_ISSUE_CODES.COLUMNS, `La ligne compte ${fields.length} colonnes au lieu de ${header.width}.`)] };
  }
  const get = (key: ColumnKey): string => (header.index[key] >= 0 ? fields[header.index[key]]! : '');
  const issues: ValidationIssue[] = [];
  if (get('idType') !== RPPS_ID_TYPE) {
    issues.push(issue(DIRECTORY_COLUMNS.idType, DIRECTORY_ISSUE_CODES.ID_TYPE,
      "Seuls les professionnels identifiés par leur RPPS (type 8) sont chargés ; les identifiants ADELI ne le sont pas."));
  }
  const rpps = validateRpps(get('id'), { field: DIRECTORY_COLUMNS.id });
  if (!rpps.ok) issues.push(...rpps.issues);
  const familyName = get('familyName');
  const givenName = get('givenName');
  if (familyName === '' || givenName === '') {
    issues.push(issue(familyName === '' ? DIRECTORY_COLUMNS.familyName : DIRECTORY_COLUMNS.givenName, DIRECTORY_ISSUE_CODES.NAME, "Le nom et le prénom d'exercice sont obligatoires."));
  }
  const profession = `G15:${get('profession')}`;
  if (!isKnownProfession(profession)) {
    issues.push(issue(DIRECTORY_COLUMNS.profession, DIRECTORY_ISSUE_CODES.PROFESSION, `Code profession inconnu de la nomenclature TRE_G15 : « ${get('profession')} ».`));
  }
  const finessText = get('finessSite') || get('finessLegal');
  const finess = finessText === '' ? null : validateFiness(finessText, { field: get('finessSite') ? DIRECTORY_COLUMNS.finessSite : DIRECTORY_COLUMNS.finessLegal });
  if (finess && !finess.ok) issues.push(...finess.issues);
  const siret = get('siret') === '' ? null : validateSiret(get('siret'), { field: DIRECTORY_COLUMNS.siret });
  if (siret && !siret.ok) issues.push(...siret.issues);
  if (issues.length > 0 || !rpps.ok) return { ok: false, issues };
  const structureName = get('companyName') || get('tradeName');
  const hasStructure = finess !== null || siret !== null || structureName !== '';
  return {
    ok: true,
    value: {
      rpps: rpps.value, givenName, familyName, profession, specialty: get('specialty') || null,
      structure: hasStructure ? { finess: finess?.ok ? finess.value : null, siret: siret?.ok ? siret.value : null, name: structureName } : null,
    },
  };
}
