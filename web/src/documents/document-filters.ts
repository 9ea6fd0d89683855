/** Filters, sort and pages of the patient's document list (done in the portal). Pure: unit-tested. */
import { frenchDay } from '../i18n/format-date.ts';
import type { DocumentView } from './document-view.ts';

export interface DocumentFilters {
  /** Type code, or '' for every type. */
  type: string;
  /** An author / structure key (see authorKeys), or '' for everyone. */
  author: string;
  /** YYYY-MM-DD bounds on the document date (French calendar day), '' when open. */
  from: string;
  to: string;
  /** Only what the reader uploaded themself. */
  byMe: boolean;
  sort: 'newest' | 'oldest';
}

export const NO_FILTERS: DocumentFilters = { type: '', author: '', from: '', to: '', byMe: false, sort: 'newest' };

export const PAGE_SIZE = 10;

/** The keys a document matches in the author / structure filter. */
export function authorKeys(d: DocumentView): string[] {
  switch (d.author.kind) {
    case 'professional':
      return [`author:${d.author.name}`, ...(d.author.structure ? [`structure:${d.author.structure}`] : [])];
    case 'patient':
      return [`patient:${d.author.name}`];
    case 'insurer':
      return ['insurer'];
    case 'device':
      return [`device:${d.author.name}`];
    case 'unknown':
      return [];
  }
}

export interface AuthorOption {
  key: string;
  label: string;
  group: 'professionals' | 'structures' | 'others';
}

/** The authors and structures present in the list, for the filter's options (sorted by name). */
export function authorOptions(documents: readonly DocumentView[], labels: { insurer: string }): AuthorOption[] {
  const options = new Map<string, AuthorOption>();
  for (const d of documents) {
    for (const key of authorKeys(d)) {
      if (options.has(key)) continue;
      const [kind, ...rest] = key.split(':');
      const name = rest.join(':');
      const group = kind === 'author' ? 'professionals' : kind === 'structure' ? 'structures' : 'others';
      options.set(key, { key, label: kind === 'insurer' ? labels.insurer : name, group });
    }
  }
  return [...options.values()].sort((a, b) => a.label.localeCompare(b.label, 'fr'));
}

export function isMine(d: DocumentView, readerName: string): boolean {
  return d.author.kind === 'patient' && d.author.name === readerName;
}

export function applyFilters(documents: readonly DocumentView[], f: DocumentFilters, readerName: string): DocumentView[] {
  const kept = documents.filter((d) => {
    if (f.type && d.typeCode !== f.type) return false;
    if (f.author && !authorKeys(d).includes(f.author)) return false;
    if (f.byMe && !isMine(d, readerName)) return false;
    if (f.from || f.to) {
      if (!d.date) return false;
      const day = frenchDay(d.date);
      if (f.from && day < f.from) return false;
      if (f.to && day > f.to) return false;
    }
    return true;
  });
  const time = (d: DocumentView) => (d.date ? Date.parse(d.date) : 0);
  // Stable: documents of the same date keep the server's order.
  return kept.sort((a, b) => (f.sort === 'newest' ? time(b) - time(a) : time(a) - time(b)));
}

export function pageCount(total: number, size = PAGE_SIZE): number {
  return Math.max(1, Math.ceil(total / size));
}

export function pageOf<T>(items: readonly T[], page: number, size = PAGE_SIZE): T[] {
  const p = Math.min(Math.max(1, page), pageCount(items.length, size));
  return items.slice((p - 1) * size, p * size);
}
