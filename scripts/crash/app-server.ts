/**
 * The OpenMES HTTP application alone (APIs + FHIR, no OIDC server, no outbox dispatcher), for the crash
 * test: started as a child process against DATABASE_URL, it must ride through PostgreSQL restarts on its
 * own (pg Pool reconnects). Prints `listening <port>` once ready; SIGTERM closes it.
 */
import { buildApp } from '../../src/api/build-app.ts';
import { openPlatform } from '../../src/cli/platform.ts';
import { parseConfig } from '../../src/config.ts';

const config = parseConfig(process.env);
const platform = await openPlatform(config);
const app = await buildApp({ ...platform });
await app.listen({ host: '127.0.0.1', port: config.port });
const address = app.server.address();
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : config.port}\n`);
const stop = async () => {
  await app.close();
  await platform.close();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
