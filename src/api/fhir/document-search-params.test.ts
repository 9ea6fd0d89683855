import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  boundsToRange, decodeCursor, documentSearchToParams, encodeCursor, parseDocumentSearch, SEARCH_MAX_COUNT, type DocumentSearch,
} from './document-search-params.ts';

const BASE = 'https://openmes.test/fhir/R4';

function ok(query: Record<string, unknown>): DocumentSearch {
  const res = parseDocumentSearch(query, { baseUrl: BASE });
  if (!res.ok) throw new Error(JSON.stringify(res.issues));
  return res.search;
}
function issues(query: Record<string, unknown>) {
  const res = parseDocumentSearch(query, { baseUrl: BASE });
  if (res.ok) throw new Error('expected issues');
  return res.issues;
}

describe('parseDocumentSearch', () => {
  it('has safe defaults: current documents, newest first, 50 per page', () => {
    expect(ok({})).toEqual({
      patient: null, status: ['current'], type: [], category: [], facility: [], setting: [], securityLabel: [], format: [],
      date: [], period: [], author: null, count: 50, sort: '-date', cursor: null, summary: null,
    });
  });

  it('reads the patient by reference, id, subject or INS identifier', () => {
    expect(ok({ patient: 'Patient/abc-1' }).patient).toEqual({ kind: 'id', id: 'abc-1' });
    expect(ok({ patient: 'abc-1' }).patient).toEqual({ kind: 'id', id: 'abc-1' });
    expect(ok({ subject: `${BASE}/Patient/abc-1` }).patient).toEqual({ kind: 'id', id: 'abc-1' });
    expect(ok({ 'patient.identifier': 'urn:oid:1.2.250.1.213.1.4.8|185057800608491' }).patient)
      .toEqual({ kind: 'ins', system: 'urn:oid:1.2.250.1.213.1.4.8', value: '185057800608491' });
    expect(ok({ 'subject.identifier': 'urn:oid:1.2.250.1.213.1.4.10|185057800608491' }).patient?.kind).toBe('ins');
  });

  it('refuses ambiguous or non-INS patient criteria', () => {
    expect(issues({ patient: 'Patient/a', 'patient.identifier': 'urn:oid:1.2.250.1.213.1.4.8|185057800608491' }))
      .toContainEqual(expect.objectContaining({ code: 'FHIR_SEARCH_PATIENT_AMBIGUOUS' }));
    expect(issues({ 'patient.identifier': 'urn:oid:1.2.250.1.71.4.2.1|810000010008' })).toContainEqual(expect.objectContaining({ field: 'patient.identifier', code: 'FHIR_SEARCH_PARAM_VALUE' }));
    expect(issues({ 'patient.identifier': 'urn:oid:1.2.250.1.213.1.4.8|185057800608490' })).toContainEqual(expect.objectContaining({ field: 'patient.identifier', code: 'IDENTITY_INS_KEY' }));
    expect(issues({ patient: 'Practitioner/x' })).toContainEqual(expect.objectContaining({ field: 'patient', code: 'FHIR_SEARCH_PARAM_VALUE' }));
  });

  it('reads status lists and refuses unknown statuses', () => {
    expect(ok({ status: 'current,superseded' }).status).toEqual(['current', 'superseded']);
    expect(issues({ status: 'current,archived' })).toContainEqual(expect.objectContaining({ field: 'status', code: 'FHIR_SEARCH_PARAM_VALUE' }));
  });

  it('reads token parameters (code, |code, system|code, OR lists), with canonical systems', () => {
    const s = ok({
      type: 'http://loinc.org|11488-4,|DOCPAT01,11502-2', category: 'urn:oid:1.2.250.1.213.1.1.4.1|10', facility: 'SA07',
      setting: 'AMBULATOIRE', 'security-label': 'urn:oid:2.16.840.1.113883.5.25|N,urn:oid:1.2.250.1.213.1.1.4.13|MASQUE_PS',
      format: 'urn:ihe:iti:xds-sd:pdf:2008',
    });
    expect(s.type).toEqual([{ system: 'http://loinc.org', code: '11488-4' }, { system: '', code: 'DOCPAT01' }, { system: null, code: '11502-2' }]);
    expect(s.category).toEqual([{ system: 'urn:oid:1.2.250.1.213.1.1.4.1', code: '10' }]);
    expect(s.facility).toEqual([{ system: null, code: 'SA07' }]);
    expect(s.setting).toEqual([{ system: null, code: 'AMBULATOIRE' }]);
    expect(s.securityLabel).toEqual([
      { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' },
      { system: 'urn:oid:1.2.250.1.213.1.1.4.13', code: 'MASQUE_PS' },
    ]);
    // A format code is a URN: only an escaped pipe would split it.
    expect(s.format).toEqual([{ system: null, code: 'urn:ihe:iti:xds-sd:pdf:2008' }]);
    expect(issues({ type: 'http://loinc.org|' })).toContainEqual(expect.objectContaining({ field: 'type', code: 'FHIR_SEARCH_PARAM_VALUE' }));
  });

  it('reads repeated date bounds with their implicit ranges', () => {
    const s = ok({ date: ['ge2024-01-01', 'lt2024-02'] });
    expect(s.date).toEqual([
      { prefix: 'ge', value: '2024-01-01', start: '2024-01-01T00:00:00.000Z', end: '2024-01-02T00:00:00.000Z' },
      { prefix: 'lt', value: '2024-02', start: '2024-02-01T00:00:00.000Z', end: '2024-03-01T00:00:00.000Z' },
    ]);
    expect(ok({ date: '2024' }).date[0]).toMatchObject({ prefix: 'eq', start: '2024-01-01T00:00:00.000Z', end: '2025-01-01T00:00:00.000Z' });
    expect(ok({ date: 'gt2024-03-05T10:15:00+01:00' }).date[0]).toMatchObject({ start: '2024-03-05T09:15:00.000Z', end: '2024-03-05T09:15:01.000Z' });
    expect(ok({ date: 'le2024-03-05T10:15Z' }).date[0]).toMatchObject({ start: '2024-03-05T10:15:00.000Z', end: '2024-03-05T10:16:00.000Z' });
    expect(ok({ period: 'ge2023-06-01' }).period).toHaveLength(1);
    expect(ok({ date: 'ge0099-01-01' }).date[0]?.start).toBe('0099-01-01T00:00:00.000Z');
  });

  it('refuses malformed dates and unsupported prefixes', () => {
    expect(issues({ date: 'ge2024-13-01' })).toContainEqual(expect.objectContaining({ field: 'date', code: 'FHIR_SEARCH_DATE' }));
    expect(issues({ date: '2024-03-05T10:15:00' })).toContainEqual(expect.objectContaining({ code: 'FHIR_SEARCH_DATE' }));
    expect(issues({ period: 'sa2024' })).toContainEqual(expect.objectContaining({ field: 'period', code: 'FHIR_SEARCH_PARAM_UNSUPPORTED' }));
    expect(issues({ date: 'ne2024' })).toContainEqual(expect.objectContaining({ code: 'FHIR_SEARCH_PARAM_UNSUPPORTED' }));
  });

  it('reads the author by reference or RPPS', () => {
    expect(ok({ author: 'Practitioner/pr-1' }).author).toEqual({ kind: 'reference', resourceType: 'Practitioner', id: 'pr-1' });
    expect(ok({ author: 'Patient/p-1' }).author).toEqual({ kind: 'reference', resourceType: 'Patient', id: 'p-1' });
    expect(ok({ 'author.identifier': 'https://rpps.esante.gouv.fr|10000010008' }).author).toEqual({ kind: 'rpps', rpps: '10000010008' });
    expect(ok({ 'author.identifier': 'urn:oid:1.2.250.1.71.4.2.1|810000010008' }).author).toEqual({ kind: 'rpps', rpps: '10000010008' });
    expect(issues({ 'author.identifier': 'https://rpps.esante.gouv.fr|123' })).toContainEqual(expect.objectContaining({ field: 'author.identifier' }));
    expect(issues({ author: 'Organization/o' })).toContainEqual(expect.objectContaining({ field: 'author' }));
    expect(issues({ 'author.given': 'Claire' })).toContainEqual(expect.objectContaining({ code: 'FHIR_SEARCH_PARAM_UNSUPPORTED' }));
  });

  it('bounds _count: default 50, at most 200, at least 1', () => {
    expect(ok({ _count: '10' }).count).toBe(10);
    expect(ok({ _count: '500' }).count).toBe(SEARCH_MAX_COUNT);
    expect(ok({ _count: '200' }).count).toBe(200);
    for (const bad of ['0', '-1', 'abc', '1.5', '']) {
      expect(issues({ _count: bad })).toContainEqual(expect.objectContaining({ field: '_count' }));
    }
  });

  it('sorts by date only, and summarises as a count', () => {
    expect(ok({ _sort: 'date' }).sort).toBe('date');
    expect(ok({ _summary: 'count' }).summary).toBe('count');
    expect(ok({ _summary: 'false', _format: 'json' }).summary).toBeNull();
    expect(issues({ _sort: 'title' })).toContainEqual(expect.objectContaining({ field: '_sort', code: 'FHIR_SEARCH_PARAM_UNSUPPORTED' }));
    expect(issues({ _summary: 'true' })).toContainEqual(expect.objectContaining({ field: '_summary', code: 'FHIR_SEARCH_PARAM_UNSUPPORTED' }));
    expect(issues({ _format: 'xml' })).toContainEqual(expect.objectContaining({ field: '_format', code: 'FHIR_SEARCH_PARAM_UNSUPPORTED' }));
  });

  it.each([
    ['_include', 'DocumentReference:subject'],
    ['_revinclude', 'Provenance:target'],
    ['_has:AuditEvent:entity:agent', 'x'],
    ['_elements', 'id'],
    ['_id', 'x'],
    ['identifier', 'urn:oid:1.2.3'],
    ['type:not', '11488-4'],
    ['patient.name', 'Dupont'],
    ['subject:Patient.identifier', 'urn:oid:1.2.250.1.213.1.4.8|185057800608491'],
    ['toString', 'x'],
    ['__proto__', 'x'],
    ['foo', 'bar'],
  ])('refuses %s (never ignores it)', (name, value) => {
    expect(issues({ [name]: value })).toContainEqual(expect.objectContaining({ field: name, code: 'FHIR_SEARCH_PARAM_UNSUPPORTED' }));
  });

  it('refuses repeated single-valued parameters and non-string values', () => {
    expect(issues({ type: ['11488-4', '11502-2'] })).toContainEqual(expect.objectContaining({ field: 'type', code: 'FHIR_SEARCH_PARAM_REPEATED' }));
    expect(issues({ type: '' })).toContainEqual(expect.objectContaining({ field: 'type', code: 'FHIR_SEARCH_PARAM_VALUE' }));
    expect(issues({ status: { a: 1 } })).toContainEqual(expect.objectContaining({ field: 'status', code: 'FHIR_SEARCH_PARAM_VALUE' }));
    expect(issues({ date: [] })).toContainEqual(expect.objectContaining({ field: 'date', code: 'FHIR_SEARCH_PARAM_VALUE' }));
  });

  it('takes an opaque keyset cursor matching the sort, and refuses a bad one', () => {
    const cursor = { date: '2024-03-05T10:15:00+01:00', id: 'doc-1', direction: 'next' as const, sort: '-date' as const };
    const token = encodeCursor(cursor);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(ok({ _page: token }).cursor).toEqual(cursor);
    expect(issues({ _page: token, _sort: 'date' })).toContainEqual(expect.objectContaining({ field: '_page', code: 'FHIR_SEARCH_CURSOR_INVALID' }));
    for (const bad of ['xyz', 'not base64!', Buffer.from('{"d":"hier","i":"x","k":"next","s":"-date"}').toString('base64url'), Buffer.from('[]').toString('base64url'), 'a'.repeat(600)]) {
      expect(issues({ _page: bad })).toContainEqual(expect.objectContaining({ field: '_page', code: 'FHIR_SEARCH_CURSOR_INVALID' }));
    }
    expect(decodeCursor(encodeCursor({ ...cursor, direction: 'prev', sort: 'date' }))).toEqual({ ...cursor, direction: 'prev', sort: 'date' });
  });

  it('never throws on arbitrary query maps', () => {
    const known = ['patient', 'subject', 'patient.identifier', 'status', 'type', 'category', 'date', 'period', 'author', 'author.identifier', 'facility', 'setting', 'security-label', 'format', '_count', '_sort', '_page', '_summary', '_format'];
    const value = fc.oneof(fc.string(), fc.array(fc.string()), fc.jsonValue(), fc.constant(undefined));
    const key = fc.oneof(fc.constantFrom(...known), fc.string());
    fc.assert(fc.property(fc.dictionary(key, value), (q) => {
      const res = parseDocumentSearch(q);
      expect(res.ok || res.issues.length > 0).toBe(true);
    }), { numRuns: 1000 });
  });
});

describe('documentSearchToParams', () => {
  it('echoes only the normalised, supported parameters (no cursor)', () => {
    const s = ok({
      patient: 'abc', type: 'http://loinc.org|11488-4,|X', date: ['ge2024-01-01', 'lt2025'], 'author.identifier': 'urn:oid:1.2.250.1.71.4.2.1|810000010008',
      _count: '500', _page: encodeCursor({ date: '2024-01-01', id: 'd', direction: 'next', sort: '-date' }),
    });
    expect(documentSearchToParams(s)).toEqual([
      ['patient', 'Patient/abc'], ['status', 'current'], ['type', 'http://loinc.org|11488-4,|X'],
      ['date', 'ge2024-01-01'], ['date', 'lt2025'], ['author.identifier', 'https://rpps.esante.gouv.fr|10000010008'],
      ['_sort', '-date'], ['_count', '200'],
    ]);
  });

  it('round-trips through the parser', () => {
    const s = ok({ 'patient.identifier': 'urn:oid:1.2.250.1.213.1.4.8|185057800608491', status: 'current,superseded', 'security-label': 'urn:oid:1.2.250.1.213.1.1.4.13|MASQUE_PS', period: 'le2024-06', _summary: 'count', _sort: 'date' });
    const again = ok(Object.fromEntries(documentSearchToParams(s)));
    expect(again).toEqual(s);
  });
});

describe('boundsToRange', () => {
  it('intersects the bounds into one half-open range', () => {
    const { date } = ok({ date: ['ge2024-01-01', 'lt2024-02', 'gt2023'] });
    expect(boundsToRange(date)).toEqual({ from: '2024-01-01T00:00:00.000Z', before: '2024-02-01T00:00:00.000Z', empty: false });
    expect(boundsToRange(ok({ date: '2024-03' }).date)).toEqual({ from: '2024-03-01T00:00:00.000Z', before: '2024-04-01T00:00:00.000Z', empty: false });
    expect(boundsToRange(ok({ date: 'le2024-03-05' }).date)).toEqual({ before: '2024-03-06T00:00:00.000Z', empty: false });
    expect(boundsToRange(ok({ date: ['ge2025', 'lt2024'] }).date).empty).toBe(true);
    expect(boundsToRange([])).toEqual({ empty: false });
  });
});
