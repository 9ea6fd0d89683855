/** History entries grouped by month, newest first, with French headings (« novembre 2026 »). Pure: unit-tested. */

import { DISPLAY_TIME_ZONE } from '../i18n/format-date.ts';

const monthKeyFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: DISPLAY_TIME_ZONE, year: 'numeric', month: '2-digit' });
const monthHeadingFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: DISPLAY_TIME_ZONE, year: 'numeric', month: 'long' });

export interface MonthGroup<T> {
  /** `YYYY-MM` in French time. */
  key: string;
  heading: string;
  entries: T[];
}

function monthKey(date: Date): string {
  const parts = monthKeyFormat.formatToParts(date);
  const year = parts.find((p) => p.type === 'year')?.value ?? '';
  const month = parts.find((p) => p.type === 'month')?.value ?? '';
  return `${year}-${month}`;
}

/** Groups entries (already sorted newest first) by the month they happened in, keeping their order. */
export function groupByMonth<T extends { occurredAt: string }>(entries: readonly T[]): MonthGroup<T>[] {
  const groups: MonthGroup<T>[] = [];
  for (const entry of entries) {
    const date = new Date(entry.occurredAt);
    const key = monthKey(date);
    const last = groups[groups.length - 1];
    if (last?.key === key) last.entries.push(entry);
    else groups.push({ key, heading: monthHeadingFormat.format(date), entries: [entry] });
  }
  return groups;
}
