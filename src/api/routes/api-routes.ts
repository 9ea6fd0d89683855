import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../domain/errors.ts';
import { LIFECYCLE_ACTIONS, type LifecycleAction } from '../../domain/lifecycle.ts';
import { getProfile } from '../../services/get-profile.ts';
import { transitionDossier } from '../../services/transition-dossier.ts';
import { requireActor } from '../authenticate.ts';
import type { AppDeps } from '../build-app.ts';
import { idempotencyOf } from '../idempotency-key.ts';
import { requestContext } from '../request-context.ts';

/** The optional `{ reason }` body of a lifecycle change (a body-less POST is fine: the holder needs none). */
function reasonOf(body: unknown): string | null {
  if (body === undefined || body === null) return null;
  const fields = typeof body === 'object' && !Array.isArray(body) ? Object.entries(body as Record<string, unknown>) : null;
  const reason = fields?.find(([k]) => k === 'reason')?.[1];
  if (!fields || fields.some(([k]) => k !== 'reason') || (reason !== undefined && (typeof reason !== 'string' || reason.length > 500))) {
    throw new AppError('VALIDATION_FAILED', undefined, [{ field: 'reason', code: 'DOSSIER_REASON_INVALID', message: 'Le corps ne peut contenir que « reason » : le motif, un texte de 500 caractères au plus.' }]);
  }
  return reason ?? null;
}

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

    app.post<{ Params: { dossierId: string; action: LifecycleAction }; Body: { reason?: string } | undefined }>('/dossiers/:dossierId/:action', {
      schema: {
        summary: "Change l'état d'un espace : opposition, activation, clôture, réouverture",
        tags: ['espace'],
        headers: { type: 'object', properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' } } },
        params: {
          type: 'object',
          required: ['dossierId', 'action'],
          properties: { dossierId: { type: 'string', pattern: uuidPattern }, action: { type: 'string', enum: [...LIFECYCLE_ACTIONS] } },
        },
        description: "Corps facultatif `{ \"reason\": \"…\" }` : motif (500 caractères au plus), obligatoire pour l'opérateur national qui ferme ou rouvre un espace (10 caractères au moins), conservé dans l'historique.",
        response: { 401: problem, 403: problem, 404: problem, 409: problem },
      },
    }, async (request) => {
      const actor = await requireActor(request, deps.tokenKeys, deps.clock());
      return transitionDossier(deps, requestContext(request, actor), request.params.dossierId, request.params.action, idempotencyOf(request), reasonOf(request.body));
    });
  };
}
