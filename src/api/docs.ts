import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';

/** Where Swagger UI answers (public: the authentication hook lets it through). */
export const API_DOCS_PATH = '/api/docs';

/**
 * OpenAPI description of /api and /fhir/R4, served at /api/docs (Swagger UI, /json, /yaml) when
 * OPENMES_API_DOCS is `public` — the default outside production. Off, nothing answers there (404): a
 * production platform does not publish a map of its routes unless its operator chooses to.
 */
export async function registerDocs(app: FastifyInstance, config: Pick<Config, 'apiDocs'>): Promise<void> {
  if (config.apiDocs !== 'public') return;
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'OpenMES API',
        version: '0.1.0',
        description: "API de l'espace santé OpenMES. Les erreurs sont en application/problem+json sous /api et en OperationOutcome sous /fhir/R4.",
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: API_DOCS_PATH });
}
