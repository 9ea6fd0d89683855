import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../domain/errors.ts';
import { findJsonFault, inputIssue, jsonPathField, textFault } from '../domain/input-text.ts';
import { issue, type ValidationIssue } from '../domain/validation-issue.ts';

/** Bounds of what any route accepts, before its own schema or parser looks at the request. */
export const INPUT_LIMITS = {
  // Room for a JWT (id_token_hint, request objects); a longer URL is no request of ours.
  queryValueLength: 8192,
  queryKeyLength: 128,
  queryParameters: 64,
  /** Values of one repeated parameter (`date=ge…&date=lt…`). */
  queryRepeats: 32,
  pathParamLength: 1024,
  bodyKeyLength: 256,
} as const;

const IDEMPOTENCY_KEY = /^[\x21-\x7E]{1,255}$/;
const FHIR_RESOURCE_TYPE = /^[A-Za-z]{1,64}$/;

/**
 * The edge check every request passes (RELIABILITY: no 5xx on bad input). Refuses, with a 400 naming the
 * field, what no route can mean: U+0000, control characters, lone surrogates in the query, the path
 * parameters, the JSON or form body (keys and nested values) and the Idempotency-Key; over-long or too many
 * query parameters; numbers beyond 2^53 in a body. A path with a `.` or `..` segment names nothing (404).
 * Route schemas also get number bounds (`before=1e20` is a 400, never a bigint overflow in the database).
 */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('onRoute', boundSchemaNumbers);
  app.addHook('preValidation', async (request) => {
    const refusal = inputRefusal(request);
    if (refusal) throw refusal;
  });
}

/** Why the request cannot be handled, or null. */
export function inputRefusal(request: FastifyRequest): AppError | null {
  if (hasDotSegment(request.url)) return new AppError('ROUTE_NOT_FOUND');
  const found = paramsIssue(request.params) ?? queryIssue(request.query) ?? headerIssue(request) ?? bodyIssue(request);
  return found ? new AppError('VALIDATION_FAILED', found.message, [found]) : null;
}

/** `/a/../b`, `/a/%2e%2e/b`, `/a/..%2fb`: never a resource of ours, and a path traversal for static files. */
function hasDotSegment(url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  if (!path.includes('.')) return false;
  return path.split('/').some((segment) => {
    let decoded = segment;
    try { decoded = decodeURIComponent(segment); } catch { /* left as is: the router refuses it */ }
    return decoded.split(/[\\/]/).some((part) => part === '.' || part === '..');
  });
}

function paramsIssue(params: unknown): ValidationIssue | null {
  if (!params || typeof params !== 'object') return null;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== 'string') continue;
    const fault = textFault(value, 'line', INPUT_LIMITS.pathParamLength);
    if (fault) return name === '*' ? inputIssue('path', fault, 'adresse') : inputIssue(name, fault, 'paramètre', INPUT_LIMITS.pathParamLength);
  }
  return null;
}

function queryIssue(query: unknown): ValidationIssue | null {
  if (!query || typeof query !== 'object') return null;
  const entries = Object.entries(query);
  if (entries.length > INPUT_LIMITS.queryParameters) {
    return issue('requête', 'INPUT_TOO_MANY_PARAMETERS', `La requête compte trop de paramètres (au plus ${INPUT_LIMITS.queryParameters}).`);
  }
  for (const [name, raw] of entries) {
    const keyFault = textFault(name, 'line', INPUT_LIMITS.queryKeyLength);
    if (keyFault) return inputIssue(name, keyFault, 'paramètre', INPUT_LIMITS.queryKeyLength);
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.length > INPUT_LIMITS.queryRepeats) {
      return issue(name, 'INPUT_TOO_MANY_PARAMETERS', `Le paramètre « ${name} » est répété trop de fois (au plus ${INPUT_LIMITS.queryRepeats}).`);
    }
    for (const value of values) {
      if (typeof value !== 'string') continue;
      const fault = textFault(value, 'line', INPUT_LIMITS.queryValueLength);
      if (fault) return inputIssue(name, fault, 'paramètre', INPUT_LIMITS.queryValueLength);
    }
  }
  return null;
}

/** The Idempotency-Key is stored and indexed: on every route, as the /api schemas already say. */
function headerIssue(request: FastifyRequest): ValidationIssue | null {
  const key = request.headers['idempotency-key'];
  if (key === undefined || (typeof key === 'string' && IDEMPOTENCY_KEY.test(key))) return null;
  return issue('Idempotency-Key', 'INPUT_IDEMPOTENCY_KEY', 'L’en-tête Idempotency-Key doit compter de 1 à 255 caractères ASCII visibles, sans espace.');
}

function bodyIssue(request: FastifyRequest): ValidationIssue | null {
  const body: unknown = request.body;
  if (typeof body === 'string') {
    const fault = textFault(body, 'text');
    return fault ? inputIssue('corps', fault, 'champ') : null;
  }
  if (body === null || typeof body !== 'object') return null;
  const found = findJsonFault(body, { maxKeyLength: INPUT_LIMITS.bodyKeyLength });
  if (!found) return null;
  // Under /fhir/R4 the field is named as FHIRPath names it: `DocumentReference.content[0].attachment.title`.
  const type = (body as { resourceType?: unknown }).resourceType;
  const root = request.url.startsWith('/fhir/') && typeof type === 'string' && FHIR_RESOURCE_TYPE.test(type) ? type : undefined;
  return inputIssue(jsonPathField(found.path, root) || 'corps', found.fault, 'champ', INPUT_LIMITS.bodyKeyLength);
}

const SCHEMA_PARTS = ['querystring', 'query', 'params', 'headers', 'body'] as const;
const NESTED = ['properties', 'patternProperties', 'definitions', '$defs'] as const;
const SUBSCHEMAS = ['items', 'additionalProperties', 'if', 'then', 'else', 'not', 'contains'] as const;
const LISTS = ['anyOf', 'oneOf', 'allOf', 'prefixItems'] as const;

/** Every integer or number a route schema accepts gets bounds (±2^53 − 1) unless it already has its own. */
function boundSchemaNumbers(route: RouteOptions): void {
  const schema = route.schema as Record<string, unknown> | undefined;
  if (!schema) return;
  for (const part of SCHEMA_PARTS) boundNumbers(schema[part], 0);
}

function boundNumbers(node: unknown, depth: number): void {
  if (!node || typeof node !== 'object' || depth > 32) return;
  const s = node as Record<string, unknown>;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  if (types.includes('integer') || types.includes('number')) {
    if (s.maximum === undefined && s.exclusiveMaximum === undefined) s.maximum = Number.MAX_SAFE_INTEGER;
    if (s.minimum === undefined && s.exclusiveMinimum === undefined) s.minimum = -Number.MAX_SAFE_INTEGER;
  }
  for (const key of NESTED) {
    const map = s[key];
    if (map && typeof map === 'object') for (const child of Object.values(map)) boundNumbers(child, depth + 1);
  }
  for (const key of SUBSCHEMAS) boundNumbers(s[key], depth + 1);
  for (const key of LISTS) if (Array.isArray(s[key])) for (const child of s[key]) boundNumbers(child, depth + 1);
}
