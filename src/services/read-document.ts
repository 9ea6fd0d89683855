import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import { AppError } from '../domain/errors.ts';
import type { Decision } from '../domain/policy/decide-access.ts';
import { appendAudit } from '../store/audit-repo.ts';
import { findDocument, readContent, type StoredDocument } from '../store/document-repo.ts';
import { decideOnDocument, loadAccessContext } from './access-context.ts';
import { auditEntryFor } from './audit-entry.ts';
import { deniedError } from './denied-error.ts';
import { noteProfessionalAccess } from './first-access.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type ReadDocumentResult = {
  document: StoredDocument;
  /** Professionals see that the patient cannot see this document yet (SPEC §3.8). */
  invisibleToPatient: boolean;
  content?: Uint8Array;
};

/**
 * Reads one document's metadata (ITI-67 read) or content (ITI-68), decided and traced before anything
 * leaves; a document the caller may not see answers exactly like one that does not exist.
 */
export async function readDocument(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, documentId: string, options: { content: boolean },
): Promise<ReadDocumentResult> {
  const action = options.content ? 'document.content.read' : 'document.read';
  const result = await deps.db.transaction(async (tx) => {
    const now = deps.clock();
    const access = await loadAccessContext(tx, deps, ctx.actor, dossierId, now);
    const document = access.dossier ? await findDocument(tx, dossierId, documentId) : null;
    const decision: Decision = !access.dossier ? { effect: 'deny', reason: 'POLICY_NO_DOSSIER' } : decideOnDocument(access, 'document.read', document);
    // Refusals are part of the patient's history too; a read of a dossier that does not exist goes to the system chain.
    const chain = access.dossier ? dossierId : SYSTEM_CHAIN;
    const mode = decision.effect === 'allow' ? decision.mode ?? 'normal' : 'normal';
    await appendAudit(tx, auditEntryFor(ctx, chain, action, decision, { type: 'DocumentReference', id: documentId }, now,
      document && decision.effect === 'allow' ? { typeCode: document.typeCode, title: document.title } : {}, mode));
    if (decision.effect === 'deny' || !document) return { ok: false as const, decision, exists: Boolean(access.dossier) };
    await noteProfessionalAccess(tx, ctx.actor, dossierId, now);
    const content = options.content ? await readContent(tx, dossierId, document.sha256) : undefined;
    if (options.content && !content) throw new AppError('INTERNAL_ERROR');
    return { ok: true as const, document, content: content ?? undefined };
  });
  if (!result.ok) {
    // Blocked or unconsented professionals learn why; anything about the document itself stays hidden.
    throw deniedError(result.decision, result.exists);
  }
  return {
    document: result.document,
    invisibleToPatient: ctx.actor.kind === 'professional' && result.document.labels.includes('INVISIBLE_PATIENT'),
    ...(result.content ? { content: result.content } : {}),
  };
}
