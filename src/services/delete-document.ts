import { actorId } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import { appendAudit } from '../store/audit-repo.ts';
import { findDocument, markDeleted } from '../store/document-repo.ts';
import { decideOnDocument, loadAccessContext } from './access-context.ts';
import { auditEntryFor } from './audit-entry.ts';
import { deniedError } from './denied-error.ts';
import { outcomeOf, runIdempotent, unwrap, type IdempotencyRequest } from './idempotency.ts';
import { replayOnDocument } from './idempotent-replay.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

/**
 * Logical deletion (SPEC §2): only the author, or the patient for their own uploads. The row stays,
 * nobody reads it any more, and the deletion is traced.
 */
export async function deleteDocument(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, documentId: string, idempotency?: IdempotencyRequest,
): Promise<{ documentId: string }> {
  const outcome = await deps.db.transaction(async (tx) => {
    const now = deps.clock();
    return runIdempotent<{ documentId: string }>(tx, actorId(ctx.actor), idempotency, now, async () => {
      const access = await loadAccessContext(tx, deps, ctx.actor, dossierId, now);
      if (!access.dossier) return outcomeOf(new AppError('RESOURCE_NOT_FOUND'));
      const document = await findDocument(tx, dossierId, documentId, true);
      const decision = decideOnDocument(access, 'document.delete', document);
      await appendAudit(tx, auditEntryFor(ctx, dossierId, 'document.delete', decision, { type: 'DocumentReference', id: documentId }, now,
        document && decision.effect === 'allow' ? { typeCode: document.typeCode, title: document.title } : {}, decision.mode ?? 'normal'));
      if (!document || decision.effect === 'deny') return outcomeOf(deniedError(decision, true));
      await markDeleted(tx, dossierId, documentId, now);
      return { ok: true, value: { documentId } };
    }, (stored) => replayOnDocument(tx, deps, ctx, now, stored, { dossierId, documentId, action: 'document.delete', decideAs: 'document.delete', asUndeleted: true }));
  });
  return unwrap(outcome);
}
