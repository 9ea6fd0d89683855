import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import { ASSETS_PATH } from './sign-in-pages.ts';

const DSFR_DIR = fileURLToPath(new URL('../../../node_modules/@codegouvfr/react-dsfr/dsfr/', import.meta.url));

/** The DSFR stylesheet and its fonts for the server-rendered pages, at /oidc-assets/ (nothing else of the folder). */
export const signInAssets: FastifyPluginAsync = async (app) => {
  if (!existsSync(DSFR_DIR)) {
    app.log.warn('DSFR styles not found (node_modules/@codegouvfr/react-dsfr): sign-in pages are served unstyled');
    return;
  }
  await app.register(fastifyStatic, {
    root: DSFR_DIR,
    prefix: `${ASSETS_PATH}/`,
    decorateReply: false,
    index: false,
    maxAge: 24 * 3600 * 1000,
    allowedPath: (path) => path === '/dsfr.min.css' || /^\/fonts\/[A-Za-z0-9_-]+\.woff2?$/.test(path),
  });
};
