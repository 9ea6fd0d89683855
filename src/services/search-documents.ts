import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import type { DocumentStatus } from '../domain/document.ts';
import { appendAudit } from '../store/audit-repo.ts';
import { findDossierIdByIns } from '../store/dossier-repo.ts';
import { listDocuments, type DocumentFilter, type StoredDocument } from '../store/document-repo.ts';
import { documentFacts, loadAccessContext } from './access-context.ts';
import { auditEntryFor } from './audit-entry.ts';
import { deniedError } from './denied-error.ts';
import { withoutHiddenReferences } from './document-references.ts';
import { firstAccessNote } from './first-access.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type { StoredDocument };

export type DocumentQuery = Omit<DocumentFilter, 'statuses'> & {
  statuses?: readonly DocumentStatus[];
  count: number;
  /** Keyset cursor: the page right after this (date, id) in the listing order ("next" link). */
  after?: { date: string; documentId: string } | null;
  /** Keyset cursor: the page right before this (date, id) in the listing order ("previous" link). */
  before?: { date: string; documentId: string } | null;
  /** Ascending date order instead of the default newest first. */
  ascending?: boolean;
};

type Position = { date: string; documentId: string };
/** `next` is the last document shown, `prev` the first one, when there is more on that side. */
export type DocumentPage = { total: number; documents: StoredDocument[]; next: Position | null; prev: Position | null; invisibleToPatient: Set<string> };

/**
 * ITI-67 Find Document References on one dossier. Every matching document is decided before anything
 * leaves: hidden ones are neither returned nor counted, so neither the total nor the paging can reveal
 * them. One audit entry records the search.
 */
export async function searchDocuments(deps: ServiceDeps, ctx: RequestContext, dossierId: string, q: DocumentQuery): Promise<DocumentPage> {
  // No transaction, as in readDocument: read, decide, then the trace (with the first access) as the last
  // statement, committed before the page leaves.
  const db = deps.db;
  const now = deps.clock();
  const access = await loadAccessContext(db, deps, ctx.actor, dossierId, now);
  const gate = access.dossier ? access.decide('document.search') : { effect: 'deny' as const, reason: 'POLICY_NO_DOSSIER' };
  const chain = access.dossier ? dossierId : SYSTEM_CHAIN;
  if (gate.effect === 'deny') {
    await appendAudit(db, auditEntryFor(ctx, chain, 'document.search', gate, { type: 'DocumentReference', id: null }, now));
    throw deniedError(gate, Boolean(access.dossier));
  }
  const all = await listDocuments(db, dossierId, { ...q, statuses: q.statuses ?? ['current'] });
  const visible = all.filter((d) => access.decide('document.read', { document: documentFacts(d) }).effect === 'allow');
  if (q.ascending) visible.reverse();
  const { from, to } = pageBounds(visible, q);
  // Only references to versions the caller may read leave (a replaced version they may not see stays unnamed).
  const documents = await withoutHiddenReferences(db, access, visible.slice(from, to));
  const first = documents[0];
  const last = documents[documents.length - 1];
  const next = to < visible.length && last ? { date: last.date, documentId: last.documentId } : null;
  const prev = from > 0 && first ? { date: first.date, documentId: first.documentId } : null;
  await appendAudit(db, auditEntryFor(ctx, dossierId, 'document.search', gate, { type: 'DocumentReference', id: null }, now,
    { returned: documents.length, total: visible.length }, gate.mode ?? 'normal'), firstAccessNote(ctx.actor));
  const invisibleToPatient = new Set(
    ctx.actor.kind === 'professional' ? documents.filter((d) => d.labels.includes('INVISIBLE_PATIENT')).map((d) => d.documentId) : [],
  );
  return { total: visible.length, documents, next, prev, invisibleToPatient };
}

/** The slice of the (visible, ordered) listing a page shows: after a cursor, before one, or the first page. */
function pageBounds(visible: readonly StoredDocument[], q: DocumentQuery): { from: number; to: number } {
  const ascending = q.ascending ?? false;
  if (q.before) {
    // Everything strictly before the cursor, then its last `count`.
    const at = visible.findIndex((d) => !isBefore(d, q.before!, ascending));
    const to = at < 0 ? visible.length : at;
    return { from: Math.max(0, to - q.count), to };
  }
  const start = q.after ? visible.findIndex((d) => isAfter(d, q.after!, ascending)) : 0;
  const from = start < 0 ? visible.length : start;
  return { from, to: Math.min(visible.length, from + q.count) };
}

function isBefore(d: StoredDocument, c: Position, ascending: boolean): boolean {
  return !isAfter(d, c, ascending) && !(d.date === c.date && d.documentId === c.documentId);
}

/** Is `d` strictly after the cursor in the listing order? (date desc, id desc; or the reverse.) */
function isAfter(d: StoredDocument, c: { date: string; documentId: string }, ascending: boolean): boolean {
  const cmp = d.date === c.date ? (d.documentId < c.documentId ? -1 : d.documentId > c.documentId ? 1 : 0) : d.date < c.date ? -1 : 1;
  return ascending ? cmp > 0 : cmp < 0;
}

/**
 * The dossier a search names (Patient id or INS). An unknown INS gives an id that matches no dossier,
 * so the search answers exactly as for a dossier the caller may not see.
 */
export async function resolvePatientDossier(deps: ServiceDeps, patient: { kind: 'id'; id: string } | { kind: 'ins'; ins: string }): Promise<string> {
  const NO_DOSSIER = '00000000-0000-0000-0000-00000000dead';
  if (patient.kind === 'id') return /^[0-9a-f-]{36}$/i.test(patient.id) ? patient.id.toLowerCase() : NO_DOSSIER;
  return (await findDossierIdByIns(deps.db, patient.ins)) ?? NO_DOSSIER;
}
