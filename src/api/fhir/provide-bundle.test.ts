import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildTransactionResponse, parseProvideBundle } from './provide-bundle.ts';

const PATIENT = 'Patient/3f1c2a4e-9b7d-4c1e-8a2b-5d6e7f8a9b0c';
const U = {
  list: 'urn:uuid:66666666-6666-4666-8666-666666666666',
  doc1: 'urn:uuid:44444444-4444-4444-8444-444444444444',
  doc2: 'urn:uuid:55555555-5555-4555-8555-555555555555',
  bin1: 'urn:uuid:22222222-2222-4222-8222-222222222222',
  bin2: 'urn:uuid:33333333-3333-4333-8333-333333333333',
};

function docRef(masterId: string, binary: string): Record<string, any> {
  return {
    resourceType: 'DocumentReference',
    masterIdentifier: { system: 'urn:ietf:rfc:3986', value: masterId },
    status: 'current',
    type: { coding: [{ system: 'http://loinc.org', code: '11502-2' }] },
    category: [{ coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.1', code: '10' }] }],
    subject: { reference: PATIENT },
    date: '2024-03-05T10:15:00+01:00',
    content: [{ attachment: { contentType: 'application/pdf', url: binary, title: `CR ${masterId}` } }],
  };
}

/** An ITI-65 transaction: SubmissionSet first, then two documents and their Binary entries. */
function validBundle(): Record<string, any> {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        fullUrl: U.list,
        resource: {
          resourceType: 'List',
          meta: { profile: ['https://interop.esante.gouv.fr/ig/fhir/pdsm/StructureDefinition/pdsm-submissionset-comprehensive'] },
          extension: [{ url: 'https://profiles.ihe.net/ITI/MHD/StructureDefinition/ihe-sourceId', valueIdentifier: { value: 'urn:oid:1.2.250.1.999' } }],
          identifier: [{ use: 'usual', system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.250.1.999.7' }, { use: 'official', system: 'urn:ietf:rfc:3986', value: U.list }],
          status: 'current', mode: 'working', title: 'Résultats de biologie',
          code: { coding: [{ system: 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes', code: 'submissionset' }] },
          subject: { reference: PATIENT }, date: '2024-03-05T10:20:00+01:00', source: { reference: '#author' },
          entry: [{ item: { reference: U.doc1 } }, { item: { reference: U.doc2 } }],
        },
        request: { method: 'POST', url: 'List' },
      },
      { fullUrl: U.doc1, resource: docRef('urn:oid:1.2.3.1', U.bin1), request: { method: 'POST', url: 'DocumentReference' } },
      { fullUrl: U.doc2, resource: docRef('urn:oid:1.2.3.2', U.bin2), request: { method: 'POST', url: 'DocumentReference' } },
      { fullUrl: U.bin1, resource: { resourceType: 'Binary', contentType: 'application/pdf', data: 'SGVsbG8=' }, request: { method: 'POST', url: 'Binary' } },
      { fullUrl: U.bin2, resource: { resourceType: 'Binary', contentType: 'application/pdf', data: 'V29ybGQ=' }, request: { method: 'POST', url: 'Binary' } },
    ],
  };
}

const ctx = { maxBytes: 1024 };
function issuesOf(mutate: (b: Record<string, any>) => void) {
  const b = validBundle();
  mutate(b);
  const res = parseProvideBundle(b, ctx);
  if (res.ok) throw new Error('expected issues');
  return res.issues;
}

describe('parseProvideBundle', () => {
  it('reads the submission set and the documents, with the Binary data resolved', () => {
    const res = parseProvideBundle(validBundle(), ctx);
    if (!res.ok) throw new Error(JSON.stringify(res.issues));
    expect(res.submissionSet).toEqual({
      fullUrl: U.list, uniqueId: 'urn:oid:1.2.250.1.999.7', entryUUID: U.list, sourceId: 'urn:oid:1.2.250.1.999',
      title: 'Résultats de biologie', date: '2024-03-05T10:20:00+01:00', subject: { kind: 'reference', id: PATIENT.slice(8) }, source: '#author',
    });
    expect(res.documents.map((d) => [d.fullUrl, d.input.masterIdentifier, d.input.content])).toEqual([
      [U.doc1, 'urn:oid:1.2.3.1', { kind: 'inline', base64: 'SGVsbG8=' }],
      [U.doc2, 'urn:oid:1.2.3.2', { kind: 'inline', base64: 'V29ybGQ=' }],
    ]);
  });

  it('accepts a replacement and an INS-designated patient (the same in every resource)', () => {
    const b = validBundle();
    const ins = { identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '185057800608491' } };
    b.entry[0].resource.subject = ins;
    b.entry[1].resource.subject = ins;
    b.entry[2].resource.subject = ins;
    b.entry[2].resource.relatesTo = [{ code: 'replaces', target: { reference: 'DocumentReference/old-7' } }];
    const res = parseProvideBundle(b, ctx);
    expect(res.ok && res.documents[1]?.input.relatesToReplaces).toBe('old-7');
  });

  it('keeps a reference to an existing Binary on the server', () => {
    const b = validBundle();
    b.entry[2].resource.content[0].attachment.url = 'Binary/existing-1';
    b.entry.pop();
    const res = parseProvideBundle(b, ctx);
    expect(res.ok && res.documents[1]?.input.content).toEqual({ kind: 'binary', reference: 'Binary/existing-1' });
  });

  const invalid: Array<[string, (b: Record<string, any>) => void, string, string]> = [
    ['not a transaction', (b) => { b.type = 'batch'; }, 'Bundle.type', 'FHIR_BUNDLE_TYPE'],
    ['no entries', (b) => { b.entry = []; }, 'Bundle.entry', 'FHIR_BUNDLE_ENTRY'],
    ['missing List', (b) => { b.entry.shift(); }, 'Bundle.entry', 'FHIR_BUNDLE_SUBMISSION_SET'],
    ['two submission sets', (b) => { b.entry.push({ ...b.entry[0], fullUrl: 'urn:uuid:77777777-7777-4777-8777-777777777777' }); }, 'Bundle.entry[5]', 'FHIR_BUNDLE_SUBMISSION_SET'],
    ['a folder', (b) => { b.entry.push({ fullUrl: 'urn:uuid:77777777-7777-4777-8777-777777777777', resource: { resourceType: 'List', code: { coding: [{ system: 'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes', code: 'folder' }] } }, request: { method: 'POST', url: 'List' } }); }, 'Bundle.entry[5].resource.code', 'FHIR_BUNDLE_ENTRY_UNSUPPORTED'],
    ['submission set without uniqueId', (b) => { b.entry[0].resource.identifier = []; }, 'Bundle.entry[0].resource.identifier', 'FHIR_BUNDLE_SUBMISSION_SET'],
    ['submission set not current', (b) => { b.entry[0].resource.status = 'retired'; }, 'Bundle.entry[0].resource.status', 'FHIR_BUNDLE_SUBMISSION_SET'],
    ['unreferenced document', (b) => { b.entry[0].resource.entry.pop(); }, 'Bundle.entry[2]', 'FHIR_BUNDLE_DOCUMENT_UNREFERENCED'],
    ['List item not in the bundle', (b) => { b.entry[0].resource.entry.push({ item: { reference: 'urn:uuid:99999999-9999-4999-8999-999999999999' } }); }, 'Bundle.entry[0].resource.entry[2].item.reference', 'FHIR_BUNDLE_REFERENCE_NOT_FOUND'],
    ['attachment urn:uuid not found', (b) => { b.entry[1].resource.content[0].attachment.url = 'urn:uuid:99999999-9999-4999-8999-999999999999'; }, 'Bundle.entry[1].resource.content[0].attachment.url', 'FHIR_BUNDLE_REFERENCE_NOT_FOUND'],
    ['Binary referenced by nobody', (b) => { b.entry[1].resource.content[0].attachment.url = U.bin2; }, 'Bundle.entry[3]', 'FHIR_BUNDLE_BINARY_UNREFERENCED'],
    ['mixed subjects', (b) => { b.entry[2].resource.subject = { reference: 'Patient/someone-else' }; }, 'Bundle.entry[2].resource.subject', 'FHIR_BUNDLE_SUBJECT_MISMATCH'],
    ['same patient designated differently', (b) => { b.entry[2].resource.subject = { identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '185057800608491' } }; }, 'Bundle.entry[2].resource.subject', 'FHIR_BUNDLE_SUBJECT_MISMATCH'],
    ['Binary content type differs', (b) => { b.entry[3].resource.contentType = 'text/plain'; }, 'Bundle.entry[1].resource.content[0].attachment.contentType', 'FHIR_BUNDLE_BINARY_CONTENT_TYPE'],
    ['Binary without data', (b) => { delete b.entry[3].resource.data; }, 'Bundle.entry[3].resource.data', 'FHIR_BASE64'],
    ['Binary too large', (b) => { b.entry[3].resource.data = Buffer.alloc(2048).toString('base64'); }, 'Bundle.entry[3].resource.data', 'FHIR_CONTENT_TOO_LARGE'],
    ['a Patient entry', (b) => { b.entry.push({ fullUrl: 'urn:uuid:88888888-8888-4888-8888-888888888888', resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } }); }, 'Bundle.entry[5].resource.resourceType', 'FHIR_BUNDLE_ENTRY_UNSUPPORTED'],
    ['not a create', (b) => { b.entry[1].request = { method: 'PUT', url: 'DocumentReference/x' }; }, 'Bundle.entry[1].request', 'FHIR_BUNDLE_ENTRY'],
    ['fullUrl not a urn:uuid', (b) => { b.entry[3].fullUrl = 'Binary/1'; }, 'Bundle.entry[3].fullUrl', 'FHIR_BUNDLE_ENTRY'],
    ['duplicate fullUrl', (b) => { b.entry[4].fullUrl = U.bin1; }, 'Bundle.entry[4].fullUrl', 'FHIR_BUNDLE_FULL_URL_DUPLICATE'],
    ['duplicate masterIdentifier', (b) => { b.entry[2].resource.masterIdentifier.value = 'urn:oid:1.2.3.1'; }, 'Bundle.entry[2].resource.masterIdentifier.value', 'FHIR_BUNDLE_DUPLICATE_MASTER_IDENTIFIER'],
    ['document issue, rooted in the entry', (b) => { delete b.entry[2].resource.type.coding[0].code; }, 'Bundle.entry[2].resource.type.coding[0].code', 'FHIR_REQUIRED'],
    ['no DocumentReference', (b) => { b.entry = [b.entry[0]]; }, 'Bundle.entry', 'FHIR_BUNDLE_NO_DOCUMENT'],
  ];

  it.each(invalid)('rejects %s', (_name, mutate, field, code) => {
    expect(issuesOf(mutate)).toContainEqual(expect.objectContaining({ field, code }));
  });

  it('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.anything(), (v) => {
      const res = parseProvideBundle(v, ctx);
      expect(res.ok || res.issues.length > 0).toBe(true);
    }), { numRuns: 300 });
    fc.assert(fc.property(fc.jsonValue(), (entries) => {
      const res = parseProvideBundle({ resourceType: 'Bundle', type: 'transaction', entry: entries }, ctx);
      expect(res.ok || res.issues.length > 0).toBe(true);
    }), { numRuns: 300 });
  });

  it('never throws when a part of a valid bundle is replaced by arbitrary JSON', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 4 }), fc.constantFrom('resource', 'fullUrl', 'request', 'subject', 'entry', 'content', 'identifier', 'data'), fc.jsonValue(), (i, key, value) => {
      const b = validBundle();
      const entry = b.entry[i];
      if (key === 'resource' || key === 'fullUrl' || key === 'request') entry[key] = value;
      else entry.resource[key] = value;
      const res = parseProvideBundle(b, ctx);
      expect(res.ok || res.issues.length > 0).toBe(true);
    }), { numRuns: 500 });
  });
});

describe('buildTransactionResponse', () => {
  it('answers one entry per request entry, with location and version headers', () => {
    expect(buildTransactionResponse([
      { status: '201 Created', location: 'List/l1', lastModified: '2024-03-05T10:20:00Z' },
      { status: '201 Created', location: 'DocumentReference/d1/_history/1', etag: 'W/"1"' },
      { status: '200 OK', location: 'DocumentReference/d2/_history/1' },
    ])).toEqual({
      resourceType: 'Bundle', type: 'transaction-response',
      entry: [
        { response: { status: '201 Created', location: 'List/l1', lastModified: '2024-03-05T10:20:00Z' } },
        { response: { status: '201 Created', location: 'DocumentReference/d1/_history/1', etag: 'W/"1"' } },
        { response: { status: '200 OK', location: 'DocumentReference/d2/_history/1' } },
      ],
    });
  });
});
