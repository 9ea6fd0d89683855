import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectEffective, validateVersions, type VersionedDataset } from './versioned.ts';

const v = (version: string, effectiveFrom: string, effectiveTo?: string): VersionedDataset<string> => ({
  id: 'professions',
  version,
  effectiveFrom,
  ...(effectiveTo !== undefined ? { effectiveTo } : {}),
  data: version,
});

/** Day number → YYYY-MM-DD (test helper only). */
const day = (n: number) => new Date(Date.UTC(2000, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);

describe('selectEffective', () => {
  const versions = [v('v2', '2024-12-13'), v('v1', '2020-01-01')];

  it('picks the version with the latest effectiveFrom on or before the date', () => {
    expect(selectEffective(versions, '2019-12-31')).toBeUndefined();
    expect(selectEffective(versions, '2020-01-01')?.version).toBe('v1');
    expect(selectEffective(versions, '2024-12-12')?.version).toBe('v1');
    expect(selectEffective(versions, '2024-12-13')?.version).toBe('v2');
    expect(selectEffective(versions, '2030-01-01')?.version).toBe('v2');
  });

  it('treats effectiveTo as exclusive and never falls back to a superseded version', () => {
    const closed = [v('v1', '2020-01-01'), v('v2', '2024-12-13', '2025-06-01')];
    expect(selectEffective(closed, '2025-05-31')?.version).toBe('v2');
    expect(selectEffective(closed, '2025-06-01')).toBeUndefined();
  });

  it('returns undefined for an invalid date or two versions starting the same day', () => {
    expect(selectEffective(versions, '2024-13-01')).toBeUndefined();
    expect(selectEffective([v('a', '2020-01-01'), v('b', '2020-01-01')], '2021-01-01')).toBeUndefined();
    expect(selectEffective([], '2021-01-01')).toBeUndefined();
  });
});

describe('validateVersions', () => {
  it('accepts successive versions, open or closed', () => {
    expect(validateVersions([v('v1', '2020-01-01', '2024-12-13'), v('v2', '2024-12-13'), v('v0', '2010-01-01')])).toEqual([]);
  });

  it('reports overlaps, bad periods, bad dates, duplicate labels and mixed ids', () => {
    const codes = (list: VersionedDataset<string>[]) => validateVersions(list).map((i) => i.code);
    expect(codes([v('v1', '2020-01-01', '2025-01-01'), v('v2', '2024-12-13')])).toEqual(['TERMINOLOGY_VERSION_OVERLAP']);
    expect(codes([v('v1', '2020-01-01'), v('v2', '2020-01-01')])).toEqual(['TERMINOLOGY_VERSION_OVERLAP']);
    expect(codes([v('v1', '2020-01-01', '2020-01-01')])).toEqual(['TERMINOLOGY_VERSION_PERIOD']);
    expect(codes([v('v1', '2020-02-30')])).toEqual(['TERMINOLOGY_VERSION_DATE']);
    expect(codes([v('v1', '2020-01-01'), v('v1', '2021-01-01')])).toEqual(['TERMINOLOGY_VERSION_DUPLICATE']);
    expect(codes([v('v1', '2020-01-01'), { ...v('v2', '2021-01-01'), id: 'other' }])).toEqual(['TERMINOLOGY_VERSION_MIXED_IDS']);
  });

  it('flags an overlap with a non-adjacent version too', () => {
    const issues = validateVersions([v('v1', '2020-01-01', '2030-01-01'), v('v2', '2021-01-01', '2022-01-01'), v('v3', '2023-01-01')]);
    expect(issues.length).toBeGreaterThan(0);
  });
});

describe('versions — properties', () => {
  /** Non-overlapping versions: distinct sorted starts, each optional end before the next start. */
  const timeline = fc
    .uniqueArray(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 8 })
    .chain((starts) => {
      const sorted = [...starts].sort((a, b) => a - b);
      return fc.tuple(
        ...sorted.map((start, i) => {
          const limit = sorted[i + 1] ?? start + 1000;
          return fc.option(fc.integer({ min: start + 1, max: limit }), { nil: undefined }).map((end) => v(`v${i}`, day(start), end === undefined ? undefined : day(end)));
        }),
      );
    });

  it('accepts every non-overlapping timeline, and selects the version whose period holds the date', () => {
    fc.assert(
      fc.property(timeline, fc.integer({ min: -10, max: 6100 }), (versions, n) => {
        expect(validateVersions(versions)).toEqual([]);
        const date = day(n);
        const holds = (x: VersionedDataset<string>, i: number) => {
          const end = x.effectiveTo ?? versions[i + 1]?.effectiveFrom;
          return x.effectiveFrom <= date && (end === undefined || date < end);
        };
        const expected = versions.filter(holds);
        expect(expected.length).toBeLessThanOrEqual(1);
        const shuffled = [...versions].reverse();
        expect(selectEffective(shuffled, date)).toBe(expected[0]);
      }),
    );
  });
});
