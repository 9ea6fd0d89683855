import type { Decision } from '../domain/policy/decide-access.ts';
import type { Queryable } from '../store/db.ts';
import { enqueueNotification } from './notify.ts';
import type { RequestContext } from './service-deps.ts';

/**
 * Tells the holder, in the transaction of the change, that someone acting for them (a legal
 * representative, a protector) invited a carer, withdrew an invitation or took back a mandate on their
 * space (issue 4, issue 8 item 6). Recipients are resolved at delivery among those who act for the space
 * then. An invitation names nobody (`carerName` null): who was invited is not known before they accept.
 */
export async function noticeDelegationChange(
  tx: Queryable, ctx: RequestContext, dossierId: string, decision: Decision, change: 'invited' | 'withdrawn' | 'revoked', carerName: string | null, now: Date,
): Promise<void> {
  const role = decision.effect === 'allow' ? decision.role : undefined;
  if (role === 'holder' || ctx.actor.kind !== 'person') return;
  await enqueueNotification(tx, dossierId, {
    type: 'settings.changed_by_other', recipient: 'holder', by: ctx.actor.displayName, byDossierId: ctx.actor.dossierId,
    role: role ?? null, changed: ['carers'], delegation: change, ...(carerName ? { carerName } : {}),
  }, now, now);
}
