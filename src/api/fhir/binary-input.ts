import { decodeBase64Strict } from '../../domain/content/index.ts';
import { issue, type ValidationIssue } from '../../domain/validation-issue.ts';
import { DOCUMENT_REFERENCE_ISSUE_CODES as C, fhirString, isObj, readBase64, referenceId } from './document-reference-mapper.ts';
import { isUuid } from '../../domain/resource-ids.ts';

/** A Binary to stage, as read from `POST Binary`: the patient it is for, its declared type and its bytes. */
export type BinaryInput = { dossierId: string; contentType: string; bytes: Uint8Array };

/** FHIR R4 Binary elements; anything else is refused, never dropped. */
const ELEMENTS = new Set(['resourceType', 'id', 'meta', 'implicitRules', 'language', 'contentType', 'securityContext', 'data']);
const MIME = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(\s*;.*)?$/;

/**
 * Validates a FHIR Binary sent to be staged (`POST /fhir/R4/Binary`): contentType, securityContext
 * naming the patient (`Patient/<id>`, relative or under `baseUrl`), strict base64 data within
 * `maxBytes`. Pure: issues as values, each naming `Binary.<element>`. The bytes themselves are verified
 * by the service, after the access decision.
 */
export function parseBinary(resource: unknown, ctx: { maxBytes: number; baseUrl?: string }): { ok: true; input: BinaryInput } | { ok: false; issues: ValidationIssue[] } {
  if (!isObj(resource) || resource.resourceType !== 'Binary') {
    return { ok: false, issues: [issue('Binary.resourceType', C.RESOURCE_TYPE, 'Une ressource Binary est attendue.')] };
  }
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(resource)) {
    if (!ELEMENTS.has(key.startsWith('_') ? key.slice(1) : key)) issues.push(issue(`Binary.${key.slice(0, 64)}`, C.UNKNOWN_ELEMENT, 'Élément inconnu dans une ressource Binary (FHIR R4).'));
  }
  if (resource.implicitRules !== undefined) issues.push(issue('Binary.implicitRules', C.MODIFIER, 'implicitRules n’est pas pris en charge.'));
  const contentType = fhirString(resource.contentType, 256);
  if (!contentType || !MIME.test(contentType)) issues.push(issue('Binary.contentType', C.REQUIRED, 'Le type MIME (contentType) du Binary est obligatoire.'));
  const dossierId = readPatient(resource.securityContext, ctx.baseUrl, issues);
  const base64 = readBase64(resource.data, 'Binary.data', ctx.maxBytes, issues);
  let bytes: Uint8Array | undefined;
  if (base64 !== undefined) {
    const decoded = decodeBase64Strict(base64, ctx.maxBytes);
    if (decoded.ok) bytes = decoded.value;
    else issues.push(...decoded.issues.map((i) => ({ ...i, field: 'Binary.data' })));
  }
  if (issues.length || !contentType || !dossierId || !bytes) return { ok: false, issues };
  return { ok: true, input: { dossierId, contentType, bytes } };
}

/** securityContext = the patient whose record the content is for (its dossier id). */
function readPatient(v: unknown, baseUrl: string | undefined, issues: ValidationIssue[]): string | undefined {
  const id = isObj(v) && Object.keys(v).every((k) => k === 'reference' || k === 'display') ? referenceId(v.reference, 'Patient', baseUrl) : undefined;
  if (!id) {
    issues.push(issue('Binary.securityContext', C.REQUIRED, 'Le patient est obligatoire : securityContext.reference = Patient/<id>.'));
    return undefined;
  }
  if (!isUuid(id)) {
    issues.push(issue('Binary.securityContext.reference', 'FHIR_REFERENCE', 'Patient inconnu : la référence doit désigner un Patient de ce serveur.'));
    return undefined;
  }
  return id.toLowerCase();
}
