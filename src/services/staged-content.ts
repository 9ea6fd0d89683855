import { actorId, type Actor } from '../domain/actor.ts';
import type { ValidationIssue } from '../domain/validation-issue.ts';
import type { Queryable } from '../store/db.ts';
import { deleteStagedBinary, findUsableStagedBinary } from '../store/staged-binary-repo.ts';
import type { DocumentSubmission } from './document-submission.ts';

/** Issues of a DocumentReference whose `attachment.url` references staged content (`Binary/<id>`). */
export const STAGED_BINARY_ISSUES = {
  NOT_FOUND: { code: 'FHIR_BINARY_NOT_FOUND', message: 'Le Binary référencé est introuvable, a expiré ou a déjà été utilisé.' },
  CONTENT_TYPE: { code: 'FHIR_BINARY_CONTENT_TYPE' },
} as const;

const URL_FIELD = 'content[0].attachment.url';
const CONTENT_TYPE_FIELD = 'content[0].attachment.contentType';

/**
 * The submission with the bytes of the content it references, staged in `dossierId` by this same actor
 * and not expired nor used yet (`claimed` holds what earlier documents of the same feed took). Call
 * only once the feed of this document was allowed: anyone else learns nothing of staged content.
 */
export async function withStagedContent(
  tx: Queryable, actor: Actor, dossierId: string, submission: DocumentSubmission, now: Date, claimed: Set<string>,
): Promise<{ ok: true; submission: DocumentSubmission } | { ok: false; issue: ValidationIssue }> {
  const ref = submission.content.staged;
  if (!ref) return { ok: true, submission };
  const key = `${ref.dossierId}/${ref.binaryId}`;
  // Content staged for another patient is, for this document, content that does not exist.
  const staged = ref.dossierId === dossierId && !claimed.has(key)
    ? await findUsableStagedBinary(tx, dossierId, ref.binaryId, actorId(actor), now)
    : null;
  if (!staged) return { ok: false, issue: { field: URL_FIELD, ...STAGED_BINARY_ISSUES.NOT_FOUND } };
  if (staged.contentType !== submission.content.contentType) {
    return {
      ok: false,
      issue: {
        field: CONTENT_TYPE_FIELD, code: STAGED_BINARY_ISSUES.CONTENT_TYPE.code,
        message: `Le type MIME du document (${submission.content.contentType}) diffère de celui du Binary (${staged.contentType}).`,
      },
    };
  }
  claimed.add(key);
  return { ok: true, submission: { ...submission, content: { ...submission.content, bytes: staged.content } } };
}

/** Consumes the staged content a stored document used, in the transaction that stores the document. */
export async function consumeStagedContent(tx: Queryable, submission: DocumentSubmission): Promise<void> {
  const ref = submission.content.staged;
  if (ref) await deleteStagedBinary(tx, ref.dossierId, ref.binaryId);
}
