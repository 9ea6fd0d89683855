import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONFIDENTIALITY_LABELS, type DocumentMeta } from '../../domain/document.ts';
import {
  FHIR_SYSTEMS, OPENMES_EXTENSIONS, PATIENT_INVISIBLE_WARNING, PDSM_PROFILES, canonicalSystem, isDateTime, isInstant, parseDocumentReference,
  referenceId, toFhirDocumentReference,
} from './document-reference-mapper.ts';

const PATIENT_ID = '3f1c2a4e-9b7d-4c1e-8a2b-5d6e7f8a9b0c';
const BASE = 'https://openmes.test/fhir/R4';
const NIR = '185057800608491';

/** A PDSm-like comprehensive DocumentReference, as a producer would send it on create. */
function validDocRef(): Record<string, any> {
  return {
    resourceType: 'DocumentReference',
    id: 'client-chosen-id',
    meta: { versionId: '7', lastUpdated: '2024-01-01T00:00:00Z', profile: [PDSM_PROFILES.DOCUMENT_REFERENCE] },
    contained: [
      { resourceType: 'Practitioner', id: 'p1', identifier: [{ system: 'https://rpps.esante.gouv.fr', value: '10000010008' }], name: [{ family: 'Lambert', given: ['Claire'] }] },
      {
        resourceType: 'PractitionerRole', id: 'author', practitioner: { reference: '#p1' },
        // The declared XDS authorSpecialty (J01), and the ordinal specialty (R38) as the server writes it back.
        specialty: [{ coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.5', code: 'G15_10/SM54' }] }, { coding: [{ system: FHIR_SYSTEMS.TRE_R38_SPECIALTY, code: 'SM54' }] }],
      },
    ],
    masterIdentifier: { system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.250.1.999.1.2.3' },
    status: 'current',
    type: { coding: [{ system: 'http://loinc.org', code: '11488-4', display: 'CR de consultation' }] },
    category: [{ coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.1', code: '10' }] }],
    subject: { reference: `Patient/${PATIENT_ID}` },
    date: '2024-03-05T10:15:00+01:00',
    author: [{ reference: '#author' }],
    description: 'Consultation de suivi',
    securityLabel: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }] },
      { coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.13', code: 'MASQUE_PS' }] },
    ],
    content: [{
      attachment: { contentType: 'application/pdf', data: 'SGVsbG8=', title: 'CR de consultation', size: 5, hash: '9/+ei3uy4Jtwk1pdeF4MxdnQq/A=', creation: '2024-03-05T10:00:00+01:00' },
      format: { system: 'http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode', code: 'urn:ihe:iti:xds-sd:pdf:2008' },
    }],
    context: {
      period: { start: '2024-03-05T09:30:00+01:00', end: '2024-03-05T10:00:00+01:00' },
      facilityType: { coding: [{ system: 'urn:oid:1.2.250.1.71.4.2.4', code: 'SA07' }] },
      practiceSetting: { coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.9', code: 'AMBULATOIRE' }] },
      related: [{ identifier: { value: 'ACC-42', type: { coding: [{ system: 'urn:ietf:rfc:3986', code: 'urn:ihe:iti:xds:2013:accession' }] } } }],
    },
    relatesTo: [{ code: 'replaces', target: { reference: 'DocumentReference/old-doc-1' } }],
  };
}

const ctx = { maxBytes: 1024 };
const parse = (r: unknown, c: Partial<Parameters<typeof parseDocumentReference>[1]> = {}) => parseDocumentReference(r, { ...ctx, ...c });

function issuesOf(mutate: (r: Record<string, any>) => void, c: Partial<Parameters<typeof parseDocumentReference>[1]> = {}) {
  const r = validDocRef();
  mutate(r);
  const res = parse(r, c);
  if (res.ok) throw new Error('expected issues');
  return res.issues;
}

describe('parseDocumentReference', () => {
  it('reads a valid PDSm comprehensive DocumentReference', () => {
    const res = parse(validDocRef());
    expect(res).toEqual({
      ok: true,
      input: {
        masterIdentifier: 'urn:oid:1.2.250.1.999.1.2.3', status: 'current', typeCode: '11488-4', typeSystem: FHIR_SYSTEMS.LOINC,
        classCode: '10', title: 'CR de consultation', description: 'Consultation de suivi',
        subject: { kind: 'reference', id: PATIENT_ID },
        authors: [{ reference: '#author', resourceType: 'PractitionerRole', rpps: '10000010008', display: null, specialty: { system: 'urn:oid:1.2.250.1.213.1.1.4.5', code: 'G15_10/SM54' } }],
        date: '2024-03-05T10:15:00+01:00', creation: '2024-03-05T10:00:00+01:00',
        periodStart: '2024-03-05T09:30:00+01:00', periodEnd: '2024-03-05T10:00:00+01:00',
        facilityType: 'SA07', practiceSetting: 'AMBULATOIRE',
        formatCode: 'urn:ihe:iti:xds-sd:pdf:2008', formatSystem: FHIR_SYSTEMS.IHE_FORMAT,
        related: [{ kind: 'identifier', system: null, value: 'ACC-42', typeCode: 'urn:ihe:iti:xds:2013:accession' }],
        contentType: 'application/pdf', content: { kind: 'inline', base64: 'SGVsbG8=' },
        declaredSize: 5, declaredHashSha1Base64: '9/+ei3uy4Jtwk1pdeF4MxdnQq/A=', relatesToReplaces: 'old-doc-1',
        level: 'N', labels: ['MASQUE_PS'],
      },
    });
  });

  it('ignores server-owned fields (id, meta.versionId, meta.lastUpdated, identifier) on create', () => {
    const r = validDocRef();
    r.identifier = [{ use: 'official', system: 'urn:ietf:rfc:3986', value: 'urn:uuid:0b6c4c2e-1111-4111-8111-111111111111' }];
    r.custodian = { display: 'Someone' };
    expect(parse(r).ok).toBe(true);
  });

  it('accepts a minimal document: default level N, no category, no context', () => {
    const r = validDocRef();
    for (const k of ['category', 'securityLabel', 'context', 'relatesTo', 'author', 'contained', 'description']) delete r[k];
    const res = parse(r);
    expect(res.ok && res.input).toMatchObject({ level: 'N', labels: [], classCode: null, periodStart: null, authors: [], description: null });
    expect(res.ok && 'relatesToReplaces' in res.input).toBe(false);
  });

  it('accepts NOS canonical URLs and OIDs as code systems, and writes the canonical one', () => {
    const r = validDocRef();
    r.type = { coding: [{ system: 'https://mos.esante.gouv.fr/NOS/TRE_A05-TypeDocComplementaire/FHIR/TRE-A05-TypeDocComplementaire', code: 'DOCPAT01' }] };
    r.securityLabel = [{ coding: [{ system: 'urn:oid:2.16.840.1.113883.5.25', code: 'R' }, { system: 'urn:oid:1.2.250.1.213.1.1.4.13', code: 'INVISIBLE_PATIENT' }] }];
    const res = parse(r);
    expect(res.ok && res.input).toMatchObject({ typeCode: 'DOCPAT01', typeSystem: FHIR_SYSTEMS.TRE_A05_TYPE, level: 'R', labels: ['INVISIBLE_PATIENT'] });
  });

  it('reads an INS subject, normalised', () => {
    const r = validDocRef();
    r.subject = { identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '1 85 05 78 006 084 91' } };
    const res = parse(r);
    expect(res.ok && res.input.subject).toEqual({ kind: 'ins', system: 'urn:oid:1.2.250.1.213.1.4.8', value: NIR });
  });

  it('reads a Binary reference (relative or under the server base); urn:uuid only inside a bundle', () => {
    const withUrl = (url: string) => {
      const r = validDocRef();
      delete r.content[0].attachment.data;
      r.content[0].attachment.url = url;
      return r;
    };
    const rel = parse(withUrl('Binary/b-1'));
    expect(rel.ok && rel.input.content).toEqual({ kind: 'binary', reference: 'Binary/b-1' });
    const abs = parse(withUrl(`${BASE}/Binary/b-2`), { baseUrl: BASE });
    expect(abs.ok && abs.input.content).toEqual({ kind: 'binary', reference: 'Binary/b-2' });
    const urn = 'urn:uuid:22222222-2222-4222-8222-222222222222';
    expect(parse(withUrl(urn)).ok).toBe(false);
    const inBundle = parse(withUrl(urn), { inBundle: true });
    expect(inBundle.ok && inBundle.input.content).toEqual({ kind: 'binary', reference: urn });
    expect(parse(withUrl('https://elsewhere.test/Binary/x'), { baseUrl: BASE }).ok).toBe(false);
  });

  it('keeps the authors as declared (contained, Type/id, or an RPPS identifier)', () => {
    const r = validDocRef();
    r.author = [{ reference: 'Practitioner/pr-9', display: 'Dr X' }, { identifier: { system: 'urn:oid:1.2.250.1.71.4.2.1', value: '810000010008' } }, { reference: '#p1' }];
    const res = parse(r);
    expect(res.ok && res.input.authors).toEqual([
      { reference: 'Practitioner/pr-9', resourceType: 'Practitioner', rpps: null, display: 'Dr X', specialty: null },
      { reference: null, resourceType: 'Practitioner', rpps: '10000010008', display: null, specialty: null },
      { reference: '#p1', resourceType: 'Practitioner', rpps: '10000010008', display: null, specialty: null },
    ]);
  });

  it('reads the declared author specialty of a contained PractitionerRole: one J01 coding at most, well formed', () => {
    const role = (r: Record<string, any>) => r.contained[1];
    const noSpecialty = validDocRef();
    delete role(noSpecialty).specialty;
    const read = parse(noSpecialty);
    expect(read.ok && read.input.authors[0]?.specialty).toBeNull();
    expect(issuesOf((r) => { role(r).specialty.push({ coding: [{ system: 'urn:oid:1.2.250.1.213.1.6.1.107', code: 'SM26' }] }); }))
      .toEqual([expect.objectContaining({ field: 'DocumentReference.author[0].specialty', code: 'FHIR_CODING' })]);
    expect(issuesOf((r) => { role(r).specialty = [{ coding: [{ code: 'G15_10/SM54' }] }]; }))
      .toEqual([expect.objectContaining({ field: 'DocumentReference.author[0].specialty', code: 'FHIR_CODING' })]);
    expect(issuesOf((r) => { role(r).specialty = 'G15_10/SM54'; }))
      .toEqual([expect.objectContaining({ field: 'DocumentReference.author[0].specialty', code: 'FHIR_DATATYPE' })]);
  });

  const invalid: Array<[string, (r: Record<string, any>) => void, string, string, Partial<Parameters<typeof parseDocumentReference>[1]>?]> = [
    ['wrong resourceType', (r) => { r.resourceType = 'Binary'; }, 'DocumentReference.resourceType', 'FHIR_RESOURCE_TYPE'],
    ['status not current', (r) => { r.status = 'superseded'; }, 'DocumentReference.status', 'FHIR_STATUS_NOT_CURRENT'],
    ['no masterIdentifier', (r) => { delete r.masterIdentifier; }, 'DocumentReference.masterIdentifier.value', 'FHIR_REQUIRED'],
    ['masterIdentifier system', (r) => { r.masterIdentifier.system = 'urn:oid:1.2.3'; }, 'DocumentReference.masterIdentifier.system', 'FHIR_CODE_SYSTEM'],
    ['no type', (r) => { delete r.type; }, 'DocumentReference.type.coding', 'FHIR_REQUIRED'],
    ['two type codings', (r) => { r.type.coding.push({ system: 'http://loinc.org', code: '11502-2' }); }, 'DocumentReference.type.coding', 'FHIR_CODING'],
    ['type without code', (r) => { delete r.type.coding[0].code; }, 'DocumentReference.type.coding[0].code', 'FHIR_REQUIRED'],
    ['type system unknown', (r) => { r.type.coding[0].system = 'http://snomed.info/sct'; }, 'DocumentReference.type.coding[0].system', 'FHIR_CODE_SYSTEM'],
    ['LOINC system, non-LOINC code', (r) => { r.type.coding[0].code = 'DOCPAT01'; }, 'DocumentReference.type.coding[0].code', 'FHIR_CODE_SYSTEM'],
    ['category system', (r) => { r.category[0].coding[0].system = 'http://loinc.org'; }, 'DocumentReference.category[0].coding[0].system', 'FHIR_CODE_SYSTEM'],
    ['two categories', (r) => { r.category.push(r.category[0]); }, 'DocumentReference.category', 'FHIR_CODING'],
    ['no subject', (r) => { delete r.subject; }, 'DocumentReference.subject', 'FHIR_REQUIRED'],
    ['subject not a Patient', (r) => { r.subject = { reference: 'Practitioner/x' }; }, 'DocumentReference.subject.reference', 'FHIR_SUBJECT'],
    ['subject reference and identifier', (r) => { r.subject.identifier = { system: 'urn:oid:1.2.250.1.213.1.4.8', value: NIR }; }, 'DocumentReference.subject', 'FHIR_SUBJECT'],
    ['subject identifier not INS', (r) => { r.subject = { identifier: { system: 'urn:oid:1.2.3', value: 'x' } }; }, 'DocumentReference.subject.identifier.system', 'FHIR_SUBJECT'],
    ['subject INS with a wrong key', (r) => { r.subject = { identifier: { system: 'urn:oid:1.2.250.1.213.1.4.8', value: '185057800608490' } }; }, 'DocumentReference.subject.identifier.value', 'IDENTITY_INS_KEY'],
    ['author Organization', (r) => { r.author = [{ reference: 'Organization/o1' }]; }, 'DocumentReference.author[0]', 'FHIR_AUTHOR'],
    ['author to a missing contained resource', (r) => { r.author = [{ reference: '#nope' }]; }, 'DocumentReference.author[0]', 'FHIR_AUTHOR'],
    ['contained without id', (r) => { delete r.contained[0].id; }, 'DocumentReference.contained[0]', 'FHIR_DATATYPE'],
    ['no date', (r) => { delete r.date; }, 'DocumentReference.date', 'FHIR_REQUIRED'],
    ['date without time zone', (r) => { r.date = '2024-03-05T10:15:00'; }, 'DocumentReference.date', 'FHIR_DATATYPE'],
    ['date not on the calendar', (r) => { r.date = '2023-02-29T10:15:00Z'; }, 'DocumentReference.date', 'FHIR_DATATYPE'],
    ['empty description', (r) => { r.description = ''; }, 'DocumentReference.description', 'FHIR_DATATYPE'],
    ['unknown security label', (r) => { r.securityLabel[1].coding[0].code = 'SECRET'; }, 'DocumentReference.securityLabel[1].coding[0]', 'FHIR_SECURITY_LABEL'],
    ['security label of another system', (r) => { r.securityLabel[1].coding[0].system = 'http://example.org'; }, 'DocumentReference.securityLabel[1].coding[0]', 'FHIR_SECURITY_LABEL'],
    ['two confidentiality levels', (r) => { r.securityLabel.push({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'V' }] }); }, 'DocumentReference.securityLabel', 'FHIR_SECURITY_LABEL'],
    ['no content', (r) => { delete r.content; }, 'DocumentReference.content[0].attachment', 'FHIR_CONTENT'],
    ['two contents', (r) => { r.content.push(r.content[0]); }, 'DocumentReference.content[0].attachment', 'FHIR_CONTENT'],
    ['data and url', (r) => { r.content[0].attachment.url = 'Binary/b'; }, 'DocumentReference.content[0].attachment.data', 'FHIR_CONTENT'],
    ['neither data nor url', (r) => { delete r.content[0].attachment.data; }, 'DocumentReference.content[0].attachment.data', 'FHIR_CONTENT'],
    ['bad base64', (r) => { r.content[0].attachment.data = 'SGVsbG8'; }, 'DocumentReference.content[0].attachment.data', 'FHIR_BASE64'],
    ['content too large', (r) => { r.content[0].attachment.data = Buffer.alloc(2000).toString('base64'); }, 'DocumentReference.content[0].attachment.data', 'FHIR_CONTENT_TOO_LARGE'],
    ['declared size too large', (r) => { r.content[0].attachment.size = 5000; }, 'DocumentReference.content[0].attachment.size', 'FHIR_CONTENT_TOO_LARGE'],
    ['negative size', (r) => { r.content[0].attachment.size = -1; }, 'DocumentReference.content[0].attachment.size', 'FHIR_DATATYPE'],
    ['hash not SHA-1', (r) => { r.content[0].attachment.hash = 'abc'; }, 'DocumentReference.content[0].attachment.hash', 'FHIR_HASH'],
    ['no contentType', (r) => { delete r.content[0].attachment.contentType; }, 'DocumentReference.content[0].attachment.contentType', 'FHIR_REQUIRED'],
    ['no title', (r) => { delete r.content[0].attachment.title; }, 'DocumentReference.content[0].attachment.title', 'FHIR_REQUIRED'],
    ['url not a Binary', (r) => { delete r.content[0].attachment.data; r.content[0].attachment.url = 'http://x.test/doc.pdf'; }, 'DocumentReference.content[0].attachment.url', 'FHIR_ATTACHMENT_URL'],
    ['format system', (r) => { r.content[0].format.system = 'http://example.org'; }, 'DocumentReference.content[0].format.system', 'FHIR_CODE_SYSTEM'],
    ['creation not a dateTime', (r) => { r.content[0].attachment.creation = 'hier'; }, 'DocumentReference.content[0].attachment.creation', 'FHIR_DATATYPE'],
    ['period start not a date', (r) => { r.context.period.start = '05/03/2024'; }, 'DocumentReference.context.period.start', 'FHIR_DATATYPE'],
    ['period end before start', (r) => { r.context.period.end = '2024-03-04T10:00:00+01:00'; }, 'DocumentReference.context.period.end', 'FHIR_PERIOD'],
    ['facility system', (r) => { r.context.facilityType.coding[0].system = 'urn:oid:1.2.250.1.213.1.1.4.9'; }, 'DocumentReference.context.facilityType.coding[0].system', 'FHIR_CODE_SYSTEM'],
    ['practice setting without coding', (r) => { r.context.practiceSetting = { text: 'ville' }; }, 'DocumentReference.context.practiceSetting.coding', 'FHIR_CODING'],
    ['related without identifier', (r) => { r.context.related = [{}]; }, 'DocumentReference.context.related[0]', 'FHIR_DATATYPE'],
    ['relatesTo other than replaces', (r) => { r.relatesTo[0].code = 'transforms'; }, 'DocumentReference.relatesTo[0].code', 'FHIR_RELATES_TO'],
    ['relatesTo target not a DocumentReference', (r) => { r.relatesTo[0].target.reference = 'Binary/x'; }, 'DocumentReference.relatesTo[0].target.reference', 'FHIR_RELATES_TO'],
    ['two relatesTo', (r) => { r.relatesTo.push(r.relatesTo[0]); }, 'DocumentReference.relatesTo', 'FHIR_RELATES_TO'],
    ['unknown element', (r) => { r.foo = 1; }, 'DocumentReference.foo', 'FHIR_UNKNOWN_ELEMENT'],
    ['modifier extension', (r) => { r.modifierExtension = [{ url: 'x', valueBoolean: true }]; }, 'DocumentReference.modifierExtension', 'FHIR_MODIFIER_UNSUPPORTED'],
  ];

  it.each(invalid)('rejects %s with the field path', (_name, mutate, field, code, c) => {
    const issues = issuesOf(mutate, c);
    expect(issues).toContainEqual(expect.objectContaining({ field, code }));
    for (const i of issues) expect(i.message).toMatch(/\S/);
  });

  it('roots the issue paths where it is told (bundle entries)', () => {
    const issues = issuesOf((r) => { delete r.type.coding[0].code; }, { root: 'Bundle.entry[3].resource' });
    expect(issues[0]?.field).toBe('Bundle.entry[3].resource.type.coding[0].code');
  });

  it('never throws on arbitrary input', () => {
    fc.assert(fc.property(fc.anything(), (v) => {
      const res = parse(v);
      expect(res.ok || res.issues.length > 0).toBe(true);
    }), { numRuns: 300 });
  });

  it('never throws when any element of a valid resource is replaced by arbitrary JSON', () => {
    const keys = Object.keys(validDocRef());
    fc.assert(fc.property(fc.constantFrom(...keys), fc.jsonValue(), fc.constantFrom('top', 'attachment', 'context'), (key, value, where) => {
      const r = validDocRef();
      if (where === 'top') r[key] = value;
      else if (where === 'attachment') r.content[0].attachment[key] = value;
      else r.context[key] = value;
      const res = parse(r);
      expect(res.ok || res.issues.length > 0).toBe(true);
    }), { numRuns: 500 });
  });
});

