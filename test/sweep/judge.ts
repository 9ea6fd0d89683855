import { DENIAL_REASONS } from '../../src/domain/policy/reasons.ts';
import type { SweepRequest, SweepResponse } from './harness.ts';
import type { Ids } from './table.ts';
import { NO_STANDING, type ActorName } from './world.ts';

export type FindingKind =
  /** A caller without access got data (a 2xx that differs from the answer for ids that name nothing). */
  | 'leak'
  /** A denied caller can tell the target exists: the answer differs from the one for a non-existent id. */
  | 'oracle'
  /** An explicit 403 (blocked, no consent…) that a non-existent document of the same dossier does not get. */
  | 'document-oracle'
  /** Data of the target dossier in an answer to someone without standing on it. */
  | 'canary'
  /** A denied request changed guarded tables. */
  | 'side-effect'
  /** A denied request that reached the access decision left no 'denied' audit entry (or an 'allowed' one). */
  | 'audit'
  /** A bad or missing token did not get a clean 401, or left an audit entry. */
  | 'authentication'
  /** An actor the table says is allowed did not succeed (the replayed request is not valid, or access regressed). */
  | 'allowed-failed';

export type Finding = { kind: FindingKind; key: string; detail: string };

/** The reasons a denied caller may be told with a 403 (documented as not hiding existence, reasons.ts). */
export const EXPLICIT_REASONS: ReadonlySet<string> = new Set(
  Object.entries(DENIAL_REASONS).filter(([, v]) => !v.hides).map(([k]) => k),
);

export const isFhir = (url: string) => url.startsWith('/fhir/');

function json(body: string): unknown {
  try { return JSON.parse(body); } catch { return undefined; }
}

/** The reason code of a refusal: problem+json `issues[0].code`, or OperationOutcome `issue[0].details.coding[0].code`. */
export function reasonOf(res: SweepResponse): string | null {
  const j = json(res.body) as { code?: string; issues?: { code?: string }[]; issue?: { details?: { coding?: { code?: string }[] } }[] } | undefined;
  if (!j) return null;
  return j.issues?.[0]?.code ?? j.issue?.[0]?.details?.coding?.[0]?.code ?? j.code ?? null;
}

/** May this actor be told this reason? Nothing explicit is said to people without standing; a blocked professional only hears that. */
export function mayHear(actor: ActorName, reason: string | null): boolean {
  if (!reason || !EXPLICIT_REASONS.has(reason)) return false;
  if (NO_STANDING.has(actor)) return false;
  if (actor === 'blockedPro') return reason === 'POLICY_BLOCKED_PROFESSIONAL';
  return true;
}

/**
 * What two answers must share to be "the same": status, content type, and the body with the ids of the
 * request replaced by placeholders and `instance` (the request id) removed; for HEAD, the length.
 */
export function normalise(res: SweepResponse, ids: Ids, method: string): string {
  let text = res.body;
  for (const [value, placeholder] of [[ids.doc, '{DOC}'], [ids.ref, '{REF}'], [ids.dossier, '{DOSSIER}'], [ids.ins, '{INS}'], [ids.family, '{FAMILY}']] as const) {
    if (value) text = text.split(value).join(placeholder);
  }
  const j = json(text);
  if (j && typeof j === 'object' && !Array.isArray(j)) {
    delete (j as Record<string, unknown>).instance;
    text = JSON.stringify(j);
  }
  const type = (res.headers['content-type'] ?? '').split(';')[0];
  const extra = method === 'HEAD' ? ` length=${res.headers['content-length'] ?? '?'}` : '';
  return `${res.status} ${type}${extra} ${text}`;
}

/** Is this a clean 401 in the format of its API? Returns what is wrong, or null. */
export function checkUnauthenticated(res: SweepResponse, request: SweepRequest, expectedCode: 'AUTH_REQUIRED' | 'AUTH_INVALID_TOKEN'): string | null {
  if (res.status !== 401) return `status ${res.status} (expected 401): ${res.body.slice(0, 200)}`;
  if (!/^Bearer/.test(res.headers['www-authenticate'] ?? '')) return 'no WWW-Authenticate: Bearer';
  if (request.method === 'HEAD') return null;
  const j = json(res.body) as Record<string, unknown> | undefined;
  if (isFhir(request.url)) {
    const issue = (j?.issue as { code?: string; details?: { coding?: { code?: string }[] } }[] | undefined)?.[0];
    if (!res.headers['content-type']?.startsWith('application/fhir+json') || j?.resourceType !== 'OperationOutcome' || issue?.code !== 'login') return `not an OperationOutcome login: ${res.body.slice(0, 200)}`;
    if (issue.details?.coding?.[0]?.code !== expectedCode) return `code ${issue.details?.coding?.[0]?.code} (expected ${expectedCode})`;
  } else {
    if (!res.headers['content-type']?.startsWith('application/problem+json') || j?.status !== 401) return `not problem+json 401: ${res.body.slice(0, 200)}`;
    if (j.code !== expectedCode) return `code ${String(j.code)} (expected ${expectedCode})`;
  }
  return null;
}

/** The canaries found in an answer, leaving out those the request itself carried. */
export function canariesIn(res: SweepResponse, request: SweepRequest, canaries: readonly string[]): string[] {
  const sent = `${request.url} ${request.body === undefined ? '' : JSON.stringify(request.body)}`;
  return canaries.filter((c) => !sent.includes(c) && res.body.includes(c));
}
