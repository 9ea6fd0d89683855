/**
 * Generates the habilitation matrix 2023-10-26 (reference-data/habilitation-matrix-2023-10-26.csv) and
 * its columns file (reference-data/habilitation-matrix-columns.csv), deterministically, from
 *   (a) STATED: every cell publicly stated (DOMAIN.md §1.3), with its source URL, provenance `stated`;
 *   (b) the heuristics below for every other cell, provenance `provisional`, with the rule as source.
 * then validates the result with the same parser as the server and updates the sha256 of both files in
 * reference-data/manifest.json.
 *
 *   npx tsx scripts/build-habilitation-matrix.ts          # write the files and the checksums
 *   npx tsx scripts/build-habilitation-matrix.ts --check  # exit 1 if the files differ from the generation
 *
 * The official annex of the arrêté of 26 Oct 2023 (19 columns × 87 types) was not available. When it
 * is, an operator ships it as a new CSV version in the same long format (and a columns file of the
 * same version) registered in manifest.json: no code change, and this script is no longer needed.
 *
 * Rows: every type of JDV_J66 (dmp_typecode_J66_to_classcode_J57.csv) except E1762, the ASTM "Full
 * Document" type of a submission-set signature, which no professional reads as a document.
 *
 * Columns: the seeds give "13 catégories de PS et 6 du médico-social" (Conseil d'État n° 490409,
 * seeds/001) and name the 6 médico-social ones (seeds/000): coordination and orientation;
 * administrative or support to the organisation of the accompaniment; support to social, professional
 * or educational life; support to care; management and organisation of the accompaniment; social
 * worker. The annex names categories, not codes, so each category gets the catalogue key(s) that
 * best carry it (one key per category, two where two codes carry the same function); the nurse column
 * also covers G15:69 (infirmier psychiatrique) and the psychologist (R95:93) gets a column of its own,
 * not confirmed in the annex. A professional whose key has no column is denied (fail closed).
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MATRIX_COLUMNS_CSV_HEADER, MATRIX_CSV_HEADER, parseHabilitationMatrix, type MatrixSector } from '../src/domain/terminology/habilitation-matrix.ts';
import { DEFAULT_REFERENCE_DATA_DIR, loadDocumentTerminology, loadProfessionCatalog } from '../src/store/reference-data.ts';

export const MATRIX_VERSION = '2023-10-26';
export const MATRIX_FILE = `habilitation-matrix-${MATRIX_VERSION}.csv`;
export const COLUMNS_FILE = 'habilitation-matrix-columns.csv';

type Group =
  | 'physician' | 'pharmacist' | 'dentist' | 'midwife' | 'nurse' | 'nurse_follow' | 'physiotherapist' | 'podiatrist'
  | 'speech_therapist' | 'orthoptist' | 'occupational_therapist' | 'dietitian' | 'psychomotor_therapist' | 'radiographer'
  | 'ms_coordination' | 'ms_administrative' | 'ms_social_life' | 'ms_care_support' | 'ms_management' | 'ms_social_worker'
  | 'ms_psychologist';
type ColumnSpec = { key: string; sector: MatrixSector; label: string; group: Group };

const health = (key: string, label: string, group: Group): ColumnSpec => ({ key, sector: 'health', label, group });
const medicoSocial = (key: string, label: string, group: Group): ColumnSpec => ({ key, sector: 'medico_social', label, group });

export const MATRIX_COLUMNS: readonly ColumnSpec[] = [
  health('G15:10', 'Médecin (toutes spécialités)', 'physician'),
  health('G15:21', 'Pharmacien', 'pharmacist'),
  health('G15:40', 'Chirurgien-dentiste', 'dentist'),
  health('G15:50', 'Sage-femme', 'midwife'),
  health('G15:60', 'Infirmier', 'nurse'),
  health('G15:69', 'Infirmier psychiatrique (colonne Infirmier)', 'nurse_follow'),
  health('G15:70', 'Masseur-kinésithérapeute', 'physiotherapist'),
  health('G15:80', 'Pédicure-podologue', 'podiatrist'),
  health('G15:91', 'Orthophoniste', 'speech_therapist'),
  health('G15:92', 'Orthoptiste', 'orthoptist'),
  health('G15:94', 'Ergothérapeute', 'occupational_therapist'),
  health('G15:95', 'Diététicien', 'dietitian'),
  health('G15:96', 'Psychomotricien', 'psychomotor_therapist'),
  health('G15:98', "Manipulateur d'électroradiologie médicale", 'radiographer'),
  // R85:330 is end-dated in R85 v2023 but still in J01/J47 (DOMAIN §9.10); R85:301 carries the same DAC function.
  medicoSocial('R85:330', 'Coordination et orientation — coordonnateur de parcours', 'ms_coordination'),
  medicoSocial('R85:301', "Coordination et orientation — coordination territoriale d'appui", 'ms_coordination'),
  medicoSocial('R85:331', "Fonctions administratives ou d'appui à l'organisation de l'accompagnement — secrétaire médico-administratif", 'ms_administrative'),
  medicoSocial('R94:51', "Accompagnement à la vie sociale, professionnelle ou éducative — éducateur spécialisé", 'ms_social_life'),
  medicoSocial('R85:313', 'Accompagnement au soin — aide-soignant', 'ms_care_support'),
  // Management: the director runs the structure, the "responsable de secteur" organises the interventions (home-care services).
  medicoSocial('R85:359', "Encadrement et organisation de l'accompagnement — directeur d'établissement", 'ms_management'),
  medicoSocial('R85:333', "Encadrement et organisation de l'accompagnement — responsable de secteur", 'ms_management'),
  medicoSocial('R94:41', 'Assistant de service social', 'ms_social_worker'),
  medicoSocial('R95:93', "Psychologue (colonne non confirmée dans l'annexe)", 'ms_psychologist'),
];

type Family =
  | 'clinical_report' | 'liaison_synthesis' | 'imaging' | 'prescription' | 'sick_leave' | 'medication' | 'care_plan'
  | 'shared_care_plan' | 'school_plan' | 'maternity' | 'vaccination' | 'mental_health' | 'telemedicine_request'
  | 'medical_certificate' | 'child_prevention' | 'genetics' | 'medico_social' | 'autonomy_assessment' | 'administrative'
  | 'residence' | 'reimbursement' | 'patient_deposited' | 'patient_administrative' | 'patient_expression'
  | 'advance_directives';

const families = (family: Family, types: string): [string, Family][] => types.split(/\s+/).filter(Boolean).map((t) => [t, family]);

/** Every DMP type in one family; the script stops when J66 gains a type nobody classified. */
export const TYPE_FAMILIES: ReadonlyMap<string, Family> = new Map([
  ...families('clinical_report', `11488-4 11502-2 11505-5 11506-3 11526-1 15507-7 29274-8 34112-3 34749-2 34794-8 34874-8
    34875-5 47420-5 59283-2 60568-3 67851-6 70004-7 75482-0 75492-9 77436-4 78513-9 83836-7 85208-7`),
  ...families('liaison_synthesis', '11490-0 18761-7 34133-9 60591-5 96349-6 SYNTH'),
  ...families('imaging', '18748-4 52040-3 IMG-KOS'),
  ...families('prescription', '55115-0 57828-6 57832-8 57833-6 PRESC-BIO PRESC-KINE PRESC-INF PRESC-PEDI PRESC-ORTHOPHO PRESC-ORTHOPTIE'),
  ...families('sick_leave', 'PRESC-AAT'),
  ...families('medication', '56445-0 60593-1 61357-0 75468-9 78601-2 80565-5 80820-4 93024-8 DISP_AUT'),
  ...families('care_plan', '77604-7 PROT_ALD'),
  ...families('shared_care_plan', '18776-5 83869-8'),
  ...families('school_plan', '80771-9'),
  ...families('maternity', '15508-5 57055-6 57057-2 57075-4 78489-2 89235-6'),
  ...families('vaccination', '11369-6 87273-9 96173-0 96874-3'),
  ...families('mental_health', '68599-0 83901-9'),
  ...families('telemedicine_request', '75496-0'),
  ...families('medical_certificate', '89601-9 CERT_DECL'),
  ...families('child_prevention', '68817-6'),
  ...families('genetics', '51969-4'),
  ...families('medico_social', '28653-4 34842-5 74207-2 80788-3 83981-1 88348-8'),
  ...families('autonomy_assessment', 'BIL_AUTO'),
  ...families('administrative', '59284-0 86531-1 ATTEST-ASS-COMPL ATTEST-DROITS-AM AUTORIS-SOINS'),
  ...families('residence', 'ATTEST-RESID ATTEST-HEBGT'),
  ...families('reimbursement', 'REMB'),
  ...families('patient_deposited', 'DOCPAT01 DOCPAT02 DOCPAT03 DOCPAT04 DOCPAT05 DOCPAT06 DOCPAT07 DOCPAT08'),
  ...families('patient_administrative', 'DOCPAT09'),
  ...families('patient_expression', '74465-6 EXPPAT_1 EXPPAT_2'),
  ...families('advance_directives', 'EXPPAT_3'),
]);

