import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseHabilitationMatrix, type HabilitationMatrix } from '../domain/terminology/habilitation-matrix.ts';
import { parseProfessionsCsv, type ProfessionCatalog } from '../domain/terminology/professions.ts';
import { parseRegulatoryParameters, type RegulatoryParameters } from '../domain/terminology/regulatory-parameters.ts';
import { parseSvsValueSet, type ValueSet } from '../domain/terminology/svs-value-set.ts';
import {
  buildDocumentTerminology,
  DOCUMENT_VALUE_SET_OIDS,
  type DocumentTerminology,
  type DocumentValueSetKey,
} from '../domain/terminology/value-sets.ts';
import { selectEffective, validateVersions } from '../domain/terminology/versioned.ts';
import { isIsoCalendarDate, type ValidationIssue } from '../domain/validation-issue.ts';

/**
 * Reference data shipped in `<repo>/reference-data/` (terminologies, derived tables), described by
 * `manifest.json` (id, file, version, effective dates, sha256, source). Loaded once at start; any
 * problem throws an Error listing every issue, so the process fails fast.
 */

export const DEFAULT_REFERENCE_DATA_DIR = new URL('../../reference-data/', import.meta.url);

export const PROFESSIONS_DATASET_ID = 'professions_and_roles';
export const DMP_TYPES_DATASET_ID = 'dmp_typecode_J66_to_classcode_J57';
/** Manifest ids of the SVS value sets behind the document terminology. */
export const DOCUMENT_VALUE_SET_DATASET_IDS: Readonly<Record<DocumentValueSetKey, string>> = {
  J01: 'JDV_J01_XdsAuthorSpecialty_CISIS',
  J02: 'JDV_J02_XdsHealthcareFacilityTypeCode_CISIS',
  J04: 'JDV_J04_XdsPracticeSettingCode_CISIS',
  J07: 'JDV_J07_XdsTypeCode_CISIS',
  J08: 'JDV_J08_XdsConfidentialityCode_CISIS',
};
export const MATRIX_DATASET_ID = 'habilitation_matrix';
export const MATRIX_COLUMNS_DATASET_ID = 'habilitation_matrix_columns';
export const REGULATORY_DATASET_ID = 'regulatory_parameters';

const datasetSchema = z.looseObject({
  id: z.string().min(1),
  // A path inside the reference-data folder: relative, no `..` segment.
  file: z
    .string()
    .min(1)
    .refine((f) => !isAbsolute(f) && !f.split(/[\\/]/).includes('..'), 'must stay inside the reference-data folder'),
  format: z.string().min(1),
  version: z.string().min(1),
  effectiveFrom: z.string(),
  effectiveTo: z.string().optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  source: z.string().min(1),
});

const manifestSchema = z.looseObject({ datasets: z.array(datasetSchema).min(1) });

export type ReferenceDataset = z.infer<typeof datasetSchema>;
export type ReferenceManifest = { dir: string; datasets: ReferenceDataset[] };

function toDirPath(dir: string | URL): string {
  return dir instanceof URL ? fileURLToPath(dir) : dir;
}

function fail(where: string, issues: readonly ValidationIssue[]): never {
  const lines = issues.map((i) => `- ${i.field}: ${i.message} [${i.code}]`);
  throw new Error(`Données de référence invalides (${where}) :\n${lines.join('\n')}`);
}

/** Reads and checks `manifest.json`: schema, dates, and no overlapping versions of one dataset. */
export function loadReferenceManifest(dir: string | URL = DEFAULT_REFERENCE_DATA_DIR): ReferenceManifest {
  const dirPath = toDirPath(dir);
  const manifestPath = join(dirPath, 'manifest.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new Error(`Manifeste des données de référence illisible (${manifestPath}) : ${(error as Error).message}`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    fail(
      manifestPath,
      parsed.error.issues.map((i) => ({ field: i.path.join('.'), code: 'REFERENCE_DATA_MANIFEST', message: i.message })),
    );
  }
  const datasets = parsed.data.datasets;
  const issues: ValidationIssue[] = [];
  const ids = [...new Set(datasets.map((d) => d.id))];
  for (const id of ids) {
    const versions = datasets.filter((d) => d.id === id);
    issues.push(...validateVersions(versions).map((i) => ({ ...i, field: `${id}: ${i.field}` })));
  }
  if (issues.length > 0) fail(manifestPath, issues);
  return { dir: dirPath, datasets };
}

/** Reads a dataset file and checks it against the sha256 recorded in the manifest. */
export function readReferenceFile(manifest: ReferenceManifest, dataset: ReferenceDataset): string {
  const path = join(manifest.dir, dataset.file);
  const bytes = readFileSync(path);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== dataset.sha256) {
    fail(path, [
      {
        field: `${dataset.id}.sha256`,
        code: 'REFERENCE_DATA_CHECKSUM',
        message: `le contenu ne correspond pas au manifeste (sha256 ${actual}, attendu ${dataset.sha256})`,
      },
    ]);
  }
  return bytes.toString('utf8');
}

/**
 * The version of dataset `id` in force at `date` (YYYY-MM-DD), or without a date the latest one.
 * Throws (REFERENCE_DATA_MISSING) when there is none.
 */
export function pickReferenceDataset(manifest: ReferenceManifest, id: string, date?: string): ReferenceDataset {
  const versions = manifest.datasets.filter((d) => d.id === id);
  const dataset =
    date !== undefined
      ? selectEffective(versions, date)
      : [...versions].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
  if (dataset === undefined) {
    const when = date !== undefined && isIsoCalendarDate(date) ? ` en vigueur le ${date}` : '';
    fail(manifest.dir, [{ field: id, code: 'REFERENCE_DATA_MISSING', message: `aucune version${when} dans le manifeste` }]);
  }
  return dataset;
}

