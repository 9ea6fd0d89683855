import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { decodeJwt } from 'jose';
import {
  countMyUnread, listMyNotifications, markAllMyNotificationsRead, markMyNotificationRead, NOTIFICATIONS_MAX_LIMIT, readMyNotification,
} from '../../services/list-notifications.ts';
import type { NotificationHub, NotificationSignal } from '../../services/notification-hub.ts';
import { NOTIFICATION_KINDS, type NotificationKind } from '../../services/notification-kinds.ts';
import { readNotificationPreferences, recipientOrThrow, updateNotificationPreferences } from '../../services/notification-preferences.ts';
import { endPresence, HEARTBEAT_MS, notePresence } from '../../services/notification-presence.ts';
import { AppError } from '../../domain/errors.ts';
import { requireActor } from '../authenticate.ts';
import type { AppDeps } from '../build-app.ts';
import { errors as problemErrors, uuidPattern } from './route-schemas.ts';

const errors = (...statuses: number[]) => problemErrors(403, ...statuses);

const item = {
  type: 'object',
  required: ['id', 'kind', 'dossierId', 'title', 'createdAt', 'readAt', 'link'],
  properties: {
    id: { type: 'string' }, kind: { type: 'string', enum: [...NOTIFICATION_KINDS] }, dossierId: { type: 'string' },
    title: { type: 'string', description: 'La phrase affichée, en français' }, createdAt: { type: 'string', format: 'date-time' },
    readAt: { type: ['string', 'null'], format: 'date-time' }, link: { type: 'string', description: 'Page du portail où voir l’événement' },
  },
} as const;
const preferences = {
  type: 'object',
  properties: { kinds: { type: 'array', items: { type: 'object', properties: { kind: { type: 'string' }, label: { type: 'string' }, email: { type: 'boolean' } } } } },
} as const;

/** One open live stream, so shutdown can end it. */
type OpenStream = { close: () => void };

/**
 * The notification centre of the signed-in person or professional (/api): list, unread count, mark read,
 * e-mail preferences per kind, and live updates over Server-Sent Events.
 */
