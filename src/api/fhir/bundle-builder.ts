/**
 * FHIR searchset Bundles. Links are rebuilt from normalised parameters (never the raw query string),
 * so an unknown or rejected parameter is never echoed back; paging uses opaque keyset cursors.
 */

export type SearchsetEntry = {
  resource: Record<string, unknown>;
  /** Defaults to `${baseUrl}/${resourceType}/${id}`. */
  fullUrl?: string;
  mode?: 'match' | 'include' | 'outcome';
};

export type QueryParams = ReadonlyArray<readonly [string, string]>;

export type SearchsetOptions = {
  /** FHIR base, e.g. `https://host/fhir/R4`. */
  baseUrl: string;
  /** Searched type, e.g. `DocumentReference`. */
  resourcePath: string;
  /** Omitted when unknown. Must count only what the caller may see (STYLE: totals must not reveal hidden records). */
  total?: number;
  entries: readonly SearchsetEntry[];
  /** The normalised search (e.g. `documentSearchToParams`), without `_page`. */
  selfParams: QueryParams;
  /** Cursor of the page being returned, if it was asked with one. */
  cursor?: string | null;
  nextCursor?: string | null;
  prevCursor?: string | null;
  /** Bundle profile, e.g. the PDSm find-documentreferences response. */
  profile?: string;
};

/** `a=1&b=x%7Cy`: keys and values percent-encoded, order kept. */
export function queryString(params: QueryParams): string {
  return params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

function pageUrl(o: SearchsetOptions, cursor: string | null | undefined): string {
  const params: Array<readonly [string, string]> = o.selfParams.filter(([k]) => k !== '_page');
  if (cursor) params.push(['_page', cursor]);
  const qs = queryString(params);
  return `${o.baseUrl}/${o.resourcePath}${qs ? `?${qs}` : ''}`;
}

/** A searchset Bundle with self / next / previous links. */
export function searchsetBundle(o: SearchsetOptions): Record<string, unknown> {
  const link = [{ relation: 'self', url: pageUrl(o, o.cursor) }];
  if (o.nextCursor) link.push({ relation: 'next', url: pageUrl(o, o.nextCursor) });
  if (o.prevCursor) link.push({ relation: 'previous', url: pageUrl(o, o.prevCursor) });
  return {
    resourceType: 'Bundle',
    ...(o.profile ? { meta: { profile: [o.profile] } } : {}),
    type: 'searchset',
    ...(o.total !== undefined ? { total: o.total } : {}),
    link,
    entry: o.entries.map((e) => ({
      fullUrl: e.fullUrl ?? defaultFullUrl(o.baseUrl, e.resource),
      resource: e.resource,
      search: { mode: e.mode ?? 'match' },
    })),
  };
}

function defaultFullUrl(baseUrl: string, resource: Record<string, unknown>): string | undefined {
  const { resourceType, id } = resource;
  return typeof resourceType === 'string' && typeof id === 'string' ? `${baseUrl}/${resourceType}/${id}` : undefined;
}
