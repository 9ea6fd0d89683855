import { actorSnapshot } from '../domain/actor.ts';
import { loadSettings, recordPatientInformed } from '../store/record-facts-repo.ts';
import { actorView, type ActorView } from './actor-view.ts';
import { runDossierOperation } from './dossier-operation.ts';
import type { IdempotencyRequest } from './idempotency.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type FeedingInformationResult = { informedAt: string; informedBy: ActorView | null; created: boolean };

/**
 * Records that the patient was informed their record is fed (SPEC §2, §9), needed once before any
 * professional feeds it. The first recording (who, when) stays; a later one changes nothing.
 */
export async function recordFeedingInformation(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, idempotency?: IdempotencyRequest,
): Promise<FeedingInformationResult> {
  return runDossierOperation<FeedingInformationResult>(deps, ctx, dossierId, { write: true, idempotency }, async ({ tx, now, access, trace, refuse }) => {
    const target = { type: 'Dossier', id: dossierId };
    const decision = access.decide('information.record');
    if (!access.dossier || decision.effect === 'deny') return refuse('information.record', decision, target);
    const created = await recordPatientInformed(tx, dossierId, actorSnapshot(ctx.actor), now);
    await trace('information.record', decision, target, { created });
    const settings = await loadSettings(tx, dossierId);
    return {
      ok: true,
      value: {
        informedAt: (settings.patientInformedAt ?? now).toISOString(),
        informedBy: settings.patientInformedBy ? actorView(deps, 'professional', settings.patientInformedBy) : null,
        created,
      },
    };
  });
}
