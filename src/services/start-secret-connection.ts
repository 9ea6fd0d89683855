import { insertSession } from '../store/record-facts-repo.ts';
import { runDossierOperation } from './dossier-operation.ts';
import type { IdempotencyRequest } from './idempotency.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';
import { accessSessionMinutes, decideSessionStart, type SessionResult } from './start-emergency-access.ts';

/**
 * Starts a secret connection at a minor's request (SPEC §3.10), for the same limited time as an
 * emergency access. Traced in mode 'secret' (hidden from the representatives, kept for the operator),
 * and notified to nobody: a notification would tell the parents.
 */
export async function startSecretConnection(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, idempotency?: IdempotencyRequest,
): Promise<SessionResult> {
  return runDossierOperation<SessionResult>(deps, ctx, dossierId, { write: true, idempotency }, async ({ tx, now, access, trace, refuse }) => {
    const decision = decideSessionStart(access, 'secret.start', 'secret');
    // Even a refused attempt stays secret: traced in mode 'secret'.
    if (!access.dossier || decision.effect === 'deny' || ctx.actor.kind !== 'professional') {
      return refuse('secret.start', decision.effect === 'deny' ? decision : NO_RULE, { type: 'AccessSession', id: null }, {}, 'secret');
    }
    const expiresAt = new Date(now.getTime() + accessSessionMinutes(deps, now) * 60_000);
    const sessionId = await insertSession(tx, dossierId, { rpps: ctx.actor.rpps, mode: 'secret', reason: null, expiresAt }, now);
    await trace('secret.start', decision, { type: 'AccessSession', id: sessionId }, { expiresAt: expiresAt.toISOString() }, 'secret');
    return { ok: true, value: { sessionId, mode: 'secret', expiresAt: expiresAt.toISOString() } };
  });
}

const NO_RULE = { effect: 'deny', reason: 'POLICY_NO_RULE' } as const;
