import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { IdempotencyRequest } from '../services/idempotency.ts';

/** The request's `Idempotency-Key` (validated by the route schema) and a fingerprint of what it asks. */
export function idempotencyOf(request: FastifyRequest): IdempotencyRequest | undefined {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string') return undefined;
  const fingerprint = createHash('sha256')
    .update(`${request.method} ${request.url.split('?')[0]}\n`)
    .update(request.body === undefined ? '' : JSON.stringify(request.body))
    .digest('hex');
  return { key, fingerprint };
}
