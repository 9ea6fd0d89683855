import { AppError } from '../domain/errors.ts';
import type { Decision } from '../domain/policy/decide-access.ts';

/** Reasons that must look exactly like "no such resource", so a denial never reveals existence. */
const HIDING_REASONS = new Set(['POLICY_NO_RELATIONSHIP', 'DOSSIER_OPPOSED', 'POLICY_NO_DOSSIER', 'POLICY_NO_RULE', 'DOSSIER_CLOSED']);

/** Maps a denial to the error the caller sees: not found when existence must stay hidden, else 403 with the reason. */
export function deniedError(decision: Decision, exists: boolean): AppError {
  if (!exists || HIDING_REASONS.has(decision.reason)) return new AppError('RESOURCE_NOT_FOUND');
  return new AppError('ACCESS_DENIED', undefined, [{ field: 'access', code: decision.reason, message: decision.reason }]);
}
