import type { Actor } from '../domain/actor.ts';
import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import { decideAccess } from '../domain/policy/decide-access.ts';
import { appendAudit } from '../store/audit-repo.ts';
import { auditEntryFor } from './audit-entry.ts';
import { deniedError } from './denied-error.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type JobCounts = Record<string, number>;

/**
 * Runs a scheduled job now, on the operator's request (`openmes jobs run`): the request is decided and
 * traced on the system chain (who asked, which job), then the job acts as itself — as the system, its
 * own accesses decided and traced as they are on schedule — and the end is traced with its counts, or
 * its failure (never its error text, which may name data).
 */
export async function runJobOnRequest(
  deps: Pick<ServiceDeps, 'db' | 'clock' | 'settings'>,
  ctx: RequestContext,
  job: string,
  run: () => Promise<JobCounts>,
): Promise<JobCounts> {
  const now = deps.clock();
  const target = { type: 'Job', id: job };
  const decision = decideAccess({ actor: ctx.actor, action: 'job.run', dossier: null, relationships: [], now, settings: deps.settings });
  await deps.db.transaction((tx) => appendAudit(tx, auditEntryFor(ctx, SYSTEM_CHAIN, 'job.run', decision, target, now, { step: 'start' })));
  if (decision.effect === 'deny') throw deniedError(decision, true);
  const asSystem: RequestContext = { ...ctx, actor: { kind: 'system', job } satisfies Actor };
  try {
    const counts = await run();
    await deps.db.transaction((tx) => appendAudit(tx, auditEntryFor(asSystem, SYSTEM_CHAIN, 'job.run', { effect: 'allow', reason: 'JOB_COMPLETED' }, target, deps.clock(), { step: 'end', requestedBy: ctx.actor.kind, ...counts })));
    return counts;
  } catch (err) {
    await deps.db.transaction((tx) => appendAudit(tx, auditEntryFor(asSystem, SYSTEM_CHAIN, 'job.run', { effect: 'deny', reason: 'JOB_FAILED' }, target, deps.clock(), { step: 'end', requestedBy: ctx.actor.kind })));
    throw err;
  }
}