export function notificationRoutes(deps: AppDeps & { notificationHub: NotificationHub }): FastifyPluginAsync {
  return async (app) => {
    const hub = deps.notificationHub;
    const actorOf = (request: Parameters<typeof requireActor>[0]) => requireActor(request, deps.tokenKeys, deps.clock());
    const streams = new Set<OpenStream>();
    // Open streams would keep `close()` waiting forever: end them first (clients reconnect elsewhere).
    app.addHook('preClose', async () => { for (const s of [...streams]) s.close(); });

    app.get<{ Querystring: { limit: number; before?: string } }>('/notifications', {
      schema: {
        summary: 'Mes notifications, des plus récentes aux plus anciennes, avec le nombre de non lues', tags: ['notifications'],
        querystring: {
          type: 'object', additionalProperties: false,
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: NOTIFICATIONS_MAX_LIMIT, default: 20 },
            before: { type: 'string', minLength: 1, maxLength: 200, description: 'Curseur `next` de la page précédente' },
          },
        },
        response: {
          200: { type: 'object', required: ['items', 'unread'], properties: { items: { type: 'array', items: item }, unread: { type: 'integer' }, next: { type: 'string' } } },
          ...errors(400),
        },
      },
    }, async (request) => listMyNotifications(deps, await actorOf(request), { limit: request.query.limit, before: request.query.before }));

    app.post<{ Params: { id: string } }>('/notifications/:id/read', {
      schema: {
        summary: 'Marque une notification comme lue', tags: ['notifications'],
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: uuidPattern } } },
        response: { 200: { type: 'object', properties: { id: { type: 'string' }, readAt: { type: 'string' }, unread: { type: 'integer' } } }, ...errors(400, 404) },
      },
    }, async (request) => {
      const actor = await actorOf(request);
      const result = await markMyNotificationRead(deps, actor, request.params.id);
      hub.publish(recipientOrThrow(actor), { type: 'read' });
      return result;
    });

    app.post('/notifications/read-all', {
      schema: {
        summary: 'Marque toutes mes notifications comme lues', tags: ['notifications'],
        response: { 200: { type: 'object', properties: { marked: { type: 'integer' }, unread: { type: 'integer' } } }, ...errors() },
      },
    }, async (request) => {
      const actor = await actorOf(request);
      const result = await markAllMyNotificationsRead(deps, actor);
      hub.publish(recipientOrThrow(actor), { type: 'read' });
      return result;
    });

    app.get('/notification-preferences', {
      schema: { summary: 'Mes choix de notification par e-mail, par type (dans l’application : toujours)', tags: ['notifications'], response: { 200: preferences, ...errors() } },
    }, async (request) => readNotificationPreferences(deps, await actorOf(request)));

    app.put<{ Body: { kinds: { kind: NotificationKind; email: boolean }[] } }>('/notification-preferences', {
      schema: {
        summary: 'Modifie mes choix de notification par e-mail', tags: ['notifications'],
        body: {
          type: 'object', additionalProperties: false, propertyNames: { enum: ['kinds'] }, required: ['kinds'],
          properties: {
            kinds: {
              type: 'array', maxItems: NOTIFICATION_KINDS.length, uniqueItems: true,
              items: {
                type: 'object', additionalProperties: false, propertyNames: { enum: ['kind', 'email', 'label'] }, required: ['kind', 'email'],
                properties: { kind: { type: 'string', enum: [...NOTIFICATION_KINDS] }, email: { type: 'boolean' }, label: { type: 'string', maxLength: 200 } },
              },
            },
          },
        },
        response: { 200: preferences, ...errors(400) },
      },
    }, async (request) => updateNotificationPreferences(deps, await actorOf(request), request.body.kinds.map(({ kind, email }) => ({ kind, email }))));

    app.get('/notifications/stream', {
      // A HEAD would open a stream with no body: not offered.
      exposeHeadRoute: false,
      schema: {
        summary: 'Flux en direct (Server-Sent Events) : événements `notification` (un élément) et `unread` (nombre de non lues), battement toutes les 20 s',
        description: 'Authentifié par l’en-tête Authorization comme le reste de l’API (le portail lit le flux avec fetch). Le flux se ferme à l’expiration du jeton : le client se reconnecte avec un jeton frais.',
        tags: ['notifications'], produces: ['text/event-stream'], response: errors(400),
      },
    }, async (request, reply) => {
      // Authenticated before the response starts: a refusal is an ordinary problem+json answer.
      const actor = await actorOf(request);
      const recipient = recipientOrThrow(actor);
      // Only a client that reads event streams gets one (anything else would wait forever for a body).
      const accept = request.headers.accept ?? '';
      if (!/text\/event-stream|\*\/\*/.test(accept)) {
        throw new AppError('VALIDATION_FAILED', undefined, [{ field: 'accept', code: 'NOTIFICATION_STREAM_ACCEPT', message: 'Ce flux attend l’en-tête Accept: text/event-stream.' }]);
      }
      const tokenExpiresAt = (decodeJwt(request.headers.authorization!.slice('Bearer '.length)).exp ?? 0) * 1000;
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive',
        'x-content-type-options': 'nosniff', 'x-request-id': request.id, 'x-accel-buffering': 'no',
      });
      const streamId = randomUUID();
      let open = true;
      // Writes and DB reads of one stream happen in order (an `unread` never overtakes its notification).
      let queue: Promise<void> = Promise.resolve();
      const run = (task: () => Promise<void>) => {
        queue = queue.then(() => (open ? task() : undefined)).catch((err: unknown) => {
          request.log.warn({ err: { message: err instanceof Error ? err.message : 'unknown' } }, 'notification stream task failed');
        });
      };
      const send = (event: string, data: unknown) => { if (open) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`); };
      const sendUnread = async () => send('unread', { unread: await countMyUnread(deps, actor) });
      const onSignal = (signal: NotificationSignal) => run(async () => {
        if (signal.type === 'created') {
          const notification = await readMyNotification(deps, actor, signal.notificationId);
          if (notification) send('notification', notification);
        }
        await sendUnread();
      });
      const unsubscribe = hub.subscribe(recipient, onSignal);
      const heartbeat = setInterval(() => run(async () => {
        raw.write(': battement\n\n');
        await notePresence(deps, recipient, streamId);
      }), HEARTBEAT_MS);
      const expiry = setTimeout(() => close(), Math.max(0, tokenExpiresAt - deps.clock().getTime()));
      expiry.unref();
      const stream: OpenStream = { close };
      streams.add(stream);
      function close(): void {
        if (!open) return;
        open = false;
        clearInterval(heartbeat);
        clearTimeout(expiry);
        unsubscribe();
        streams.delete(stream);
        raw.end();
        void endPresence(deps, recipient, streamId).catch(() => undefined);
      }
      raw.on('close', close);
      raw.write('retry: 5000\n\n');
      run(async () => {
        await notePresence(deps, recipient, streamId);
        await sendUnread();
      });
    });
  };
}
