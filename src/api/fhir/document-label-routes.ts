import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { CONFIDENTIALITY_LABELS, type ConfidentialityLabel } from '../../domain/document.ts';
import { AppError } from '../../domain/errors.ts';
import type { ValidationIssue } from '../../domain/validation-issue.ts';
import { updateDocumentLabels, type LabelChangeRequest } from '../../services/update-document-labels.ts';
import { requireActor } from '../authenticate.ts';
import type { AppDeps } from '../build-app.ts';
import { BODY_LIMITS } from '../body-limits.ts';
import { idempotencyOf } from '../idempotency-key.ts';
import { documentResource } from './document-resource.ts';
import { parseDocumentFhirId } from '../../domain/resource-ids.ts';
import { requestContext } from '../request-context.ts';

const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const LABEL_SYSTEM = 'urn:oid:1.2.250.1.213.1.1.4.13';
const LEVEL_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
/** Making a document visible to the legal representatives is irreversible: the caller confirms with this header. */
export const CONFIRM_HEADER = 'openmes-confirm-irreversible';

type Coding = { system?: unknown; code?: unknown };

/** Reads securityLabel codings: our three labels, plus the N/R/V level which stays as it was. */
function labelsOf(value: unknown, field: string, issues: ValidationIssue[]): ConfidentialityLabel[] {
  const codings = (Array.isArray(value) ? value : [value]).flatMap((c) => (Array.isArray((c as { coding?: unknown })?.coding) ? (c as { coding: Coding[] }).coding : [c as Coding]));
  const labels: ConfidentialityLabel[] = [];
  for (const c of codings) {
    const code = typeof c?.code === 'string' ? c.code : '';
    if ((CONFIDENTIALITY_LABELS as readonly string[]).includes(code) && (c.system === undefined || c.system === LABEL_SYSTEM)) labels.push(code as ConfidentialityLabel);
    else if (!['N', 'R', 'V'].includes(code) || (c.system !== undefined && c.system !== LEVEL_SYSTEM)) {
      issues.push({ field, code: 'DOCUMENT_SECURITY_LABEL_UNKNOWN', message: `Code de confidentialité inconnu : ${code.slice(0, 40)}` });
    }
  }
  return labels;
}

/** PDSm TD3.3a/b: JSON Patch on /securityLabel (replace the array, or add one with /securityLabel/-). */
function fromJsonPatch(body: unknown): LabelChangeRequest {
  const issues: ValidationIssue[] = [];
  if (!Array.isArray(body) || body.length === 0 || body.length > 10) throw new AppError('VALIDATION_FAILED', 'Un patch JSON (RFC 6902) non vide est attendu.');
  const add: ConfidentialityLabel[] = [];
  let set: ConfidentialityLabel[] | null = null;
  body.forEach((op: { op?: unknown; path?: unknown; value?: unknown }, i) => {
    const field = `patch[${i}]`;
    if (op?.op === 'replace' && op.path === '/securityLabel') set = labelsOf(op.value, field, issues);
    else if (op?.op === 'add' && (op.path === '/securityLabel/-' || op.path === '/securityLabel')) add.push(...labelsOf(op.value, field, issues));
    else if (op?.op !== 'test') issues.push({ field, code: 'FHIR_PATCH_UNSUPPORTED', message: 'Seules les étiquettes de confidentialité (/securityLabel) peuvent être modifiées : opérations replace, ou add sur /securityLabel/-.' });
  });
  if (issues.length) throw new AppError('VALIDATION_FAILED', undefined, issues);
  return set ? { kind: 'set', labels: [...set, ...add] } : { kind: 'delta', add, remove: [] };
}

/** PUT of the whole resource: only the labels may change; they are read from securityLabel. */
function fromPut(body: unknown, id: string): LabelChangeRequest {
  const r = body as { resourceType?: unknown; id?: unknown; securityLabel?: unknown };
  if (r?.resourceType !== 'DocumentReference' || r.id !== id) {
    throw new AppError('VALIDATION_FAILED', undefined, [{ field: 'DocumentReference.id', code: 'FHIR_ID_MISMATCH', message: "L'identifiant de la ressource doit être celui de l'adresse." }]);
  }
  const issues: ValidationIssue[] = [];
  const labels = labelsOf(r.securityLabel ?? [], 'DocumentReference.securityLabel', issues);
  if (issues.length) throw new AppError('VALIDATION_FAILED', undefined, issues);
  return { kind: 'set', labels };
}

/** Confidentiality changes on a document (mask/unmask, make visible), decided and traced. */
export function labelPatchRoutes(deps: AppDeps): FastifyPluginAsync {
  return async (app) => {
    const run = async (request: FastifyRequest<{ Params: { id: string } }>, change: LabelChangeRequest) => {
      const actor = await requireActor(request, deps.tokenKeys, deps.clock());
      const ids = parseDocumentFhirId(request.params.id);
      if (!ids) throw new AppError('RESOURCE_NOT_FOUND');
      const confirmIrreversible = request.headers[CONFIRM_HEADER] === 'true';
      const doc = await updateDocumentLabels(deps, requestContext(request, actor), ids.dossierId, ids.documentId, { ...change, confirmIrreversible }, idempotencyOf(request));
      return documentResource(deps, doc, actor.kind === 'professional' && doc.labels.includes('INVISIBLE_PATIENT'));
    };
    app.patch<{ Params: { id: string } }>('/DocumentReference/:id', { bodyLimit: BODY_LIMITS.resource, schema: { summary: 'Modifier la confidentialité d’un document (patch JSON sur securityLabel)', tags: ['fhir'] } },
      async (request, reply) => reply.type(FHIR_JSON).send(await run(request, fromJsonPatch(request.body))));
    app.put<{ Params: { id: string } }>('/DocumentReference/:id', { bodyLimit: BODY_LIMITS.resource, schema: { summary: 'Modifier la confidentialité d’un document (ressource complète)', tags: ['fhir'] } },
      async (request, reply) => reply.type(FHIR_JSON).send(await run(request, fromPut(request.body, request.params.id))));
  };
}
