import {
  fieldPath,
  isIsoCalendarDate,
  issue,
  type ValidationIssue,
  type ValidationResult,
} from '../validation-issue.ts';

/**
 * INS — identité nationale de santé: a matricule (the person's NIR, or the provisional NIA) + an OID
 * saying which kind it is + five strict identity traits. Sources: FR Core Patient INS profile (OIDs,
 * traits) and the INSEE NIR layout; see shared/docs/DOMAIN.md §3.1 and §4.
 */

/** The INS OIDs (FR Core `fr-core-patient-ins` identifier slices); FHIR `system` is `urn:oid:<oid>`. */
export const INS_OIDS = {
  NIR: { oid: '1.2.250.1.213.1.4.8', system: 'urn:oid:1.2.250.1.213.1.4.8' },
  NIA: { oid: '1.2.250.1.213.1.4.9', system: 'urn:oid:1.2.250.1.213.1.4.9' },
  TEST: { oid: '1.2.250.1.213.1.4.10', system: 'urn:oid:1.2.250.1.213.1.4.10' },
  DEMO: { oid: '1.2.250.1.213.1.4.11', system: 'urn:oid:1.2.250.1.213.1.4.11' },
} as const;

export type InsKind = keyof typeof INS_OIDS;

/** Legacy calculated INS (INS-C), obsolete: recognised only to be refused with a clear message. */
const LEGACY_INS_C_OID = '1.2.250.1.213.1.4.2';

export const INS_ISSUE_CODES = {
  FORMAT: 'IDENTITY_INS_FORMAT',
  KEY: 'IDENTITY_INS_KEY',
  OID: 'IDENTITY_INS_OID',
  TRAITS_MISMATCH: 'IDENTITY_INS_TRAITS_MISMATCH',
} as const;

export const IDENTITY_TRAITS_ISSUE_CODES = {
  REQUIRED: 'IDENTITY_TRAITS_REQUIRED',
  NAME: 'IDENTITY_TRAITS_NAME',
  BIRTH_DATE: 'IDENTITY_TRAITS_BIRTH_DATE',
  SEX: 'IDENTITY_TRAITS_SEX',
  BIRTH_PLACE: 'IDENTITY_TRAITS_BIRTH_PLACE',
} as const;

// ---------------------------------------------------------------------------------------------
// Matricule (NIR / NIA)
// ---------------------------------------------------------------------------------------------

/** Month values 20–42 and 50–99 stand for an unknown birth month (INSEE special values). */
function isNirMonth(mm: string): boolean {
  if (!/^\d{2}$/.test(mm)) return false;
  const n = Number(mm);
  return (n >= 1 && n <= 12) || (n >= 20 && n <= 42) || (n >= 50 && n <= 99);
}

/** Positions are 1-based in the messages, as in the INSEE description of the NIR. */
const NIR_SEGMENTS: ReadonlyArray<{ start: number; end: number; test: (s: string) => boolean; message: string }> = [
  {
    start: 0,
    end: 1,
    // 1 = male, 2 = female; 3, 4, 7, 8 are used for provisional numbers.
    test: (s) => /^[123478]$/.test(s),
    message: 'Le caractère 1 du NIR (sexe) doit valoir 1 ou 2 (3, 4, 7 ou 8 pour un numéro provisoire).',
  },
  {
    start: 1,
    end: 3,
    test: (s) => /^\d{2}$/.test(s),
    message: 'Les caractères 2–3 du NIR (année de naissance) doivent être 2 chiffres.',
  },
  {
    start: 3,
    end: 5,
    test: isNirMonth,
    message:
      'Les caractères 4–5 du NIR (mois de naissance) doivent valoir 01 à 12, ou 20 à 42 ou 50 à 99 (mois inconnu).',
  },
  {
    start: 5,
    end: 7,
    test: (s) => /^(\d{2}|2[AB])$/.test(s),
    message:
      'Les caractères 6–7 du NIR (département de naissance) doivent être 2 chiffres, ou 2A / 2B pour la Corse.',
  },
  {
    start: 7,
    end: 10,
    test: (s) => /^\d{3}$/.test(s),
    message: 'Les caractères 8–10 du NIR (commune ou pays de naissance) doivent être 3 chiffres.',
  },
  {
    start: 10,
    end: 13,
    test: (s) => /^\d{3}$/.test(s),
    message: "Les caractères 11–13 du NIR (numéro d'ordre) doivent être 3 chiffres.",
  },
  {
    start: 13,
    end: 15,
    test: (s) => /^\d{2}$/.test(s),
    message: 'Les caractères 14–15 du NIR (clé de contrôle) doivent être 2 chiffres.',
  },
];

