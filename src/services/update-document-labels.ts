import { actorId } from '../domain/actor.ts';
import { CONFIDENTIALITY_LABELS, type ConfidentialityLabel } from '../domain/document.ts';
import { AppError } from '../domain/errors.ts';
import { appendAudit } from '../store/audit-repo.ts';
import { findDocument, setMaskedByPatient, updateLabels, type StoredDocument } from '../store/document-repo.ts';
import { decideOnDocument, loadAccessContext } from './access-context.ts';
import { auditEntryFor } from './audit-entry.ts';
import { deniedError } from './denied-error.ts';
import { withoutHiddenReferences } from './document-references.ts';
import { outcomeOf, runIdempotent, unwrap, type IdempotencyRequest } from './idempotency.ts';
import { replayOnDocument } from './idempotent-replay.ts';
import { enqueueNotification } from './notify.ts';
import { liftedVisibilityAt } from './patient-visibility.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

/** The labels wanted: a whole new set (PUT, PATCH replace) or additions/removals (PATCH add/remove). */
export type LabelChangeRequest =
  | { kind: 'set'; labels: readonly ConfidentialityLabel[] }
  | { kind: 'delta'; add: readonly ConfidentialityLabel[]; remove: readonly ConfidentialityLabel[] };
export type LabelRequest = LabelChangeRequest & { confirmIrreversible: boolean };

function targetLabels(current: readonly ConfidentialityLabel[], r: LabelRequest): ConfidentialityLabel[] {
  const wanted = r.kind === 'set' ? r.labels : [...current.filter((l) => !r.remove.includes(l)), ...r.add];
  return CONFIDENTIALITY_LABELS.filter((l) => wanted.includes(l));
}

/**
 * Changes a document's confidentiality labels (PDSm TD3.3a/b: mask / unmask, make visible to the
 * patient or to the representatives), decided and traced. The target set is given; the difference
 * with the current labels is what the rules judge.
 */
export async function updateDocumentLabels(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, documentId: string, request: LabelRequest, idempotency?: IdempotencyRequest,
): Promise<StoredDocument> {
  const outcome = await deps.db.transaction(async (tx) => {
    const now = deps.clock();
    return runIdempotent<StoredDocument>(tx, actorId(ctx.actor), idempotency, now, async () => {
      const access = await loadAccessContext(tx, deps, ctx.actor, dossierId, now);
      if (!access.dossier) return outcomeOf(new AppError('RESOURCE_NOT_FOUND'));
      const document = await findDocument(tx, dossierId, documentId, true);
      const target = document ? targetLabels(document.labels, request) : [];
      const change = document && {
        add: target.filter((l) => !document.labels.includes(l)),
        remove: document.labels.filter((l) => !target.includes(l)),
        confirmIrreversible: request.confirmIrreversible,
      };
      const decision = decideOnDocument(access, 'document.labels.update', document, change ? { labelChange: change } : {});
      await appendAudit(tx, auditEntryFor(ctx, dossierId, 'document.labels.update', decision, { type: 'DocumentReference', id: documentId }, now,
        // What changed, or that nothing did (the labels asked for were those the document had).
        document && decision.effect === 'allow' ? { title: document.title, added: change!.add, removed: change!.remove, changed: change!.add.length + change!.remove.length > 0 } : {},
        decision.mode ?? 'normal'));
      if (!document || !change || decision.effect === 'deny') return outcomeOf(deniedError(decision, true));
      if (change.add.length === 0 && change.remove.length === 0) return { ok: true, value: (await withoutHiddenReferences(tx, access, [document]))[0]! };
      const invisibleSince = target.includes('INVISIBLE_PATIENT') ? (document.invisibleToPatientSince ? new Date(document.invisibleToPatientSince) : now) : null;
      // « Nouvellement visible » for the patient: when the label goes, and forgotten if it comes back.
      const visibleAt = change.remove.includes('INVISIBLE_PATIENT')
        ? liftedVisibilityAt(document, now, deps.reference.regulatory.at(now).invisiblePatientVisibleAfterDays)
        : target.includes('INVISIBLE_PATIENT') ? null : undefined;
      await updateLabels(tx, dossierId, documentId, target, invisibleSince, now, visibleAt);
      // Who masked matters: the patient side's mask is the patient's choice, kept by every new version.
      if (change.add.includes('MASQUE_PS') || change.remove.includes('MASQUE_PS')) {
        await setMaskedByPatient(tx, dossierId, documentId, ctx.actor.kind === 'person' && target.includes('MASQUE_PS'));
      }
      if (change.remove.includes('INVISIBLE_PATIENT') || change.remove.includes('INVISIBLE_REPRESENTANTS_LEGAUX')) {
        // Made visible by a professional (before the delay, or to the representatives): those who can now
        // see the document and had not heard of it are told (SPEC §3.8, §3.9).
        await enqueueNotification(tx, dossierId, { type: 'document.visible', documentId, title: document.title }, now, now);
      }
      return { ok: true, value: (await withoutHiddenReferences(tx, access, [(await findDocument(tx, dossierId, documentId))!]))[0]! };
    }, (stored) => replayOnDocument(tx, deps, ctx, now, stored, { dossierId, documentId, action: 'document.labels.update', decideAs: 'document.labels.update' }));
  });
  return unwrap(outcome);
}
