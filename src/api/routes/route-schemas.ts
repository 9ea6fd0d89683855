/** JSON schemas shared by the /api route modules (inline per module: schemas added by a sibling plugin are not visible). */

export const uuidPattern = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

/** The problem+json body of every error (see error-handler.ts). */
export const problem = {
  type: 'object',
  properties: {
    type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
    code: { type: 'string' }, instance: { type: 'string' },
    issues: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } } },
  },
} as const;

/** Response schemas for the given error statuses (401 always: every /api route needs a token). */
export const errors = (...statuses: number[]) => Object.fromEntries([401, ...statuses].map((s) => [s, problem]));

export const idempotencyHeader = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' } },
} as const;
