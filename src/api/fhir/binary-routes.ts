import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../domain/errors.ts';
import { stageBinary } from '../../services/stage-binary.ts';
import { requireActor } from '../authenticate.ts';
import type { AppDeps } from '../build-app.ts';
import { documentBodyLimit } from '../body-limits.ts';
import { idempotencyOf } from '../idempotency-key.ts';
import { parseBinary } from './binary-input.ts';
import { documentFhirId } from '../../domain/resource-ids.ts';
import { requestContext } from '../request-context.ts';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const idempotencyHeader = {
  type: 'object',
  properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' } },
} as const;

/**
 * `POST Binary`: stages a document's content for a later `POST DocumentReference` whose
 * `attachment.url` is `Binary/<id>` (same actor, within 24 h, used once). The id carries the dossier
 * like a document's; reading it (`GET Binary/<id>`) answers "not found" until a document uses it.
 */
export function binaryRoutes(deps: AppDeps): FastifyPluginAsync {
  const bodyLimit = documentBodyLimit(deps.settings.maxDocumentBytes);
  const parseCtx = { maxBytes: deps.settings.maxDocumentBytes, baseUrl: `${deps.config.publicUrl}/fhir/R4` };
  return async (app) => {
    app.post('/Binary', {
      bodyLimit,
      schema: { summary: 'Déposer le contenu d’un document avant son DocumentReference (Binary, valable 24 h)', tags: ['fhir'], headers: idempotencyHeader },
    }, async (request, reply) => {
      const ctx = requestContext(request, await requireActor(request, deps.tokenKeys, deps.clock()));
      const parsed = parseBinary(request.body, parseCtx);
      if (!parsed.ok) throw new AppError('VALIDATION_FAILED', undefined, parsed.issues);
      const staged = await stageBinary(deps, ctx, parsed.input, idempotencyOf(request));
      const id = documentFhirId(staged.dossierId, staged.binaryId);
      reply.header('location', `${deps.config.publicUrl}/fhir/R4/Binary/${id}`);
      return reply.status(201).type(FHIR_JSON).send({
        resourceType: 'Binary', id, contentType: staged.contentType, securityContext: { reference: `Patient/${staged.dossierId}` },
      });
    });
  };
}
