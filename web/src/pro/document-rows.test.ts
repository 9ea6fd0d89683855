import { describe, expect, it } from 'vitest';
// The server's own mapper: the rows are read from exactly what the API sends.
import { toFhirDocumentReference } from '../../../src/api/fhir/document-reference-to-fhir.ts';
import type { DocumentMeta } from '../../../src/domain/document.ts';
import { documentPage, documentRow, documentSearchQuery, downloadName, NO_FILTERS, revealToPatientPatch, viewKind } from './document-rows.ts';

const PATIENT = '3f1c2a4e-9b7d-4c1e-8a2b-5d6e7f8a9b0c';
const meta: DocumentMeta = {
  dossierId: PATIENT, documentId: 'doc-1', masterIdentifier: 'urn:uuid:1', status: 'current', replaces: null,
  typeCode: '11488-4', classCode: '10', title: 'Compte rendu de consultation', description: null,
  author: { kind: 'professional', accountId: null, rpps: '10000010008', displayName: 'Dr Claire Lambert', profession: 'G15:10', specialty: 'SM54', structure: { finess: '750000010', name: 'Cabinet médical des Lilas' } },
  date: '2026-01-10T09:00:00Z', periodStart: null, periodEnd: null, facilityType: null, practiceSetting: null, authorSpecialty: null, formatCode: null,
  contentType: 'application/pdf', size: 1234, sha256: 'ab', level: 'N', labels: ['INVISIBLE_PATIENT'], invisibleToPatientSince: '2026-01-10T09:00:00Z',
  depositedInSecret: false, createdAt: '2026-01-10T09:00:00Z', deletedAt: null,
};
const resource = toFhirDocumentReference(meta, { baseUrl: 'https://openmes.test/fhir/R4', patientId: PATIENT, includeWarning: true });

describe('the patient’s documents in the professional portal', () => {
  it('reads a PDSm DocumentReference as a row, with the server’s warning when the patient cannot see it', () => {
    expect(documentRow(resource)).toEqual({
      id: 'doc-1', title: 'Compte rendu de consultation', typeCode: '11488-4', classCode: '10', date: '2026-01-10T09:00:00Z',
      author: 'Dr Claire Lambert', structure: 'Cabinet médical des Lilas', contentType: 'application/pdf', size: 1234,
      masked: false, invisibleToPatient: true, invisibleToRepresentatives: false,
      warning: 'Ce document n’est pas visible du patient.', securityLabel: resource.securityLabel,
    });
    const visible = toFhirDocumentReference({ ...meta, labels: ['MASQUE_PS'] }, { baseUrl: 'x', patientId: PATIENT, includeWarning: false });
    expect(documentRow(visible)).toMatchObject({ masked: true, invisibleToPatient: false, warning: null });
  });

  it('makes a document visible to the patient by writing its labels back without INVISIBLE_PATIENT', () => {
    const row = documentRow(toFhirDocumentReference({ ...meta, labels: ['INVISIBLE_PATIENT', 'INVISIBLE_REPRESENTANTS_LEGAUX'] }, { baseUrl: 'x', patientId: PATIENT, includeWarning: true }))!;
    const [op] = revealToPatientPatch(row) as [{ op: string; path: string; value: { coding: { code: string }[] }[] }];
    expect(op.op).toBe('replace');
    expect(op.path).toBe('/securityLabel');
    expect(op.value.map((c) => c.coding[0]!.code)).toEqual(['N', 'INVISIBLE_REPRESENTANTS_LEGAUX']);
  });

  it('turns the filters into an ITI-67 query, and reads the next page cursor', () => {
    expect(documentSearchQuery(PATIENT, NO_FILTERS)).toBe(`patient=Patient%2F${PATIENT}&_sort=-date&_count=10`);
    const q = new URLSearchParams(documentSearchQuery(PATIENT, {
      type: 'http://loinc.org|11488-4', from: '2026-01-01', to: '2026-01-31', authorRpps: '100 000 100 08', setting: 'urn:oid:1.2.250.1.213.1.1.4.9|AMBULATOIRE', sort: 'date',
    }, 'abc'));
    expect(q.getAll('date')).toEqual(['ge2026-01-01', 'le2026-01-31']);
    expect(q.get('author.identifier')).toBe('https://rpps.esante.gouv.fr|10000010008');
    expect(q.get('type')).toBe('http://loinc.org|11488-4');
    expect(q.get('setting')).toBe('urn:oid:1.2.250.1.213.1.1.4.9|AMBULATOIRE');
    expect(q.get('_sort')).toBe('date');
    expect(q.get('_page')).toBe('abc');
    const page = documentPage({
      resourceType: 'Bundle', total: 12,
      link: [{ relation: 'self', url: 'https://h/fhir/R4/DocumentReference?x=1' }, { relation: 'next', url: 'https://h/fhir/R4/DocumentReference?x=1&_page=eyJk' }],
      entry: [{ resource }],
    });
    expect(page).toMatchObject({ total: 12, next: 'eyJk' });
    expect(page.rows).toHaveLength(1);
    expect(documentPage({ resourceType: 'Bundle', entry: [] })).toEqual({ rows: [], total: null, next: null });
  });

  it('names a downloaded file after the title, with the extension of its type', () => {
    expect(downloadName('Compte rendu de consultation', 'application/pdf')).toBe('Compte rendu de consultation.pdf');
    expect(downloadName('CR: bilan 12/01 "final"', 'text/xml; charset=UTF-8')).toBe('CR bilan 12 01 final.xml');
    expect(downloadName('radio.PNG', 'image/png')).toBe('radio.PNG');
    expect(downloadName('...', 'image/jpeg')).toBe('document.jpg');
    expect(downloadName('x'.repeat(300), 'text/plain')).toHaveLength(124);
  });

  it('shows PDF and images in the page, CDA and text as text', () => {
    expect(viewKind('application/pdf')).toBe('pdf');
    expect(viewKind('image/png')).toBe('image');
    expect(viewKind('text/xml')).toBe('cda');
    expect(viewKind('text/plain; charset=utf-8')).toBe('text');
    expect(viewKind('application/octet-stream')).toBe('none');
  });
});