// ---------------------------------------------------------------------------------------------------
// (a) Stated cells — DOMAIN.md §1.3, each with its source.

const SOURCES = {
  informationDentaire: 'https://information-dentaire.fr/actualites/publication-des-regles-d-acces-aux-dmp-des-professionnels-de-sante',
  infirmiers: 'https://static1.infirmiers.com/profession-ide/dossier-medical-partage-la-liste-des-habilitations-dacces-pour-la-profession',
  franceAssosSante: 'https://www.france-assos-sante.org/actualite/mon-espace-sante-parlons-confidentialite/',
  facsIdf: 'https://facs-idf.fr/2023/11/une-matrice-dhabilitation-dacces-au-dmp-pour-les-coordinateurs-de-parcours/',
} as const;

/** `what` says what the source states; the CSV keeps the URL and the DOMAIN section that quotes it. */
type StatedGroup = { keys: readonly string[]; allowed: boolean; types: readonly string[] | { allExcept: readonly string[] }; url: string; what: string };
const DOCPATS = ['DOCPAT01', 'DOCPAT02', 'DOCPAT03', 'DOCPAT04', 'DOCPAT05', 'DOCPAT06', 'DOCPAT07', 'DOCPAT08', 'DOCPAT09'];
const PRESC = ['PRESC-AAT', 'PRESC-BIO', 'PRESC-KINE', 'PRESC-INF', 'PRESC-PEDI', 'PRESC-ORTHOPHO', 'PRESC-ORTHOPTIE'];
const COORDINATION = ['R85:330', 'R85:301'];