/**
 * Loads the professions catalogue (TRE_G15 / R85 / R94 / R95) from the reference-data folder.
 * With several versions in the manifest, `date` (YYYY-MM-DD) picks the one in force; without it,
 * the latest. Throws an Error listing every issue when anything is missing or invalid.
 */
export function loadProfessionCatalog(
  dir: string | URL = DEFAULT_REFERENCE_DATA_DIR,
  options: { date?: string } = {},
): ProfessionCatalog {
  const manifest = loadReferenceManifest(dir);
  const dataset = pickReferenceDataset(manifest, PROFESSIONS_DATASET_ID, options.date);
  const text = readReferenceFile(manifest, dataset);
  const result = parseProfessionsCsv(text, { version: dataset.version, effectiveFrom: dataset.effectiveFrom });
  if (!result.ok) fail(join(manifest.dir, dataset.file), result.issues);
  return result.catalog;
}

/**
 * Loads the DMP document terminology: the J66→J57 CSV and the value sets J01, J02, J04, J07, J08
 * (latest versions, or those in force at `date`). Throws an Error listing every issue.
 */
export function loadDocumentTerminology(
  dir: string | URL = DEFAULT_REFERENCE_DATA_DIR,
  options: { date?: string } = {},
): DocumentTerminology {
  const manifest = loadReferenceManifest(dir);
  const valueSets = {} as Record<DocumentValueSetKey, ValueSet>;
  const issues: ValidationIssue[] = [];
  for (const [key, id] of Object.entries(DOCUMENT_VALUE_SET_DATASET_IDS) as [DocumentValueSetKey, string][]) {
    const dataset = pickReferenceDataset(manifest, id, options.date);
    const parsed = parseSvsValueSet(readReferenceFile(manifest, dataset), { expectedOid: DOCUMENT_VALUE_SET_OIDS[key] });
    if (parsed.ok) valueSets[key] = parsed.valueSet;
    else issues.push(...parsed.issues.map((i) => ({ ...i, field: `${dataset.file}: ${i.field}` })));
  }
  if (issues.length > 0) fail(manifest.dir, issues);
  const types = pickReferenceDataset(manifest, DMP_TYPES_DATASET_ID, options.date);
  const result = buildDocumentTerminology({
    dmpTypesCsv: readReferenceFile(manifest, types),
    dmpTypesVersion: types.version,
    valueSets,
  });
  if (!result.ok) fail(join(manifest.dir, types.file), result.issues);
  return result.terminology;
}

/**
 * Loads the habilitation matrix in force at `date` with its columns file (same version), checked
 * against the document terminology and the professions catalogue (loaded, latest, unless given).
 * Throws an Error listing every issue (incomplete grid, unknown type or profession…).
 */
export function loadHabilitationMatrix(
  date: string | Date,
  options: { dir?: string | URL; documents?: DocumentTerminology; professions?: ProfessionCatalog } = {},
): HabilitationMatrix {
  const dir = options.dir ?? DEFAULT_REFERENCE_DATA_DIR;
  const day = typeof date === 'string' ? date : isoDay(date);
  const manifest = loadReferenceManifest(dir);
  const dataset = pickReferenceDataset(manifest, MATRIX_DATASET_ID, day);
  const columns = pickReferenceDataset(manifest, MATRIX_COLUMNS_DATASET_ID, day);
  if (columns.version !== dataset.version) {
    const message = `la matrice ${dataset.version} exige le fichier de colonnes de la même version (trouvé ${columns.version})`;
    fail(manifest.dir, [{ field: MATRIX_COLUMNS_DATASET_ID, code: 'REFERENCE_DATA_MATRIX_COLUMNS', message }]);
  }
  const documents = options.documents ?? loadDocumentTerminology(dir);
  const professions = options.professions ?? loadProfessionCatalog(dir);
  const meta = {
    version: dataset.version,
    effectiveFrom: dataset.effectiveFrom,
    ...(dataset.effectiveTo !== undefined ? { effectiveTo: dataset.effectiveTo } : {}),
  };
  const result = parseHabilitationMatrix(readReferenceFile(manifest, dataset), readReferenceFile(manifest, columns), meta, {
    isDmpTypeCode: documents.isDmpTypeCode,
    dmpTypeCodes: documents.dmpTypeCodes(),
    isKnownProfessionKey: professions.isKnownProfessionKey,
    // A specialty column `G15:10/SM26` must exist in JDV_J01 as `G15_10/SM26`.
    isKnownSpecialtyKey: (key) => documents.isAuthorSpecialty(key.replace(':', '_')),
  });
  if (!result.ok) fail(join(manifest.dir, dataset.file), result.issues);
  return result.matrix;
}

/** Loads every version of the regulatory parameters (durations with effective dates). Throws on any issue. */
export function loadRegulatoryParameters(dir: string | URL = DEFAULT_REFERENCE_DATA_DIR): RegulatoryParameters {
  const manifest = loadReferenceManifest(dir);
  const dataset = pickReferenceDataset(manifest, REGULATORY_DATASET_ID);
  const path = join(manifest.dir, dataset.file);
  const text = readReferenceFile(manifest, dataset);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    fail(path, [{ field: REGULATORY_DATASET_ID, code: 'REFERENCE_DATA_JSON', message: (error as Error).message }]);
  }
  const result = parseRegulatoryParameters(raw);
  if (!result.ok) fail(path, result.issues);
  return result.parameters;
}

/** The calendar day (UTC) of an instant, YYYY-MM-DD. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}
