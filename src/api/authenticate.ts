import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import { verifyAccessToken, type TokenKeys } from '../services/access-token.ts';
import { API_DOCS_PATH } from './docs.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller, authenticated from the headers before the body is read (null on public routes). */
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** Anyone may call this route under /api or /fhir/R4: no bearer token is asked (e.g. the CapabilityStatement). */
    public?: boolean;
  }
}

/** The actor of a request, from its bearer access token; throws AUTH_REQUIRED / AUTH_INVALID_TOKEN. */
export async function requireActor(request: FastifyRequest, keys: TokenKeys, now: Date): Promise<Actor> {
  // Already done by the authentication hook for every route that needs a token.
  if (request.actor) return request.actor;
  const header = request.headers.authorization;
  if (!header) throw new AppError('AUTH_REQUIRED');
  const match = /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/.exec(header);
  if (!match) throw new AppError('AUTH_INVALID_TOKEN');
  return verifyAccessToken(keys, match[1]!, now);
}

/**
 * Every route under /api and /fhir/R4 asks for a bearer token unless its config says `public: true`; it is
 * checked in `onRequest`, from the headers alone, before a byte of the body is read or parsed: an
 * anonymous or forged request costs the server nothing but its headers (issue 8, item 1). The actor is
 * kept on the request, so the handlers' `requireActor` does not verify the token twice.
 */
export function registerAuthentication(app: FastifyInstance, deps: { tokenKeys: TokenKeys; clock: () => Date }): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    if (needsToken(request)) request.actor = await requireActor(request, deps.tokenKeys, deps.clock());
  });
}

function needsToken(request: FastifyRequest): boolean {
  const url = request.routeOptions.url;
  // No route (404 answers the same with or without a token), or one anyone may call.
  if (url === undefined || request.routeOptions.config.public === true) return false;
  if (url === API_DOCS_PATH || url.startsWith(`${API_DOCS_PATH}/`)) return false;
  return url === '/fhir/R4' || url.startsWith('/fhir/R4/') || url.startsWith('/api/');
}
