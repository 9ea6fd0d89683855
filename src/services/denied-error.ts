import { AppError } from '../domain/errors.ts';
import type { Decision } from '../domain/policy/decide-access.ts';
import { denialHides, denialMessage } from '../domain/policy/reasons.ts';

/**
 * Maps a denial to the error the caller sees: exactly "not found" when existence must stay hidden
 * (SPEC §3), else 403 with the reason code and its French message.
 */
export function deniedError(decision: Decision, exists: boolean): AppError {
  if (!exists || denialHides(decision.reason)) return new AppError('RESOURCE_NOT_FOUND');
  const message = denialMessage(decision.reason, decision.effect === 'deny' ? decision.facts : undefined);
  return new AppError('ACCESS_DENIED', message, [{ field: 'access', code: decision.reason, message }]);
}
