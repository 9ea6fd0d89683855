import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/build-app.ts';
import { oidcPlugin } from '../../src/api/oidc/oidc-plugin.ts';
import { openPlatform, type Platform } from '../../src/cli/platform.ts';
import { parseConfig } from '../../src/config.ts';
import { createOutboxDispatcher, type OutboxDispatcher } from '../../src/jobs/outbox-dispatcher.job.ts';
import { createNotificationHub } from '../../src/services/notification-hub.ts';
import { seedDemoAccounts, type DemoSignIns } from '../../src/services/seed-demo-accounts.ts';
import { insertDossier, insWithKey } from './fixtures.ts';
import { createTestDb, type TestDb } from './test-db.ts';

export type SignInServer = {
  baseUrl: string;
  issuer: string;
  db: TestDb;
  platform: Platform;
  app: FastifyInstance;
  dispatcher: OutboxDispatcher;
  demo: DemoSignIns;
  dossierId: string;
  dataDir: string;
  /** Technical log lines (JSON, level debug) written by the app. */
  logs: string[];
  close(): Promise<void>;
};

export const DEMO_PATIENT = { givenName: 'Camille', familyName: 'Durand', email: 'camille.durand@example.test' };

/**
 * The real application with its OIDC server, listening on 127.0.0.1 on a port chosen by the system
 * (the socket is opened first so the public URL — hence the issuer — names the real port).
 */
/** `notifications`: the dispatcher also delivers notifications (announced live to the app's streams). */
/** `clock`: the platform's clock (tests move it to let a sign-in back-off pass); the real time by default. */
export async function startSignInServer(options: { env?: (baseUrl: string) => Record<string, string>; webRoot?: string; notifications?: boolean; clock?: () => Date } = {}): Promise<SignInServer> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => { res.statusCode = 503; res.end(); };
  const server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'openmes-sign-in-'));
  const config = parseConfig({ OPENMES_MODE: 'test', OPENMES_PUBLIC_URL: baseUrl, OPENMES_DATA_DIR: dataDir, OPENMES_LOG_LEVEL: 'debug', ...options.env?.(baseUrl) });
  const db = await createTestDb();
  const platform = await openPlatform(config, options.clock ?? (() => new Date()), db);
  const dossierId = await insertDossier(db, { ins: insWithKey('2850575123456'), state: 'active', birthName: 'DURAND', firstNames: 'Camille' });
  const demo = await seedDemoAccounts(platform, { patients: [{ dossierId, ...DEMO_PATIENT }], dataDir });
  const notificationHub = createNotificationHub();
  const dispatcher = createOutboxDispatcher({ ...platform, ...(options.notifications ? { notifications: { services: platform, hub: notificationHub } } : {}) });
  const logs: string[] = [];
  const logStream = new Writable({ write(chunk, _enc, done) { logs.push(String(chunk)); done(); } });
  const app = await buildApp({ ...platform, notificationHub, logStream, ...(options.webRoot ? { webRoot: options.webRoot } : {}), plugins: [oidcPlugin({ ...platform, wakeOutbox: () => undefined })] });
  await app.ready();
  handler = (req, res) => app.routing(req, res);
  return {
    baseUrl, issuer: platform.tokenKeys.issuer, db, platform, app, dispatcher, demo, dossierId, dataDir, logs,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await app.close();
      await dispatcher.stop();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A minimal cookie jar for driving the browser side of the flow with fetch (paths ignored). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=/i.test(a) && new Date(a.split('=')[1]!).getTime() < Date.now());
      if (!value || expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** One browser request without following redirects; cookies kept in `jar`. */
export async function browse(jar: CookieJar, url: string, form?: Record<string, string>): Promise<Response> {
  const res = await fetch(url, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { cookie: jar.header(), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  jar.store(res);
  return res;
}

/** Follows redirects by hand until one leaves the platform's pages (or lands on `stopAt`). */
export async function follow(jar: CookieJar, baseUrl: string, res: Response, stopAt: (url: string) => boolean): Promise<{ url: string; res: Response }> {
  let current = res;
  let url = '';
  for (let i = 0; i < 10; i++) {
    const location = current.headers.get('location');
    if (current.status < 300 || current.status >= 400 || !location) return { url, res: current };
    url = new URL(location, current.url || baseUrl).href;
    if (stopAt(url)) return { url, res: current };
    current = await browse(jar, url);
  }
  throw new Error('too many redirects');
}
