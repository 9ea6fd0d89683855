import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

const SERVER_PATHS = /^\/(api|fhir|oidc|dev)(\/|$)/;

/** Serves the built portals; unknown page paths get index.html so client-side routes load. */
export function webRoutes(webRoot: string): FastifyPluginAsync {
  return async (app) => {
    await app.register(fastifyStatic, { root: resolve(webRoot), wildcard: false, index: ['index.html'] });
    const page = async (_req: unknown, reply: { sendFile: (f: string) => unknown }) => reply.sendFile('index.html');
    app.get('/*', { schema: { hide: true } }, async (request, reply) => {
      const path = request.url.split('?')[0] ?? '/';
      // Only page routes fall back to the app; a missing asset, or a path of the API, the sign-in server or
      // the development helpers (e.g. /api/docs when the documentation is off), stays a 404.
      if (/\.[a-z0-9]+$/i.test(path) || SERVER_PATHS.test(path)) {
        return reply.callNotFound();
      }
      return page(request, reply);
    });
  };
}
