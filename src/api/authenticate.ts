import type { FastifyRequest } from 'fastify';
import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import { verifyAccessToken, type TokenKeys } from '../services/access-token.ts';

/** The actor of a request, from its bearer access token; throws AUTH_REQUIRED / AUTH_INVALID_TOKEN. */
export async function requireActor(request: FastifyRequest, keys: TokenKeys, now: Date): Promise<Actor> {
  const header = request.headers.authorization;
  if (!header) throw new AppError('AUTH_REQUIRED');
  const match = /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/.exec(header);
  if (!match) throw new AppError('AUTH_INVALID_TOKEN');
  return verifyAccessToken(keys, match[1]!, now);
}
