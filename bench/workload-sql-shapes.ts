import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openPlatform } from '../src/cli/platform.ts';
import { parseConfig } from '../src/config.ts';
import { actorSnapshot, type Actor } from '../src/domain/actor.ts';
import { canonicalAuditPayload, genesisHash, type AuditEntry } from '../src/domain/audit-chain.ts';
import { actorForAccount } from '../src/services/actor-for-account.ts';
import { readDocument } from '../src/services/read-document.ts';
import { searchDocuments } from '../src/services/search-documents.ts';
import { findAccountByRpps } from '../src/store/account-repo.ts';
import { machineCpu, machineDelta, percentileSorted, cpuTracker, postgresPidsOf } from './workload-fixtures.ts';
import { round } from './workload-load.ts';

/**
 * Where W2/W3 time goes, without HTTP: on a database seeded by `npm run bench -- workload --keep`,
 *   tsx bench/workload-sql-shapes.ts --url postgres://…/openmes_bench_xxxx [--seconds 15] [--concurrency 32] [--pool 10]
 * runs closed loops of
 *   service-w3  readDocument() in this process (the W3 use case: 12 statements in one transaction)
 *   service-w2  searchDocuments() in this process (the W2 use case)
 *   two-trips   the same W3 read as 2 statements, no BEGIN/COMMIT: one SELECT of every access fact and
 *               the document, then one autocommit statement that appends the audit entry (same chain
 *               formula) and records the first access
 *   two-trips-prepared  the same with named (server-side prepared) statements
 *   facts-only  the first of those two statements alone (facts-prepared: as a named statement)
 *   trace-only  the second alone (synchronous_commit on), and trace-async with synchronous_commit off
 *   pk-select   the bare document row by primary key (the floor)
 * with 32 concurrent callers sharing a pool of 10 connections, as the server does.
 */

const { values } = parseArgs({
  options: {
    url: { type: 'string' }, seconds: { type: 'string', default: '15' }, concurrency: { type: 'string', default: '32' },
    pool: { type: 'string', default: '10' }, shapes: { type: 'string', default: 'service-w3,service-w2,two-trips,pk-select' },
  },
});
if (!values.url) throw new Error('--url is required (a database kept by `npm run bench -- workload --keep`)');
const url = values.url;
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const poolSize = Number(values.pool);

const platform = await openPlatform(parseConfig({ DATABASE_URL: url, OPENMES_LOG_LEVEL: 'silent' }));
const pool = new pg.Pool({ connectionString: url, max: poolSize });
const docs = (await platform.db.query<{ dossier_id: string; document_id: string }>('SELECT dossier_id, document_id FROM document')).rows;
const patients = [...new Set(docs.map((d) => d.dossier_id))];
const benchRpps = (await platform.db.query<{ rpps: string }>('SELECT rpps FROM consent GROUP BY rpps ORDER BY count(*) DESC LIMIT 1')).rows[0]!.rpps;
const actor = actorForAccount((await findAccountByRpps(platform.db, benchRpps))!) as Extract<Actor, { kind: 'professional' }>;
const pick = <T>(a: readonly T[]) => a[Math.floor(Math.random() * a.length)]!;

const FACTS_AND_DOCUMENT = `
  SELECT d.state, d.birth_date,
    (SELECT coalesce(json_agg(json_build_object('kind', r.kind, 'related', r.related_dossier_id, 'ended', r.ended_at)), '[]')
       FROM dossier_relationship r WHERE r.dossier_id = d.dossier_id) AS relationships,
    (SELECT row_to_json(s) FROM dossier_settings s WHERE s.dossier_id = d.dossier_id) AS settings,
    EXISTS (SELECT 1 FROM professional_block b WHERE b.dossier_id = d.dossier_id AND b.rpps = $2) AS blocked,
    EXISTS (SELECT 1 FROM consent c WHERE c.dossier_id = d.dossier_id AND c.revoked_at IS NULL
            AND ((c.scope = 'professional' AND c.rpps = $2) OR (c.scope = 'structure' AND c.finess = $3))) AS consent,
    (SELECT a.mode FROM access_session a WHERE a.dossier_id = d.dossier_id AND a.rpps = $2 AND a.started_at <= $4 AND a.expires_at > $4
      ORDER BY a.started_at DESC LIMIT 1) AS session_mode,
    EXISTS (SELECT 1 FROM professional_first_access f WHERE f.dossier_id = d.dossier_id AND f.rpps = $2) AS accessed_before,
    (SELECT row_to_json(x) FROM (SELECT dossier_id, document_id, master_identifier, status, replaces, type_code, class_code, title, description,
       author, doc_date, period_start, period_end, facility_type, practice_setting, author_specialty, format_code, content_type, size, sha256,
       level, labels, invisible_patient_since, deposited_in_secret, created_at, updated_at, deleted_at, version
       FROM document WHERE dossier_id = d.dossier_id AND document_id = $5) x) AS document
  FROM dossier d WHERE d.dossier_id = $1`;

