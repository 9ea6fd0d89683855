import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../build-app.ts';

/** Liveness (the process answers) and readiness (the database answers). */
export function healthRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
      try {
        await deps.db.query('SELECT 1');
        return { status: 'ready', engine: deps.db.engine };
      } catch {
        return reply.status(503).send({ status: 'unavailable' });
      }
    });
  };
}
