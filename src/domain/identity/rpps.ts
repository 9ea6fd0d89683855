import { issue, type ValidationIssue, type ValidationResult } from '../validation-issue.ts';
import { validateFiness, validateSiren, validateSiret } from './finess.ts';

/**
 * Identifiers of professionals: RPPS, ADELI and the national professional id (idNatPs) used by the
 * DMP and CPS cards. Source: FR Core Practitioner, TRE_G08 prefixes (shared/docs/DOMAIN.md §1.5).
 */

export { luhnValid } from './luhn.ts';

/** FHIR systems (FR Core Practitioner identifier slices). */
export const RPPS_SYSTEM = 'https://rpps.esante.gouv.fr';
export const ID_NAT_PS_SYSTEM = 'urn:oid:1.2.250.1.71.4.2.1';

export const PROFESSIONAL_ID_ISSUE_CODES = {
  RPPS_FORMAT: 'IDENTITY_RPPS_FORMAT',
  ADELI_FORMAT: 'IDENTITY_ADELI_FORMAT',
  IDNATPS_FORMAT: 'IDENTITY_IDNATPS_FORMAT',
  IDNATPS_PREFIX: 'IDENTITY_IDNATPS_PREFIX',
  IDNATPS_LOCAL_ID: 'IDENTITY_IDNATPS_LOCAL_ID',
} as const;

/** First character of an idNatPs: the identifier type from TRE_G08-TypeIdentifiantPersonne. */
export const ID_NAT_PS_PREFIXES = {
  ADELI: '0',
  CABINET_ADELI: '1',
  FINESS: '3',
  SIREN: '4',
  SIRET: '5',
  CABINET_RPPS: '6',
  RPPS: '8',
} as const;

export type IdNatPsKind = keyof typeof ID_NAT_PS_PREFIXES;

/** A parsed idNatPs; `value` is the whole identifier. Structure-based kinds carry a local id. */
export type IdNatPs =
  | { kind: 'RPPS'; value: string; rpps: string }
  | { kind: 'ADELI'; value: string; adeli: string }
  | { kind: 'FINESS'; value: string; finess: string; localId: string }
  | { kind: 'SIREN'; value: string; siren: string; localId: string }
  | { kind: 'SIRET'; value: string; siret: string; localId: string }
  | { kind: 'CABINET_RPPS'; value: string; cabinetId: string; localId: string }
  | { kind: 'CABINET_ADELI'; value: string; cabinetId: string; localId: string };

/*
 * Why RPPS numbers are not refused on their last digit: RPPS numbers are widely said to end with a
 * Luhn check digit, but none of our sources (FR Core, ANS NOS, DOMAIN.md) states the rule, and a
 * wrong rule would lock real professionals out. `luhnValid` is exported so callers may warn.
 */

/** RPPS: exactly 11 digits (spaces ignored). The check digit is not enforced (see above). */
export function validateRpps(value: string, options: { field?: string } = {}): ValidationResult<string> {
  const field = options.field ?? 'rpps';
  const rpps = typeof value === 'string' ? value.replace(/\s+/gu, '') : '';
  if (!/^\d{11}$/.test(rpps)) {
    return fail(field, PROFESSIONAL_ID_ISSUE_CODES.RPPS_FORMAT, 'Le numéro RPPS doit comporter exactement 11 chiffres.');
  }
  return { ok: true, value: rpps };
}

/** ADELI: exactly 9 digits (spaces ignored). No control rule is known to us. */
export function validateAdeli(value: string, options: { field?: string } = {}): ValidationResult<string> {
  const field = options.field ?? 'adeli';
  const adeli = typeof value === 'string' ? value.replace(/\s+/gu, '') : '';
  if (!/^\d{9}$/.test(adeli)) {
    return fail(field, PROFESSIONAL_ID_ISSUE_CODES.ADELI_FORMAT, 'Le numéro ADELI doit comporter exactement 9 chiffres.');
  }
  return { ok: true, value: adeli };
}

type StructureKind = Exclude<IdNatPsKind, 'RPPS' | 'ADELI'>;
type StructurePrefix = (typeof ID_NAT_PS_PREFIXES)[StructureKind];

const STRUCTURE_FORMS: Record<StructurePrefix, { kind: StructureKind; label: string }> = {
  '3': { kind: 'FINESS', label: '3 + numéro FINESS' },
  '4': { kind: 'SIREN', label: '4 + numéro SIREN' },
  '5': { kind: 'SIRET', label: '5 + numéro SIRET' },
  '6': { kind: 'CABINET_RPPS', label: '6 + identifiant RPPS du cabinet' },
  '1': { kind: 'CABINET_ADELI', label: '1 + identifiant ADELI du cabinet' },
};

/**
 * Parses a national professional id (idNatPs, system `urn:oid:1.2.250.1.71.4.2.1`): `8`+RPPS,
 * `0`+ADELI, or a structure-based id `3`/`4`/`5`/`6`/`1` + structure id + `/` + local id.
 * The value is taken exactly as given (no space stripping: it is an identifier, not user typing).
 */
