import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { copyDsfrToPublic, dsfrAssetsVersion } from './scripts/copy-dsfr.ts';

const webDir = fileURLToPath(new URL('.', import.meta.url));
const publicDir = resolve(webDir, 'public');
const apiTarget = process.env.OPENMES_DEV_API ?? 'http://127.0.0.1:8080';

/**
 * DSFR static assets (react-dsfr's documented Vite setup serves them from `public/dsfr`):
 * copied before Vite lists the public dir, and versioned in index.html for cache busting.
 */
function dsfrAssets(): Plugin {
  const version = dsfrAssetsVersion();
  return {
    name: 'openmes:dsfr-assets',
    config() {
      copyDsfrToPublic(publicDir, { log: (m) => console.info(`[openmes:dsfr-assets] ${m}`) });
    },
    transformIndexHtml(html) {
      // Stylesheets only: fonts are requested by the CSS without query, so preloads must match.
      return html.replace(/(href="\/dsfr\/[^"?#]+\.css)"/g, `$1?v=${encodeURIComponent(version)}"`);
    },
  };
}

export default defineConfig({
  root: webDir,
  base: '/',
  publicDir,
  plugins: [react(), dsfrAssets()],
  build: {
    outDir: resolve(webDir, '../dist/web'),
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    // `npm run dev:web`: the Fastify server (API + OIDC provider) runs on :8080.
    proxy: {
      '/api': apiTarget,
      '/oidc': apiTarget,
    },
  },
  preview: { port: 4173 },
});