export const STATED: readonly StatedGroup[] = [
  { keys: ['G15:10'], allowed: true, types: { allExcept: ['ATTEST-RESID'] }, url: SOURCES.informationDentaire, what: 'médecin : tous les types sauf l’attestation de résidence' },
  { keys: ['G15:10'], allowed: false, types: ['ATTEST-RESID'], url: SOURCES.informationDentaire, what: 'médecin : pas d’accès à l’attestation de résidence' },
  {
    keys: ['G15:60'], allowed: true,
    types: ['83981-1', ...DOCPATS, '75482-0', '75492-9', '47420-5', '11502-2', '15507-7', '56445-0', 'PROT_ALD'],
    url: SOURCES.infirmiers, what: 'infirmier : accès (LDL de sortie de structure médico-sociale, documents déposés par le patient, CR de prévention, bilan fonctionnel, biologie, urgences, bilan médicamenteux, protocole ALD)',
  },
  {
    keys: ['G15:60'], allowed: false, types: ['75496-0', '68599-0', '83901-9', '68817-6', '89601-9'],
    url: SOURCES.infirmiers, what: 'infirmier : pas d’accès (demande de télémédecine, synthèse psychiatrique, bilan psychologique, bilan de santé de l’enfant, certificat médical)',
  },
  {
    keys: ['G15:40'], allowed: false, types: ['80788-3', '75496-0', '83981-1', '83901-9', '68599-0'],
    url: SOURCES.informationDentaire, what: 'chirurgien-dentiste : pas d’accès (PPA, demande de télémédecine, LDL de sortie de structure médico-sociale, bilan psychologique, synthèse psychiatrique)',
  },
  { keys: ['G15:40'], allowed: false, types: ['EXPPAT_3'], url: SOURCES.franceAssosSante, what: 'chirurgien-dentiste : pas d’accès aux directives anticipées' },
  { keys: ['G15:80'], allowed: false, types: ['15508-5'], url: SOURCES.franceAssosSante, what: 'pédicure-podologue : pas d’accès au CR d’accouchement' },
  {
    keys: COORDINATION, allowed: false,
    types: ['15507-7', 'BIL_AUTO', '34794-8', '34112-3', '11506-3', '89601-9', 'CERT_DECL', '57828-6', '57832-8', '57833-6', ...PRESC],
    url: SOURCES.facsIdf, what: 'coordinateur de parcours : pas d’accès (urgences, perte d’autonomie, RCP, CR hospitalier, suivi par auxiliaire médical, certificats, prescriptions)',
  },
];

