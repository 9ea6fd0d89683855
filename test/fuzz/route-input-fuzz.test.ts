import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/*
 * Route input fuzz (issue 8 item 10, RELIABILITY R10 at the HTTP edge). Every route the application
 * registers — taken from the router itself, as the R2 sweep does — gets, in each of its inputs (path
 * parameters, query parameters, JSON and form body values and keys, the Idempotency-Key), a NUL byte,
 * a lone surrogate, a control character, a 100 kB string, out-of-range numbers (1e20, -1, NaN, 1e400…)
 * and, where a date goes, impossible dates; plus seeded random picks. Each is sent by every kind of
 * caller that reaches the handler (anonymous, the patient, a professional, the operator: the actors the
 * sweep table allows). Oracle: no 5xx, ever; a NUL is never accepted; a well-formed error body; and a
 * refused request changes no data.
 *
 *   OPENMES_FUZZ_SEED=7 npx vitest run test/fuzz/route-input-fuzz.test.ts
 */
type CapturedRoute = { method: string | string[]; url: string; schema?: { querystring?: { properties?: Record<string, { type?: unknown }> } } };
const captured = vi.hoisted(() => [] as CapturedRoute[]);
vi.mock('fastify', async (importOriginal) => {
  const mod = await importOriginal<typeof import('fastify')>();
  type Create = (options?: unknown) => { addHook: (name: 'onRoute', hook: (route: CapturedRoute) => void) => void };
  const create = mod.default as unknown as Create;
  const wrapped = (options?: unknown) => {
    const app = create(options);
    app.addHook('onRoute', (route) => { captured.push({ method: route.method, url: route.url, ...(route.schema ? { schema: route.schema } : {}) }); });
    return app;
  };
  return { ...mod, default: Object.assign(wrapped, mod.default) };
});

import { createSweepApp, GUARDED_TABLES, type SweepApp, type SweepRequest } from '../sweep/harness.ts';
import { PUBLIC_ROUTES, SPECS, type Ids, type Spec } from '../sweep/table.ts';
import { buildWorld, type ActorName, type World } from '../sweep/world.ts';
import { portalAuthorizeUrl, startInteraction } from '../support/oidc-interaction.ts';
import { seededRandom } from '../support/seeded-random.ts';
import { ENGINE } from '../support/test-db.ts';

const SEED = Number(process.env.OPENMES_FUZZ_SEED) || 0x5eed10;
const LONG = 100_000;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
/** A number written as is in the JSON text (1e400, NaN, -0: what JSON.stringify cannot write). */
type RawNumber = { raw: string };
type Leaf = string | RawNumber;
type Path = Array<string | number>;

/** One request, split into the inputs the fuzzer replaces. */
type Wire = {
  method: string;
  segments: string[];
  query: Array<[string, string]>;
  body: { kind: 'json'; value: unknown; contentType: string } | { kind: 'form'; value: Record<string, string> } | null;
  headers: Record<string, string>;
};

type Slot =
  | { kind: 'param'; name: string; index: number }
  /** `sample`: a plausible value for a declared parameter the request does not carry. */
  | { kind: 'query'; name: string; sample: string }
  | { kind: 'queryKey' }
  | { kind: 'body'; path: Path }
  | { kind: 'bodyKey' }
  | { kind: 'header'; name: string };

type ValueClass = 'nul' | 'surrogate' | 'control' | 'long' | 'number' | 'minus' | 'nan' | 'date' | 'random';
type Rand = () => number;

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const insertAt = (r: Rand, s: string, what: string) => { const i = Math.floor(r() * (s.length + 1)); return s.slice(0, i) + what + s.slice(i); };
const NUMBERS = ['1e20', '-1', 'NaN', '1e400', '-1e400', '99999999999999999999', '9007199254740993', '-0', '0.5', '0x10', 'Infinity'];
const JSON_NUMBERS = ['1e20', '-1', '1e400', '-1e400', '99999999999999999999', '9007199254740993', '-0', '0.5', '-9e18'];
const DATES = ['99999-12-31', '0000-01-01', '2000-02-31', '2026-13-45', '9999-12-31T23:59:59+14:00', '-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00.001Z', '1970-01-01T00:00:00.000000000001Z', '2026-01-15T25:61:61Z'];
const CONTROLS = ['\u0001', '\u0008', '\u000b', '\u001b', '\u007f', '\u0085', '\u009f', '\r\n', '\t'];
const RANDOM_STRINGS = ['', ' ', '%', '%00', '..', '../../etc/passwd', '\\', "'; DROP TABLE document; --", '{}', '[]', 'null', 'é', '\uFEFF', '\u202E', '😀', '\uFFFF', 'a'.repeat(257), 'Patient/', '|', ',,,', 'ge', 'urn:oid:', '\u0000\u0000'];
const FILLERS = ['a', 'é', '😀', '0', '%', ' '];
const DATE_LIKE = /^(eq|ne|ge|gt|le|lt|sa|eb)?\d{4}(-\d{2}(-\d{2}(T.*)?)?)?$/;

