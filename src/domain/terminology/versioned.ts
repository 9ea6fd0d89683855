import { isIsoCalendarDate, issue, type ValidationIssue } from '../validation-issue.ts';

/**
 * One version of a reference dataset (terminology, regulatory list…), in force from `effectiveFrom`
 * (inclusive) until `effectiveTo` (exclusive) — or, without `effectiveTo`, until the next version
 * starts. Dates are `YYYY-MM-DD`.
 */
export type VersionedDataset<T> = {
  id: string;
  version: string;
  effectiveFrom: string;
  effectiveTo?: string;
  data: T;
};

export const VERSIONED_ISSUE_CODES = {
  DATE: 'TERMINOLOGY_VERSION_DATE',
  PERIOD: 'TERMINOLOGY_VERSION_PERIOD',
  DUPLICATE: 'TERMINOLOGY_VERSION_DUPLICATE',
  OVERLAP: 'TERMINOLOGY_VERSION_OVERLAP',
  MIXED_IDS: 'TERMINOLOGY_VERSION_MIXED_IDS',
} as const;

type Period = Pick<VersionedDataset<unknown>, 'id' | 'version' | 'effectiveFrom' | 'effectiveTo'>;

/**
 * The version in force at `date` among the versions of ONE dataset: the one with the latest
 * `effectiveFrom` ≤ date, provided `date` is before its `effectiveTo`. An older version is never
 * used as a fallback (it was superseded). Returns undefined when none is in force, when `date` is
 * not a date, or when two versions start the same day (ambiguous: run `validateVersions` first).
 */
export function selectEffective<T extends Period>(datasets: readonly T[], date: string): T | undefined {
  if (!isIsoCalendarDate(date)) return undefined;
  let best: T | undefined;
  let ambiguous = false;
  for (const d of datasets) {
    if (!isIsoCalendarDate(d.effectiveFrom) || d.effectiveFrom > date) continue;
    if (best === undefined || d.effectiveFrom > best.effectiveFrom) {
      best = d;
      ambiguous = false;
    } else if (d.effectiveFrom === best.effectiveFrom) {
      ambiguous = true;
    }
  }
  if (best === undefined || ambiguous) return undefined;
  if (best.effectiveTo !== undefined && !(date < best.effectiveTo)) return undefined;
  return best;
}

/**
 * Checks the versions of one dataset: valid dates, effectiveTo after effectiveFrom, one id, unique
 * version labels, and no overlap (a version with an explicit `effectiveTo` must end on or before the
 * next one starts; two versions may not start the same day).
 */
export function validateVersions(datasets: readonly Period[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const field = (i: number, name: string) => `datasets[${i}].${name}`;
  const ids = new Set(datasets.map((d) => d.id));
  if (ids.size > 1) {
    issues.push(
      issue(
        'datasets',
        VERSIONED_ISSUE_CODES.MIXED_IDS,
        `Les versions comparées doivent appartenir au même jeu de données (reçu : ${[...ids].join(', ')}).`,
      ),
    );
  }
  const seenVersions = new Map<string, number>();
  datasets.forEach((d, i) => {
    const previous = seenVersions.get(d.version);
    if (previous !== undefined) {
      issues.push(
        issue(field(i, 'version'), VERSIONED_ISSUE_CODES.DUPLICATE, `La version « ${d.version} » est déclarée deux fois.`),
      );
    } else {
      seenVersions.set(d.version, i);
    }
    if (!isIsoCalendarDate(d.effectiveFrom)) {
      const message = "La date d'effet doit être une date AAAA-MM-JJ.";
      issues.push(issue(field(i, 'effectiveFrom'), VERSIONED_ISSUE_CODES.DATE, message));
    }
    if (d.effectiveTo !== undefined && !isIsoCalendarDate(d.effectiveTo)) {
      const message = 'La date de fin doit être une date AAAA-MM-JJ.';
      issues.push(issue(field(i, 'effectiveTo'), VERSIONED_ISSUE_CODES.DATE, message));
    } else if (d.effectiveTo !== undefined && isIsoCalendarDate(d.effectiveFrom) && d.effectiveTo <= d.effectiveFrom) {
      issues.push(
        issue(
          field(i, 'effectiveTo'),
          VERSIONED_ISSUE_CODES.PERIOD,
          `La version « ${d.version} » doit finir après sa date d'effet (fin exclue).`,
        ),
      );
    }
  });
  if (issues.length > 0) return issues;

  const order = datasets
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.effectiveFrom < b.d.effectiveFrom ? -1 : a.d.effectiveFrom > b.d.effectiveFrom ? 1 : 0));
  for (let k = 1; k < order.length; k++) {
    const prev = order[k - 1]!.d;
    const { d: next, i } = order[k]!;
    const sameStart = prev.effectiveFrom === next.effectiveFrom;
    const endsLate = prev.effectiveTo !== undefined && prev.effectiveTo > next.effectiveFrom;
    if (sameStart || endsLate) {
      issues.push(
        issue(
          field(i, 'effectiveFrom'),
          VERSIONED_ISSUE_CODES.OVERLAP,
          `Les versions « ${prev.version} » et « ${next.version} » se chevauchent : ` +
            'une seule version peut être en vigueur à une date donnée.',
        ),
      );
    }
  }
  return issues;
}
