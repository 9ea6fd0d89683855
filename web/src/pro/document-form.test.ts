import { describe, expect, it } from 'vitest';
// The server's own parser: what the form sends is what the API reads.
import { parseDocumentReference } from '../../../src/api/fhir/document-reference-mapper.ts';
import { buildDocumentReference, codingOf, depositFieldOf, fileContentType, issuesByField, missingFields, type DepositValues } from './document-form.ts';

const PATIENT = '3f1c2a4e-9b7d-4c1e-8a2b-5d6e7f8a9b0c';
const values: DepositValues = {
  patientId: PATIENT,
  file: { name: 'cr.pdf', contentType: 'application/pdf', base64: Buffer.from('%PDF-1.4\n%%EOF\n').toString('base64') },
  title: ' Compte rendu ', type: 'http://loinc.org|11488-4', documentClass: 'urn:oid:1.2.250.1.213.1.1.4.1|10', date: '2026-01-10',
  description: '', practiceSetting: 'urn:oid:1.2.250.1.213.1.1.4.9|AMBULATOIRE', facilityType: '', authorSpecialty: 'urn:oid:1.2.250.1.213.1.1.4.5|G15_10/SM54',
  masterIdentifier: 'urn:uuid:0d3c9a77-2d7b-4d0e-9c55-6a1d2b3c4d5e', maskedToProfessionals: false, invisibleToPatient: true, invisibleToRepresentatives: false,
};

describe('the feeding form', () => {
  it('builds a DocumentReference the API reads back as entered', () => {
    const parsed = parseDocumentReference(buildDocumentReference(values, { rpps: '10000010008' }), { maxBytes: 1024 * 1024 });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    expect(parsed.input).toMatchObject({
      masterIdentifier: values.masterIdentifier, typeCode: '11488-4', typeSystem: 'http://loinc.org', classCode: '10', title: 'Compte rendu',
      subject: { kind: 'reference', id: PATIENT }, practiceSetting: 'AMBULATOIRE', facilityType: null, contentType: 'application/pdf',
      content: { kind: 'inline', base64: values.file!.base64 }, level: 'N', labels: ['INVISIBLE_PATIENT'], description: null,
    });
    // The author's declared specialty (J01) travels with the caller's PractitionerRole, as the server keeps it.
    expect(parsed.input.authors).toEqual([{
      reference: '#author', resourceType: 'PractitionerRole', rpps: '10000010008', display: null,
      specialty: { system: 'urn:oid:1.2.250.1.213.1.1.4.5', code: 'G15_10/SM54' },
    }]);
    // The chosen day is kept whatever the time zone (noon local time).
    expect(parsed.input.date.slice(0, 10)).toBe('2026-01-10');
  });

  it('sends every confidentiality option chosen, and no category when the class is left to the server', () => {
    const doc = buildDocumentReference({ ...values, documentClass: '', maskedToProfessionals: true, invisibleToRepresentatives: true }, { rpps: null });
    expect(doc.category).toBeUndefined();
    const parsed = parseDocumentReference(doc, { maxBytes: 1024 * 1024 });
    expect(parsed.ok && parsed.input.labels).toEqual(['MASQUE_PS', 'INVISIBLE_PATIENT', 'INVISIBLE_REPRESENTANTS_LEGAUX']);
  });

  it('shows each server issue next to its field', () => {
    expect(depositFieldOf({ field: 'DocumentReference.content[0].attachment.title' })).toBe('title');
    expect(depositFieldOf({ field: 'content.attachment.data' })).toBe('file');
    expect(depositFieldOf({ field: 'DocumentReference.type.coding[0].code' })).toBe('type');
    expect(depositFieldOf({ field: 'type' })).toBe('type');
    expect(depositFieldOf({ field: 'category' })).toBe('documentClass');
    expect(depositFieldOf({ field: 'context.practiceSetting' })).toBe('practiceSetting');
    expect(depositFieldOf({ field: 'masterIdentifier' })).toBe('masterIdentifier');
    expect(depositFieldOf({ field: 'author.specialty' })).toBe('authorSpecialty');
    expect(depositFieldOf({ field: 'securityLabel' })).toBe('labels');
    expect(depositFieldOf({ field: 'subject' })).toBe('form');
    expect(issuesByField([{ field: 'type', code: 'A', message: 'a' }, { field: 'type', code: 'B', message: 'b' }, { field: 'x', code: 'C', message: 'c' }]))
      .toEqual({ type: ['a', 'b'], form: ['c'] });
  });

  it('names the required fields left empty', () => {
    expect(missingFields(values)).toEqual([]);
    expect(missingFields({ ...values, file: null, title: '  ', type: '', masterIdentifier: '' })).toEqual(['file', 'title', 'type', 'masterIdentifier']);
  });

  it('reads value keys and file types', () => {
    expect(codingOf('http://loinc.org|11488-4')).toEqual({ system: 'http://loinc.org', code: '11488-4' });
    expect(codingOf('11488-4')).toBeUndefined();
    expect(fileContentType('cr.xml', 'application/xml')).toBe('text/xml');
    expect(fileContentType('photo.JPG', '')).toBe('image/jpeg');
    expect(fileContentType('cr.pdf', 'application/pdf')).toBe('application/pdf');
  });
});
