import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { answerCarerInvitation } from '../../services/answer-carer-invitation.ts';
import { giveUpCarerMandate } from '../../services/give-up-carer-mandate.ts';
import { inviteCarer } from '../../services/invite-carer.ts';
import { listCarerMandates } from '../../services/list-carer-mandates.ts';
import { listCarerRoles } from '../../services/list-carer-roles.ts';
import { revokeCarerMandate } from '../../services/revoke-carer-mandate.ts';
import type { RequestContext } from '../../services/service-deps.ts';
import { withdrawCarerInvitation } from '../../services/withdraw-carer-invitation.ts';
import { requireActor } from '../authenticate.ts';
import type { AppDeps } from '../build-app.ts';
import { idempotencyOf } from '../idempotency-key.ts';
import { requestContext } from '../request-context.ts';
import { errors, idempotencyHeader } from './route-schemas.ts';

const uuid = { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' } as const;

const params = (...names: string[]) => ({ type: 'object', required: names, properties: Object.fromEntries(names.map((n) => [n, uuid])) });
const WRITE_ERRORS = errors(400, 403, 404, 422);

/**
 * Carers (SPEC §1; issue 8, item 6): the holder side invites by e-mail, sees the invitations pending and
 * the mandates in force, withdraws or revokes; the invited person accepts or declines in their own
 * portal; a carer may give up their mandate. Every decision is the one door's (delegation.*).
 */
export function carerRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    const options = { maxCarers: deps.config.maxCarers };
    const context = async (request: FastifyRequest): Promise<RequestContext> => requestContext(request, await requireActor(request, deps.tokenKeys, deps.clock()));

    app.get<{ Params: { dossierId: string } }>('/dossiers/:dossierId/carers', {
      schema: {
        summary: "Les aidants qui ont un mandat en cours sur l'espace, les invitations en attente, et le nombre d'aidants permis",
        tags: ['aidants'], params: params('dossierId'), response: errors(403, 404),
      },
    }, async (request) => listCarerMandates(deps, await context(request), request.params.dossierId, options));

    app.post<{ Params: { dossierId: string }; Body: { email: string } }>('/dossiers/:dossierId/carers', {
      schema: {
        summary: "Invite une personne à devenir aidant (par l'adresse électronique de son compte) : la même réponse quelle que soit l'adresse ; rien n'est accordé avant son acceptation",
        tags: ['aidants'], headers: idempotencyHeader, params: params('dossierId'),
        body: {
          type: 'object', additionalProperties: false, propertyNames: { enum: ['email'] }, required: ['email'],
          properties: { email: { type: 'string', minLength: 3, maxLength: 254, description: "Adresse électronique du compte de la personne invitée" } },
        },
        response: errors(400, 403, 404, 422, 429),
      },
    }, async (request, reply) => reply.status(202).send(await inviteCarer(deps, await context(request), request.params.dossierId, request.body.email, options, idempotencyOf(request))));

    app.delete<{ Params: { dossierId: string; carerDossierId: string } }>('/dossiers/:dossierId/carers/:carerDossierId', {
      schema: {
        summary: "Retire le mandat d'un aidant, à tout moment et sans motif : l'aidant perd l'accès à l'espace aussitôt et en est averti",
        tags: ['aidants'], headers: idempotencyHeader, params: params('dossierId', 'carerDossierId'), response: WRITE_ERRORS,
      },
    }, async (request) => revokeCarerMandate(deps, await context(request), request.params.dossierId, request.params.carerDossierId, idempotencyOf(request)));

    app.delete<{ Params: { dossierId: string; invitationId: string } }>('/dossiers/:dossierId/carer-invitations/:invitationId', {
      schema: {
        summary: "Retire une invitation d'aidant en attente", tags: ['aidants'], headers: idempotencyHeader,
        params: params('dossierId', 'invitationId'), response: WRITE_ERRORS,
      },
    }, async (request) => withdrawCarerInvitation(deps, await context(request), request.params.dossierId, request.params.invitationId, idempotencyOf(request)));

    for (const answer of ['accept', 'decline'] as const) {
      app.post<{ Params: { dossierId: string; invitationId: string } }>(`/dossiers/:dossierId/carer-invitations/:invitationId/${answer}`, {
        schema: {
          summary: answer === 'accept'
            ? "La personne invitée accepte de devenir aidant : le mandat commence aussitôt"
            : "La personne invitée refuse l'invitation : aucun accès n'est donné",
          tags: ['aidants'], headers: idempotencyHeader, params: params('dossierId', 'invitationId'), response: WRITE_ERRORS,
        },
      }, async (request) => answerCarerInvitation(deps, await context(request), request.params.dossierId, request.params.invitationId, answer, options, idempotencyOf(request)));
    }

    app.delete<{ Params: { dossierId: string } }>('/dossiers/:dossierId/carer-mandate', {
      schema: {
        summary: "L'aidant renonce à son mandat sur cet espace : il perd l'accès aussitôt, la personne aidée en est avertie",
        tags: ['aidants'], headers: idempotencyHeader, params: params('dossierId'), response: WRITE_ERRORS,
      },
    }, async (request) => giveUpCarerMandate(deps, await context(request), request.params.dossierId, idempotencyOf(request)));

    app.get('/carer-invitations', {
      schema: {
        summary: "Les invitations d'aidant reçues par l'appelant (à accepter ou refuser) et les personnes qu'il aide",
        tags: ['aidants'], response: errors(),
      },
    }, async (request) => listCarerRoles(deps, (await context(request)).actor));
  };
}