// ---------------------------------------------------------------------------------------------------
// (b) Heuristics for the other cells. Each returns the value and its rule, written into `source`.

type Decision = { allowed: boolean; rule: string };
const yes = (rule: string): Decision => ({ allowed: true, rule });
const no = (rule: string): Decision => ({ allowed: false, rule });
const among = (group: Group, groups: readonly Group[], rule: string): Decision => ({ allowed: groups.includes(group), rule });

/** Professions that prescribe, dispense or administer medicines and carry out any prescription. */
const PRESCRIBING: readonly Group[] = ['pharmacist', 'dentist', 'midwife', 'nurse'];
/** A prescription addressed to one paramedical profession. */
const OWN_PRESCRIPTION: Readonly<Record<string, Group>> = {
  'PRESC-KINE': 'physiotherapist', 'PRESC-PEDI': 'podiatrist', 'PRESC-ORTHOPHO': 'speech_therapist',
  'PRESC-ORTHOPTIE': 'orthoptist', '55115-0': 'radiographer',
};

/** Health professions other than physicians (the physician column is entirely stated). */
function healthRule(type: string, family: Family, group: Group): Decision {
  switch (family) {
    case 'patient_deposited':
    case 'patient_administrative':
      return yes('H1 row default: patient-deposited documents readable by health professions (stated for nurses)');
    case 'mental_health':
      return no('H2 psychiatric/psychological syntheses reserved to physicians (stated for nurses, dentists)');
    case 'telemedicine_request':
      return no('H3 telemedicine requests reserved to physicians (stated for nurses, dentists)');
    case 'medical_certificate':
      return no('H4 medical certificates reserved to physicians (stated for nurses, coordinators)');
    case 'child_prevention':
      return no('H5 child health and prevention assessment reserved to physicians (stated for nurses)');
    case 'residence':
      return no('H6 residence/accommodation certificates are not care data (refused even to physicians)');
    case 'reimbursement':
      return among(group, ['pharmacist', 'dentist', 'midwife'], 'H7 reimbursement history (all care consumed) for medical professions and pharmacists only');
    case 'advance_directives':
      return among(group, ['nurse', 'midwife'], 'H8 advance directives for bedside professions (nurse, midwife); refused to dentists (stated)');
    case 'medico_social':
    case 'autonomy_assessment':
      return {
        allowed: !['dentist', 'midwife', 'orthoptist', 'radiographer'].includes(group),
        rule: 'H9 médico-social documents for professions working in ESSMS/home care; refused to dentists (stated)',
      };
    case 'genetics':
      return among(group, ['midwife'], 'H10 genetic reports (CSP L.1131-1) for physicians and midwives (prenatal diagnosis) only');
    case 'medication':
      return among(group, PRESCRIBING, 'H11 medication documents for professions that prescribe, dispense or administer medicines');
    case 'maternity':
      return among(group, ['pharmacist', 'midwife', 'nurse', 'physiotherapist'], 'H12 pregnancy/birth documents for midwife, nurse, pharmacist, physiotherapist; refused to podiatrists (stated)');
    case 'vaccination':
      return among(group, ['pharmacist', 'midwife', 'nurse'], 'H13 vaccination and rapid-test documents for the professions that vaccinate');
    case 'sick_leave':
      return no('H14 sick-leave prescriptions reserved to physicians');
    case 'prescription':
      return prescriptionRule(type, group);
    case 'clinical_report':
    case 'liaison_synthesis':
    case 'imaging':
    case 'care_plan':
    case 'shared_care_plan':
    case 'school_plan':
    case 'administrative':
    case 'patient_expression':
      return yes('H16 clinical reports, syntheses, imaging, care plans, care paperwork: every health profession');
    default:
      return family satisfies never;
  }
}

