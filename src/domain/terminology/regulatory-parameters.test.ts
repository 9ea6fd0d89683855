import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRegulatoryParameters, REGULATORY_ISSUE_CODES } from './regulatory-parameters.ts';
import { VERSIONED_ISSUE_CODES } from './versioned.ts';

const values = (inform: number, visible: number) => ({
  invisiblePatientInformAfterDays: inform,
  invisiblePatientVisibleAfterDays: visible,
  emergencyAccessMinutes: 240,
  oppositionWindowDays: 42,
  retentionYears: 10,
  firstSearchYears: 2,
});
const file = {
  versions: [
    { version: 'old', effectiveFrom: '2022-01-01', effectiveTo: '2026-01-01', source: 'CSP R.1111-53', values: values(14, 30) },
    { version: 'new', effectiveFrom: '2026-01-01', source: 'décret DMP', values: values(45, 90), notes: { invisiblePatientInformAfterDays: '1.5 mois' } },
  ],
};

const parseOk = (raw: unknown) => {
  const result = parseRegulatoryParameters(raw);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.parameters;
};
const codesOf = (raw: unknown) => {
  const result = parseRegulatoryParameters(raw);
  return result.ok ? [] : result.issues.map((i) => [i.code, i.field]);
};

describe('parseRegulatoryParameters', () => {
  const parameters = parseOk(file);

  it('selects the values in force at a date (effectiveTo exclusive)', () => {
    expect(parameters.at('2021-12-31')).toBeUndefined();
    expect(parameters.at('2022-01-01')?.values.invisiblePatientVisibleAfterDays).toBe(30);
    expect(parameters.at('2025-12-31')?.values).toMatchObject({ invisiblePatientInformAfterDays: 14, invisiblePatientVisibleAfterDays: 30 });
    expect(parameters.at('2026-01-01')?.values).toMatchObject({ invisiblePatientInformAfterDays: 45, invisiblePatientVisibleAfterDays: 90 });
    expect(parameters.at('2040-06-30')?.version).toBe('new');
    expect(parameters.at('2026-02-30')).toBeUndefined();
    expect(parameters.at('2026-01-01')?.notes?.invisiblePatientInformAfterDays).toBe('1.5 mois');
  });

  it('always gives exactly one version for a date on or after the first start', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20_000 }), (n) => {
        const date = new Date(Date.UTC(2022, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
        expect(parameters.at(date)?.version).toBe(date < '2026-01-01' ? 'old' : 'new');
      }),
    );
  });

  it('rejects a wrong shape, non-positive or fractional values, unknown keys', () => {
    expect(codesOf({})).toEqual([[REGULATORY_ISSUE_CODES.SHAPE, 'versions']]);
    const bad = { versions: [{ ...file.versions[1], values: { ...values(45, 90), retentionYears: 0, firstSearchYears: 1.5 } }] };
    expect(codesOf(bad)).toEqual([
      [REGULATORY_ISSUE_CODES.SHAPE, 'versions.0.values.retentionYears'],
      [REGULATORY_ISSUE_CODES.SHAPE, 'versions.0.values.firstSearchYears'],
    ]);
    expect(codesOf({ versions: [{ ...file.versions[1], values: { ...values(45, 90), extra: 1 } }] })).toEqual([
      [REGULATORY_ISSUE_CODES.SHAPE, 'versions.0.values'],
    ]);
  });

  it('rejects overlapping periods and information after visibility', () => {
    const overlap = { versions: [{ ...file.versions[0], effectiveTo: '2026-06-01' }, file.versions[1]] };
    expect(codesOf(overlap)).toEqual([[VERSIONED_ISSUE_CODES.OVERLAP, 'versions[1].effectiveFrom']]);
    const late = { versions: [{ ...file.versions[1], values: values(90, 45) }] };
    expect(codesOf(late)).toEqual([[REGULATORY_ISSUE_CODES.VALUE, 'versions[0].values.invisiblePatientInformAfterDays']]);
  });
});