const TRACE = `
  WITH head AS (
    INSERT INTO audit_head AS h (dossier_id, seq, hash)
    VALUES ($1, 1, encode(sha256(convert_to($2 || '|1|' || $3, 'UTF8')), 'hex'))
    ON CONFLICT (dossier_id) DO UPDATE
      SET seq = h.seq + 1, hash = encode(sha256(convert_to(h.hash || '|' || (h.seq + 1)::text || '|' || $3, 'UTF8')), 'hex')
    RETURNING seq, hash),
  event AS (
    INSERT INTO audit_event (dossier_id, seq, occurred_at, action, outcome, reason, mode, actor_kind, actor_id, actor, target_type, target_id, request_id, details, hash)
    SELECT $1, head.seq, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, head.hash FROM head RETURNING seq),
  first AS (
    INSERT INTO professional_first_access (dossier_id, rpps, first_at) SELECT $1, $16, $4 WHERE NOT $17::boolean ON CONFLICT DO NOTHING RETURNING 1)
  SELECT (SELECT seq FROM event) AS seq, (SELECT count(*) FROM first)::int AS first`;

const asyncPool = new pg.Pool({ connectionString: url, max: poolSize, options: '-c synchronous_commit=off' });

const factsOf = async (c: pg.PoolClient | pg.Pool, doc: { dossier_id: string; document_id: string }, now: Date, name?: string) =>
  (await c.query({ text: FACTS_AND_DOCUMENT, values: [doc.dossier_id, actor.rpps, actor.structure?.finess ?? null, now, doc.document_id], ...(name ? { name } : {}) })).rows[0] as { document: { type_code: string; title: string } };

async function trace(c: pg.PoolClient | pg.Pool, doc: { dossier_id: string; document_id: string }, now: Date, details: Record<string, unknown>, name?: string): Promise<void> {
  const e: AuditEntry = {
    dossierId: doc.dossier_id, occurredAt: now, action: 'document.read', outcome: 'allowed', reason: 'POLICY_CONSENT', mode: 'normal',
    actorKind: actor.kind, actorId: actor.accountId, actor: actorSnapshot(actor), targetType: 'DocumentReference', targetId: doc.document_id,
    requestId: randomUUID(), details,
  };
  await c.query({ text: TRACE, ...(name ? { name } : {}), values: [e.dossierId, genesisHash(e.dossierId), canonicalAuditPayload(e), e.occurredAt, e.action, e.outcome, e.reason, e.mode,
    e.actorKind, e.actorId, JSON.stringify(e.actor), e.targetType, e.targetId, e.requestId, JSON.stringify(e.details), actor.rpps, true] });
}

async function twoTrips(prepared: boolean): Promise<void> {
  const doc = pick(docs);
  const now = new Date();
  const c = await pool.connect();
  try {
    const facts = await factsOf(c, doc, now, prepared ? 'facts' : undefined);
    await trace(c, doc, now, { typeCode: facts.document.type_code, title: facts.document.title }, prepared ? 'trace' : undefined);
  } finally {
    c.release();
  }
}

const shapes: Record<string, () => Promise<unknown>> = {
  'service-w3': () => { const d = pick(docs); return readDocument(platform, { actor, requestId: randomUUID() }, d.dossier_id, d.document_id, { content: false }); },
  'service-w2': () => searchDocuments(platform, { actor, requestId: randomUUID() }, pick(patients), { count: 50 }),
  'two-trips': () => twoTrips(false),
  'two-trips-prepared': () => twoTrips(true),
  'facts-prepared': () => factsOf(pool, pick(docs), new Date(), 'facts'),
  'facts-only': () => factsOf(pool, pick(docs), new Date()),
  'trace-only': () => trace(pool, pick(docs), new Date(), { typeCode: '11488-4', title: 'Consult note' }),
  'trace-async': () => trace(asyncPool, pick(docs), new Date(), { typeCode: '11488-4', title: 'Consult note' }),
  'pk-select': async () => { const d = pick(docs); await pool.query('SELECT * FROM document WHERE dossier_id = $1 AND document_id = $2', [d.dossier_id, d.document_id]); },
};

async function loop(name: string, fn: () => Promise<unknown>): Promise<void> {
  const lat: number[] = [];
  const pgCpu = cpuTracker(() => postgresPidsOf(url, new URL(url).pathname.slice(1)));
  await pgCpu.start();
  const cpu0 = process.cpuUsage();
  const m0 = machineCpu();
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (performance.now() < deadline) {
      const s = performance.now();
      await fn();
      lat.push(performance.now() - s);
    }
  }));
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const m1 = machineCpu();
  lat.sort((a, b) => a - b);
  const { busy: machine, irq } = machineDelta(m0, m1, cpus().length);
  const client = (100 * (cpu.user + cpu.system)) / 1e6 / secs;
  const pgPct = (100 * (await pgCpu.stop())) / secs;
  const rate = lat.length / secs;
  process.stdout.write(`${name.padEnd(18)} ${round(rate, 0).toString().padStart(6)}/s  p50 ${round(percentileSorted(lat, 50), 2)} ms  p99 ${round(percentileSorted(lat, 99), 2)} ms  ` +
    `CPU % of a core: this process ${round(client, 0)}, postgres ${round(pgPct, 0)}, interrupts ${round(irq, 0)}, other ${round(Math.max(0, machine - irq - client - pgPct), 0)}; ` +
    `CPU ms per call: process ${round((10 * client) / rate, 2)}, postgres ${round((10 * pgPct) / rate, 2)}\n`);
}

try {
  for (const name of values.shapes.split(',')) {
    const fn = shapes[name];
    if (!fn) throw new Error(`unknown shape ${name}`);
    for (let i = 0; i < 50; i++) await fn(); // warm the code and the caches
    await loop(name, fn);
  }
} finally {
  await pool.end();
  await asyncPool.end();
  await platform.close();
}
