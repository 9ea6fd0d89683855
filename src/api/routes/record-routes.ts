import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { actorId } from '../../domain/actor.ts';
import { blockProfessional } from '../../services/block-professional.ts';
import { findAccessSession } from '../../services/find-access-session.ts';
import { HISTORY_MAX_LIMIT, readDossierHistory } from '../../services/read-dossier-history.ts';
import { readProfessionalStatus } from '../../services/read-professional-status.ts';
import { readSettings } from '../../services/read-settings.ts';
import { recordConsent, type ConsentScope } from '../../services/record-consent.ts';
import { recordFeedingInformation } from '../../services/record-feeding-information.ts';
import { recordOpposition } from '../../services/record-opposition.ts';
import { searchProfessionalDirectory } from '../../services/search-professional-directory.ts';
import type { RequestContext } from '../../services/service-deps.ts';
import { startEmergencyAccess, type EmergencyMode } from '../../services/start-emergency-access.ts';
import { startSecretConnection } from '../../services/start-secret-connection.ts';
import { updateSettings, type SettingsChange } from '../../services/update-settings.ts';
import { requireActor } from '../authenticate.ts';
import type { AppDeps } from '../build-app.ts';
import type { StoredAuditRow } from '../../store/audit-repo.ts';
import { describeForPatient } from '../fhir/audit-event-mapper.ts';
import { idempotencyOf } from '../idempotency-key.ts';
import { requestContext } from '../request-context.ts';
import { AUDIT_PUBLIC_ID_PATTERN } from '../../domain/audit-chain.ts';
import { errors, idempotencyHeader, uuidPattern } from './route-schemas.ts';



const dossierParams = { type: 'object', required: ['dossierId'], properties: { dossierId: { type: 'string', pattern: uuidPattern } } } as const;

/**
 * A body that accepts only the listed properties. `propertyNames` makes an unknown property an error:
 * Fastify's validator would otherwise silently drop it (removeAdditional), whatever additionalProperties says.
 */
function strictBody(properties: Record<string, unknown>, required: string[] = [], extra: Record<string, unknown> = {}) {
  const names = Object.keys(properties);
  return { type: 'object', additionalProperties: false, propertyNames: names.length ? { enum: names } : false, required, properties, ...extra };
}

const stringList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

/**
 * What the patient portal needs to word an entry itself (SPEC §4): whether the reader did it, which
 * labels a confidentiality change added or removed, whom a block named. Never more of the details.
 */
function portalDetails(row: StoredAuditRow, viewerActorId: string) {
  const d = row.details ?? {};
  return {
    byViewer: row.actor_id === viewerActorId,
    ...(row.action === 'document.labels.update' ? { labelChange: { added: stringList(d.added ?? d.add), removed: stringList(d.removed ?? d.remove) } } : {}),
    ...(typeof d.professionalName === 'string' && d.professionalName ? { professionalName: d.professionalName } : {}),
  };
}

const rppsProperty = { type: 'string', minLength: 1, maxLength: 32, description: 'Numéro RPPS (11 chiffres)' };

