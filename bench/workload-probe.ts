import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import pg from 'pg';

/**
 * Profiling probe preloaded into the OpenMES server by `npm run bench -- workload --profile`
 * (`node --import tsx --import ./bench/workload-probe.ts src/cli/main.ts start`); it changes nothing
 * in src/. Each SIGUSR2 toggles a measurement window: the first starts the V8 CPU profiler and clears
 * the SQL counters, the next stops them and writes `<BENCH_PROBE_DIR>/window-<n>.cpuprofile` and
 * `window-<n>.sql.json` (per statement: calls, total and max round-trip ms as the server sees it, plus
 * the time requests waited for a pool connection and the transactions run).
 */
const dir = process.env.BENCH_PROBE_DIR;
if (!dir) throw new Error('workload-probe: BENCH_PROBE_DIR is not set');

type Stat = { calls: number; totalMs: number; maxMs: number };
let sql = new Map<string, Stat>();
let poolWait: Stat = { calls: 0, totalMs: 0, maxMs: 0 };
const record = (m: Map<string, Stat>, key: string, ms: number) => {
  const s = m.get(key) ?? { calls: 0, totalMs: 0, maxMs: 0 };
  s.calls++;
  s.totalMs += ms;
  if (ms > s.maxMs) s.maxMs = ms;
  m.set(key, s);
};
const normalise = (text: unknown) => (typeof text === 'string' ? text.replace(/\s+/g, ' ').trim().slice(0, 400) : '(prepared or non-text query)');

type Cb = (err: unknown, res?: unknown) => void;
const ClientProto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
const originalQuery = ClientProto.query;
ClientProto.query = function patchedQuery(this: unknown, config: unknown, values?: unknown, callback?: unknown) {
  const text = normalise(typeof config === 'string' ? config : (config as { text?: string } | null)?.text);
  const t0 = performance.now();
  const done = () => record(sql, text, performance.now() - t0);
  if (typeof values === 'function') return originalQuery.call(this, config, (err: unknown, res: unknown) => { done(); (values as Cb)(err, res); });
  if (typeof callback === 'function') return originalQuery.call(this, config, values, (err: unknown, res: unknown) => { done(); (callback as Cb)(err, res); });
  const p = originalQuery.call(this, config, values) as Promise<unknown> | undefined;
  if (p && typeof p.then === 'function') p.then(done, done);
  return p;
};

const PoolProto = pg.Pool.prototype as unknown as { connect: (...args: unknown[]) => unknown };
const originalConnect = PoolProto.connect;
PoolProto.connect = function patchedConnect(this: unknown, cb?: unknown) {
  const t0 = performance.now();
  const done = () => {
    const ms = performance.now() - t0;
    poolWait.calls++;
    poolWait.totalMs += ms;
    if (ms > poolWait.maxMs) poolWait.maxMs = ms;
  };
  if (typeof cb === 'function') {
    return originalConnect.call(this, (err: unknown, client: unknown, release: unknown) => { done(); (cb as (...a: unknown[]) => void)(err, client, release); });
  }
  const p = originalConnect.call(this) as Promise<unknown>;
  p.then(done, done);
  return p;
};

const session = new Session();
session.connect();
const post = (method: string, params: Record<string, unknown> = {}) =>
  new Promise<unknown>((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));

let window = 0;
let open = false;
let startedAt = 0;
process.on('SIGUSR2', () => {
  void (async () => {
    if (!open) {
      open = true;
      window++;
      sql = new Map();
      poolWait = { calls: 0, totalMs: 0, maxMs: 0 };
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 500 });
      await post('Profiler.start');
      startedAt = performance.now();
      writeFileSync(join(dir, `window-${window}.started`), '');
      return;
    }
    open = false;
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    const seconds = (performance.now() - startedAt) / 1000;
    writeFileSync(join(dir, `window-${window}.cpuprofile`), JSON.stringify(profile));
    const statements = [...sql.entries()].map(([text, s]) => ({ text, ...s })).sort((a, b) => b.totalMs - a.totalMs);
    writeFileSync(join(dir, `window-${window}.sql.json`), JSON.stringify({ seconds, poolWait, statements }));
  })().catch((err: unknown) => process.stderr.write(`workload-probe: ${String(err)}\n`));
});
