import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseProfessionsCsv, type ProfessionCatalog } from '../domain/terminology/professions.ts';
import { selectEffective, validateVersions } from '../domain/terminology/versioned.ts';
import { isIsoCalendarDate, type ValidationIssue } from '../domain/validation-issue.ts';

/**
 * Reference data shipped in `<repo>/reference-data/` (terminologies, derived tables), described by
 * `manifest.json` (id, file, version, effective dates, sha256, source). Loaded once at start; any
 * problem throws an Error listing every issue, so the process fails fast.
 */

export const DEFAULT_REFERENCE_DATA_DIR = new URL('../../reference-data/', import.meta.url);

export const PROFESSIONS_DATASET_ID = 'professions_and_roles';

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
 * Loads the professions catalogue (TRE_G15 / R85 / R94 / R95) from the reference-data folder.
 * With several versions in the manifest, `date` (YYYY-MM-DD) picks the one in force; without it,
 * the latest. Throws an Error listing every issue when anything is missing or invalid.
 */
export function loadProfessionCatalog(
  dir: string | URL = DEFAULT_REFERENCE_DATA_DIR,
  options: { date?: string } = {},
): ProfessionCatalog {
  const manifest = loadReferenceManifest(dir);
  const versions = manifest.datasets.filter((d) => d.id === PROFESSIONS_DATASET_ID);
  const dataset =
    options.date !== undefined
      ? selectEffective(versions, options.date)
      : [...versions].sort((a, b) => (a.effectiveFrom < b.effectiveFrom ? 1 : -1))[0];
  if (dataset === undefined) {
    const when = options.date !== undefined && isIsoCalendarDate(options.date) ? ` en vigueur le ${options.date}` : '';
    fail(manifest.dir, [
      { field: PROFESSIONS_DATASET_ID, code: 'REFERENCE_DATA_MISSING', message: `aucune version${when} dans le manifeste` },
    ]);
  }
  const text = readReferenceFile(manifest, dataset);
  const result = parseProfessionsCsv(text, { version: dataset.version, effectiveFrom: dataset.effectiveFrom });
  if (!result.ok) fail(join(manifest.dir, dataset.file), result.issues);
  return result.catalog;
}