/** The patient's controls over their record, the professionals' recordings and emergency modes, the history (/api). */
export function recordRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    const context = async (request: FastifyRequest): Promise<RequestContext> => requestContext(request, await requireActor(request, deps.tokenKeys, deps.clock()));

    app.get<{ Params: { dossierId: string } }>('/dossiers/:dossierId/settings', {
      schema: {
        summary: "Paramètres de confidentialité et droits d'accès de l'espace (masquage, urgence, médecin traitant, blocages, consentements)",
        tags: ['confidentialité'], params: dossierParams, response: errors(403, 404),
      },
    }, async (request) => readSettings(deps, await context(request), request.params.dossierId));

    app.put<{ Params: { dossierId: string }; Body: SettingsChange }>('/dossiers/:dossierId/settings', {
      schema: {
        summary: 'Modifie les paramètres de confidentialité (masquer tout, blocages en urgence, médecin traitant)',
        tags: ['confidentialité'], headers: idempotencyHeader, params: dossierParams,
        body: strictBody({
          maskAll: { type: 'boolean' }, blockSamu: { type: 'boolean' }, blockEmergency: { type: 'boolean' }, blockMaskedInEmergency: { type: 'boolean' },
          medecinTraitant: {
            anyOf: [{ type: 'null' }, strictBody({ rpps: rppsProperty }, ['rpps'])],
            description: 'Le médecin traitant déclaré (un médecin de l’annuaire), ou null pour le retirer',
          },
        }),
        response: errors(400, 403, 404, 422),
      },
    }, async (request) => updateSettings(deps, await context(request), request.params.dossierId, request.body, idempotencyOf(request)));

    app.post<{ Params: { dossierId: string }; Body: { rpps: string } }>('/dossiers/:dossierId/blocked-professionals', {
      schema: {
        summary: "Bloque l'accès d'un professionnel au DMP", tags: ['confidentialité'], headers: idempotencyHeader, params: dossierParams,
        body: strictBody({ rpps: rppsProperty }, ['rpps']), response: errors(400, 403, 404, 422),
      },
    }, async (request, reply) => {
      const result = await blockProfessional(deps, await context(request), request.params.dossierId, request.body.rpps, true, idempotencyOf(request));
      return reply.status(result.changed ? 201 : 200).send(result);
    });

    app.delete<{ Params: { dossierId: string; rpps: string } }>('/dossiers/:dossierId/blocked-professionals/:rpps', {
      schema: {
        summary: "Rétablit l'accès d'un professionnel bloqué", tags: ['confidentialité'], headers: idempotencyHeader,
        params: { type: 'object', required: ['dossierId', 'rpps'], properties: { dossierId: { type: 'string', pattern: uuidPattern }, rpps: rppsProperty } },
        response: errors(400, 403, 404, 422),
      },
    }, async (request) => blockProfessional(deps, await context(request), request.params.dossierId, request.params.rpps, false, idempotencyOf(request)));

    app.get<{ Querystring: { q: string } }>('/directory/professionals', {
      schema: {
        summary: "Recherche un professionnel de l'annuaire par nom ou numéro RPPS (20 résultats au plus)", tags: ['annuaire'],
        querystring: { type: 'object', required: ['q'], properties: { q: { type: 'string', minLength: 2, maxLength: 100 } } },
        response: errors(400, 403),
      },
    }, async (request) => ({ professionals: await searchProfessionalDirectory(deps, (await context(request)).actor, request.query.q) }));

    app.post<{ Params: { dossierId: string }; Body: { scope: ConsentScope } }>('/dossiers/:dossierId/consents', {
      schema: {
        summary: "Enregistre le consentement du patient à la consultation de son DMP (pour soi ou pour l'équipe de soins de la structure)",
        tags: ['professionnels'], headers: idempotencyHeader, params: dossierParams,
        body: strictBody({ scope: { type: 'string', enum: ['professional', 'structure'] } }, ['scope']), response: errors(400, 403, 404, 422),
      },
    }, async (request, reply) => {
      const result = await recordConsent(deps, await context(request), request.params.dossierId, request.body.scope, idempotencyOf(request));
      return reply.status(result.created ? 201 : 200).send(result);
    });

    app.post<{ Params: { dossierId: string }; Body: Record<string, never> | undefined }>('/dossiers/:dossierId/feeding-information', {
      schema: {
        summary: "Enregistre que le patient a été informé de l'alimentation de son DMP", tags: ['professionnels'],
        headers: idempotencyHeader, params: dossierParams, body: strictBody({}), response: errors(400, 403, 404, 422),
      },
    }, async (request, reply) => {
      const result = await recordFeedingInformation(deps, await context(request), request.params.dossierId, idempotencyOf(request));
      return reply.status(result.created ? 201 : 200).send(result);
    });

    app.post<{ Params: { dossierId: string }; Body: { masterIdentifier: string } }>('/dossiers/:dossierId/oppositions', {
      schema: {
        summary: "Enregistre l'opposition du patient à l'envoi d'un document dans son DMP", tags: ['professionnels'],
        headers: idempotencyHeader, params: dossierParams,
        body: strictBody({ masterIdentifier: { type: 'string', minLength: 1, maxLength: 256, pattern: '^[\\x21-\\x7E]+$' } }, ['masterIdentifier']),
        response: errors(400, 403, 404, 422),
      },
    }, async (request, reply) => {
      const result = await recordOpposition(deps, await context(request), request.params.dossierId, request.body.masterIdentifier, idempotencyOf(request));
      return reply.status(result.created ? 201 : 200).send(result);
    });

    app.post<{ Params: { dossierId: string }; Body: { mode: EmergencyMode; reason?: string } }>('/dossiers/:dossierId/emergency-access', {
      schema: {
        summary: 'Démarre un accès en urgence limité dans le temps (bris de glace, ou mode régulation SAMU)', tags: ['professionnels'],
        headers: idempotencyHeader, params: dossierParams,
        body: strictBody(
          { mode: { type: 'string', enum: ['bris_de_glace', 'samu'] }, reason: { type: 'string', maxLength: 500, description: 'Motif (obligatoire en bris de glace, 10 à 500 caractères)' } },
          ['mode'],
          { if: { properties: { mode: { const: 'bris_de_glace' } } }, then: { required: ['reason'], properties: { reason: { type: 'string', minLength: 10, pattern: '\\S' } } } },
        ),
        response: errors(400, 403, 404, 422),
      },
    }, async (request, reply) => {
      const { mode, reason } = request.body;
      const result = await startEmergencyAccess(deps, await context(request), request.params.dossierId, { mode, reason: reason ?? null }, idempotencyOf(request));
      return reply.status(201).send(result);
    });

    app.post<{ Params: { dossierId: string }; Body: Record<string, never> | undefined }>('/dossiers/:dossierId/secret-connection', {
      schema: {
        summary: "Démarre une connexion secrète à la demande d'un patient mineur", tags: ['professionnels'],
        headers: idempotencyHeader, params: dossierParams, body: strictBody({}), response: errors(400, 403, 404, 422),
      },
    }, async (request, reply) => reply.status(201).send(await startSecretConnection(deps, await context(request), request.params.dossierId, idempotencyOf(request))));

    app.get<{ Params: { dossierId: string } }>('/dossiers/:dossierId/access-session', {
      schema: {
        summary: "L'accès en urgence ou la connexion secrète en cours de l'appelant sur cet espace", tags: ['professionnels'],
        params: dossierParams, response: errors(404),
      },
    }, async (request) => findAccessSession(deps, await context(request), request.params.dossierId));

    app.get<{ Params: { dossierId: string } }>('/dossiers/:dossierId/professional-status', {
      schema: {
        summary: "Ce que le professionnel appelant doit savoir en ouvrant le dossier : patient informé de l'alimentation (quand, par qui), consentement qui le couvre, accès en urgence ou connexion secrète en cours",
        tags: ['professionnels'], params: dossierParams, response: errors(403, 404),
      },
    }, async (request) => readProfessionalStatus(deps, await context(request), request.params.dossierId));

    app.get<{ Params: { dossierId: string }; Querystring: { limit: number; before?: string } }>('/dossiers/:dossierId/history', {
      schema: {
        summary: "Historique des activités de l'espace, du plus récent au plus ancien", tags: ['espace'], params: dossierParams,
        querystring: {
          type: 'object',
          properties: {
            limit: { type: 'integer', minimum: 1, maximum: HISTORY_MAX_LIMIT, default: 50 },
            before: { type: 'string', pattern: AUDIT_PUBLIC_ID_PATTERN, description: 'Curseur opaque : le `nextBefore` de la page précédente' },
          },
        },
        response: errors(400, 404),
      },
    }, async (request) => {
      const ctx = await context(request);
      const page = await readDossierHistory(deps, ctx, request.params.dossierId, { limit: request.query.limit, before: request.query.before ?? null });
      const options = { professionLabel: (key: string) => deps.reference.professions.get(key)?.display, viewerActorId: actorId(ctx.actor) };
      return {
        entries: page.entries.map(({ entry, row }) => ({ ...entry, ...portalDetails(row, options.viewerActorId), text: describeForPatient(row, options) })),
        nextBefore: page.nextBefore,
      };
    });
  };
}
