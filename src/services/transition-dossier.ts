import { actorId } from '../domain/actor.ts';
import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import { AppError } from '../domain/errors.ts';
import { LIFECYCLE_REFUSALS, transition, type LifecycleAction } from '../domain/lifecycle.ts';
import { decideAccess, type Decision } from '../domain/policy/decide-access.ts';
import { appendAudit } from '../store/audit-repo.ts';
import { applyLifecycleChange, dossierHasContent, findDossier } from '../store/dossier-repo.ts';
import { endAccessSessions, revokeConsents } from '../store/record-facts-repo.ts';
import { loadAccessContext } from './access-context.ts';
import { auditEntryFor } from './audit-entry.ts';
import { deniedError } from './denied-error.ts';
import { dossierView, type DossierView } from './dossier-view.ts';
import { outcomeOf, runIdempotent, unwrap, type IdempotencyRequest } from './idempotency.ts';
import { replayDossierOperation } from './idempotent-replay.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

/**
 * Oppose, activate, close or reopen a dossier (SPEC §1). The access decision, the lifecycle rule, the
 * state change, its one audit entry and the idempotency record commit together; refusals are traced too.
 */
export async function transitionDossier(
  deps: ServiceDeps,
  ctx: RequestContext,
  dossierId: string,
  action: LifecycleAction,
  idempotency?: IdempotencyRequest,
  /** Why (the operator must give one to close or reopen someone's space); kept in the audit entry. */
  justification: string | null = null,
): Promise<DossierView> {
  const stated = justification?.trim() || null;
  const policyAction = `dossier.lifecycle.${action}` as const;
  const outcome = await deps.db.transaction(async (tx) => {
    const now = deps.clock();
    return runIdempotent<DossierView>(tx, actorId(ctx.actor), idempotency, now, async () => {
      const context = await loadAccessContext(tx, deps, ctx.actor, dossierId, now, { lockDossier: true });
      const dossier = context.dossier;
      const access = decideAccess({ ...context.base, action: policyAction, justification: stated });
      const record = (decision: Decision, details: Record<string, unknown> = {}) =>
        appendAudit(tx, auditEntryFor(ctx, dossier ? dossierId : SYSTEM_CHAIN, policyAction, decision, { type: 'Dossier', id: dossierId }, now,
          { ...details, ...(stated ? { justification: stated } : {}) }));
      if (!dossier || access.effect === 'deny') {
        await record(access);
        return outcomeOf(deniedError(access, dossier !== null));
      }
      const result = transition(action, {
        state: dossier.state,
        oppositionDeadline: dossier.opposition_deadline,
        retentionUntil: dossier.retention_until,
        hasContent: await dossierHasContent(tx, dossierId),
      }, now, deps.lifecycle);
      if (!result.ok) {
        await record({ effect: 'deny', reason: result.reason }, { from: dossier.state });
        const message = LIFECYCLE_REFUSALS[result.reason];
        return outcomeOf(new AppError('DOSSIER_TRANSITION_REFUSED', message, [{ field: 'state', code: result.reason, message }]));
      }
      await applyLifecycleChange(tx, dossierId, result.change);
      // "Closure removes every access at once" (SPEC §1): consents and running sessions end with it, so a
      // reopened space starts with none (the patient's own settings — blocks, masks — are kept).
      const ended = result.change.state === 'closed'
        ? { consentsRevoked: await revokeConsents(tx, dossierId, now), sessionsEnded: await endAccessSessions(tx, dossierId, now) }
        : {};
      await record({ effect: 'allow', reason: result.reason }, { from: dossier.state, to: result.change.state, access: access.reason, ...ended });
      return { ok: true, value: dossierView((await findDossier(tx, dossierId))!) };
    }, (stored) => replayDossierOperation(tx, deps, ctx, dossierId, now, true, stored, { action: policyAction, target: { type: 'Dossier', id: dossierId }, mode: 'normal', ...(stated ? { details: { justification: stated } } : {}) }));
  });
  return unwrap(outcome);
}