function prescriptionRule(type: string, group: Group): Decision {
  if (PRESCRIBING.includes(group)) return yes('H15 prescriptions for professions that prescribe, dispense or carry out any prescription');
  if (OWN_PRESCRIPTION[type] === group) return yes('H15 prescription addressed to this profession');
  if (type === '57832-8' || type === '57828-6') return yes('H15 generic care prescriptions for every profession carrying out prescribed care');
  return no('H15 prescription addressed to another profession');
}

/** Médico-social roles: "much more restricted access" (DOMAIN §1.3), the documents opened to them in 2023 (seeds/000). */
function medicoSocialRule(type: string, family: Family, group: Group): Decision {
  const everyRole = group !== 'ms_administrative';
  switch (family) {
    case 'autonomy_assessment':
      return no('M1 autonomy-loss assessment refused to coordinators (stated), extended to médico-social roles');
    case 'medico_social':
      if (everyRole) return yes('M2 médico-social documents (liaison letters, DLU, PPA, grid) opened to médico-social roles in 2023');
      return { allowed: type === '83981-1' || type === '88348-8', rule: 'M2 administrative roles read only the entry/exit liaison letters (admission, discharge)' };
    case 'administrative':
    case 'residence':
    case 'patient_administrative':
      return { allowed: !['ms_care_support', 'ms_psychologist'].includes(group), rule: 'M3 administrative certificates for roles handling admission, rights, accommodation' };
    case 'patient_expression':
      if (type === 'EXPPAT_2') return no('M4 other patient documents: content unknown, withheld from médico-social roles');
      return { allowed: everyRole, rule: 'M4 patient questionnaire and stated wishes (trusted person) useful to the accompaniment' };
    case 'mental_health':
      return among(group, ['ms_psychologist'], 'M5 psychiatric syntheses and psychological assessments readable by psychologists only');
    case 'school_plan':
      return among(group, ['ms_social_life', 'ms_care_support'], 'M6 individual reception project (PAI) for roles accompanying the child day to day');
    case 'shared_care_plan':
      return {
        allowed: group === 'ms_coordination' || (group === 'ms_care_support' && type === '18776-5'),
        rule: 'M7 care and prevention plans for coordination; the care plan for care-support staff',
      };
    case 'liaison_synthesis':
      return among(group, ['ms_coordination'], 'M8 liaison letters and syntheses for care coordination (detailed reports stated refused)');
    default:
      return no('M9 médico-social roles: much more restricted access; clinical detail, prescriptions, medication withheld');
  }
}

// ---------------------------------------------------------------------------------------------------

export type GeneratedCell = { type: string; key: string; allowed: boolean; provenance: 'stated' | 'provisional'; source: string };
export type GeneratedMatrix = {
  cells: readonly GeneratedCell[];
  matrixCsv: string;
  columnsCsv: string;
  /** Stated cells whose value differs from what the heuristics alone would give (sanity figure). */
  statedAgainstHeuristics: number;
};

/** Builds the grid for the given DMP types (J66 order, E1762 already excluded). Throws on an unclassified type. */
export function generateHabilitationMatrix(dmpTypeCodes: readonly string[]): GeneratedMatrix {
  const unclassified = dmpTypeCodes.filter((t) => !TYPE_FAMILIES.has(t));
  const unknown = [...TYPE_FAMILIES.keys()].filter((t) => !dmpTypeCodes.includes(t));
  if (unclassified.length > 0 || unknown.length > 0) {
    throw new Error(`Types to classify: ${unclassified.join(', ') || '-'}; classified types not in J66: ${unknown.join(', ') || '-'}`);
  }
  const statedCells = expandStated(dmpTypeCodes);
  const cells: GeneratedCell[] = [];
  let statedAgainstHeuristics = 0;
  for (const type of dmpTypeCodes) {
    const nurse = cellFor(type, 'G15:60', statedCells);
    for (const column of MATRIX_COLUMNS) {
      const cell = column.group === 'nurse_follow'
        ? { type, key: column.key, allowed: nurse.allowed, provenance: 'provisional' as const, source: `rule H0 same cell as the nurse column G15:60 (${nurse.provenance})` }
        : cellFor(type, column.key, statedCells);
      if (cell.provenance === 'stated' && column.group !== 'physician' && heuristic(type, column).allowed !== cell.allowed) statedAgainstHeuristics++;
      cells.push(cell);
    }
  }
  return { cells, matrixCsv: toCsv(MATRIX_CSV_HEADER, cells.map((c) => [c.type, c.key, c.allowed ? 'yes' : 'no', c.provenance, c.source])), columnsCsv: toCsv(MATRIX_COLUMNS_CSV_HEADER, MATRIX_COLUMNS.map((c) => [c.key, c.sector, c.label])), statedAgainstHeuristics };
}

