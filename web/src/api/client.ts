/** Fetch wrapper: bearer token, problem+json errors, 401 → signed-out state. */
import { clearSession, readSession } from '../auth/session.ts';
import type { PortalId } from '../router/routes.ts';
import { messages as t } from '../i18n/index.ts';
import { ApiError, isProblemContentType, parseProblem } from './problem.ts';

export async function apiFetch<T>(portal: PortalId, path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('Accept', 'application/json, application/problem+json');
  const session = readSession(portal);
  if (session) headers.set('Authorization', `Bearer ${session.accessToken}`);

  let response: Response;
  try {
    response = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError(0, { title: t.errors.genericTitle, detail: t.errors.network });
  }

  if (response.status === 401) clearSession(portal, 'expired');
  if (!response.ok) {
    const body: unknown = isProblemContentType(response.headers.get('Content-Type'))
      ? await response.json().catch(() => undefined)
      : undefined;
    throw new ApiError(response.status, parseProblem(response.status, body));
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