export function parseIdNatPs(value: string, options: { field?: string } = {}): ValidationResult<IdNatPs> {
  const field = options.field ?? 'idNatPs';
  const codes = PROFESSIONAL_ID_ISSUE_CODES;
  if (typeof value !== 'string' || value === '') {
    return fail(field, codes.IDNATPS_FORMAT, "L'identifiant national de professionnel (idNatPs) est vide.");
  }
  if (/[\s\p{Cc}]/u.test(value)) {
    return fail(field, codes.IDNATPS_FORMAT, "L'idNatPs ne doit contenir ni espace ni caractère de contrôle.");
  }
  const prefix = value[0];
  const rest = value.slice(1);
  if (prefix === '8') {
    if (!/^\d{11}$/.test(rest)) {
      return fail(field, codes.IDNATPS_FORMAT, "Un idNatPs de type RPPS s'écrit 8 suivi des 11 chiffres du RPPS.");
    }
    return { ok: true, value: { kind: 'RPPS', value, rpps: rest } };
  }
  if (prefix === '0') {
    if (!/^\d{9}$/.test(rest)) {
      return fail(field, codes.IDNATPS_FORMAT, "Un idNatPs de type ADELI s'écrit 0 suivi des 9 chiffres de l'ADELI.");
    }
    return { ok: true, value: { kind: 'ADELI', value, adeli: rest } };
  }
  if (prefix === '1' && rest.startsWith('0') && rest.includes('@')) {
    return fail(
      field,
      codes.IDNATPS_PREFIX,
      "Le préfixe 10 (adresse de messagerie MSSanté) n'identifie pas une personne : il n'est pas accepté ici.",
    );
  }
  if (prefix === '3' || prefix === '4' || prefix === '5' || prefix === '6' || prefix === '1') {
    return parseStructureBased(value, prefix, rest, field);
  }
  return fail(
    field,
    codes.IDNATPS_PREFIX,
    "Le premier caractère de l'idNatPs (type d'identifiant, TRE_G08) doit être 8 (RPPS), 0 (ADELI), " +
      '3 (FINESS), 4 (SIREN), 5 (SIRET), 6 (cabinet RPPS) ou 1 (cabinet ADELI).',
  );
}

function parseStructureBased(
  value: string,
  prefix: StructurePrefix,
  rest: string,
  field: string,
): ValidationResult<IdNatPs> {
  const { kind, label } = STRUCTURE_FORMS[prefix];
  const slash = rest.indexOf('/');
  if (slash < 0) {
    return fail(
      field,
      PROFESSIONAL_ID_ISSUE_CODES.IDNATPS_FORMAT,
      `Un idNatPs de ce type s'écrit ${label} + « / » + identifiant local du professionnel.`,
    );
  }
  const structureId = rest.slice(0, slash);
  const localId = rest.slice(slash + 1);
  const issues = structureIdIssues(kind, structureId, field, label);
  if (localId === '') {
    issues.push(
      issue(
        field,
        PROFESSIONAL_ID_ISSUE_CODES.IDNATPS_LOCAL_ID,
        "L'identifiant local du professionnel (après « / ») est obligatoire.",
      ),
    );
  }
  if (issues.length > 0) return { ok: false, issues };
  switch (kind) {
    case 'FINESS':
      return { ok: true, value: { kind, value, finess: structureId, localId } };
    case 'SIREN':
      return { ok: true, value: { kind, value, siren: structureId, localId } };
    case 'SIRET':
      return { ok: true, value: { kind, value, siret: structureId, localId } };
    case 'CABINET_RPPS':
    case 'CABINET_ADELI':
      return { ok: true, value: { kind, value, cabinetId: structureId, localId } };
    default:
      return kind satisfies never;
  }
}

function structureIdIssues(kind: StructureKind, id: string, field: string, label: string): ValidationIssue[] {
  switch (kind) {
    case 'FINESS': {
      const r = validateFiness(id, { field });
      if (!r.ok) return r.issues;
      // Inside an identifier the FINESS must be written exactly, not merely normalisable (2a → 2A).
      const message = `Dans un idNatPs (${label}), 2A / 2B s'écrivent en majuscules.`;
      return r.value === id ? [] : [issue(field, PROFESSIONAL_ID_ISSUE_CODES.IDNATPS_FORMAT, message)];
    }
    case 'SIREN': {
      const r = validateSiren(id, { field });
      return r.ok ? [] : r.issues;
    }
    case 'SIRET': {
      const r = validateSiret(id, { field });
      return r.ok ? [] : r.issues;
    }
    case 'CABINET_RPPS':
    case 'CABINET_ADELI':
      // The format of cabinet identifiers is not stated in our sources: letters and digits only.
      return /^[0-9A-Za-z]+$/.test(id)
        ? []
        : [
            issue(
              field,
              PROFESSIONAL_ID_ISSUE_CODES.IDNATPS_FORMAT,
              `L'identifiant de cabinet (${label}) doit être non vide et ne contenir que des lettres et des chiffres.`,
            ),
          ];
    default:
      return kind satisfies never;
  }
}

function fail<T>(field: string, code: string, message: string): ValidationResult<T> {
  return { ok: false, issues: [issue(field, code, message)] };
}