/** A lone surrogate, high or low. */
const loneSurrogate = (r: Rand) => String.fromCharCode((r() < 0.5 ? 0xd800 : 0xdc00) + Math.floor(r() * 0x400));

const NUMERIC = /^-?\d+(\.\d+)?$/;

/**
 * The classes every slot gets — -1 and NaN too where a number goes, impossible dates where a date goes —
 * then a control character or a seeded random pick.
 */
function classesFor(r: Rand, original: string): ValueClass[] {
  return [
    'nul', 'surrogate', 'long', 'number', ...(NUMERIC.test(original) ? ['minus', 'nan'] as const : []),
    ...(DATE_LIKE.test(original) ? ['date' as const] : []), r() < 0.5 ? 'control' : 'random',
  ];
}

function hostile(r: Rand, cls: ValueClass, original: string, json: boolean): Leaf {
  switch (cls) {
    case 'nul': return insertAt(r, original, '\u0000');
    case 'surrogate': return insertAt(r, original, loneSurrogate(r));
    case 'control': return insertAt(r, original, pick(r, CONTROLS));
    case 'long': { const f = pick(r, FILLERS); return f.repeat(Math.ceil(LONG / f.length)); }
    // 1e20 everywhere (beyond 2^53 and PostgreSQL's bigint); the other numbers come in the random picks.
    case 'number': return json ? { raw: '1e20' } : '1e20';
    case 'minus': return json ? { raw: '-1' } : '-1';
    case 'nan': return json ? { raw: 'NaN' } : 'NaN';
    case 'date': { const prefix = /^[a-z]{2}/.exec(original)?.[0] ?? ''; return prefix + pick(r, DATES); }
    case 'random': {
      const c = pick(r, ['nul', 'surrogate', 'control', 'long', 'numbers', 'numbers', 'date', 'string', 'string'] as const);
      if (c === 'string') return r() < 0.5 ? pick(r, RANDOM_STRINGS) : insertAt(r, original, pick(r, RANDOM_STRINGS));
      if (c === 'numbers') return json ? { raw: pick(r, JSON_NUMBERS) } : pick(r, NUMBERS);
      return hostile(r, c, original, json);
    }
    default: return cls satisfies never;
  }
}

// ---- the wire format: percent-encoding that can carry lone surrogates, JSON that can carry 1e400 ----

/** encodeURIComponent, except that a lone surrogate is written as its 3 CESU-8 bytes (what an attacker can send). */
function encodeComponent(s: string): string {
  try { return encodeURIComponent(s); } catch { /* lone surrogate */ }
  let out = '';
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    } else out += encodeURIComponent(ch);
  }
  return out;
}

function serialiseJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && 'raw' in v && Object.keys(v).length === 1) { raws.push((v as RawNumber).raw); return `\u0000raw${raws.length - 1}\u0000`; }
    return v;
  });
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)]!);
}

function toWire(request: SweepRequest): Wire {
  const [path, search = ''] = request.url.split('?', 2) as [string, string?];
  const query = [...new URLSearchParams(search)] as Array<[string, string]>;
  const body = request.body === undefined ? null
    : request.contentType === 'application/x-www-form-urlencoded'
      ? { kind: 'form' as const, value: request.body as Record<string, string> }
      : { kind: 'json' as const, value: request.body, contentType: request.contentType ?? 'application/json' };
  return { method: request.method, segments: path.split('/'), query, body, headers: { ...request.headers } };
}

type Injected = { status: number; contentType: string; body: string };

