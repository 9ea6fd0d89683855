import { actorId, actorSnapshot } from '../domain/actor.ts';
import type { AuditEntry } from '../domain/audit-chain.ts';
import type { Decision } from '../domain/policy/decide-access.ts';
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
  // The session the decision was made in (a refusal in a secret connection carries it too, §3.10).
  mode: string = decision.mode ?? 'normal',
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
    ...(ctx.client ? { clientId: ctx.client.clientId, clientAddress: ctx.client.address, clientRequestId: ctx.client.requestId } : {}),
  };
}
