/** Professional portal requests: bearer token of the card sign-in, JSON or FHIR JSON, typed errors. */
import { clearSession, readSession } from '../auth/session.ts';
import { messages as t } from '../i18n/index.ts';
import { parseErrorBody, RequestError } from './request-error.ts';

const JSON_TYPES = /^application\/(problem\+|fhir\+)?json/i;

async function send(path: string, init: RequestInit, accept: string): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('Accept', accept);
  const session = readSession('pro');
  if (session) headers.set('Authorization', `Bearer ${session.accessToken}`);
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    throw new RequestError(0, { title: t.errors.genericTitle, detail: t.errors.network }, []);
  }
  if (response.status === 401) clearSession('pro', 'expired');
  if (!response.ok) {
    const body: unknown = JSON_TYPES.test(response.headers.get('Content-Type') ?? '') ? await response.json().catch(() => undefined) : undefined;
    const { problem, issues } = parseErrorBody(response.status, body);
    throw new RequestError(response.status, problem, issues);
  }
  return response;
}

/** A JSON request (`/api` or `/fhir/R4`); a body object is sent as JSON with `contentType`. */
export async function proFetch<T>(
  path: string,
  options: { method?: string; body?: unknown; contentType?: string; idempotent?: boolean } = {},
): Promise<T> {
  const headers = new Headers();
  const init: RequestInit = { method: options.method ?? 'GET', headers };
  if (options.body !== undefined) {
    headers.set('Content-Type', options.contentType ?? 'application/json');
    init.body = JSON.stringify(options.body);
  }
  // A retried click must not record twice: each submission carries its own key.
  if (options.idempotent) headers.set('Idempotency-Key', crypto.randomUUID());
  const response = await send(path, init, 'application/fhir+json, application/json, application/problem+json');
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A document's content (ITI-68 Binary) as bytes, never interpreted by the API origin. */
export async function proFetchBlob(path: string): Promise<Blob> {
  const response = await send(path, { method: 'GET' }, '*/*');
  return response.blob();
}