function meta(overrides: Partial<DocumentMeta> = {}): DocumentMeta {
  return {
    dossierId: PATIENT_ID, documentId: '7d1e8c9a-1b2c-4d3e-8f4a-5b6c7d8e9f00', masterIdentifier: 'urn:oid:1.2.250.1.999.1.2.3',
    status: 'current', replaces: null, typeCode: '11488-4', classCode: '10', title: 'CR de consultation', description: 'Suivi',
    author: { kind: 'professional', accountId: 'acc-1', rpps: '10000010008', displayName: 'Dr Claire Lambert', profession: 'G15:10', specialty: 'SM54', structure: { finess: '750000010', name: 'Cabinet médical des Lilas' } },
    date: '2024-03-05T10:15:00+01:00', periodStart: '2024-03-05T09:30:00+01:00', periodEnd: null, facilityType: 'SA07',
    practiceSetting: 'AMBULATOIRE', authorSpecialty: 'SM54', formatCode: 'urn:ihe:iti:xds-sd:pdf:2008', contentType: 'application/pdf',
    size: 5, sha256: '185f8db32271fe25f561a6fc938b2e264306ec304eda518007d1764826381969', level: 'N', labels: [],
    invisibleToPatientSince: null, depositedInSecret: false, createdAt: '2024-03-05T10:20:00Z', deletedAt: null,
    ...overrides,
  };
}