const NIR_BODY_PATTERN = /^\d{5}(\d{2}|2[AB])\d{6}$/;

/**
 * Control key of a NIR/NIA: 97 − (N mod 97), N = the 13 first characters read as an integer, with
 * the Corsican département "2A" replaced by 19 and "2B" by 18 (positions 6–7). Result in 1…97.
 * Throws a RangeError on a malformed body (a programming error: use `validateIns` for user input).
 */
export function computeNirKey(first13: string): number {
  const body = first13.toUpperCase();
  if (!NIR_BODY_PATTERN.test(body)) {
    throw new RangeError('computeNirKey: 13 caractères attendus (chiffres, 2A ou 2B en positions 6–7)');
  }
  const department = body.slice(5, 7);
  const numericDepartment = department === '2A' ? '19' : department === '2B' ? '18' : department;
  const n = BigInt(body.slice(0, 5) + numericDepartment + body.slice(7));
  return Number(97n - (n % 97n));
}

/**
 * Validates an INS matricule (NIR or NIA): layout, then control key. Spaces are ignored and 2a/2b
 * upper-cased; on success `value` is the normalised 15-character matricule. Never throws.
 */
export function validateIns(value: string, options: { field?: string } = {}): ValidationResult<string> {
  const field = options.field ?? 'ins';
  if (typeof value !== 'string') {
    return fail(field, INS_ISSUE_CODES.FORMAT, 'Le matricule INS doit être une chaîne de caractères.');
  }
  const nir = value.replace(/\s+/gu, '').toUpperCase();
  if (nir.length !== 15) {
    return fail(
      field,
      INS_ISSUE_CODES.FORMAT,
      `Le matricule INS (NIR ou NIA) doit comporter 15 caractères : 13 caractères puis une clé de contrôle ` +
        `de 2 chiffres (${nir.length} caractère(s) reçu(s), espaces non comptés).`,
    );
  }
  const issues = NIR_SEGMENTS.filter((s) => !s.test(nir.slice(s.start, s.end))).map((s) =>
    issue(field, INS_ISSUE_CODES.FORMAT, s.message),
  );
  if (issues.length > 0) return { ok: false, issues };

  const expected = computeNirKey(nir.slice(0, 13));
  const received = Number(nir.slice(13));
  if (expected !== received) {
    const department = nir.slice(5, 7);
    const corsica =
      department === '2A' ? ', 2A remplacé par 19' : department === '2B' ? ', 2B remplacé par 18' : '';
    return fail(
      field,
      INS_ISSUE_CODES.KEY,
      // The expected key is not shown: it would let a mistyped number be "fixed" into someone else's.
      `La clé de contrôle du NIR est invalide : elle ne correspond pas aux 13 premiers caractères ` +
        `(clé = 97 − N mod 97${corsica}). Vérifiez le numéro saisi.`,
    );
  }
  return { ok: true, value: nir };
}

/** Validates the OID of an INS identifier (bare OID or `urn:oid:` system) and says which kind it is. */
export function validateInsOid(oid: string, options: { field?: string } = {}): ValidationResult<InsKind> {
  const field = options.field ?? 'oid';
  const bare = typeof oid === 'string' ? oid.trim().replace(/^urn:oid:/, '') : '';
  for (const kind of Object.keys(INS_OIDS) as InsKind[]) {
    if (INS_OIDS[kind].oid === bare) return { ok: true, value: kind };
  }
  const message =
    bare === LEGACY_INS_C_OID
      ? "L'INS calculé (INS-C, OID 1.2.250.1.213.1.4.2) est obsolète : seuls l'INS-NIR et l'INS-NIA sont acceptés."
      : "L'OID de l'INS doit être celui du NIR (1.2.250.1.213.1.4.8), du NIA (1.2.250.1.213.1.4.9), " +
        'ou des NIR de test (1.2.250.1.213.1.4.10) ou de démonstration (1.2.250.1.213.1.4.11).';
  return fail(field, INS_ISSUE_CODES.OID, message);
}

