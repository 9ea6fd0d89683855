import { luhnCheckDigit } from '../../src/domain/identity/luhn.ts';

/**
 * Lines of the public directory extract (« Annuaire santé », PS_LibreAcces_Personne_activite) for
 * tests and the benchmark: the published header, pipe-separated, each line ending with `|`.
 */
export const DIRECTORY_HEADER_FIELDS = [
  "Type d'identifiant PP", 'Identifiant PP', 'Identification nationale PP', "Code civilité d'exercice", 'Libellé civilité d\'exercice',
  'Code civilité', 'Libellé civilité', "Nom d'exercice", "Prénom d'exercice", 'Code profession', 'Libellé profession',
  'Code catégorie professionnelle', 'Libellé catégorie professionnelle', 'Code type savoir-faire', 'Libellé type savoir-faire',
  'Code savoir-faire', 'Libellé savoir-faire', 'Code mode exercice', 'Libellé mode exercice', 'Numéro SIRET site', 'Numéro SIREN site',
  'Numéro FINESS site', 'Numéro FINESS établissement juridique', 'Identifiant technique de la structure', 'Raison sociale site',
  'Enseigne commerciale site', 'Complément destinataire (coord. structure)', 'Complément point géographique (coord. structure)',
  'Numéro Voie (coord. structure)', 'Indice répétition voie (coord. structure)', 'Code type de voie (coord. structure)',
  'Libellé type de voie (coord. structure)', 'Libellé Voie (coord. structure)', 'Mention distribution (coord. structure)',
  'Bureau cedex (coord. structure)', 'Code postal (coord. structure)', 'Code commune (coord. structure)',
  'Libellé commune (coord. structure)', 'Code pays (coord. structure)', 'Libellé pays (coord. structure)',
  'Téléphone (coord. structure)', 'Téléphone 2 (coord. structure)', 'Télécopie (coord. structure)',
  'Adresse e-mail (coord. structure)', 'Code Département (structure)', 'Libellé Département (structure)',
  'Ancien identifiant de la structure', "Autorité d'enregistrement", "Code secteur d'activité", "Libellé secteur d'activité",
  'Code section tableau pharmaciens', 'Libellé section tableau pharmaciens', 'Code rôle', 'Libellé rôle', 'Code genre activité', 'Libellé genre activité',
] as const;

export const directoryHeader = (): string => `${DIRECTORY_HEADER_FIELDS.join('|')}|`;

export type DirectoryPerson = {
  rpps: string; familyName: string; givenName: string; profession: string; specialty?: string;
  finess?: string; siret?: string; structureName?: string; idType?: string;
};

/** An RPPS number (11 digits) whose last digit is a Luhn key, from a 10-digit stem. */
export const rppsFor = (n: number): string => {
  const stem = String(10_000_000_000 / 10 + n).padStart(10, '0').slice(-10);
  return `${stem}${luhnCheckDigit(stem)}`;
};

export function directoryLine(p: DirectoryPerson): string {
  const f: Record<string, string> = {
    "Type d'identifiant PP": p.idType ?? '8', 'Identifiant PP': p.rpps, 'Identification nationale PP': `8${p.rpps}`,
    "Nom d'exercice": p.familyName, "Prénom d'exercice": p.givenName, 'Code profession': p.profession,
    'Code savoir-faire': p.specialty ?? '', 'Numéro FINESS site': p.finess ?? '', 'Numéro SIRET site': p.siret ?? '',
    'Raison sociale site': p.structureName ?? '', 'Code mode exercice': 'L', 'Libellé mode exercice': 'Libéral',
  };
  return `${DIRECTORY_HEADER_FIELDS.map((h) => f[h] ?? '').join('|')}|`;
}
