import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import { decideAccess, type AccessMode, type Decision, type PolicyAction } from '../domain/policy/decide-access.ts';
import { appendAudit } from '../store/audit-repo.ts';
import type { Queryable } from '../store/db.ts';
import { findDocument } from '../store/document-repo.ts';
import { documentFacts, loadAccessContext, refusalFor, type AccessContext } from './access-context.ts';
import { auditEntryFor, type AuditTarget } from './audit-entry.ts';
import { deniedError } from './denied-error.ts';
import { outcomeOf, type StoredOutcome } from './idempotency.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

/**
 * A retried write (same Idempotency-Key) is answered with the outcome stored the first time, but only
 * once decided again, now, and traced as a replay (issue 8, item 7a): a carer whose mandate was revoked
 * since, a professional blocked since, gets the refusal of today, not yesterday's 201.
 */

/** What the first run traced, stored with its outcome: the decision a replay makes again (and what its entry said). */
export type ReplayCheck = { action: string; target: AuditTarget; mode: string; details?: Record<string, unknown> };

/** Details of a replay's audit entry. */
const REPLAY = { replay: true } as const;

/** The stored outcome with what a replay re-decides (extra fields survive the JSON of the record). */
export const withReplayCheck = <T>(outcome: StoredOutcome<T>, check: ReplayCheck | undefined): StoredOutcome<T> =>
  (check ? { ...outcome, check } as unknown as StoredOutcome<T> : outcome);

const checkOf = (stored: StoredOutcome<unknown>): ReplayCheck | undefined => (stored as { check?: ReplayCheck }).check;

/**
 * The mode a replay is traced in: that of the first run when it was secret (a secret connection's
 * requests stay hidden from the representatives after it ended), else the mode of today's decision.
 */
const replayMode = (first: string | undefined, decision: Decision) => (first === 'secret' ? 'secret' : decision.mode ?? 'normal');

/**
 * Traced actions named apart from the policy action that decided them (one rule for both directions):
 * a replay decides the policy action, or it would meet no rule and refuse every retried unblock or revocation.
 */
const DECIDED_AS: Readonly<Record<string, PolicyAction>> = { 'professional.unblock': 'professional.block', 'delegation.revoke': 'delegation.update' };

/** The same action decided again on today's facts; a session start with the mode it asked for. */
function redecide(access: AccessContext, check: ReplayCheck): Decision {
  const action = DECIDED_AS[check.action] ?? check.action as PolicyAction;
  // The facts the first decision had beside the dossier's (issue 8): the regulation centre a SAMU start was
  // made from, the operator's stated reason for closing or reopening.
  const given = check.details ?? {};
  if ((action === 'emergency.start' || action === 'secret.start') && access.base.professional) {
    const professional = { ...access.base.professional, mode: check.mode as AccessMode, ...(given.regulationCentre === true ? { regulationCentre: true } : {}) };
    return decideAccess({ ...access.base, professional, action });
  }
  return typeof given.justification === 'string' ? decideAccess({ ...access.base, action, justification: given.justification }) : access.decide(action);
}

/**
 * What the caller is told of a replay, and its trace: today's refusal when the action is now refused,
 * else the stored outcome (a stored refusal is traced as such).
 */
async function answer<T>(
  tx: Queryable, ctx: RequestContext, now: Date, chain: string, stored: StoredOutcome<T>, decision: Decision,
  trace: { action: string; target: AuditTarget; mode: string | undefined; details?: Record<string, unknown> }, dossierExists: boolean,
): Promise<StoredOutcome<T>> {
  const given: Decision = decision.effect === 'allow' && !stored.ok ? { effect: 'deny', reason: stored.error.code, ...(decision.mode ? { mode: decision.mode } : {}) } : decision;
  await appendAudit(tx, auditEntryFor(ctx, chain, trace.action, given, trace.target, now, { ...trace.details, ...REPLAY }, replayMode(trace.mode, given)));
  return decision.effect === 'deny' ? outcomeOf(deniedError(decision, dossierExists)) : stored;
}

/**
 * Replay of a use case run by `runDossierOperation`: its one traced action is decided again (`action`:
 * for a use case that always does the same one, when the stored outcome does not say).
 */
