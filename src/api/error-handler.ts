import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERROR_CATALOG, isAppError, type ErrorCode } from '../domain/errors.ts';
import type { ValidationIssue } from '../domain/validation-issue.ts';
import { payloadTooLarge } from './body-limits.ts';

/** FHIR issue codes for our catalogue codes (OperationOutcome.issue.code). */
const FHIR_ISSUE_CODE: Partial<Record<ErrorCode, string>> = {
  AUTH_REQUIRED: 'login', AUTH_INVALID_TOKEN: 'login', AUTH_SESSION_ENDED: 'login', ACCESS_DENIED: 'forbidden', RESOURCE_NOT_FOUND: 'not-found',
  ROUTE_NOT_FOUND: 'not-supported', VALIDATION_FAILED: 'invalid', PAYLOAD_TOO_LARGE: 'too-long',
  UNSUPPORTED_MEDIA_TYPE: 'not-supported', DOSSIER_TRANSITION_REFUSED: 'business-rule', IDEMPOTENCY_KEY_REUSED: 'conflict',
  IDEMPOTENCY_IN_FLIGHT: 'conflict', SERVICE_UNAVAILABLE: 'transient', INTERNAL_ERROR: 'exception',
};

/** Turns anything thrown into one AppError; unknown failures become INTERNAL_ERROR without detail. */
export function toAppError(err: unknown, bodyLimit?: number): AppError {
  if (isAppError(err)) return err;
  const fe = err as Partial<FastifyError> & { validation?: { instancePath?: string; message?: string }[] };
  if (fe.validation) {
    const issues: ValidationIssue[] = fe.validation.map((v) => ({
      field: (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.') || 'requête',
      code: 'VALIDATION_SCHEMA',
      message: v.message ?? 'valeur invalide',
    }));
    return new AppError('VALIDATION_FAILED', undefined, issues);
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return payloadTooLarge(bodyLimit);
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (fe.statusCode === 400 && err instanceof SyntaxError)) {
    return new AppError('VALIDATION_FAILED', 'Le corps de la requête n’est pas un JSON valide.');
  }
  // The router's refusals, named like the input guard's (input-guard.ts).
  if (fe.code === 'FST_ERR_BAD_URL') return pathRefusal('INPUT_INVALID_URL', 'L’adresse demandée contient un encodage invalide (séquence %… incorrecte) : corrigez-la puis réessayez.');
  if (fe.code === 'FST_ERR_MAX_PARAM_LENGTH') return pathRefusal('INPUT_TOO_LONG', 'L’adresse demandée est trop longue : raccourcissez-la puis réessayez.');
  if (fe.statusCode === 400) return new AppError('VALIDATION_FAILED', 'Requête mal formée.');
  // A static file path refused by @fastify/static (`..`, NUL) or missing names nothing here; any other
  // client error a plugin raises stays a client error, never a 500.
  if (fe.code === 'FST_STATIC_FORBIDDEN_PATH' || fe.statusCode === 404) return new AppError('ROUTE_NOT_FOUND');
  if (typeof fe.statusCode === 'number' && fe.statusCode > 400 && fe.statusCode < 500 && err instanceof Error && fe.code?.startsWith('FST_')) {
    return new AppError('VALIDATION_FAILED', 'Requête mal formée.');
  }
  if (isDatabaseUnavailable(err)) return new AppError('SERVICE_UNAVAILABLE');
  return new AppError('INTERNAL_ERROR');
}

function pathRefusal(code: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', message, [{ field: 'path', code, message }]);
}

export function isFhirRequest(request: FastifyRequest): boolean {
  return request.url.startsWith('/fhir/');
}

export function operationOutcome(error: AppError): Record<string, unknown> {
  const code = FHIR_ISSUE_CODE[error.code] ?? 'processing';
  const severity = error.status >= 500 ? 'fatal' : 'error';
  const issues = error.issues.length
    ? error.issues.map((i) => ({ severity, code, details: { coding: [{ system: 'urn:openmes:reason', code: i.code }], text: i.message }, expression: [i.field] }))
    : [{ severity, code, details: { coding: [{ system: 'urn:openmes:error', code: error.code }], text: error.message } }];
  return { resourceType: 'OperationOutcome', issue: issues };
}

export function problemDetails(error: AppError, instance: string): Record<string, unknown> {
  return {
    type: `urn:openmes:error:${error.code}`,
    title: ERROR_CATALOG[error.code].message,
    status: error.status,
    detail: error.message,
    code: error.code,
    instance,
    ...(error.issues.length ? { issues: error.issues } : {}),
  };
}

/** The one place errors leave the server: OperationOutcome under /fhir, problem+json elsewhere. */
export function sendError(request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const error = toAppError(err, request.routeOptions?.bodyLimit);
  // Only the error's kind and code: driver messages can quote the values of the failing row.
  if (error.status >= 500) request.log.error({ err: { name: err instanceof Error ? err.name : typeof err, code: (err as { code?: string }).code } }, 'request failed');
  if (error.status === 401) reply.header('www-authenticate', 'Bearer');
  if (error.status === 503) reply.header('retry-after', '1');
  if (isFhirRequest(request)) {
    return reply.status(error.status).type('application/fhir+json; charset=utf-8').send(operationOutcome(error));
  }
  return reply.status(error.status).type('application/problem+json; charset=utf-8').send(problemDetails(error, request.id));
}

/**
 * The database went away (restart, failover, shutdown, refused connection): a transient 503 the client
 * may retry with its Idempotency-Key, not a 500.
 */
function isDatabaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return err instanceof Error && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(err.message);
  return /^(08|57P0[1-3])/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code);
}
