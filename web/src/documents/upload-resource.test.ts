import { describe, expect, it } from 'vitest';
import { documentInstant, patientDocumentReference, titleFromFileName, uploadContentType } from './upload-resource.ts';

describe('patient upload', () => {
  it('declares the content type from the file, or from its extension when the browser gives none', () => {
    expect(uploadContentType({ name: 'a.pdf', type: 'application/pdf' })).toBe('application/pdf');
    expect(uploadContentType({ name: 'cr.XML', type: '' })).toBe('text/xml');
    expect(uploadContentType({ name: 'photo.jpeg', type: '' })).toBe('image/jpeg');
    expect(uploadContentType({ name: 'tableur.xlsx', type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' })).toBeNull();
  });

  it('suggests a title from the file name and dates the document at midday, never in the future', () => {
    expect(titleFromFileName('analyse-sang_mars.pdf')).toBe('analyse sang mars');
    const now = new Date('2026-03-03T08:00:00Z');
    expect(documentInstant('2026-03-01', now)).toBe('2026-03-01T11:00:00.000Z');
    expect(documentInstant('2026-03-03', now)).toBe('2026-03-03T08:00:00.000Z');
  });

  it('builds a PDSm DocumentReference with a patient type, the title and the content inline', () => {
    expect(patientDocumentReference({
      dossierId: 'd-1', typeCode: 'DOCPAT05', day: '2026-03-01', title: 'Analyse de sang', contentType: 'application/pdf', base64: 'JVBERi0=',
      uuid: '0b7c6f0e-1111-4222-8333-444455556666', now: new Date('2026-03-03T08:00:00Z'),
    })).toEqual({
      resourceType: 'DocumentReference',
      status: 'current',
      masterIdentifier: { system: 'urn:ietf:rfc:3986', value: 'urn:uuid:0b7c6f0e-1111-4222-8333-444455556666' },
      type: { coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.12', code: 'DOCPAT05' }] },
      subject: { reference: 'Patient/d-1' },
      date: '2026-03-01T11:00:00.000Z',
      description: 'Analyse de sang',
      securityLabel: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }] }],
      content: [{ attachment: { contentType: 'application/pdf', title: 'Analyse de sang', data: 'JVBERi0=' } }],
    });
  });
});
