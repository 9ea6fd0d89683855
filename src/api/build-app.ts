import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import { AppError } from '../domain/errors.ts';
import type { TokenKeys } from '../services/access-token.ts';
import { createNotificationHub, type NotificationHub } from '../services/notification-hub.ts';
import type { ServiceDeps } from '../services/service-deps.ts';
import { sendError } from './error-handler.ts';
import { registerAuthentication } from './authenticate.ts';
import { BODY_LIMITS } from './body-limits.ts';
import { registerCloseAfterEarlyReply } from './close-after-early-reply.ts';
import { registerJsonBodyParsers } from './json-body-parsers.ts';
import { clientRequestIdOf } from './request-context.ts';
import { registerDocs } from './docs.ts';
import { securityHeaders } from './security-headers.ts';
import { registerInputGuard } from './input-guard.ts';
import { fhirRoutes } from './fhir/fhir-routes.ts';
import { apiRoutes } from './routes/api-routes.ts';
import { devRoutes } from './routes/dev-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { notificationRoutes } from './routes/notification-routes.ts';
import { recordRoutes } from './routes/record-routes.ts';
import { carerRoutes } from './routes/carer-routes.ts';
import { valueSetRoutes } from './routes/value-set-routes.ts';
import { webRoutes } from './routes/web-routes.ts';

export type AppDeps = ServiceDeps & {
  config: Config;
  tokenKeys: TokenKeys;
  /** Folder of the built portals (dist/web); absent in API-only tests. */
  webRoot?: string;
  /** Extra plugins mounted by the caller (the OIDC server). */
  plugins?: FastifyPluginAsync[];
  logger?: boolean;
  /** Where JSON logs go (stdout by default); tests capture them. */
  logStream?: NodeJS.WritableStream;
  /** Shared with the outbox dispatcher, which announces new notifications to the live streams. */
  notificationHub?: NotificationHub;
};

/** Builds the HTTP application without listening, so tests can `inject()` requests. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger === false ? false : {
      level: deps.config.logLevel,
      ...(deps.logStream ? { stream: deps.logStream } : {}),
      // Technical logs never carry health data or secrets: no bodies, no query strings, no tokens.
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], remove: true },
      serializers: {
        req: (req) => ({ method: req.method, route: req.routeOptions?.url ?? 'unmatched', requestId: req.id, clientRequestId: clientRequestIdOf(req) ?? undefined }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
    },
    // Routes that take more say so (body-limits.ts).
    bodyLimit: BODY_LIMITS.command,
    // Always our own id: the client's X-Request-Id is kept apart, validated (clientRequestIdOf).
    genReqId: () => randomUUID(),
    requestTimeout: 30_000,
    return503OnClosing: true,
    // Unknown properties are refused (400), never silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
    routerOptions: { ignoreTrailingSlash: true },
    // Router refusals (bad percent-encoding, over-long path parameter) answer like every other error.
    frameworkErrors: (err, request, reply) => sendError(request, reply, err),
    // X-Forwarded-For/-Proto/-Host are believed from the configured proxies only (OPENMES_TRUSTED_PROXIES).
    trustProxy: deps.config.trustedProxies.length > 0 ? deps.config.trustedProxies : false,
  });
  // Token checked from the headers before any body is read; bodies capped per route, parsed within limits.
  registerAuthentication(app, deps);
  registerJsonBodyParsers(app);
  registerCloseAfterEarlyReply(app);
  const headers = Object.entries(securityHeaders(deps.config));
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    for (const [name, value] of headers) if (!reply.hasHeader(name)) reply.header(name, value);
    if (request.url.startsWith('/api/') || request.url.startsWith('/fhir/')) reply.header('cache-control', 'no-store');
  });
  app.setErrorHandler((err, request, reply) => sendError(request, reply, err));
  app.setNotFoundHandler((request, reply) => sendError(request, reply, new AppError('ROUTE_NOT_FOUND')));
  registerInputGuard(app);

  await registerDocs(app, deps.config);
  await app.register(healthRoutes(deps));
  await app.register(apiRoutes(deps), { prefix: '/api' });
  await app.register(recordRoutes(deps), { prefix: '/api' });
  await app.register(carerRoutes(deps), { prefix: '/api' });
  await app.register(notificationRoutes({ ...deps, notificationHub: deps.notificationHub ?? createNotificationHub() }), { prefix: '/api' });
  await app.register(valueSetRoutes(deps), { prefix: '/api' });
  await app.register(fhirRoutes(deps), { prefix: '/fhir/R4' });
  await app.register(devRoutes(deps), { prefix: '/dev' });
  for (const plugin of deps.plugins ?? []) await app.register(plugin);
  if (deps.webRoot && existsSync(deps.webRoot)) await app.register(webRoutes(deps.webRoot));
  return app;
}
