import { describe, expect, it } from 'vitest';
import { applyFilters, authorOptions, NO_FILTERS, pageCount, pageOf } from './document-filters.ts';
import type { DocumentView } from './document-view.ts';

const doc = (id: string, over: Partial<DocumentView>): DocumentView => ({
  id, title: id, typeCode: '11488-4', typeLabel: 'CR', date: '2026-01-10T09:00:00Z', addedAt: null, author: { kind: 'unknown' }, patientUpload: false,
  masked: false, visibleToPatientSince: null, newlyVisible: false, invisibleToRepresentatives: false, labels: [], contentType: 'application/pdf', size: null, ...over,
});
const lambert = { kind: 'professional' as const, name: 'Dr Claire Lambert', structure: 'Cabinet des Lilas' };
const docs = [
  doc('consultation', { date: '2026-01-10T09:00:00Z', author: lambert }),
  doc('biologie', { typeCode: '11502-2', date: '2026-02-28T23:30:00Z', author: { kind: 'professional', name: 'Dr Paul Roux', structure: 'Laboratoire Central' } }),
  doc('mon-cr', { typeCode: 'DOCPAT03', date: '2025-12-01T10:00:00Z', author: { kind: 'patient', name: 'Camille Durand' }, patientUpload: true }),
  doc('remboursements', { typeCode: 'REMB', date: '2026-03-05T10:00:00Z', author: { kind: 'insurer', name: 'Assurance Maladie' } }),
];
const ids = (list: DocumentView[]) => list.map((d) => d.id);

describe('document list filters', () => {
  it('sorts by date, newest first by default', () => {
    expect(ids(applyFilters(docs, NO_FILTERS, 'Camille Durand'))).toEqual(['remboursements', 'biologie', 'consultation', 'mon-cr']);
    expect(ids(applyFilters(docs, { ...NO_FILTERS, sort: 'oldest' }, 'Camille Durand'))).toEqual(['mon-cr', 'consultation', 'biologie', 'remboursements']);
  });

  it('filters by type, author or structure, and what the reader added', () => {
    expect(ids(applyFilters(docs, { ...NO_FILTERS, type: '11502-2' }, 'x'))).toEqual(['biologie']);
    expect(ids(applyFilters(docs, { ...NO_FILTERS, author: 'structure:Cabinet des Lilas' }, 'x'))).toEqual(['consultation']);
    expect(ids(applyFilters(docs, { ...NO_FILTERS, author: 'insurer' }, 'x'))).toEqual(['remboursements']);
    expect(ids(applyFilters(docs, { ...NO_FILTERS, byMe: true }, 'Camille Durand'))).toEqual(['mon-cr']);
    expect(ids(applyFilters(docs, { ...NO_FILTERS, byMe: true }, 'Paul Durand'))).toEqual([]);
  });

  it('filters by period on the French calendar day of the document', () => {
    // 28 February 23:30 UTC is 1 March in France.
    expect(ids(applyFilters(docs, { ...NO_FILTERS, from: '2026-03-01', to: '2026-03-31' }, 'x'))).toEqual(['remboursements', 'biologie']);
    expect(ids(applyFilters(docs, { ...NO_FILTERS, to: '2026-01-10' }, 'x'))).toEqual(['consultation', 'mon-cr']);
  });

  it('offers the authors and structures present, and pages the list', () => {
    expect(authorOptions(docs, { insurer: 'Assurance Maladie' }).map((o) => `${o.group}:${o.label}`)).toEqual([
      'others:Assurance Maladie', 'structures:Cabinet des Lilas', 'others:Camille Durand', 'professionals:Dr Claire Lambert', 'professionals:Dr Paul Roux', 'structures:Laboratoire Central',
    ]);
    const many = Array.from({ length: 23 }, (_, i) => i);
    expect(pageCount(23)).toBe(3);
    expect(pageOf(many, 3)).toEqual([20, 21, 22]);
    expect(pageOf(many, 9)).toEqual([20, 21, 22]);
    expect(pageCount(0)).toBe(1);
  });
});
