import { issue, type ValidationResult } from '../validation-issue.ts';
import { luhnValid } from './luhn.ts';

/**
 * Structure identifiers: FINESS (health and social establishments), SIREN (legal unit) and SIRET
 * (establishment = SIREN + 5-digit NIC). All validators ignore spaces, return the normalised value
 * and never throw.
 */

export const STRUCTURE_ID_ISSUE_CODES = {
  FINESS_FORMAT: 'IDENTITY_FINESS_FORMAT',
  FINESS_KEY: 'IDENTITY_FINESS_KEY',
  SIREN_FORMAT: 'IDENTITY_SIREN_FORMAT',
  SIREN_KEY: 'IDENTITY_SIREN_KEY',
  SIRET_FORMAT: 'IDENTITY_SIRET_FORMAT',
  SIRET_KEY: 'IDENTITY_SIRET_KEY',
} as const;

/** SIREN of La Poste, whose establishments' SIRET follow a different control rule. */
export const LA_POSTE_SIREN = '356000000';

function normalise(value: unknown): string | undefined {
  return typeof value === 'string' ? value.replace(/\s+/gu, '').toUpperCase() : undefined;
}

/**
 * FINESS: 9 characters = département (2 digits, or 2A / 2B for Corsica) + 7 digits, the last being a
 * Luhn check digit over the first 8. For 2A/2B numbers the key is NOT checked: how the letters enter
 * the Luhn computation is not stated in our sources (replace by 19/18 as for the NIR? by 20?), and
 * refusing a real Corsican establishment would be worse than missing a typo there.
 */
export function validateFiness(value: string, options: { field?: string } = {}): ValidationResult<string> {
  const field = options.field ?? 'finess';
  const finess = normalise(value);
  if (finess === undefined || !/^(\d{2}|2[AB])\d{7}$/.test(finess)) {
    return {
      ok: false,
      issues: [
        issue(
          field,
          STRUCTURE_ID_ISSUE_CODES.FINESS_FORMAT,
          'Le numéro FINESS doit comporter 9 caractères : le département (2 chiffres, ou 2A / 2B pour la Corse) ' +
            'suivi de 7 chiffres.',
        ),
      ],
    };
  }
  const corsican = finess.startsWith('2A') || finess.startsWith('2B');
  if (!corsican && !luhnValid(finess)) {
    return {
      ok: false,
      issues: [
        issue(
          field,
          STRUCTURE_ID_ISSUE_CODES.FINESS_KEY,
          'La clé de contrôle du numéro FINESS est invalide : le 9e chiffre doit être la clé de Luhn des 8 premiers.',
        ),
      ],
    };
  }
  return { ok: true, value: finess };
}

/** SIREN: 9 digits, the last being a Luhn check digit. */
export function validateSiren(value: string, options: { field?: string } = {}): ValidationResult<string> {
  const field = options.field ?? 'siren';
  const siren = normalise(value);
  if (siren === undefined || !/^\d{9}$/.test(siren)) {
    return {
      ok: false,
      issues: [issue(field, STRUCTURE_ID_ISSUE_CODES.SIREN_FORMAT, 'Le numéro SIREN doit comporter exactement 9 chiffres.')],
    };
  }
  if (!luhnValid(siren)) {
    return {
      ok: false,
      issues: [
        issue(
          field,
          STRUCTURE_ID_ISSUE_CODES.SIREN_KEY,
          'La clé de contrôle du numéro SIREN est invalide : le 9e chiffre doit être la clé de Luhn des 8 premiers.',
        ),
      ],
    };
  }
  return { ok: true, value: siren };
}

/**
 * SIRET: 14 digits (SIREN + NIC) whose first 9 digits are a valid SIREN and which pass the Luhn test.
 * Exception for La Poste (SIREN 356000000), whose establishments are numbered so that the sum of the
 * 14 digits is a multiple of 5; a La Poste SIRET is accepted when it passes either rule (its head
 * office passes Luhn, not the sum rule).
 */
export function validateSiret(value: string, options: { field?: string } = {}): ValidationResult<string> {
  const field = options.field ?? 'siret';
  const siret = normalise(value);
  if (siret === undefined || !/^\d{14}$/.test(siret)) {
    return {
      ok: false,
      issues: [
        issue(field, STRUCTURE_ID_ISSUE_CODES.SIRET_FORMAT, 'Le numéro SIRET doit comporter exactement 14 chiffres.'),
      ],
    };
  }
  if (!luhnValid(siret.slice(0, 9))) {
    return {
      ok: false,
      issues: [
        issue(
          field,
          STRUCTURE_ID_ISSUE_CODES.SIRET_KEY,
          'Les 9 premiers chiffres du SIRET doivent former un SIREN valide (clé de Luhn).',
        ),
      ],
    };
  }
  const laPoste = siret.startsWith(LA_POSTE_SIREN);
  if (luhnValid(siret) || (laPoste && digitSum(siret) % 5 === 0)) return { ok: true, value: siret };
  const message = laPoste
    ? 'La clé de contrôle du SIRET de La Poste est invalide : la somme des 14 chiffres doit être un multiple de 5.'
    : 'La clé de contrôle du numéro SIRET est invalide : les 14 chiffres doivent vérifier la formule de Luhn.';
  return { ok: false, issues: [issue(field, STRUCTURE_ID_ISSUE_CODES.SIRET_KEY, message)] };
}

function digitSum(digits: string): number {
  let sum = 0;
  for (const c of digits) sum += c.charCodeAt(0) - 48;
  return sum;
}
