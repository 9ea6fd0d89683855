/** FHIR R4 calls from the portal: bearer token, OperationOutcome → readable French error, 401 → signed out. */
import { clearSession, readSession } from '../auth/session.ts';
import { messages as t } from '../i18n/index.ts';
import type { PortalId } from '../router/routes.ts';
import { ApiError, type Problem } from './problem.ts';

export const FHIR_BASE = '/fhir/R4';

/** The French texts of an OperationOutcome's issues, as one problem (title: first issue, detail: all). */
export function outcomeToProblem(status: number, body: unknown): Problem {
  const issues = (body as { resourceType?: unknown; issue?: unknown } | null)?.resourceType === 'OperationOutcome'
    ? (body as { issue: unknown }).issue
    : undefined;
  const texts = (Array.isArray(issues) ? issues : [])
    .map((i: { details?: { text?: unknown; coding?: { code?: unknown }[] }; diagnostics?: unknown }) => ({
      text: typeof i?.details?.text === 'string' ? i.details.text : typeof i?.diagnostics === 'string' ? i.diagnostics : '',
      code: typeof i?.details?.coding?.[0]?.code === 'string' ? i.details.coding[0].code : undefined,
    }))
    .filter((i) => i.text.trim() !== '');
  const problem: Problem = { status };
  if (texts.length) {
    problem.detail = [...new Set(texts.map((i) => i.text))].join(' ');
    if (texts[0]!.code) problem.code = texts[0]!.code;
  }
  return problem;
}

async function send(portal: PortalId, path: string, init: RequestInit, accept: string): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('Accept', accept);
  const session = readSession(portal);
  if (session) headers.set('Authorization', `Bearer ${session.accessToken}`);
  let response: Response;
  try {
    response = await fetch(`${FHIR_BASE}${path}`, { ...init, headers });
  } catch {
    throw new ApiError(0, { title: t.errors.genericTitle, detail: t.errors.network });
  }
  if (response.status === 401) clearSession(portal, 'expired');
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined);
    throw new ApiError(response.status, outcomeToProblem(response.status, body));
  }
  return response;
}

export async function fhirJson<T>(portal: PortalId, path: string, init: RequestInit = {}): Promise<T> {
  const response = await send(portal, path, init, 'application/fhir+json');
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** A document's bytes (ITI-68), fetched with the token so they can be shown from a blob: URL. */
export async function fhirBlob(portal: PortalId, path: string): Promise<Blob> {
  const response = await send(portal, path, {}, '*/*');
  return response.blob();
}
