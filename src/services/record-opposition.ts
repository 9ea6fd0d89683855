import { actorSnapshot } from '../domain/actor.ts';
import { findOpposition, insertOpposition } from '../store/record-facts-repo.ts';
import { runDossierOperation } from './dossier-operation.ts';
import type { IdempotencyRequest } from './idempotency.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type OppositionResult = { masterIdentifier: string; recordedAt: string; created: boolean };

/**
 * Records the patient's opposition to one document (by its producer's unique id): that document is
 * then refused at feed time (SPEC §2). Says nothing of whether the document is already in the record.
 */
export async function recordOpposition(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, masterIdentifier: string, idempotency?: IdempotencyRequest,
): Promise<OppositionResult> {
  return runDossierOperation<OppositionResult>(deps, ctx, dossierId, { write: true, idempotency }, async ({ tx, now, access, trace, refuse }) => {
    const target = { type: 'DocumentOpposition', id: masterIdentifier };
    const decision = access.decide('opposition.record');
    if (!access.dossier || decision.effect === 'deny') return refuse('opposition.record', decision, target);
    const existing = await findOpposition(tx, dossierId, masterIdentifier);
    if (!existing) await insertOpposition(tx, dossierId, masterIdentifier, actorSnapshot(ctx.actor), now);
    await trace('opposition.record', decision, target, { created: !existing });
    return { ok: true, value: { masterIdentifier, recordedAt: (existing?.recordedAt ?? now).toISOString(), created: !existing } };
  });
}
