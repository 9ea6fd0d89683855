import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair } from 'jose';
import { buildApp } from '../../src/api/build-app.ts';
import { oidcPlugin } from '../../src/api/oidc/oidc-plugin.ts';
import { openPlatform, type Platform } from '../../src/cli/platform.ts';
import { parseConfig } from '../../src/config.ts';
import type { Actor } from '../../src/domain/actor.ts';
import { issueAccessToken, type TokenKeys } from '../../src/services/access-token.ts';
import { testClock } from '../support/fixtures.ts';
import { createTestDb, type TestDb } from '../support/test-db.ts';

/** One HTTP request of the sweep, before a token is attached. */
export type SweepRequest = {
  method: string;
  url: string;
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
};

export type SweepResponse = {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
  requestId: string;
};

export type SweepApp = {
  app: FastifyInstance;
  db: TestDb;
  platform: Platform;
  clock: ReturnType<typeof testClock>;
  keys: TokenKeys;
  /** Same issuer, same kid, another RSA key: what a forger without our key can sign. */
  foreignKeys: TokenKeys;
  token: (actor: Actor, options?: { keys?: TokenKeys; issuedSecondsAgo?: number; ttlSeconds?: number }) => Promise<string>;
  send: (request: SweepRequest, token: string | null) => Promise<SweepResponse>;
  requests: () => number;
  close: () => Promise<void>;
};

/**
 * The whole application as `openmes start` mounts it (APIs, FHIR, OIDC server and sign-in pages, dev
 * mailbox, built portals), on a fresh test database, with the carer feature OFF (OPENMES_MAX_CARERS=0).
 */
export async function createSweepApp(): Promise<SweepApp> {
  const db = await createTestDb();
  const clock = testClock('2026-01-15T10:00:00.000Z');
  const config = parseConfig({ OPENMES_MODE: 'test', OPENMES_LOG_LEVEL: 'silent', OPENMES_MAX_CARERS: '0' });
  const platform = await openPlatform(config, clock, db);
  if (platform.settings.carersEnabled) throw new Error('the sweep needs the carer feature off');
  const webRoot = mkdtempSync(join(tmpdir(), 'openmes-sweep-web-'));
  writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>OpenMES</title>');
  const app = await buildApp({ ...platform, logger: false, webRoot, plugins: [oidcPlugin({ ...platform, wakeOutbox: () => undefined })] });
  await app.ready();
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const keys = platform.tokenKeys;
  const foreignKeys: TokenKeys = { ...keys, privateKey, publicKey };
  let counter = 0;
  return {
    app, db, platform, clock, keys, foreignKeys,
    token: (actor, o = {}) => issueAccessToken(o.keys ?? keys, actor, o.ttlSeconds ?? 300, new Date(clock().getTime() - (o.issuedSecondsAgo ?? 0) * 1000)),
    async send(request, token) {
      const requestId = `sweep-${String(++counter).padStart(6, '0')}`;
      const headers: Record<string, string> = { 'x-request-id': requestId, ...request.headers };
      if (token) headers.authorization = `Bearer ${token}`;
      if (request.body !== undefined) headers['content-type'] = request.contentType ?? 'application/json';
      const res = await app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers,
        ...(request.body !== undefined ? { payload: JSON.stringify(request.body) } : {}),
      });
      const out: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(res.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v === undefined ? undefined : String(v);
      // The server names each request with its own id (the client's X-Request-Id is kept apart, issue 8 item 7c).
      return { status: res.statusCode, headers: out, body: res.body, requestId: out['x-request-id'] ?? requestId };
    },
    requests: () => counter,
    close: async () => {
      await app.close();
      await db.drop();
      rmSync(webRoot, { recursive: true, force: true });
    },
  };
}

/** The tables a denied request must leave untouched (rows and content). */
export const GUARDED_TABLES = [
  'document', 'document_content', 'consent', 'professional_block', 'dossier_settings', 'access_session', 'outbox',
  'document_opposition', 'dossier', 'dossier_relationship', 'professional_first_access', 'staged_binary', 'carer_invitation',
] as const;

/** Row count and content digest of each guarded table. */
export async function fingerprint(db: TestDb): Promise<Record<string, string>> {
  const select = GUARDED_TABLES.map((t) =>
    `(SELECT count(*) || ':' || md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM ${t} x) AS ${t}`).join(', ');
  const res = await db.query<Record<string, string>>(`SELECT ${select}`);
  return res.rows[0]!;
}

export function diffFingerprints(before: Record<string, string>, after: Record<string, string>): string[] {
  return GUARDED_TABLES.filter((t) => before[t] !== after[t]).map((t) => `${t} ${before[t]!.split(':')[0]}→${after[t]!.split(':')[0]} rows${before[t] !== after[t] && before[t]!.split(':')[0] === after[t]!.split(':')[0] ? ' (content changed)' : ''}`);
}

export type AuditRow = { outcome: string; dossier_id: string; actor_id: string; reason: string; action: string; mode: string; details: Record<string, unknown>; hash: string; request_id: string | null };

const AUDIT_COLUMNS = 'outcome, dossier_id, actor_id, reason, action, mode, details, hash, request_id';

export async function auditRowsOf(db: TestDb, requestId: string): Promise<AuditRow[]> {
  return (await db.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_event WHERE request_id = $1 ORDER BY seq`, [requestId])).rows;
}

/** Every entry of a dossier's chain, in order. */
export async function auditChainOf(db: TestDb, dossierId: string): Promise<AuditRow[]> {
  return (await db.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_event WHERE dossier_id = $1 ORDER BY seq`, [dossierId])).rows;
}
