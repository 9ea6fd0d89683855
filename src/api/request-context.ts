import type { FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import type { Actor } from '../domain/actor.ts';
import type { RequestContext } from '../services/service-deps.ts';

/**
 * What a client may send as X-Request-Id to find its request in our logs and audit entries: bounded,
 * plain characters only. It is kept apart from our own request id, which is always generated here:
 * a client never writes its own text into the chain's request id (issue 8, item 7c).
 */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9\-_.:]{1,64}$/;

/** The client's X-Request-Id when valid, else null (an invalid one is dropped, not refused). */
export function clientRequestIdOf(request: Pick<FastifyRequest, 'headers'>): string | null {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : null;
}

/**
 * The use cases' context for an authenticated request: the actor, our request id, and the client — the
 * OAuth client of the access token (so the software of a professional is told from the professional),
 * the network address (Fastify's `request.ip`, which follows the trusted-proxy setting) and the
 * client's own request id.
 */
export function requestContext(request: FastifyRequest, actor: Actor): RequestContext {
  return {
    actor,
    requestId: request.id,
    client: { clientId: tokenClientId(request), address: request.ip || null, requestId: clientRequestIdOf(request) },
  };
}

/**
 * The `client_id` claim of the bearer token. Called only once `requireActor` has verified that token
 * (signature, issuer, audience, lifetime), so decoding it again is reading a verified claim.
 */
function tokenClientId(request: FastifyRequest): string | null {
  const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '');
  if (!match) return null;
  try {
    const claim = decodeJwt(match[1]!).client_id;
    return typeof claim === 'string' && claim.length > 0 && claim.length <= 200 ? claim : null;
  } catch {
    return null;
  }
}
