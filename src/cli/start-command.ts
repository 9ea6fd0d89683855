import { fileURLToPath } from 'node:url';
import { buildApp } from '../api/build-app.ts';
import type { Command } from './command.ts';
import { openPlatform } from './platform.ts';

const WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** `openmes start [--demo]`: migrate, optionally load demo data, serve the portals and APIs. */
export const startCommand: Command = async ({ config }) => {
  const platform = await openPlatform(config);
  const app = await buildApp({ ...platform, webRoot: WEB_ROOT });
  const stop = async () => {
    await app.close();
    await platform.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await app.listen({ host: config.host, port: config.port });
  process.stdout.write(`\nOpenMES is running on ${platform.db.engine === 'pglite' ? 'the embedded database' : 'PostgreSQL'}:\n` +
    `  Patient portal       ${config.publicUrl}/\n  Professional portal  ${config.publicUrl}/pro\n` +
    `  FHIR API             ${config.publicUrl}/fhir/R4/metadata\n  API documentation    ${config.publicUrl}/api/docs\n`);
  return new Promise<number>(() => undefined);
};
