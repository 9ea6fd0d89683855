import {
  checkInsTraitsConsistency,
  INS_OIDS,
  validateIdentityTraits,
  validateIns,
  validateInsOid,
  type InsKind,
  type InsSex,
} from './identity/ins.ts';
import { isMinorAt } from './policy/age.ts';
import type { RawPopulationRow } from './population-file.ts';
import { issue, type ValidationIssue } from './validation-issue.ts';

/**
 * One person of the insurer's population file, checked: the INS (key, OID), the five strict traits,
 * their agreement with the NIR, the contact e-mail and, for a minor, up to two legal representatives.
 * Pure: the import time is an input (age and "no birth date in the future" depend on it).
 */
export type PersonRecord = {
  line: number;
  ins: string;
  insOid: string;
  birthName: string;
  firstNames: string[];
  birthDate: string;
  sex: InsSex;
  birthPlace: string;
  email: string | null;
  /** Normalised INS of the legal representatives, rank 1 first. */
  legalRepresentatives: string[];
};

export type PopulationRowResult =
  | { ok: true; person: PersonRecord }
  | { ok: false; line: number; issues: ValidationIssue[] };

export const POPULATION_ROW_ISSUE_CODES = {
  UNKNOWN_FIELD: 'IMPORT_UNKNOWN_FIELD',
  EMAIL: 'IMPORT_EMAIL_INVALID',
  DUPLICATE_INS: 'IMPORT_DUPLICATE_INS',
  REPRESENTATIVES_FORMAT: 'IMPORT_REPRESENTATIVES_FORMAT',
  TOO_MANY_REPRESENTATIVES: 'IMPORT_TOO_MANY_REPRESENTATIVES',
  REPRESENTATIVE_SELF: 'IMPORT_REPRESENTATIVE_SELF',
  REPRESENTATIVE_DUPLICATE: 'IMPORT_REPRESENTATIVE_DUPLICATE',
  REPRESENTATIVE_OF_ADULT: 'IMPORT_REPRESENTATIVE_OF_ADULT',
} as const;

/** Up to two legal representatives per minor (SPEC §1). */
export const MAX_LEGAL_REPRESENTATIVES = 2;

const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'ins', 'insOid', 'birthName', 'firstNames', 'birthDate', 'sex', 'birthPlace', 'email', 'legalRepresentatives',
]);
const EMAIL_PATTERN = /^[^\s@"<>,;]+@[^\s@"<>,;]+\.[^\s@"<>,;]+$/;

export type PopulationRowContext = {
  now: Date;
  /** OIDs accepted besides NIR and NIA: the test and demo OIDs, outside production only. */
  acceptTestOids?: boolean;
};

/** Checks one raw record (line `line` of the file) and returns the typed person or every issue found. */
export function validatePopulationRow(raw: RawPopulationRow, line: number, ctx: PopulationRowContext): PopulationRowResult {
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(raw)) {
    if (!KNOWN_FIELDS.has(key)) {
      issues.push(issue(key, POPULATION_ROW_ISSUE_CODES.UNKNOWN_FIELD, 'Champ inconnu du format du fichier de population.'));
    }
  }
  const ins = validateIns(typeof raw.ins === 'string' ? raw.ins : '', { field: 'ins' });
  if (!ins.ok) issues.push(...ins.issues);
  const insOid = checkOid(raw.insOid, ctx, issues);

  const firstNames = typeof raw.firstNames === 'string' ? splitFirstNames(raw.firstNames) : raw.firstNames;
  const birthName = typeof raw.birthName === 'string' ? raw.birthName.trim() : raw.birthName;
  const traits = { birthName, firstNames, birthDate: raw.birthDate, sex: raw.sex, birthPlace: raw.birthPlace };
  const traitIssues = validateIdentityTraits(traits, { today: ctx.now.toISOString().slice(0, 10) });
  issues.push(...traitIssues);
  if (ins.ok && !traitIssues.some((i) => i.field === 'sex' || i.field === 'birthDate')) {
    issues.push(...checkInsTraitsConsistency(ins.value, { sex: raw.sex, birthDate: raw.birthDate }));
  }

  const email = checkEmail(raw.email, issues);
  const representatives = checkRepresentatives(raw.legalRepresentatives, ins.ok ? ins.value : null, issues);
  const birthDateOk = !traitIssues.some((i) => i.field === 'birthDate');
  if (representatives.length > 0 && birthDateOk && !isMinorAt(raw.birthDate as string, ctx.now)) {
    issues.push(issue(
      'legalRepresentatives',
      POPULATION_ROW_ISSUE_CODES.REPRESENTATIVE_OF_ADULT,
      "La personne est majeure à la date de l'import : elle ne peut pas avoir de représentant légal.",
    ));
  }
  if (issues.length > 0 || !ins.ok || insOid === null) return { ok: false, line, issues };
  return {
    ok: true,
    person: {
      line,
      ins: ins.value,
      insOid,
      birthName: birthName as string,
      firstNames: (firstNames as string[]).map((n) => n.trim()),
      birthDate: raw.birthDate as string,
      sex: raw.sex as InsSex,
      birthPlace: raw.birthPlace as string,
      email,
      legalRepresentatives: representatives,
    },
  };
}

