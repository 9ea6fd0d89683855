import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.ts';
import { createJsonParserPool } from './json-parser-pool.ts';
import { JSON_LIMITS, parseJsonWithinLimits, type JsonFault } from './parse-json-within-limits.ts';

/** Bodies above this size are parsed in a worker thread; smaller ones (nearly all) in place, which is faster. */
export const JSON_WORKER_THRESHOLD_BYTES = 256 * 1024;

const NOT_JSON = 'Le corps de la requête n’est pas un JSON valide.';

const REFUSALS: Record<JsonFault, { code: string; message: string }> = {
  SYNTAX: { code: 'JSON_SYNTAX', message: NOT_JSON },
  DEPTH: { code: 'JSON_TOO_DEEP', message: `Le JSON envoyé est trop imbriqué : ${JSON_LIMITS.maxDepth} niveaux d’objets et de tableaux au plus. Simplifiez sa structure.` },
  ITEMS: { code: 'JSON_TOO_MANY_ITEMS', message: `Le JSON envoyé compte trop d’éléments : ${JSON_LIMITS.maxItems} au plus. Envoyez-le en plusieurs requêtes.` },
  FORBIDDEN_KEY: { code: 'JSON_FORBIDDEN_KEY', message: 'Le JSON envoyé contient une clé interdite (__proto__ ou constructor.prototype). Retirez-la.' },
};

/**
 * The JSON parsers of every route (application/json, application/fhir+json, application/json-patch+json):
 * nesting and size capped before parsing (a 400 naming the limit), large bodies parsed off the event loop.
 * The body size itself is each route's `bodyLimit` (body-limits.ts), enforced while the body arrives.
 */
export function registerJsonBodyParsers(app: FastifyInstance): void {
  const pool = createJsonParserPool();
  app.addHook('onClose', async () => pool.close());

  const parse = async (bytes: Buffer): Promise<unknown> => {
    const outcome = bytes.length > JSON_WORKER_THRESHOLD_BYTES
      ? await pool.parse(bytes, JSON_LIMITS)
      : parseJsonWithinLimits(bytes.toString('utf8'), JSON_LIMITS.maxDepth, JSON_LIMITS.maxItems);
    if (outcome.ok) return outcome.value;
    const refusal = REFUSALS[outcome.fault];
    if (outcome.fault === 'SYNTAX') throw new AppError('VALIDATION_FAILED', NOT_JSON);
    throw new AppError('VALIDATION_FAILED', refusal.message, [{ field: 'requête', ...refusal }]);
  };

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, async (_request: FastifyRequest, body: Buffer) => {
    if (body.length === 0) throw new AppError('VALIDATION_FAILED', NOT_JSON);
    return parse(body);
  });
  // FHIR clients may send a bodyless POST/PUT with the FHIR type: no body, not an error here.
  app.addContentTypeParser(['application/fhir+json', 'application/json-patch+json'], { parseAs: 'buffer' }, async (_request: FastifyRequest, body: Buffer) =>
    body.length === 0 ? undefined : parse(body));
}