export async function replayDossierOperation<T>(
  tx: Queryable, deps: ServiceDeps, ctx: RequestContext, dossierId: string, now: Date, lock: boolean, stored: StoredOutcome<T>, action?: ReplayCheck,
): Promise<StoredOutcome<T>> {
  const access = await loadAccessContext(tx, deps, ctx.actor, dossierId, now, { lockDossier: lock });
  const check = checkOf(stored) ?? action;
  // A record stored before replays were re-decided names no action: refused (fail closed).
  const decision: Decision = check && access.dossier ? redecide(access, check) : { effect: 'deny', reason: access.dossier ? 'POLICY_NO_RULE' : 'POLICY_NO_DOSSIER' };
  return answer(tx, ctx, now, access.dossier ? dossierId : SYSTEM_CHAIN, stored, decision,
    { action: check?.action ?? 'idempotency.replay', target: check?.target ?? { type: 'Dossier', id: dossierId }, mode: check?.mode, details: check?.details ?? {} }, access.dossier !== null);
}

/**
 * Replay of a write on one document (labels, deletion, or each document of a feed): may the caller
 * still do it now? `decideAs` asks the rules with the document as it is today (`deleted` cleared for
 * a deletion, which asks whether the caller could delete it).
 */
export async function replayOnDocument<T>(
  tx: Queryable, deps: ServiceDeps, ctx: RequestContext, now: Date, stored: StoredOutcome<T>,
  on: { dossierId: string; documentId: string; action: string; decideAs: PolicyAction; asUndeleted?: boolean },
): Promise<StoredOutcome<T>> {
  const access = await loadAccessContext(tx, deps, ctx.actor, on.dossierId, now);
  const document = access.dossier ? await findDocument(tx, on.dossierId, on.documentId, true) : null;
  // A deletion marks the document both deleted and entered-in-error: the rules refuse either, so both are cleared.
  const facts = document && { ...documentFacts(document), ...(on.asUndeleted ? { deleted: false, status: 'current' as const } : {}) };
  const decision: Decision = facts
    ? access.decide(on.decideAs, { document: facts, ...(on.decideAs === 'document.labels.update' ? { labelChange: { add: [], remove: [], confirmIrreversible: false } } : {}) })
    : { effect: 'deny', reason: access.dossier ? 'DOCUMENT_NOT_FOUND' : 'POLICY_NO_DOSSIER' };
  const allowed = decision.effect === 'allow' && document;
  return answer(tx, ctx, now, access.dossier ? on.dossierId : SYSTEM_CHAIN, stored, decision, {
    action: on.action, target: { type: 'DocumentReference', id: on.documentId },
    mode: document?.depositedInSecret ? 'secret' : undefined,
    details: allowed ? { typeCode: document.typeCode, title: document.title } : {},
  }, access.dossier !== null);
}

/**
 * Replay of a feed: each document it created (or found) must still be readable by the caller, whose
 * answer carries its metadata; a refused feed is traced again, refused, on each dossier it named.
 */
export async function replayFeed<T extends readonly { dossierId: string; documentId: string }[]>(
  tx: Queryable, deps: ServiceDeps, ctx: RequestContext, now: Date, stored: StoredOutcome<T>,
): Promise<StoredOutcome<T>> {
  if (!stored.ok) {
    const named = (stored as { dossierIds?: string[] }).dossierIds ?? [];
    for (const dossierId of named.length ? named : [SYSTEM_CHAIN]) {
      const access = dossierId === SYSTEM_CHAIN ? null : await loadAccessContext(tx, deps, ctx.actor, dossierId, now);
      const decision: Decision = access ? refusalFor(access, stored.error.code) : { effect: 'deny', reason: stored.error.code };
      await appendAudit(tx, auditEntryFor(ctx, access?.dossier ? dossierId : SYSTEM_CHAIN, 'document.feed', decision, { type: 'DocumentReference', id: null }, now, { ...REPLAY }));
    }
    return stored;
  }
  for (const result of stored.value) {
    const replayed = await replayOnDocument(tx, deps, ctx, now, stored, { dossierId: result.dossierId, documentId: result.documentId, action: 'document.feed', decideAs: 'document.read' });
    if (!replayed.ok) return replayed;
  }
  return stored;
}