// ---------------------------------------------------------------------------------------------
// Strict identity traits
// ---------------------------------------------------------------------------------------------

/**
 * Sex as a strict INS trait: M, F or U (unknown). Only these three codes are accepted (not
 * male/female/unknown); map to FHIR `Patient.gender` with `INS_SEX_TO_FHIR_GENDER`.
 */
export const INS_SEX = { MALE: 'M', FEMALE: 'F', UNKNOWN: 'U' } as const;
export type InsSex = (typeof INS_SEX)[keyof typeof INS_SEX];

/** FHIR AdministrativeGender for each INS sex code (FR Core Patient INS: male | female | unknown). */
export const INS_SEX_TO_FHIR_GENDER = { M: 'male', F: 'female', U: 'unknown' } as const;

/** The five strict traits (FR Core Patient INS). `firstNames` is the ordered list of birth first names. */
export type IdentityTraits = {
  birthName: string;
  firstNames: string[];
  birthDate: string;
  sex: InsSex;
  birthPlace: string;
};

/** Unchecked traits as received; every field may be missing or of the wrong type. */
export type IdentityTraitsInput = { [K in keyof IdentityTraits]?: unknown };

/** Letters (any script, with diacritics), separated by spaces, hyphens or apostrophes. */
const NAME_PATTERN = /^[\p{L}\p{M}]+(?:[ '’-]+[\p{L}\p{M}]+)*$/u;

/** INSEE code: commune (5 digits, or 2A/2B + 3 digits for Corsica) or 99 + country code (abroad). */
const BIRTH_PLACE_PATTERN = /^(\d{5}|2[AB]\d{3})$/;

function nameIssues(value: unknown, field: string, label: string): ValidationIssue[] {
  if (typeof value !== 'string' || value.trim() === '') {
    return [issue(field, IDENTITY_TRAITS_ISSUE_CODES.REQUIRED, `${label} est obligatoire (trait strict de l'INS).`)];
  }
  if (!NAME_PATTERN.test(value)) {
    return [
      issue(
        field,
        IDENTITY_TRAITS_ISSUE_CODES.NAME,
        `${label} ne doit contenir que des lettres, séparées par des espaces, traits d'union ou apostrophes.`,
      ),
    ];
  }
  return [];
}

/**
 * Validates the five strict INS traits. `fieldPrefix` is prepended to field names
 * (`patient` → `patient.birthName`); `today` (YYYY-MM-DD), when given, refuses a future birth date.
 */
export function validateIdentityTraits(
  traits: IdentityTraitsInput,
  options: { fieldPrefix?: string; today?: string } = {},
): ValidationIssue[] {
  const f = (name: string) => fieldPath(options.fieldPrefix, name);
  const codes = IDENTITY_TRAITS_ISSUE_CODES;
  const issues: ValidationIssue[] = [];
  const input: IdentityTraitsInput = traits ?? {};

  issues.push(...nameIssues(input.birthName, f('birthName'), 'Le nom de naissance'));
  issues.push(...firstNamesIssues(input.firstNames, f));
  issues.push(...birthDateIssues(input.birthDate, options.today, f('birthDate')));
  if (input.sex !== 'M' && input.sex !== 'F' && input.sex !== 'U') {
    issues.push(issue(f('sex'), codes.SEX, 'Le sexe doit valoir M (masculin), F (féminin) ou U (inconnu).'));
  }
  if (typeof input.birthPlace !== 'string' || !BIRTH_PLACE_PATTERN.test(input.birthPlace)) {
    issues.push(
      issue(
        f('birthPlace'),
        codes.BIRTH_PLACE,
        'Le lieu de naissance doit être un code INSEE de 5 caractères : code commune (chiffres, ou 2A / 2B ' +
          "suivi de 3 chiffres en Corse), ou 99 suivi du code pays pour une naissance à l'étranger.",
      ),
    );
  }
  return issues;
}

function firstNamesIssues(firstNames: unknown, f: (name: string) => string): ValidationIssue[] {
  if (!Array.isArray(firstNames) || firstNames.length === 0) {
    const message =
      "La liste des prénoms de naissance est obligatoire (trait strict de l'INS) : au moins un prénom, " +
      'le premier en tête.';
    return [issue(f('firstNames'), IDENTITY_TRAITS_ISSUE_CODES.REQUIRED, message)];
  }
  return firstNames.flatMap((name: unknown, i) =>
    nameIssues(name, f(`firstNames[${i}]`), `Le prénom de naissance n° ${i + 1}`),
  );
}

function birthDateIssues(birthDate: unknown, today: string | undefined, field: string): ValidationIssue[] {
  const codes = IDENTITY_TRAITS_ISSUE_CODES;
  if (birthDate === undefined || birthDate === '') {
    return [issue(field, codes.REQUIRED, "La date de naissance est obligatoire (trait strict de l'INS).")];
  }
  if (!isIsoCalendarDate(birthDate)) {
    return [issue(field, codes.BIRTH_DATE, 'La date de naissance doit être une date réelle au format AAAA-MM-JJ.')];
  }
  if (isIsoCalendarDate(today) && birthDate > today) {
    return [issue(field, codes.BIRTH_DATE, 'La date de naissance ne peut pas être dans le futur.')];
  }
  return [];
}

/**
 * Checks that the NIR agrees with the traits that are known: sex digit (1 → M, 2 → F; 3, 4, 7, 8 and
 * trait U are not compared), birth year (positions 2–3 = year mod 100) and birth month (positions
 * 4–5, unless a special "unknown month" value). An invalid matricule returns its own issues.
 */
export function checkInsTraitsConsistency(
  ins: string,
  traits: Pick<IdentityTraitsInput, 'sex' | 'birthDate'>,
  options: { insField?: string; fieldPrefix?: string } = {},
): ValidationIssue[] {
  const parsed = validateIns(ins, { field: options.insField ?? 'ins' });
  if (!parsed.ok) return parsed.issues;
  const nir = parsed.value;
  const f = (name: string) => fieldPath(options.fieldPrefix, name);
  const mismatch = INS_ISSUE_CODES.TRAITS_MISMATCH;
  const issues: ValidationIssue[] = [];

  const nirSex = nir[0] === '1' ? 'M' : nir[0] === '2' ? 'F' : undefined;
  if (nirSex !== undefined && (traits.sex === 'M' || traits.sex === 'F') && traits.sex !== nirSex) {
    issues.push(
      issue(
        f('sex'),
        mismatch,
        `Le sexe déclaré (${traits.sex}) ne correspond pas au 1er caractère du NIR (1 = homme, 2 = femme).`,
      ),
    );
  }

  if (isIsoCalendarDate(traits.birthDate)) {
    const year = Number(traits.birthDate.slice(0, 4));
    if (Number(nir.slice(1, 3)) !== year % 100) {
      issues.push(
        issue(
          f('birthDate'),
          mismatch,
          "L'année de naissance ne correspond pas aux caractères 2–3 du NIR (les 2 derniers chiffres de l'année).",
        ),
      );
    }
    const nirMonth = Number(nir.slice(3, 5));
    if (nirMonth >= 1 && nirMonth <= 12 && nirMonth !== Number(traits.birthDate.slice(5, 7))) {
      issues.push(
        issue(f('birthDate'), mismatch, 'Le mois de naissance ne correspond pas aux caractères 4–5 du NIR.'),
      );
    }
  }
  return issues;
}

function fail<T>(field: string, code: string, message: string): ValidationResult<T> {
  return { ok: false, issues: [issue(field, code, message)] };
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
