import { z } from 'zod';
import { issue, type ValidationIssue } from '../validation-issue.ts';
import { selectEffective, validateVersions } from './versioned.ts';

/**
 * Regulatory durations with effective dates (SPEC §3.8, DOMAIN §5): they are republished by decree,
 * so they are data (`reference-data/regulatory-parameters.json`), never constants in code. Pure:
 * the caller reads the file; `at(date)` gives the version in force (versioned.ts rules).
 */

export type RegulatoryValues = {
  /** INVISIBLE_PATIENT: days after deposit before the patient is told a document awaits them. */
  invisiblePatientInformAfterDays: number;
  /** INVISIBLE_PATIENT: days after deposit after which the document becomes visible automatically. */
  invisiblePatientVisibleAfterDays: number;
  /** How long one emergency ("bris de glace") access stays open before the glass must be broken again. */
  emergencyAccessMinutes: number;
  /** Opposition window after the information letter, before the space is created. */
  oppositionWindowDays: number;
  /** Retention after closure, then destruction. */
  retentionYears: number;
  /** Depth of the first automatic search of a professional's software. */
  firstSearchYears: number;
};

export type RegulatoryVersion = {
  id: 'regulatory_parameters';
  version: string;
  effectiveFrom: string;
  effectiveTo?: string;
  source: string;
  values: Readonly<RegulatoryValues>;
  /** Why each value was chosen, when it is not read directly in the source. */
  notes?: Readonly<Partial<Record<keyof RegulatoryValues, string>>>;
};

export type RegulatoryParameters = {
  versions: readonly RegulatoryVersion[];
  /** The version in force on `date` (YYYY-MM-DD), or undefined. */
  at(date: string): RegulatoryVersion | undefined;
};

export const REGULATORY_ISSUE_CODES = {
  SHAPE: 'TERMINOLOGY_REGULATORY_SHAPE',
  VALUE: 'TERMINOLOGY_REGULATORY_VALUE',
} as const;

const positive = z.number().int().positive();
const valuesSchema = z.strictObject({
  invisiblePatientInformAfterDays: positive,
  invisiblePatientVisibleAfterDays: positive,
  emergencyAccessMinutes: positive,
  oppositionWindowDays: positive,
  retentionYears: positive,
  firstSearchYears: positive,
});
const keys = Object.keys(valuesSchema.shape) as [keyof RegulatoryValues, ...(keyof RegulatoryValues)[]];
const versionSchema = z.strictObject({
  version: z.string().min(1),
  effectiveFrom: z.string(),
  effectiveTo: z.string().optional(),
  source: z.string().min(1),
  values: valuesSchema,
  notes: z.partialRecord(z.enum(keys), z.string().min(1)).optional(),
});
const fileSchema = z.looseObject({ versions: z.array(versionSchema).min(1) });

export type ParseRegulatoryResult = { ok: true; parameters: RegulatoryParameters } | { ok: false; issues: ValidationIssue[] };

/** Validates the parsed JSON: shape, positive integers, inform-before-visible, non-overlapping periods. */
export function parseRegulatoryParameters(raw: unknown): ParseRegulatoryResult {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => issue(i.path.join('.') || 'root', REGULATORY_ISSUE_CODES.SHAPE, i.message));
    return { ok: false, issues };
  }
  const versions: RegulatoryVersion[] = parsed.data.versions.map((v) => Object.freeze({ id: 'regulatory_parameters' as const, ...v }));
  const issues: ValidationIssue[] = validateVersions(versions).map((i) => ({ ...i, field: i.field.replace(/^datasets/, 'versions') }));
  versions.forEach((v, i) => {
    if (v.values.invisiblePatientInformAfterDays >= v.values.invisiblePatientVisibleAfterDays) {
      const message = `Version « ${v.version} » : le patient doit être informé avant que le document ne devienne visible.`;
      issues.push(issue(`versions[${i}].values.invisiblePatientInformAfterDays`, REGULATORY_ISSUE_CODES.VALUE, message));
    }
  });
  if (issues.length > 0) return { ok: false, issues };
  const frozen = Object.freeze(versions);
  return { ok: true, parameters: Object.freeze({ versions: frozen, at: (date: string) => selectEffective(frozen, date) }) };
}
