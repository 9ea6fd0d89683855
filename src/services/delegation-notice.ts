import type { Decision } from '../domain/policy/decide-access.ts';
import type { Queryable } from '../store/db.ts';
import { enqueueNotification } from './notify.ts';
import type { RequestContext } from './service-deps.ts';

/**
 * Tells the holder, in the transaction of the change, that someone acting for them (a legal
 * representative, a protector) gave or took back a carer mandate on their space (issue 4). Recipients
 * are resolved at delivery among those who act for the space then: a newly appointed carer hears of it,
 * a revoked one no longer does (the notification model has no recipient outside the space's people).
 */
export async function noticeDelegationChange(
  tx: Queryable, ctx: RequestContext, dossierId: string, decision: Decision, change: 'granted' | 'revoked', carerName: string, now: Date,
): Promise<void> {
  const role = decision.effect === 'allow' ? decision.role : undefined;
  if (role === 'holder' || ctx.actor.kind !== 'person') return;
  await enqueueNotification(tx, dossierId, {
    type: 'settings.changed_by_other', recipient: 'holder', by: ctx.actor.displayName, byDossierId: ctx.actor.dossierId,
    role: role ?? null, changed: ['carers'], delegation: change, carerName,
  }, now, now);
}
