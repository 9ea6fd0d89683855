import type { Queryable } from '../store/db.ts';
import { findDocumentsByIds, type StoredDocument } from '../store/document-repo.ts';
import { documentFacts, type AccessContext } from './access-context.ts';

/**
 * What a returned document says of other documents (`relatesTo` replaces) names only those the caller may
 * read: a reference to a version they may not see (masked, invisible to them, deleted) would reveal that it
 * exists. Each target is decided by the one door, as a read of it would be; one query for the whole page.
 */
export async function withoutHiddenReferences<T extends StoredDocument>(db: Queryable, access: AccessContext, documents: readonly T[]): Promise<T[]> {
  const first = documents[0];
  const ids = [...new Set(documents.flatMap((d) => (d.replaces ? [d.replaces] : [])))];
  if (!first || ids.length === 0) return [...documents];
  const targets = new Map((await findDocumentsByIds(db, first.dossierId, ids)).map((d) => [d.documentId, d]));
  const readable = (id: string) => {
    const target = targets.get(id);
    return target !== undefined && access.decide('document.read', { document: documentFacts(target) }).effect === 'allow';
  };
  return documents.map((d) => (d.replaces && !readable(d.replaces) ? { ...d, replaces: null } : d));
}