describe('toFhirDocumentReference', () => {
  const opts = { baseUrl: BASE, patientId: PATIENT_ID, includeWarning: false };

  it('has the elements PDSm requires', () => {
    const r = toFhirDocumentReference(meta(), opts) as Record<string, any>;
    expect(r).toMatchObject({
      resourceType: 'DocumentReference', id: meta().documentId,
      meta: { profile: [PDSM_PROFILES.DOCUMENT_REFERENCE] },
      masterIdentifier: { system: 'urn:ietf:rfc:3986', value: 'urn:oid:1.2.250.1.999.1.2.3' },
      identifier: [{ use: 'official', system: 'urn:ietf:rfc:3986', value: `urn:uuid:${meta().documentId}` }],
      status: 'current', docStatus: 'final',
      type: { coding: [{ system: 'http://loinc.org', code: '11488-4' }] },
      category: [{ coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.1', code: '10' }] }],
      subject: { reference: `Patient/${PATIENT_ID}` },
      date: '2024-03-05T10:15:00+01:00',
      author: [{ reference: '#author', type: 'PractitionerRole', display: 'Dr Claire Lambert' }],
      custodian: { display: 'OpenMES' },
      securityLabel: [{ coding: [{ system: FHIR_SYSTEMS.V3_CONFIDENTIALITY, code: 'N' }] }],
      content: [{
        attachment: { contentType: 'application/pdf', url: `${BASE}/Binary/${meta().documentId}`, size: 5, title: 'CR de consultation', creation: '2024-03-05T10:15:00+01:00' },
        format: { system: FHIR_SYSTEMS.IHE_FORMAT, code: 'urn:ihe:iti:xds-sd:pdf:2008' },
      }],
      context: {
        period: { start: '2024-03-05T09:30:00+01:00' },
        facilityType: { coding: [{ system: 'urn:oid:1.2.250.1.71.4.2.4', code: 'SA07' }] },
        practiceSetting: { coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.9', code: 'AMBULATOIRE' }] },
      },
    });
    const practitioner = r.contained.find((c: any) => c.resourceType === 'Practitioner');
    expect(practitioner.identifier).toEqual([{ system: 'https://rpps.esante.gouv.fr', value: '10000010008' }]);
    expect(r.contained.find((c: any) => c.resourceType === 'Organization').identifier[0]).toEqual({ system: 'urn:oid:1.2.250.1.71.4.2.2', value: '750000010' });
    expect(r.content[0].attachment.hash).toBeUndefined();
    expect(r.content[0].attachment.extension).toEqual([{ url: OPENMES_EXTENSIONS.SHA256, valueString: meta().sha256 }]);
    expect(r.extension).toBeUndefined();
    expect(JSON.parse(JSON.stringify(r)).relatesTo).toBeUndefined();
  });

  it('adds the "not visible to the patient" warning only when asked', () => {
    const r = toFhirDocumentReference(meta({ labels: ['INVISIBLE_PATIENT'] }), { ...opts, includeWarning: true }) as Record<string, any>;
    expect(r.extension).toEqual([{ url: OPENMES_EXTENSIONS.PATIENT_INVISIBLE_WARNING, valueString: PATIENT_INVISIBLE_WARNING }]);
    expect(r.securityLabel[1]).toEqual({ coding: [{ system: 'urn:oid:1.2.250.1.213.1.1.4.13', code: 'INVISIBLE_PATIENT', display: 'Non visible par le patient' }] });
  });

  it('writes the declared author specialty (J01) before the ordinal one, and reads it back', () => {
    const j01 = { system: 'urn:oid:1.2.250.1.213.1.1.4.5', code: 'G15_10/SM54', display: 'Médecine Générale (SM)' };
    const r = toFhirDocumentReference(meta({ authorSpecialty: j01.code }), { ...opts, authorSpecialty: j01 }) as Record<string, any>;
    expect(r.contained.find((c: any) => c.resourceType === 'PractitionerRole').specialty).toEqual([
      { coding: [j01] }, { coding: [{ system: FHIR_SYSTEMS.TRE_R38_SPECIALTY, code: 'SM54' }] },
    ]);
    const back = parse({ ...r, status: 'current', content: [{ attachment: { contentType: 'application/pdf', data: 'SGVsbG8=', title: 'CR' } }] });
    expect(back.ok && back.input.authors[0]?.specialty).toEqual({ system: j01.system, code: j01.code });
  });

  it('writes TRE_A05 types, patient / insurer / device authors, replacement and non-PS codes', () => {
    const patient = toFhirDocumentReference(meta({
      typeCode: 'DOCPAT01', classCode: '11', facilityType: 'EXP_PATIENT', practiceSetting: 'EXP_PATIENT', replaces: 'old-1', formatCode: null,
      author: { kind: 'patient', dossierId: PATIENT_ID, displayName: 'Jean Dupont' },
    }), opts) as Record<string, any>;
    expect(patient.type.coding[0].system).toBe(FHIR_SYSTEMS.TRE_A05_TYPE);
    expect(patient.author).toEqual([{ reference: `Patient/${PATIENT_ID}`, type: 'Patient', display: 'Jean Dupont' }]);
    expect(patient.contained).toBeUndefined();
    expect(patient.relatesTo).toEqual([{ code: 'replaces', target: { reference: 'DocumentReference/old-1' } }]);
    expect(patient.context.facilityType.coding[0].system).toBe(FHIR_SYSTEMS.TRE_A00_NON_PS);
    expect(patient.content[0].format).toBeUndefined();
    const insurer = toFhirDocumentReference(meta({ typeCode: 'REMB', author: { kind: 'insurer', displayName: 'Assurance maladie' } }), opts) as Record<string, any>;
    expect(insurer.author[0]).toMatchObject({ type: 'Organization', display: 'Assurance maladie' });
    const device = toFhirDocumentReference(meta({ author: { kind: 'device', displayName: 'Glucomètre' } }), opts) as Record<string, any>;
    expect(device.contained[0]).toMatchObject({ resourceType: 'Device', id: 'author' });
  });

  it('round-trips: what we write, we read back to the same metadata', () => {
    fc.assert(fc.property(
      fc.subarray([...CONFIDENTIALITY_LABELS]), fc.constantFrom('N', 'R', 'V' as const), fc.constantFrom('11488-4', 'DOCPAT01', 'REMB'),
      (labels, level, typeCode) => {
        const m = meta({ labels, level, typeCode });
        const fhir = { ...(toFhirDocumentReference(m, opts) as Record<string, unknown>), status: 'current' };
        const res = parseDocumentReference(fhir, { maxBytes: 1024, baseUrl: BASE });
        if (!res.ok) throw new Error(JSON.stringify(res.issues));
        expect(res.input).toMatchObject({
          masterIdentifier: m.masterIdentifier, typeCode, classCode: m.classCode, title: m.title, description: m.description, date: m.date,
          periodStart: m.periodStart, facilityType: m.facilityType, practiceSetting: m.practiceSetting, formatCode: m.formatCode,
          contentType: m.contentType, level, labels, subject: { kind: 'reference', id: PATIENT_ID },
          content: { kind: 'binary', reference: `Binary/${m.documentId}` }, declaredSize: m.size,
        });
        expect(res.input.authors[0]?.rpps).toBe('10000010008');
      },
    ), { numRuns: 60 });
  });
});

describe('FHIR primitives', () => {
  it('tells instants and dateTimes apart', () => {
    expect(isInstant('2024-03-05T10:15:00Z')).toBe(true);
    expect(isInstant('2024-03-05T10:15:00.123+14:00')).toBe(true);
    expect(isInstant('2024-03-05')).toBe(false);
    expect(isInstant('2024-02-30T10:15:00Z')).toBe(false);
    expect(isDateTime('2024')).toBe(true);
    expect(isDateTime('2024-03')).toBe(true);
    expect(isDateTime('2024-13')).toBe(false);
    expect(isDateTime('0000-01-01')).toBe(false);
  });

  it('resolves code-system aliases on own keys only', () => {
    expect(canonicalSystem('urn:oid:2.16.840.1.113883.6.1')).toBe(FHIR_SYSTEMS.LOINC);
    expect(canonicalSystem('https://mos.esante.gouv.fr/NOS/TRE_A03-ClasseDocument/FHIR/TRE-A03-ClasseDocument')).toBe(FHIR_SYSTEMS.TRE_A03_CLASS);
    expect(canonicalSystem('https://mos.esante.gouv.fr/NOS/TRE_Z99-Inconnue/FHIR/TRE-Z99-Inconnue')).toBe('https://mos.esante.gouv.fr/NOS/TRE_Z99-Inconnue/FHIR/TRE-Z99-Inconnue');
    expect(canonicalSystem('constructor')).toBe('constructor');
    expect(canonicalSystem('__proto__')).toBe('__proto__');
  });

  it('reads Type/id references, relative or under the base only', () => {
    expect(referenceId('Patient/abc', 'Patient')).toBe('abc');
    expect(referenceId(`${BASE}/Patient/abc`, 'Patient', BASE)).toBe('abc');
    expect(referenceId('https://other.test/Patient/abc', 'Patient', BASE)).toBeUndefined();
    expect(referenceId('Practitioner/abc', 'Patient')).toBeUndefined();
    expect(referenceId('Patient/a b', 'Patient')).toBeUndefined();
  });
});
