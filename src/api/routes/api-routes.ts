import type { FastifyPluginAsync } from 'fastify';
import { LIFECYCLE_ACTIONS, type LifecycleAction } from '../../domain/lifecycle.ts';
import { getProfile } from '../../services/get-profile.ts';
import { transitionDossier } from '../../services/transition-dossier.ts';
import { requireActor } from '../authenticate.ts';
import type { AppDeps } from '../build-app.ts';
import { idempotencyOf } from '../idempotency-key.ts';

const uuidPattern = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const problem = { $ref: 'problem#' };

/** JSON APIs under /api (errors as application/problem+json). */
export function apiRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    app.addSchema({
      $id: 'problem',
      type: 'object',
      properties: {
        type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' },
        code: { type: 'string' }, instance: { type: 'string' },
        issues: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, code: { type: 'string' }, message: { type: 'string' } } } },
      },
    });

    app.get('/me', {
      schema: { summary: "L'utilisateur connecté", tags: ['compte'], response: { 401: problem } },
    }, async (request) => {
      const actor = await requireActor(request, deps.tokenKeys, deps.clock());
      return getProfile(deps, actor);
    });

    app.post<{ Params: { dossierId: string; action: LifecycleAction } }>('/dossiers/:dossierId/:action', {
      schema: {
        summary: "Change l'état d'un espace : opposition, activation, clôture, réouverture",
        tags: ['espace'],
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' } } },
        params: {
          type: 'object',
          required: ['dossierId', 'action'],
          properties: { dossierId: { type: 'string', pattern: uuidPattern }, action: { type: 'string', enum: [...LIFECYCLE_ACTIONS] } },
        },
        response: { 401: problem, 404: problem, 409: problem },
      },
    }, async (request) => {
      const actor = await requireActor(request, deps.tokenKeys, deps.clock());
      return transitionDossier(deps, { actor, requestId: request.id }, request.params.dossierId, request.params.action, idempotencyOf(request));
    });
  };
}