async function sendWire(s: SweepApp, w: Wire, token: string | null, cookie?: string): Promise<Injected | null> {
  const url = w.segments.join('/') + (w.query.length ? `?${w.query.map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`).join('&')}` : '');
  const headers: Record<string, string> = { ...w.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (cookie) headers.cookie = cookie;
  let payload: string | undefined;
  if (w.body?.kind === 'json') { headers['content-type'] = w.body.contentType; payload = serialiseJson(w.body.value); }
  if (w.body?.kind === 'form') {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    payload = Object.entries(w.body.value).map(([k, v]) => `${encodeComponent(k)}=${encodeComponent(v)}`).join('&');
  }
  try {
    const res = await s.app.inject({ method: w.method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: res.body };
  } catch (err) {
    // A header value no HTTP client can send (NUL, CR, LF): refused before it reaches the server.
    if ((err as { code?: string }).code === 'ERR_INVALID_CHAR' || (err as { code?: string }).code === 'ERR_HTTP_INVALID_HEADER_VALUE') return null;
    throw err;
  }
}

// ---- slots: every input of a request ----

function leaves(value: unknown, path: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value)) value.forEach((v, i) => leaves(v, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) leaves(v, [...path, k], out);
  else out.push(path);
  return out;
}

function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], value);
}

function setAt(value: unknown, path: Path, leaf: unknown): unknown {
  if (path.length === 0) return leaf;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = leaf;
  return copy;
}

function slotsOf(w: Wire, pattern: string, extraQuery: Record<string, string>): Slot[] {
  const slots: Slot[] = [];
  pattern.split('/').forEach((seg, index) => {
    if (seg.startsWith(':')) slots.push({ kind: 'param', name: seg.slice(1), index });
    if (seg === '*') slots.push({ kind: 'param', name: '*', index });
  });
  for (const [name] of w.query) slots.push({ kind: 'query', name, sample: '' });
  for (const [name, sample] of Object.entries(extraQuery)) if (!w.query.some(([k]) => k === name)) slots.push({ kind: 'query', name, sample });
  slots.push({ kind: 'queryKey' });
  if (w.body?.kind === 'json') { for (const p of leaves(w.body.value)) slots.push({ kind: 'body', path: p }); slots.push({ kind: 'bodyKey' }); }
  if (w.body?.kind === 'form') for (const k of Object.keys(w.body.value)) slots.push({ kind: 'body', path: [k] });
  if (w.method !== 'GET' && w.method !== 'HEAD') slots.push({ kind: 'header', name: 'idempotency-key' });
  return slots;
}

const slotName = (slot: Slot) => slot.kind === 'param' ? `path :${slot.name}` : slot.kind === 'query' ? `query ${slot.name}` : slot.kind === 'body' ? `body ${slot.path.join('.')}` : slot.kind === 'header' ? `header ${slot.name}` : slot.kind;

function originalOf(w: Wire, slot: Slot): string {
  switch (slot.kind) {
    case 'param': { const raw = w.segments[slot.index] ?? ''; try { return decodeURIComponent(raw); } catch { return raw; } }
    case 'query': return w.query.find(([k]) => k === slot.name)?.[1] ?? slot.sample;
    case 'body': { const v = getAt(w.body?.value, slot.path); return v === undefined || v === null ? '' : String(v); }
    case 'header': return w.headers[slot.name] ?? 'fuzz-key-0001';
    case 'queryKey': case 'bodyKey': return 'fuzz';
    default: return slot satisfies never;
  }
}

function mutate(w: Wire, slot: Slot, leaf: Leaf): Wire {
  const text = typeof leaf === 'string' ? leaf : leaf.raw;
  switch (slot.kind) {
    case 'param': { const segments = [...w.segments]; segments[slot.index] = encodeComponent(text); return { ...w, segments }; }
    case 'query':
      if (!w.query.some(([k]) => k === slot.name)) return { ...w, query: [...w.query, [slot.name, text]] };
      return { ...w, query: w.query.map(([k, v]) => [k, k === slot.name ? text : v]) };
    case 'queryKey': return { ...w, query: [...w.query, [text, 'x']] };
    case 'body':
      if (w.body?.kind === 'form') return { ...w, body: { kind: 'form', value: { ...w.body.value, [String(slot.path[0])]: text } } };
      return w.body ? { ...w, body: { ...w.body, value: setAt(w.body.value, slot.path, leaf) } } : w;
    case 'bodyKey': {
      if (w.body?.kind !== 'json' || !w.body.value || typeof w.body.value !== 'object') return w;
      const value = Array.isArray(w.body.value) ? [...w.body.value, { [text]: 'x' }] : { ...(w.body.value as object), [text]: 'x' };
      return { ...w, body: { ...w.body, value } };
    }
    case 'header': return { ...w, headers: { ...w.headers, [slot.name]: text } };
    default: return slot satisfies never;
  }
}

// ---- the oracle ----

type Case = { label: string; wire: Wire; token: string | null; cls: ValueClass; slot: Slot; cookie?: string };

/** What is wrong with the answer, or null. */
function judge(c: Case, res: Injected): string | null {
  if (res.status >= 500) return `${res.status} ${res.body.slice(0, 200)}`;
  // A NUL can mean nothing anywhere: it is refused (a redirect or a 2xx would mean it was used).
  if (c.cls === 'nul' && res.status < 400 && c.slot.kind !== 'header') return `NUL accepted: ${res.status} ${res.body.slice(0, 120)}`;
  if (res.status >= 400 && c.wire.segments[1] === 'fhir' && res.status !== 404 && !res.contentType.startsWith('application/fhir+json')) return `FHIR error not an OperationOutcome: ${res.contentType}`;
  if (res.status >= 400 && c.wire.segments[1] === 'api' && c.wire.segments[2] !== 'docs' && !res.contentType.startsWith('application/problem+json')) return `API error not problem+json: ${res.contentType}`;
  return null;
}

/**
 * Writes to the guarded tables (the sweep's list: patient data), counted by row triggers created in this
 * file's private test database: one cheap read after each request tells whether it changed anything.
 */
async function countWrites(): Promise<void> {
  await s.db.query('CREATE TABLE fuzz_writes (n bigint NOT NULL, tables text NOT NULL)');
  await s.db.query("INSERT INTO fuzz_writes VALUES (0, '')");
  await s.db.query(`CREATE FUNCTION fuzz_count_write() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN UPDATE fuzz_writes SET n = n + 1, tables = tables || TG_TABLE_NAME || ' '; RETURN NULL; END $$`);
  for (const table of GUARDED_TABLES) {
    await s.db.query(`CREATE TRIGGER fuzz_count_write AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION fuzz_count_write()`);
  }
}
async function writes(): Promise<{ n: number; tables: string }> {
  const row = (await s.db.query<{ n: string; tables: string }>('SELECT n, tables FROM fuzz_writes')).rows[0]!;
  return { n: Number(row.n), tables: row.tables };
}

let s: SweepApp;
let inventory: Set<string>;
/** Query parameters each route declares (its schema, or the CapabilityStatement for FHIR searches), with a sample value. */
const declared = new Map<string, Record<string, string>>();
const fuzzed = new Set<string>();
const worlds = new Map<string, World>();
let requests = 0;
const started = performance.now();

async function worldFor(spec: Spec): Promise<World> {
  const key = JSON.stringify(spec.world ?? {});
  if (!worlds.has(key)) worlds.set(key, await buildWorld(s, spec.world));
  return worlds.get(key)!;
}

const TOKEN_KINDS: ActorName[] = ['owner', 'consentedPro', 'operator', 'strangerPatient', 'unrelatedPro'];

/** Anonymous, and one caller of each kind the table allows (those reach the deepest code); else a patient and a professional. */
function actorsOf(spec: Spec): ActorName[] {
  const allowed = spec.allowed.length ? spec.allowed : (['consentedPro', 'owner'] as ActorName[]);
  const byKind = new Map<string, ActorName>();
  for (const name of [...allowed].sort((a, b) => TOKEN_KINDS.indexOf(a) - TOKEN_KINDS.indexOf(b))) {
    const kind = name === 'operator' ? 'operator' : name.endsWith('Pro') ? 'professional' : 'person';
    if (!byKind.has(kind)) byKind.set(kind, name);
  }
  return ['noToken', ...byKind.values()];
}

/** Sends every case; a refused one must leave the guarded tables (patient data) as they were. */
async function run(cases: Case[], options: { touchesPatientData: boolean } = { touchesPatientData: true }): Promise<string[]> {
  const problems: string[] = [];
  let before = options.touchesPatientData ? await writes() : { n: 0, tables: '' };
  for (const c of cases) {
    const res = await sendWire(s, c.wire, c.token, c.cookie);
    requests++;
    if (!res) continue;
    const wrong = judge(c, res);
    if (wrong) problems.push(`${c.label} [${slotName(c.slot)} ← ${c.cls}]: ${wrong}`);
    if (!options.touchesPatientData) continue;
    const after = await writes();
    if (res.status >= 400 && after.n !== before.n) {
      const tables = [...new Set(after.tables.slice(before.tables.length).trim().split(' '))];
      problems.push(`${c.label} [${slotName(c.slot)} ← ${c.cls}]: refused ${res.status} but wrote ${after.n - before.n} row(s) of ${tables.join(', ')}`);
    }
    before = after;
  }
  return problems;
}

/**
 * Every slot × class, skipping slots an earlier variant of the route already covered. Each caller with a
 * token gets every class (they reach the handler); the anonymous caller the NUL and the 100 kB string
 * (what is read before authentication), the other classes in turn with the others.
 */
function casesFor(label: string, request: SweepRequest, pattern: string, actors: Array<{ name: string; token: string | null }>, r: Rand, covered: Set<string>, cookie?: string): Case[] {
  const wire = toWire(request);
  const cases: Case[] = [];
  let turn = 0;
  for (const slot of slotsOf(wire, pattern, declared.get(`${request.method} ${pattern}`) ?? {})) {
    const key = `${request.method} ${pattern} ${slotName(slot)}`;
    if (covered.has(key)) continue;
    covered.add(key);
    const original = originalOf(wire, slot);
    for (const cls of classesFor(r, original)) {
      const leaf = hostile(r, cls, original, wire.body?.kind === 'json' && slot.kind === 'body');
      const mutated = mutate(wire, slot, leaf);
      const withToken = actors.filter((a) => a.token !== null);
      const to = withToken.length === 0 || cls === 'nul' || cls === 'long' || turn++ % actors.length === 0 ? actors : withToken;
      for (const a of to) cases.push({ label: `${label} as ${a.name}`, wire: mutated, token: a.token, cls, slot, ...(cookie ? { cookie } : {}) });
    }
  }
  return cases;
}

/** A concrete request for a public route pattern: `:param` and `*` filled, a query parameter to fuzz. */
function publicRequest(key: string): SweepRequest | null {
  const [method, pattern] = key.split(' ') as [string, string];
  if (pattern === '/oidc' || pattern === '/oidc/*') return null; // concrete OpenID Connect requests below
  const url = pattern.replace(/:[a-z]+/gi, 'abcdefgh').replace('*', 'fuzz/page');
  return { method, url: `${url}?q=valeur`, ...(method === 'POST' ? { body: { field: 'valeur' }, contentType: 'application/x-www-form-urlencoded' } : {}) };
}

/** The OpenID Connect server's own endpoints (oidc-provider reads their bodies itself). */
const OIDC_REQUESTS: SweepRequest[] = [
  { method: 'GET', url: portalAuthorizeUrl('patient') },
  { method: 'POST', url: '/oidc/token', contentType: 'application/x-www-form-urlencoded', body: { grant_type: 'authorization_code', code: 'abcdefgh', client_id: 'openmes-patient-portal', redirect_uri: 'http://127.0.0.1:8080/auth/callback', code_verifier: 'a'.repeat(43) } },
  { method: 'POST', url: '/oidc/token', contentType: 'application/x-www-form-urlencoded', body: { grant_type: 'client_credentials', client_id: 'logiciel', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: 'a.b.c' } },
  { method: 'GET', url: '/oidc/session/end?id_token_hint=abc&post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A8080%2F' },
  { method: 'GET', url: '/oidc/.well-known/openid-configuration' },
  { method: 'GET', url: '/oidc/me' },
];

const SAMPLE_BY_TYPE: Record<string, string> = { date: '2026-01-10', number: '10', integer: '10', token: 'x', reference: 'Patient/x', string: 'abc', boolean: 'true' };

/** So that every parameter a route accepts is fuzzed, not only those its sweep request happens to use. */
async function learnDeclaredParameters(): Promise<void> {
  for (const route of captured) {
    const properties = route.schema?.querystring?.properties ?? {};
    const sample = Object.fromEntries(Object.entries(properties).map(([name, p]) => [name, SAMPLE_BY_TYPE[String(p.type)] ?? 'abc']));
    for (const m of Array.isArray(route.method) ? route.method : [route.method]) declared.set(`${m} ${route.url}`, sample);
  }
  const metadata = JSON.parse((await s.app.inject({ method: 'GET', url: '/fhir/R4/metadata' })).body) as {
    rest: Array<{ resource: Array<{ type: string; searchParam?: Array<{ name: string; type: string }> }> }>;
  };
  for (const resource of metadata.rest[0]!.resource) {
    const sample = Object.fromEntries((resource.searchParam ?? []).map((p) => [p.name, SAMPLE_BY_TYPE[p.type] ?? 'abc']));
    declared.set(`GET /fhir/R4/${resource.type}`, { ...declared.get(`GET /fhir/R4/${resource.type}`), ...sample });
  }
}

describe(`route input fuzz: every route × input × caller (${ENGINE})`, () => {
  beforeAll(async () => {
    s = await createSweepApp();
    inventory = new Set(captured.flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).map((m) => `${m} ${r.url}`)));
    await learnDeclaredParameters();
    await countWrites();
  }, 120_000);
  afterAll(async () => s?.close());

  const covered = new Set<string>();
  // Lifecycle changes last: a fuzzed request that closes the space must not make later routes shallower.
  const ordered = [...SPECS].sort((a, b) => Number(a.route.includes('/:action')) - Number(b.route.includes('/:action')));
  for (const [i, spec] of ordered.entries()) {
    it(`${spec.route} [${spec.variant}]`, async () => {
      const [method, pattern] = spec.route.split(' ') as [string, string];
      if (!inventory.has(`${method} ${pattern}`)) return;
      const w = await worldFor(spec);
      const ids: Ids = { dossier: w.target.id, ins: w.target.ins, family: w.target.family, doc: (spec.doc === 'patient' ? w.patientDoc : w.proDoc).fhirId, ref: w.stranger.doc.fhirId };
      const actors = actorsOf(spec).map((name) => ({ name, token: w.actors[name as ActorName].token }));
      const r = seededRandom(SEED + i);
      const cases = casesFor(spec.route, spec.build(ids, w), pattern, actors, r, covered);
      expect(await run(cases)).toEqual([]);
      fuzzed.add(`${method} ${pattern}`);
      if (method === 'GET' && inventory.has(`HEAD ${pattern}`)) fuzzed.add(`HEAD ${pattern}`);
    }, 120_000);
  }

  it('public routes and the OpenID Connect endpoints, anonymously', async () => {
    const r = seededRandom(SEED - 1);
    const cases: Case[] = [];
    for (const key of Object.keys(PUBLIC_ROUTES).filter((k) => inventory.has(k))) {
      fuzzed.add(key);
      // HEAD runs the GET handler: fuzzed through it.
      if (key.startsWith('HEAD ') && inventory.has(key.replace('HEAD', 'GET'))) continue;
      const request = publicRequest(key);
      if (request) cases.push(...casesFor(key, request, key.split(' ')[1]!, [{ name: 'anonymous', token: null }], r, covered));
    }
    for (const request of OIDC_REQUESTS) {
      cases.push(...casesFor(`${request.method} ${request.url.split('?')[0]}`, request, request.url.split('?')[0]!, [{ name: 'anonymous', token: null }], r, covered));
    }
    // No token, no dossier: these pages hold no patient data (the oracle here is the answer itself).
    expect(await run(cases, { touchesPatientData: false })).toEqual([]);
  }, 120_000);

  it('sign-in pages inside a live interaction (e-mail, password, code, card)', async () => {
    const r = seededRandom(SEED - 2);
    const patient = await startInteraction(s.app, portalAuthorizeUrl('patient', 'signin'));
    const pro = await startInteraction(s.app, portalAuthorizeUrl('pro'));
    const anonymous = [{ name: 'browser', token: null }];
    const forms: Array<[string, Record<string, string>, { uid: string; cookie: string }]> = [
      ['password', { email: 'camille.durand@example.test', password: 'mot-de-passe' }, patient],
      ['code', { code: '123456' }, patient],
      ['card', { account_id: '5e000000-0000-4000-8000-000000000004' }, pro],
    ];
    const cases: Case[] = [];
    for (const [step, body, flow] of forms) {
      const request: SweepRequest = { method: 'POST', url: `/interaction/${flow.uid}/${step}`, body, contentType: 'application/x-www-form-urlencoded' };
      cases.push(...casesFor(`POST /interaction/:uid/${step}`, request, `/interaction/:uid/${step}`, anonymous, r, new Set(), flow.cookie));
    }
    cases.push(...casesFor('GET /interaction/:uid', { method: 'GET', url: `/interaction/${patient.uid}?lang=fr` }, '/interaction/:uid', anonymous, r, new Set(), patient.cookie));
    expect(await run(cases, { touchesPatientData: false })).toEqual([]);
  }, 120_000);

  it('fuzzed every route the application registers', async () => {
    const missing = [...inventory].filter((k) => !fuzzed.has(k));
    expect(missing, 'routes no fuzz case reached (classify them in test/sweep/table.ts)').toEqual([]);
    console.log(`[fuzz] routes (${ENGINE}): ${inventory.size} route×method pairs, ${covered.size} inputs, ${requests} requests, ${(await writes()).n} rows written by accepted ones, seed ${SEED}, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });
});
