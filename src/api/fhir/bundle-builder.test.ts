import { describe, expect, it } from 'vitest';
import { queryString, searchsetBundle } from './bundle-builder.ts';
import { documentSearchToParams, encodeCursor, parseDocumentSearch } from './document-search-params.ts';
import { PDSM_PROFILES } from './document-reference-mapper.ts';

const BASE = 'https://openmes.test/fhir/R4';

describe('searchsetBundle', () => {
  const entries = [{ resource: { resourceType: 'DocumentReference', id: 'd1' } }, { resource: { resourceType: 'DocumentReference', id: 'd2' }, fullUrl: 'urn:x' }];

  it('builds self / next / previous links from the normalised parameters', () => {
    const b = searchsetBundle({
      baseUrl: BASE, resourcePath: 'DocumentReference', total: 2, entries, profile: PDSM_PROFILES.FIND_RESPONSE,
      selfParams: [['patient', 'Patient/p1'], ['type', 'http://loinc.org|11488-4'], ['_count', '2']],
      cursor: 'CUR', nextCursor: 'NEXT', prevCursor: 'PREV',
    });
    expect(b).toEqual({
      resourceType: 'Bundle', meta: { profile: [PDSM_PROFILES.FIND_RESPONSE] }, type: 'searchset', total: 2,
      link: [
        { relation: 'self', url: `${BASE}/DocumentReference?patient=Patient%2Fp1&type=http%3A%2F%2Floinc.org%7C11488-4&_count=2&_page=CUR` },
        { relation: 'next', url: `${BASE}/DocumentReference?patient=Patient%2Fp1&type=http%3A%2F%2Floinc.org%7C11488-4&_count=2&_page=NEXT` },
        { relation: 'previous', url: `${BASE}/DocumentReference?patient=Patient%2Fp1&type=http%3A%2F%2Floinc.org%7C11488-4&_count=2&_page=PREV` },
      ],
      entry: [
        { fullUrl: `${BASE}/DocumentReference/d1`, resource: entries[0]?.resource, search: { mode: 'match' } },
        { fullUrl: 'urn:x', resource: entries[1]?.resource, search: { mode: 'match' } },
      ],
    });
  });

  it('omits total, next and previous when not given, and never carries a stale _page', () => {
    const b = searchsetBundle({ baseUrl: BASE, resourcePath: 'DocumentReference', entries: [], selfParams: [['_page', 'OLD'], ['status', 'current']] });
    expect(b).toEqual({ resourceType: 'Bundle', type: 'searchset', link: [{ relation: 'self', url: `${BASE}/DocumentReference?status=current` }], entry: [] });
    expect(searchsetBundle({ baseUrl: BASE, resourcePath: 'DocumentReference', entries: [], selfParams: [] }).link).toEqual([{ relation: 'self', url: `${BASE}/DocumentReference` }]);
  });

  it('never echoes a parameter the parser did not understand', () => {
    const parsed = parseDocumentSearch({ patient: 'p1', _count: '10' });
    if (!parsed.ok) throw new Error('parse');
    const next = encodeCursor({ date: '2024-03-05T10:15:00Z', id: 'd9', direction: 'next', sort: '-date' });
    const b = searchsetBundle({ baseUrl: BASE, resourcePath: 'DocumentReference', entries: [], total: 0, selfParams: documentSearchToParams(parsed.search), nextCursor: next }) as { link: { url: string }[] };
    for (const l of b.link) expect(new URL(l.url).searchParams.has('_include')).toBe(false);
    expect(new URL(b.link[1]?.url ?? '').searchParams.get('_page')).toBe(next);
    expect(b.link[0]?.url).toBe(`${BASE}/DocumentReference?patient=Patient%2Fp1&status=current&_sort=-date&_count=10`);
  });
});

describe('queryString', () => {
  it('percent-encodes keys and values and keeps their order', () => {
    expect(queryString([['date', 'ge2024-01-01T00:00:00+01:00'], ['date', 'lt2025'], ['security-label', 'a|b,c']]))
      .toBe('date=ge2024-01-01T00%3A00%3A00%2B01%3A00&date=lt2025&security-label=a%7Cb%2Cc');
  });
});
