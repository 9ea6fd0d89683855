import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_TYPES, PATIENT_DOCUMENT_TYPES, UPLOADABLE_DOCUMENT_TYPES, splitCsvLine } from './document-types.ts';
import {
  contentKind, DEPOSIT_DATE_EXTENSION, isNewlyVisible, maskPatch, toDocumentView as toView, VISIBLE_SINCE_EXTENSION, type DocumentReferenceResource,
} from './document-view.ts';

const LABELS = 'urn:oid:1.2.250.1.213.1.1.4.13';
const NOW = new Date('2026-03-31T12:00:00Z');
const toDocumentView = (r: DocumentReferenceResource) => toView(r, NOW);
const base = (over: Partial<DocumentReferenceResource> = {}): DocumentReferenceResource => ({
  resourceType: 'DocumentReference', id: 'abc', type: { coding: [{ system: 'http://loinc.org', code: '11502-2' }] }, date: '2026-01-10T09:00:00Z',
  securityLabel: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }] }],
  content: [{ attachment: { contentType: 'application/pdf', size: 1234, title: 'Bilan sanguin' } }],
  ...over,
});

describe('document list entries', () => {
  it('names a professional author with their structure, and labels the type from the reference data', () => {
    const view = toDocumentView(base({
      contained: [
        { resourceType: 'Practitioner', id: 'author-practitioner' },
        { resourceType: 'Organization', id: 'author-organization', name: 'Laboratoire Central' },
        { resourceType: 'PractitionerRole', id: 'author', practitioner: { reference: '#author-practitioner', display: 'Dr Claire Lambert' }, organization: { reference: '#author-organization', display: 'Laboratoire Central' } },
      ],
      author: [{ reference: '#author', type: 'PractitionerRole', display: 'Dr Claire Lambert' }],
    }));
    expect(view).toMatchObject({
      id: 'abc', title: 'Bilan sanguin', typeCode: '11502-2', typeLabel: 'CR d\'examens biologiques', date: '2026-01-10T09:00:00Z',
      author: { kind: 'professional', name: 'Dr Claire Lambert', structure: 'Laboratoire Central' },
      patientUpload: false, masked: false, newlyVisible: false, contentType: 'application/pdf', size: 1234,
    });
  });

  it('shows the patient\'s own uploads and the insurer\'s documents as such', () => {
    expect(toDocumentView(base({ author: [{ reference: 'Patient/p1', type: 'Patient', display: 'Camille Durand' }] }))).toMatchObject({
      author: { kind: 'patient', name: 'Camille Durand' }, patientUpload: true,
    });
    expect(toDocumentView(base({
      contained: [{ resourceType: 'Organization', id: 'author', name: 'Assurance Maladie' }],
      author: [{ reference: '#author', type: 'Organization', display: 'Assurance Maladie' }],
    })).author).toEqual({ kind: 'insurer', name: 'Assurance Maladie' });
  });

  it('flags masked documents, and masks / unmasks keeping the other labels', () => {
    const masked = toDocumentView(base({ securityLabel: [{ coding: [{ system: LABELS, code: 'MASQUE_PS' }] }, { coding: [{ system: LABELS, code: 'INVISIBLE_REPRESENTANTS_LEGAUX' }] }] }));
    expect(masked).toMatchObject({ masked: true, newlyVisible: false, invisibleToRepresentatives: true });
    expect(maskPatch(masked, false)).toEqual([{ op: 'replace', path: '/securityLabel', value: [{ system: LABELS, code: 'INVISIBLE_REPRESENTANTS_LEGAUX' }] }]);
    expect(maskPatch(masked, true)).toEqual([{ op: 'add', path: '/securityLabel/-', value: { system: LABELS, code: 'MASQUE_PS' } }]);
  });

  it('reads when the document was added, and since when a document first hidden from the patient is visible', () => {
    const view = toDocumentView(base({ extension: [
      { url: DEPOSIT_DATE_EXTENSION, valueInstant: '2026-01-12T08:30:00.000Z' },
      { url: VISIBLE_SINCE_EXTENSION, valueInstant: '2026-03-20T10:00:00.000Z' },
    ] }));
    expect(view).toMatchObject({ date: '2026-0110T09:00:00Z'.replace('0110', '01-10'), addedAt: '2026-01-12T08:30:00.000Z', visibleToPatientSince: '2026-03-20T10:00:00.000Z', newlyVisible: true });
    // Never hidden, or a value that is not an instant: no date, no badge.
    expect(toDocumentView(base())).toMatchObject({ addedAt: null, visibleToPatientSince: null, newlyVisible: false });
    expect(toDocumentView(base({ extension: [{ url: VISIBLE_SINCE_EXTENSION, valueInstant: 'hier' }] })).newlyVisible).toBe(false);
    // Still carrying INVISIBLE_PATIENT (a professional reading it) is not "newly visible".
    expect(toDocumentView(base({ securityLabel: [{ coding: [{ system: LABELS, code: 'INVISIBLE_PATIENT' }] }] })).newlyVisible).toBe(false);
  });

  it('badges a document made visible within the last 30 days only', () => {
    const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000).toISOString();
    expect(isNewlyVisible(daysAgo(0), NOW)).toBe(true);
    expect(isNewlyVisible(daysAgo(29.9), NOW)).toBe(true);
    expect(isNewlyVisible(daysAgo(30), NOW)).toBe(false);
    expect(isNewlyVisible(daysAgo(200), NOW)).toBe(false);
    expect(isNewlyVisible(null, NOW)).toBe(false);
    // The same document, read later, loses the badge.
    const doc = base({ extension: [{ url: VISIBLE_SINCE_EXTENSION, valueInstant: daysAgo(10) }] });
    expect(toView(doc, NOW).newlyVisible).toBe(true);
    expect(toView(doc, new Date(NOW.getTime() + 21 * 86_400_000)).newlyVisible).toBe(false);
  });

  it('picks the viewer from the content type', () => {
    expect(['application/pdf', 'image/png', 'image/jpeg', 'text/xml', 'text/plain; charset=utf-8', 'application/zip'].map(contentKind))
      .toEqual(['pdf', 'image', 'image', 'cda', 'text', 'other']);
  });
});

describe('document types', () => {
  it('are the J66 value set of the reference data, and the patient may upload the DOCPAT ones', () => {
    const csv = readFileSync(new URL('../../../reference-data/dmp_typecode_J66_to_classcode_J57.csv', import.meta.url), 'utf8');
    expect(DOCUMENT_TYPES.map((t) => t.code)).toEqual(csv.trim().split('\n').slice(1).map((l) => splitCsvLine(l)[0]));
    expect(DOCUMENT_TYPES.find((t) => t.code === '11369-6')).toEqual({
      code: '11369-6', system: 'http://loinc.org', label: 'Historique des vaccinations', classCode: '52', classLabel: 'Certificat, déclaration',
    });
    expect(PATIENT_DOCUMENT_TYPES.map((t) => t.code)).toEqual(['EXPPAT_1', 'EXPPAT_2', 'EXPPAT_3', 'DOCPAT01', 'DOCPAT02', 'DOCPAT03', 'DOCPAT04', 'DOCPAT05', 'DOCPAT06', 'DOCPAT07', 'DOCPAT08', 'DOCPAT09']);
    expect(UPLOADABLE_DOCUMENT_TYPES.every((t) => t.code.startsWith('DOCPAT') && t.system === 'urn:oid:1.2.250.1.213.1.1.4.12')).toBe(true);
  });
});
