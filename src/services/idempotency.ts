import { AppError, type ErrorCode } from '../domain/errors.ts';
import type { ValidationIssue } from '../domain/validation-issue.ts';
import type { Queryable } from '../store/db.ts';
import { claimIdempotencyKey, storeIdempotentResponse } from '../store/idempotency-repo.ts';

/** A write's idempotency key and the fingerprint of its request (same key + other request = 422). */
export type IdempotencyRequest = { key: string; fingerprint: string };

/** What a write produced, in a form that can be stored and replayed. */
export type StoredOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; error: { code: ErrorCode; detail: string; issues: ValidationIssue[] } };

export const outcomeOf = <T>(error: AppError): StoredOutcome<T> => ({ ok: false, error: { code: error.code, detail: error.message, issues: [...error.issues] } });

export function unwrap<T>(outcome: StoredOutcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new AppError(outcome.error.code, outcome.error.detail, outcome.error.issues);
}

/**
 * Runs a write at most once per (principal, key), in the write's own transaction: the stored outcome
 * commits with the data and its audit entry, so a retry after a crash or a lost response replays it —
 * through `replay`, which decides the request again now and traces it (idempotent-replay.ts): a stored
 * answer is never handed out without today's decision.
 */
export async function runIdempotent<T>(
  tx: Queryable,
  principal: string,
  request: IdempotencyRequest | undefined,
  now: Date,
  write: () => Promise<StoredOutcome<T>>,
  replay: (stored: StoredOutcome<T>) => Promise<StoredOutcome<T>>,
): Promise<StoredOutcome<T> & { replayed?: true }> {
  if (!request) return write();
  const claim = await claimIdempotencyKey(tx, principal, request.key, request.fingerprint, now);
  if (claim.kind === 'mismatch') return outcomeOf(new AppError('IDEMPOTENCY_KEY_REUSED'));
  if (claim.kind === 'replay') return { ...(await replay(claim.response as StoredOutcome<T>)), replayed: true };
  const outcome = await write();
  await storeIdempotentResponse(tx, principal, request.key, outcome);
  return outcome;
}
