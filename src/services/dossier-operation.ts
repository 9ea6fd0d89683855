import { actorId } from '../domain/actor.ts';
import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import { AppError } from '../domain/errors.ts';
import type { Decision } from '../domain/policy/decide-access.ts';
import type { ValidationIssue } from '../domain/validation-issue.ts';
import { appendAudit } from '../store/audit-repo.ts';
import type { Queryable } from '../store/db.ts';
import { loadAccessContext, refusalFor, type AccessContext } from './access-context.ts';
import { auditEntryFor, type AuditTarget } from './audit-entry.ts';
import { deniedError } from './denied-error.ts';
import { outcomeOf, runIdempotent, unwrap, type IdempotencyRequest, type StoredOutcome } from './idempotency.ts';
import { replayDossierOperation, withReplayCheck, type ReplayCheck } from './idempotent-replay.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

/** What one operation on a dossier works with, inside its transaction. */
export type DossierOperation = {
  tx: Queryable;
  now: Date;
  access: AccessContext;
  /**
   * Appends the operation's one audit entry: on the dossier's chain, or on the system chain when the
   * dossier does not exist (a probe leaves a trace without creating a chain).
   */
  trace: (action: string, decision: Decision, target: AuditTarget, details?: Record<string, unknown>, mode?: string) => Promise<void>;
  /** Traces a refusal and turns it into the error the caller sees (404 when existence must stay hidden). */
  refuse: <T>(action: string, decision: Decision, target: AuditTarget, details?: Record<string, unknown>, mode?: string) => Promise<StoredOutcome<T>>;
  /**
   * Traces an allowed request that cannot be carried out (unknown professional…) as denied with the
   * issue's code, and answers 400 naming the field. Only after the access decision: a caller who may
   * not act on the dossier learns nothing about the request's content.
   */
  invalid: <T>(action: string, target: AuditTarget, issue: ValidationIssue, details?: Record<string, unknown>) => Promise<StoredOutcome<T>>;
};

/**
 * Runs one use case on a dossier in ONE transaction (a plain read: see below): the access facts are
 * loaded (the dossier row locked for writes), the use case decides, writes and traces, and the outcome is stored under the
 * Idempotency-Key when there is one, so a retry replays it. Refusals commit their trace, then throw.
 */
export async function runDossierOperation<T>(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string,
  options: { write: boolean; idempotency?: IdempotencyRequest | undefined },
  operation: (op: DossierOperation) => Promise<StoredOutcome<T>>,
): Promise<T> {
  // A read without an Idempotency-Key needs no transaction: its statements read, and its one write — the
  // trace, appended last — commits on its own before anything leaves (see readDocument).
  const inTransaction = <R>(fn: (tx: Queryable) => Promise<R>) =>
    options.write || options.idempotency ? deps.db.transaction(fn) : fn(deps.db);
  const outcome = await inTransaction(async (tx) => {
    const now = deps.clock();
    return runIdempotent<T>(tx, actorId(ctx.actor), options.idempotency, now, async () => {
      const access = await loadAccessContext(tx, deps, ctx.actor, dossierId, now, { lockDossier: options.write });
      /** The operation's one trace, which a replay of its stored outcome decides again. */
      let traced: ReplayCheck | undefined;
      const trace: DossierOperation['trace'] = async (action, decision, target, details = {}, mode) => {
        const chain = access.dossier ? dossierId : SYSTEM_CHAIN;
        // A refusal met in a secret connection stays in it (§3.10), whatever mode the request asked for
        // (a refused emergency access): that one is kept in the details, for the minor and the operator.
        const secret = decision.effect === 'deny' && refusalFor(access, decision.reason).mode === 'secret';
        const requested = secret && mode && mode !== 'secret' ? { ...details, mode } : details;
        const entry = auditEntryFor(ctx, chain, action, decision, target, now, requested, secret ? 'secret' : mode);
        traced = { action, target, mode: entry.mode, details };
        await appendAudit(tx, entry);
      };
      const refuse: DossierOperation['refuse'] = async (action, decision, target, details, mode) => {
        await trace(action, decision, target, details, mode);
        return outcomeOf(deniedError(decision, access.dossier !== null));
      };
      const invalid: DossierOperation['invalid'] = async (action, target, issue, details) => {
        await trace(action, refusalFor(access, issue.code), target, details);
        return outcomeOf(new AppError('VALIDATION_FAILED', undefined, [issue]));
      };
      return withReplayCheck(await operation({ tx, now, access, trace, refuse, invalid }), traced);
    }, (stored) => replayDossierOperation(tx, deps, ctx, dossierId, now, options.write, stored));
  });
  return unwrap(outcome);
}
