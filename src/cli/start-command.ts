import { fileURLToPath } from 'node:url';
import { buildApp } from '../api/build-app.ts';
import { createOutboxDispatcher } from '../jobs/outbox-dispatcher.job.ts';
import { createRevisibilityJob } from '../jobs/revisibility.job.ts';
import { createNotificationHub } from '../services/notification-hub.ts';
import type { DemoSignIns } from '../services/seed-demo-accounts.ts';
import { seedDemo } from '../services/seed-demo.ts';
import type { Command } from './command.ts';
import { openPlatform } from './platform.ts';
import { printDemoSignIns } from './print-demo-sign-ins.ts';

const WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** `openmes start [--demo]`: migrate, optionally load demo data, serve the portals, APIs and sign-in, deliver e-mail. */
export const startCommand: Command = async ({ config, options }) => {
  if (options.demo && config.mode === 'production') {
    process.stderr.write('openmes start: --demo is refused in production mode.\n');
    return 1;
  }
  const platform = await openPlatform(config);
  let demo: DemoSignIns | null = null;
  if (options.demo) demo = await seedDemo(platform, { dataDir: config.dataDir });
  // Loaded here only, so other commands do not load the authorization server.
  const { oidcPlugin } = await import('../api/oidc/oidc-plugin.ts');
  // One node: the dispatcher announces new notifications to this process's live streams.
  const notificationHub = createNotificationHub();
  const dispatcher = createOutboxDispatcher({ ...platform, notifications: { services: platform, hub: notificationHub }, onError: (err) => app.log.error({ err: { message: err instanceof Error ? err.message : 'unknown' } }, 'outbox dispatch failed') });
  const app = await buildApp({ ...platform, notificationHub, webRoot: WEB_ROOT, plugins: [oidcPlugin({ ...platform, wakeOutbox: () => dispatcher.wake() })] });
  const revisibility = createRevisibilityJob({ ...platform, onError: () => app.log.error('re-visibility job failed') });
  const shutdown = async () => {
    await app.close();
    await revisibility.stop();
    await dispatcher.stop();
    await platform.close();
  };
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (err) {
    await shutdown();
    throw err;
  }
  const stop = () => shutdown().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  dispatcher.start();
  revisibility.start();
  process.stdout.write(`\nOpenMES is running on ${platform.db.engine === 'pglite' ? 'the embedded database' : 'PostgreSQL'}:\n` +
    `  Patient portal       ${config.publicUrl}/\n  Professional portal  ${config.publicUrl}/pro\n` +
    `  FHIR API             ${config.publicUrl}/fhir/R4/metadata\n` +
    (config.apiDocs === 'public' ? `  API documentation    ${config.publicUrl}/api/docs\n` : '') +
    `  OpenID Connect       ${platform.tokenKeys.issuer}/.well-known/openid-configuration\n` +
    (config.mode === 'production' ? '' : `  Development mailbox  ${config.publicUrl}/dev/mailbox\n`));
  if (demo) printDemoSignIns(demo, config.publicUrl);
  return new Promise<number>(() => undefined);
};
