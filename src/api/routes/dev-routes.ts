import type { FastifyPluginAsync } from 'fastify';
import { readDevMailbox } from '../../services/dev-mailbox.ts';
import type { AppDeps } from '../build-app.ts';
import { devMailboxPage, signInCsp } from '../oidc/sign-in-pages.ts';

/**
 * Development helpers (never registered in production, so they answer 404 there): the embedded mailbox
 * where e-mails land without SMTP — e.g. the one-time sign-in codes.
 */
export function devRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    if (deps.config.mode === 'production') return;
    app.get('/mailbox', { schema: { hide: true } }, async (_request, reply) => {
      const messages = await readDevMailbox(deps);
      return reply.type('text/html; charset=utf-8').header('content-security-policy', signInCsp()).header('cache-control', 'no-store')
        .send(devMailboxPage(messages));
    });
    app.get('/mailbox.json', { schema: { hide: true } }, async (_request, reply) => {
      return reply.header('cache-control', 'no-store').send({ messages: await readDevMailbox(deps) });
    });
  };
}
