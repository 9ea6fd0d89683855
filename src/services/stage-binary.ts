import { randomUUID } from 'node:crypto';
import { actorId } from '../domain/actor.ts';
import { CONTENT_FIELDS, verifyDocumentContent } from '../domain/content/index.ts';
import { AppError } from '../domain/errors.ts';
import type { ValidationIssue } from '../domain/validation-issue.ts';
import { deleteExpiredStagedBinaries, insertStagedBinary } from '../store/staged-binary-repo.ts';
import { refusalFor } from './access-context.ts';
import { runDossierOperation } from './dossier-operation.ts';
import { outcomeOf, type IdempotencyRequest } from './idempotency.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

/** How long staged content waits for the DocumentReference that uses it. */
export const STAGED_BINARY_TTL_MS = 24 * 3_600_000;

export type BinaryToStage = { dossierId: string; contentType: string; bytes: Uint8Array };
/** What the caller is told (plain JSON: replayed under an Idempotency-Key). Never the content. */
export type StagedBinaryResult = { dossierId: string; binaryId: string; contentType: string; size: number; expiresAt: string };

const ACTION = 'document.content.stage';

/**
 * Stages a document's content (FHIR `POST Binary`) for a `POST DocumentReference` that references it
 * (`attachment.url = Binary/<id>`): decided like a feed of this dossier, the bytes verified against
 * the declared type, stored for 24 h for this actor only, and traced (without the content).
 */
export async function stageBinary(
  deps: ServiceDeps, ctx: RequestContext, binary: BinaryToStage, idempotency?: IdempotencyRequest,
): Promise<StagedBinaryResult> {
  return runDossierOperation<StagedBinaryResult>(deps, ctx, binary.dossierId, { write: true, idempotency }, async ({ tx, now, access, trace, refuse }) => {
    const decision = access.decide(ACTION);
    if (!access.dossier || decision.effect === 'deny') return refuse(ACTION, decision, { type: 'Binary', id: null });
    // Only after the decision: a caller who may not feed this dossier learns nothing about the bytes.
    const verified = verifyDocumentContent(binary.bytes, { contentType: binary.contentType, maxBytes: deps.settings.maxDocumentBytes });
    if (!verified.ok) {
      // Traced like the other refused requests that were allowed but cannot be carried out (see `invalid`).
      const issues = verified.issues.map(onBinary);
      await trace(ACTION, refusalFor(access, issues[0]!.code), { type: 'Binary', id: null }, { contentType: binary.contentType });
      return outcomeOf(new AppError('VALIDATION_FAILED', undefined, issues));
    }
    // Housekeeping, cheap and scoped to the dossier already locked: its expired staged content goes now.
    await deleteExpiredStagedBinaries(tx, binary.dossierId, now);
    const binaryId = randomUUID();
    const expiresAt = new Date(now.getTime() + STAGED_BINARY_TTL_MS);
    await insertStagedBinary(tx, {
      dossierId: binary.dossierId, binaryId, stagedBy: actorId(ctx.actor), contentType: binary.contentType,
      content: binary.bytes, size: verified.size, stagedAt: now, expiresAt,
    });
    await trace(ACTION, decision, { type: 'Binary', id: binaryId }, { contentType: binary.contentType, size: verified.size });
    return { ok: true, value: { dossierId: binary.dossierId, binaryId, contentType: binary.contentType, size: verified.size, expiresAt: expiresAt.toISOString() } };
  });
}

/** The content checks name DocumentReference paths; here the bytes are Binary.data, the type Binary.contentType. */
function onBinary(issue: ValidationIssue): ValidationIssue {
  return { ...issue, field: issue.field === CONTENT_FIELDS.CONTENT_TYPE ? 'Binary.contentType' : 'Binary.data' };
}
