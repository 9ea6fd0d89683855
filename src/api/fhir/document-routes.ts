import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../domain/errors.ts';
import { deleteDocument } from '../../services/delete-document.ts';
import { feedDocuments } from '../../services/feed-documents.ts';
import { readDocument } from '../../services/read-document.ts';
import { requireActor } from '../authenticate.ts';
import type { AppDeps } from '../build-app.ts';
import { documentBodyLimit } from '../body-limits.ts';
import { idempotencyOf } from '../idempotency-key.ts';
import { binaryRoutes } from './binary-routes.ts';
import { toSubmission } from './document-input.ts';
import { parseDocumentReference } from './document-reference-mapper.ts';
import { documentSearchRoute } from './document-search-route.ts';
import { labelPatchRoutes } from './document-label-routes.ts';
import { documentResource } from './document-resource.ts';
import { documentFhirId, parseDocumentFhirId } from '../../domain/resource-ids.ts';
import { buildTransactionResponse, parseProvideBundle } from './provide-bundle.ts';
import { requestContext } from '../request-context.ts';
import type { RequestContext } from '../../services/service-deps.ts';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** IHE MHD on the PDSm profile: ITI-65 (transaction), create, read (ITI-67), search, Binary (ITI-68, and staging), delete. */
export function documentRoutes(deps: AppDeps): FastifyPluginAsync {
  const bodyLimit = documentBodyLimit(deps.settings.maxDocumentBytes);
  const parseCtx = { maxBytes: deps.settings.maxDocumentBytes, baseUrl: `${deps.config.publicUrl}/fhir/R4` };
  return async (app) => {
    const who = async (request: FastifyRequest) => (requestContext(request, await requireActor(request, deps.tokenKeys, deps.clock())));

    app.post('/DocumentReference', { bodyLimit, schema: { summary: 'Déposer un document (DocumentReference avec contenu)', tags: ['fhir'] } }, async (request, reply) => {
      const ctx = await who(request);
      const parsed = parseDocumentReference(request.body, parseCtx);
      if (!parsed.ok) throw new AppError('VALIDATION_FAILED', undefined, parsed.issues);
      const sub = toSubmission(parsed.input, deps.settings.maxDocumentBytes);
      if (!sub.ok) throw new AppError('VALIDATION_FAILED', undefined, sub.issues);
      const [result] = await feedDocuments(deps, ctx, [sub.submission], idempotencyOf(request));
      const id = documentFhirId(result!.dossierId, result!.documentId);
      reply.header('location', `${deps.config.publicUrl}/fhir/R4/DocumentReference/${id}`);
      const warning = ctx.actor.kind === 'professional' && result!.document.labels.includes('INVISIBLE_PATIENT');
      return reply.status(result!.status === 'created' ? 201 : 200).type(FHIR_JSON).send(documentResource(deps, result!.document, warning));
    });

    app.post('/', { bodyLimit, schema: { summary: 'Transaction ITI-65 (Provide Document Bundle)', tags: ['fhir'] } }, async (request, reply) => {
      const ctx = await who(request);
      const parsed = parseProvideBundle(request.body, parseCtx);
      if (!parsed.ok) throw new AppError('VALIDATION_FAILED', undefined, parsed.issues);
      const submissions = parsed.documents.map((d, i) => toSubmission(d.input, deps.settings.maxDocumentBytes, `Bundle.entry[${i}].resource`));
      const issues = submissions.flatMap((s) => (s.ok ? [] : s.issues));
      if (issues.length) throw new AppError('VALIDATION_FAILED', undefined, issues);
      const results = await feedDocuments(deps, ctx, submissions.flatMap((s) => (s.ok ? [s.submission] : [])), idempotencyOf(request));
      return reply.type(FHIR_JSON).send(buildTransactionResponse(results.map((r) => ({
        status: r.status === 'created' ? '201 Created' as const : '200 OK' as const,
        location: `DocumentReference/${documentFhirId(r.dossierId, r.documentId)}`,
      }))));
    });

    app.get<{ Params: { id: string } }>('/DocumentReference/:id', { schema: { summary: 'Lire les métadonnées d’un document', tags: ['fhir'] } }, async (request, reply) => {
      const ctx = await who(request);
      const ids = parseDocumentFhirId(request.params.id);
      if (!ids) throw new AppError('RESOURCE_NOT_FOUND');
      const read = await readDocument(deps, ctx, ids.dossierId, ids.documentId, { content: false });
      return reply.type(FHIR_JSON).send(documentResource(deps, read.document, read.invisibleToPatient));
    });

    app.get<{ Params: { id: string } }>('/Binary/:id', { schema: { summary: 'Lire le contenu d’un document (ITI-68)', tags: ['fhir'] } }, async (request, reply) => sendBinary(deps, request, reply, await who(request)));

    app.delete<{ Params: { id: string } }>('/DocumentReference/:id', { schema: { summary: 'Supprimer un document (suppression logique, auteur seulement)', tags: ['fhir'] } }, async (request, reply) => {
      const ctx = await who(request);
      const ids = parseDocumentFhirId(request.params.id);
      if (!ids) throw new AppError('RESOURCE_NOT_FOUND');
      await deleteDocument(deps, ctx, ids.dossierId, ids.documentId, idempotencyOf(request));
      return reply.status(204).send();
    });

    await app.register(binaryRoutes(deps));
    await app.register(documentSearchRoute(deps));
    await app.register(labelPatchRoutes(deps));
  };
}

async function sendBinary(deps: AppDeps, request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, ctx: RequestContext) {
  const ids = parseDocumentFhirId(request.params.id);
  if (!ids) throw new AppError('RESOURCE_NOT_FOUND');
  const read = await readDocument(deps, ctx, ids.dossierId, ids.documentId, { content: true });
  const bytes = Buffer.from(read.content!);
  const accept = request.headers.accept ?? '';
  if (/application\/(fhir\+)?json/.test(accept)) {
    return reply.type(FHIR_JSON).send({ resourceType: 'Binary', id: request.params.id, contentType: read.document.contentType, data: bytes.toString('base64') });
  }
  // Served as a download: never rendered inline by the API origin (stored content is untrusted).
  return reply
    .type(read.document.contentType)
    .header('content-disposition', `attachment; filename="document-${read.document.documentId}"`)
    .header('content-security-policy', "default-src 'none'; sandbox")
    .send(bytes);
}
