import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import { AppError } from '../domain/errors.ts';
import type { Decision } from '../domain/policy/decide-access.ts';
import { appendAudit } from '../store/audit-repo.ts';
import { readContent, type StoredDocument } from '../store/document-repo.ts';
import { decideOnDocument, loadAccessContext } from './access-context.ts';
import { auditEntryFor } from './audit-entry.ts';
import { deniedError } from './denied-error.ts';
import { withoutHiddenReferences } from './document-references.ts';
import { firstAccessNote } from './first-access.ts';
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
 *
 * No transaction: a read reads (facts, document, content), decides, and its last statement appends the
 * audit entry — with the professional's first access and its notification in the same statement — and
 * commits it. Only once that returned does anything leave; if it fails, the caller gets an error and no
 * data. Two round trips (facts with the document, then the trace) instead of six on the hottest path
 * (BENCHMARKS.md).
 */
export async function readDocument(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, documentId: string, options: { content: boolean },
): Promise<ReadDocumentResult> {
  const action = options.content ? 'document.content.read' : 'document.read';
  const db = deps.db;
  const now = deps.clock();
  // The facts and the document in one statement (one snapshot).
  const access = await loadAccessContext(db, deps, ctx.actor, dossierId, now, { documentId });
  const document = access.dossier ? access.document ?? null : null;
  const decision: Decision = !access.dossier ? { effect: 'deny', reason: 'POLICY_NO_DOSSIER' } : decideOnDocument(access, 'document.read', document);
  const allowed = decision.effect === 'allow' && document !== null;
  // The content is fetched before the trace so that a trace is never left for a read that then fails.
  const content = allowed && options.content ? await readContent(db, dossierId, document.sha256) : undefined;
  if (allowed && options.content && !content) throw new AppError('INTERNAL_ERROR');
  // Only references to versions the caller may read leave (a replaced version they may not see stays unnamed).
  const shown = allowed && !options.content ? (await withoutHiddenReferences(db, access, [document]))[0]! : document;
  // Refusals are part of the patient's history too; a read of a dossier that does not exist goes to the system chain.
  const chain = access.dossier ? dossierId : SYSTEM_CHAIN;
  const mode = decision.mode ?? 'normal';
  await appendAudit(db, auditEntryFor(ctx, chain, action, decision, { type: 'DocumentReference', id: documentId }, now,
    allowed ? { typeCode: document.typeCode, title: document.title } : {}, mode), allowed ? firstAccessNote(ctx.actor) : undefined);
  // Blocked or unconsented professionals learn why; anything about the document itself stays hidden.
  if (!allowed) throw deniedError(decision, Boolean(access.dossier));
  return {
    document: shown!,
    invisibleToPatient: ctx.actor.kind === 'professional' && document.labels.includes('INVISIBLE_PATIENT'),
    ...(content ? { content } : {}),
  };
}