/** The issue of a person whose INS already appeared earlier in the same file. */
export function duplicateInsIssue(firstLine: number | null): ValidationIssue {
  const where = firstLine === null ? 'plus haut dans le fichier' : `à la ligne ${firstLine}`;
  return issue('ins', POPULATION_ROW_ISSUE_CODES.DUPLICATE_INS, `Cet INS figure déjà ${where} : une seule ligne par personne.`);
}

function splitFirstNames(value: string): string[] {
  return value.trim().split(/\s+/u).filter((n) => n !== '');
}

function checkOid(value: unknown, ctx: PopulationRowContext, issues: ValidationIssue[]): string | null {
  if (value === undefined || value === null || value === '') return INS_OIDS.NIR.oid;
  const kind = validateInsOid(typeof value === 'string' ? value : '', { field: 'insOid' });
  if (!kind.ok) {
    issues.push(...kind.issues);
    return null;
  }
  const accepted: readonly InsKind[] = ctx.acceptTestOids ? ['NIR', 'NIA', 'TEST', 'DEMO'] : ['NIR', 'NIA'];
  if (!accepted.includes(kind.value)) {
    issues.push(issue('insOid', 'IDENTITY_INS_OID', "Les OID d'INS de test et de démonstration ne sont pas acceptés en production."));
    return null;
  }
  return INS_OIDS[kind.value].oid;
}

function checkEmail(value: unknown, issues: ValidationIssue[]): string | null {
  if (value === undefined || value === null || value === '') return null;
  const email = typeof value === 'string' ? value.trim() : '';
  if (email.length > 254 || !EMAIL_PATTERN.test(email)) {
    issues.push(issue('email', POPULATION_ROW_ISSUE_CODES.EMAIL, "L'adresse électronique de contact est mal formée."));
    return null;
  }
  return email;
}

/** Normalised representative INS; each problem is added to `issues`. */
function checkRepresentatives(value: unknown, personIns: string | null, issues: ValidationIssue[]): string[] {
  if (value === undefined || value === null) return [];
  const codes = POPULATION_ROW_ISSUE_CODES;
  if (!Array.isArray(value)) {
    issues.push(issue('legalRepresentatives', codes.REPRESENTATIVES_FORMAT, 'Les représentants légaux doivent être une liste de { "ins": … }.'));
    return [];
  }
  if (value.length > MAX_LEGAL_REPRESENTATIVES) {
    issues.push(issue('legalRepresentatives', codes.TOO_MANY_REPRESENTATIVES, `Un mineur a au plus ${MAX_LEGAL_REPRESENTATIVES} représentants légaux.`));
  }
  const result: string[] = [];
  value.slice(0, MAX_LEGAL_REPRESENTATIVES).forEach((rep: unknown, i) => {
    const field = `legalRepresentatives[${i}].ins`;
    const raw = rep !== null && typeof rep === 'object' ? (rep as { ins?: unknown }).ins : undefined;
    const checked = validateIns(typeof raw === 'string' ? raw : '', { field });
    if (!checked.ok) {
      issues.push(...checked.issues);
    } else if (checked.value === personIns) {
      issues.push(issue(field, codes.REPRESENTATIVE_SELF, 'Une personne ne peut pas être son propre représentant légal.'));
    } else if (result.includes(checked.value)) {
      issues.push(issue(field, codes.REPRESENTATIVE_DUPLICATE, 'Le même représentant légal est indiqué deux fois.'));
    } else {
      result.push(checked.value);
    }
  });
  return result;
}
