import { DENIAL_REASONS } from '../../src/domain/policy/reasons.ts';
import type { AuditRow, SweepRequest, SweepResponse } from './harness.ts';
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
  | 'allowed-failed'
  /** A retried write (same Idempotency-Key) not decided again, not refused like a fresh request, or not traced once as a replay. */
  | 'replay'
  /** A trace of a secret connection that the legal representatives can see or infer (an entry, a gap, a count, a cursor). */
  | 'secret-trace';

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

/** String values of a JSON answer worth looking for elsewhere (ids, titles, dates): what a stored answer carried. */
function leavesOf(body: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') { if (v.length >= 8) out.push(v); } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(json(body));
  return out;
}

/**
 * What is wrong with a replay (same request, same Idempotency-Key), judged against the first answer and a
 * fresh request (same request, new key) sent right after it by the same caller:
 * - a fresh request refused ⇒ the replay is refused the same way (not the stored answer, none of its data),
 *   or gives back a stored refusal (the caller was told it already), or — when the fresh refusal is a
 *   business outcome of an allowed decision (`business`) — the stored answer;
 * - a fresh request granted ⇒ the replay gives back the stored answer;
 * - exactly one audit entry, marked `replay: true`, with the outcome of the answer.
 */
export function replayProblems(o: {
  request: SweepRequest; ids: Ids; first: SweepResponse; replay: SweepResponse; fresh: SweepResponse;
  rows: AuditRow[]; business: boolean;
}): string[] {
  const out: string[] = [];
  const method = o.request.method;
  const [first, replay, fresh] = [o.first, o.replay, o.fresh].map((r) => normalise(r, o.ids, method)) as [string, string, string];
  const short = (x: string) => x.slice(0, 200);
  if (o.fresh.status < 300) {
    if (replay !== first) out.push(`still allowed, the replay differs from the stored answer: first ${short(first)} | replay ${short(replay)}`);
  } else if (replay !== fresh && !(replay === first && (o.business || o.first.status >= 300))) {
    out.push(`refused afresh (${short(fresh)}), the replay answers ${short(replay)}${o.first.status < 300 && o.replay.status < 300 ? ' (the stored answer)' : ''}`);
  }
  if (o.fresh.status >= 300 && !o.business && o.first.status < 300 && o.replay.status >= 300) {
    const sent = `${o.request.url} ${JSON.stringify(o.request.body ?? '')} ${o.fresh.body}`;
    const carried = leavesOf(o.first.body).filter((v) => !sent.includes(v) && o.replay.body.includes(v));
    if (carried.length) out.push(`the refused replay carries the stored answer's ${carried.slice(0, 3).join(', ')}`);
  }
  if (o.rows.length !== 1) out.push(`left ${o.rows.length} audit entries (${o.rows.map((r) => `${r.action}:${r.outcome}`).join(', ')}), not one`);
  else {
    const row = o.rows[0]!;
    if (row.details?.replay !== true) out.push(`its entry (${row.action}:${row.outcome}) is not marked as a replay`);
    const expected = o.replay.status < 300 ? 'allowed' : 'denied';
    if (row.outcome !== expected) out.push(`answered ${o.replay.status} but traced ${row.outcome} (${row.reason})`);
  }
  return out;
}

/** One reader's walk through a dossier's history (every page): what it shows and how it is paged. */
export type HistoryView = {
  label: string;
  status: number;
  /** Public ids of the entries, in the order shown. */
  ids: string[];
  /** Each entry as received (JSON). */
  raw: string[];
  pageSizes: number[];
  cursors: string[];
  totals: number[];
};

/**
 * What a legal representative's view of a minor's history tells of a secret connection: an entry of it,
 * a secret-mode entry, a chain position, a short page before the last (entries filtered after the
 * limit), a cursor or a total that counts hidden entries, or any new entry since `before` other than the
 * reader's own reads.
 */
export function secretViewProblems(view: HistoryView, o: { limit: number; hidden: ReadonlySet<string>; chain: ReadonlyMap<string, AuditRow>; reader: string; before?: HistoryView }): string[] {
  const out: string[] = [];
  if (view.status !== 200) return [`${view.label}: ${view.status}`];
  const shown = new Set(view.ids);
  const hidden = view.ids.filter((id) => o.hidden.has(id));
  if (hidden.length) out.push(`${view.label} shows ${hidden.map((id) => { const r = o.chain.get(id); return `${r?.action}:${r?.outcome}`; }).join(', ')} made in the secret connection`);
  const secret = view.ids.filter((id) => o.chain.get(id)?.mode === 'secret' && !o.hidden.has(id));
  if (secret.length) out.push(`${view.label} shows ${secret.length} other secret-mode entries`);
  const unknown = view.ids.filter((id) => !o.chain.has(id));
  if (unknown.length) out.push(`${view.label} shows ids that name no entry of the chain: ${unknown.slice(0, 3).join(', ')}`);
  if (view.raw.some((e) => /"seq"/.test(e))) out.push(`${view.label} entries carry their chain position`);
  const short = view.pageSizes.slice(0, -1).findIndex((n) => n !== o.limit);
  if (short >= 0) out.push(`${view.label}: page ${short + 1} of ${view.pageSizes.length} holds ${view.pageSizes[short]} entries for a limit of ${o.limit} (entries filtered after the limit)`);
  const badCursors = view.cursors.filter((c) => !shown.has(c));
  if (badCursors.length) out.push(`${view.label}: page cursors name entries not shown`);
  if (view.totals.some((t) => t !== view.ids.length)) out.push(`${view.label}: total ${view.totals.join('/')} for ${view.ids.length} entries shown`);
  if (o.before) {
    const added = view.ids.filter((id) => !o.before!.ids.includes(id)).map((id) => o.chain.get(id)).filter((r) => r && r.actor_id !== o.reader);
    if (added.length) out.push(`${view.label}: new entries since the secret connection began that are not the reader's own: ${added.map((r) => `${r!.action}:${r!.outcome}:${r!.mode}`).join(', ')}`);
  }
  return out;
}
