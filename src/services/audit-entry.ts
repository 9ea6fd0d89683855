import { actorId, actorSnapshot } from '../domain/actor.ts';
import type { AuditEntry } from '../domain/audit-chain.ts';
import { decideAccess, type AccessRequest, type Decision, type PolicyAction } from '../domain/policy/decide-access.ts';
import type { Queryable } from '../store/db.ts';
import { appendAudit } from '../store/audit-repo.ts';
import type { RequestContext } from './service-deps.ts';

export type AuditTarget = { type: string; id: string | null };

/** Builds the audit entry of one decision (allowed or denied) made for `ctx.actor`. */
export function auditEntryFor(
  ctx: RequestContext,
  dossierId: string,
  action: string,
  decision: Decision,
  target: AuditTarget,
  occurredAt: Date,
  details: Record<string, unknown> = {},
  mode = 'normal',
): AuditEntry {
  return {
    dossierId,
    occurredAt,
    action,
    outcome: decision.effect === 'allow' ? 'allowed' : 'denied',
    reason: decision.reason,
    mode,
    actorKind: ctx.actor.kind,
    actorId: actorId(ctx.actor),
    actor: { ...actorSnapshot(ctx.actor), ...(decision.effect === 'allow' && decision.role ? { role: decision.role } : {}) },
    targetType: target.type,
    targetId: target.id,
    requestId: ctx.requestId,
    details,
  };
}

/**
 * Asks the one access decision and writes its audit entry in the caller's transaction — the only way
 * services reach patient data (invariants 1 and 2).
 */
export async function decideAndRecord(
  tx: Queryable,
  ctx: RequestContext,
  request: Omit<AccessRequest, 'actor' | 'action'> & { action: PolicyAction },
  auditDossierId: string,
  target: AuditTarget,
  details: Record<string, unknown> = {},
): Promise<Decision> {
  const decision = decideAccess({ ...request, actor: ctx.actor });
  await appendAudit(tx, auditEntryFor(ctx, auditDossierId, request.action, decision, target, request.now, details));
  return decision;
}
