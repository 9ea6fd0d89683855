import type { IncomingMessage } from 'node:http';
import formbody from '@fastify/formbody';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Provider } from 'oidc-provider';
import type { TokenKeys } from '../../services/access-token.ts';
import { cookieKeysFor } from '../../services/cookie-keys.ts';
import { createOidcStorage, loadSigningJwk } from '../../services/oidc-storage.ts';
import { purgeSignInLimits } from '../../services/sign-in-limits.ts';
import { externalCallbackRoutes } from './external-callback-routes.ts';
import { createExternalIdps } from './external-idp.ts';
import { createInteractionKit } from './interaction-kit.ts';
import { interactionRoutes, type InteractionDeps } from './interaction-routes.ts';
import { buildOidcConfiguration } from './oidc-configuration.ts';
import { securityHeaders } from '../security-headers.ts';
import { pinToPublicOrigin } from './public-origin.ts';
import { signInErrorHandler } from './sign-in-error-page.ts';
import { signInAssets } from './sign-in-assets.ts';
import { messagePage, signInCsp } from './sign-in-pages.ts';

/** What the OIDC server needs: the platform (db, clock, config), its token keys (issuer) and the outbox wake-up. */
export type OidcPluginDeps = InteractionDeps & { tokenKeys: TokenKeys };

const PURGE_EVERY_MS = 10 * 60_000;

/**
 * The platform's OpenID Connect / OAuth 2.1 authorization server (oidc-provider) mounted under /oidc,
 * with its sign-in pages under /interaction/:uid and their styles under /oidc-assets/. Add the result
 * to `AppDeps.plugins`.
 */
export function oidcPlugin(deps: OidcPluginDeps): FastifyPluginAsync {
  return async (app) => {
    const { config } = deps;
    const issuer = deps.tokenKeys.issuer;
    const mountPath = new URL(issuer).pathname.replace(/\/$/, '');
    const publicUrl = new URL(config.publicUrl);
    const publicOrigin = publicUrl.origin;
    // Every request this plugin serves reaches oidc-provider with the public URL's host and protocol only.
    app.addHook('onRequest', async (request) => pinToPublicOrigin(request.raw, publicUrl, request.ip));
    const jwk = await loadSigningJwk(deps);
    const provider = new Provider(issuer, buildOidcConfiguration(deps, { jwk, cookieKeys: cookieKeysFor(config, jwk), grants: deps.tokenKeys.grants }));
    // Koa reads X-Forwarded-*: they were pinned above to the public URL, never what the client sent.
    provider.proxy = true;
    // Its responses skip Fastify's onSend: the same headers, set first so that a page may replace its CSP
    // (oidc-provider then adds the hash of the one inline script it writes, the auto-submitted form).
    const headers = Object.entries(securityHeaders(config));
    provider.use(async (ctx, next) => {
      for (const [name, value] of headers) ctx.set(name, value);
      await next();
    });
    provider.on('server_error', (_ctx, err: Error) => app.log.error({ err: { name: err.name, message: err.message } }, 'oidc server error'));
    const callback = provider.callback();

    // /oidc/*: handed to oidc-provider untouched; its own body parsing must see the raw request stream.
    await app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
      const handle = async (request: FastifyRequest, reply: FastifyReply) => {
        reply.hijack();
        const raw = request.raw as IncomingMessage & { originalUrl?: string };
        const url = raw.url ?? '/';
        raw.originalUrl = url;
        raw.url = url.slice(mountPath.length) || '/';
        await callback(raw, reply.raw);
      };
      scope.all(mountPath, { schema: { hide: true } }, handle);
      scope.all(`${mountPath}/*`, { schema: { hide: true } }, handle);
    });

    const storage = createOidcStorage(deps);
    const external = createExternalIdps(config, storage);
    const csp = signInCsp([publicOrigin]);
    const kit = createInteractionKit(provider, config.publicUrl, csp);
    await app.register(async (scope) => {
      await scope.register(formbody, { bodyLimit: 16 * 1024 });
      scope.setErrorHandler(signInErrorHandler);
      scope.addHook('onRoute', (route) => {
        route.schema = { ...route.schema, hide: true };
      });
      scope.addHook('onRequest', async (request, reply) => {
        // Besides the SameSite cookie and the uid check: a form posted from another site is refused.
        // ("null" is what a browser sends when it hides the origin; the SameSite cookie still protects then.)
        const origin = request.headers.origin;
        if (request.method !== 'POST' || !origin || origin === 'null') return;
        const sameHost = origin.replace(/^https?:\/\//, '') === request.headers.host;
        if (origin !== publicOrigin && !sameHost) {
          return reply.status(403).type('text/html; charset=utf-8')
            .send(messagePage('Requête refusée', 'Ce formulaire ne provient pas de Mon espace santé.', null));
        }
      });
      scope.addHook('onSend', async (_request, reply) => {
        reply.header('content-security-policy', csp);
        reply.header('cache-control', 'no-store');
        reply.header('x-frame-options', 'DENY');
        // Browsers then send our Origin with the forms (with no-referrer they send "null"); nothing leaks cross-site.
        reply.header('referrer-policy', 'same-origin');
      });
      await scope.register(interactionRoutes(deps, kit, external));
      await scope.register(externalCallbackRoutes(deps, kit, external));
    });
    await app.register(signInAssets);

    const purge = setInterval(() => {
      void storage.purgeExpired().catch(() => undefined);
      void purgeSignInLimits(deps).catch(() => undefined);
    }, PURGE_EVERY_MS);
    purge.unref();
    app.addHook('onClose', async () => clearInterval(purge));
  };
}
