import { describe, expect, it } from 'vitest';
import { formatDateTime } from '../i18n/format-date.ts';
import { groupByMonth } from './month-groups.ts';

describe('history grouped by month', () => {
  it('groups newest-first entries by the month they happened in, in French time, with French headings', () => {
    const entries = [
      { seq: 5, occurredAt: '2026-12-01T08:00:00Z' },
      // 30 November 23:30 UTC is already 1 December in Paris.
      { seq: 4, occurredAt: '2026-11-30T23:30:00Z' },
      { seq: 3, occurredAt: '2026-11-30T22:30:00Z' },
      { seq: 2, occurredAt: '2026-11-02T10:00:00Z' },
      { seq: 1, occurredAt: '2025-11-20T10:00:00Z' },
    ];
    expect(groupByMonth(entries).map((g) => [g.heading, g.entries.map((e) => e.seq)])).toEqual([
      ['décembre 2026', [5, 4]],
      ['novembre 2026', [3, 2]],
      ['novembre 2025', [1]],
    ]);
    expect(groupByMonth([])).toEqual([]);
  });

  it('dates each entry as the source screens do', () => {
    expect(formatDateTime('2024-03-15T10:06:00Z')).toBe('15 mars 2024 à 11:06');
  });
});