function expandStated(dmpTypeCodes: readonly string[]): Map<string, { allowed: boolean; source: string }> {
  const out = new Map<string, { allowed: boolean; source: string }>();
  for (const group of STATED) {
    const types = Array.isArray(group.types) ? group.types : dmpTypeCodes.filter((t) => !(group.types as { allExcept: readonly string[] }).allExcept.includes(t));
    for (const type of types) {
      for (const key of group.keys) {
        if (!dmpTypeCodes.includes(type)) throw new Error(`Stated cell on unknown type ${type}`);
        if (out.has(`${type}|${key}`)) throw new Error(`Stated twice: ${type} × ${key}`);
        out.set(`${type}|${key}`, { allowed: group.allowed, source: `${group.url} (DOMAIN.md §1.3)` });
      }
    }
  }
  return out;
}

function cellFor(type: string, key: string, statedCells: Map<string, { allowed: boolean; source: string }>): GeneratedCell {
  const hit = statedCells.get(`${type}|${key}`);
  if (hit !== undefined) return { type, key, allowed: hit.allowed, provenance: 'stated', source: hit.source };
  const column = MATRIX_COLUMNS.find((c) => c.key === key)!;
  if (column.group === 'physician') throw new Error(`Physician cell ${type} not stated`);
  const decision = heuristic(type, column);
  return { type, key, allowed: decision.allowed, provenance: 'provisional', source: `rule ${decision.rule}` };
}

function heuristic(type: string, column: ColumnSpec): Decision {
  const family = TYPE_FAMILIES.get(type)!;
  return column.sector === 'health' ? healthRule(type, family, column.group) : medicoSocialRule(type, family, column.group);
}

function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const field = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------

function main(check: boolean): number {
  const dir = fileURLToPath(DEFAULT_REFERENCE_DATA_DIR);
  const documents = loadDocumentTerminology();
  const professions = loadProfessionCatalog();
  const generated = generateHabilitationMatrix(documents.dmpTypeCodes());
  const parsed = parseHabilitationMatrix(generated.matrixCsv, generated.columnsCsv, { version: MATRIX_VERSION, effectiveFrom: '2023-10-29' }, {
    isDmpTypeCode: documents.isDmpTypeCode,
    dmpTypeCodes: documents.dmpTypeCodes(),
    isKnownProfessionKey: professions.isKnownProfessionKey,
  });
  if (!parsed.ok) {
    console.error(parsed.issues.map((i) => `- ${i.field}: ${i.message} [${i.code}]`).join('\n'));
    return 1;
  }
  const files = [[MATRIX_FILE, generated.matrixCsv], [COLUMNS_FILE, generated.columnsCsv]] as const;
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { datasets: { file: string; sha256: string }[] };
  let stale = 0;
  for (const [file, text] of files) {
    const entry = manifest.datasets.find((d) => d.file === file);
    if (entry === undefined) throw new Error(`${file} is not registered in manifest.json`);
    const sha256 = createHash('sha256').update(text).digest('hex');
    let current: string | undefined;
    try { current = readFileSync(join(dir, file), 'utf8'); } catch { current = undefined; }
    if (current !== text || entry.sha256 !== sha256) stale++;
    if (!check) {
      writeFileSync(join(dir, file), text);
      entry.sha256 = sha256;
    }
  }
  if (!check) writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  const statedCount = generated.cells.filter((c) => c.provenance === 'stated').length;
  const summary = `${documents.dmpTypeCodes().length} types × ${MATRIX_COLUMNS.length} columns = ${generated.cells.length} cells; ` +
    `${statedCount} stated, ${generated.cells.length - statedCount} provisional; ` +
    `${generated.cells.filter((c) => c.allowed).length} allowed; stated cells differing from the heuristics: ${generated.statedAgainstHeuristics}`;
  console.log(summary);
  if (check && stale > 0) {
    console.error(`${stale} file(s) differ from the generation: run npx tsx scripts/build-habilitation-matrix.ts`);
    return 1;
  }
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.includes('--check'));
}
