import type { FastifyPluginAsync } from 'fastify';
import { AppError } from '../../domain/errors.ts';
import { HISTORY_MAX_LIMIT, readDossierHistory } from '../../services/read-dossier-history.ts';
import { requireActor } from '../authenticate.ts';
import type { AppDeps } from '../build-app.ts';
import { toFhirAuditEvent } from './audit-event-mapper.ts';
import { searchsetBundle } from './bundle-builder.ts';
import { isUuid } from '../../domain/resource-ids.ts';
import { AUDIT_PUBLIC_ID_PATTERN } from '../../domain/audit-chain.ts';
import { requestContext } from '../request-context.ts';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/**
 * The access history of one dossier as FHIR AuditEvent (IHE BALP shape), newest first: the patient side
 * reads its own dossier's history (with what it may not know left out), the operator everything.
 */
export function auditEventRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    app.get('/AuditEvent', {
      schema: {
        summary: "Historique des accès d'un dossier (AuditEvent)",
        tags: ['fhir'],
        querystring: {
          type: 'object',
          required: ['patient'],
          additionalProperties: false,
          properties: {
            patient: { type: 'string', maxLength: 200 },
            _count: { type: 'integer', minimum: 1, maximum: HISTORY_MAX_LIMIT },
            _page: { type: 'string', pattern: AUDIT_PUBLIC_ID_PATTERN },
            _sort: { type: 'string', enum: ['-date'] },
          },
        },
      },
    }, async (request, reply) => {
      const actor = await requireActor(request, deps.tokenKeys, deps.clock());
      const q = request.query as { patient: string; _count?: number; _page?: string };
      const id = q.patient.replace(/^(.*\/)?Patient\//, '');
      if (!isUuid(id)) throw new AppError('RESOURCE_NOT_FOUND');
      const count = q._count ?? 50;
      const page = await readDossierHistory(deps, requestContext(request, actor), id.toLowerCase(), { limit: count, before: q._page ?? null });
      const base = `${deps.config.publicUrl}/fhir/R4`;
      return reply.type(FHIR_JSON).send(searchsetBundle({
        baseUrl: base,
        resourcePath: 'AuditEvent',
        entries: page.entries.map(({ row }) => ({ resource: toFhirAuditEvent(row, { forOperator: page.forOperator }) })),
        selfParams: [['patient', `Patient/${id}`], ['_count', String(count)]],
        cursor: q._page ?? null,
        nextCursor: page.nextBefore,
      }));
    });
  };
}
