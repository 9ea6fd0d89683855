import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { cpuTracker, machineCpu, machineDelta, percentileSorted, summarize, type Spread } from './workload-fixtures.ts';

/**
 * Closed-loop HTTP load with autocannon (keep-alive, no pipelining, responses uncompressed): the
 * reference client's bench.mjs as a function. Every request gets its own path (and headers, body)
 * from `next()`; req/s counts 2xx responses only and latency percentiles come from every 2xx response.
 */

type AutocannonRequest = { method?: string; path?: string; headers?: Record<string, string>; body?: string };
type AutocannonResult = { duration: number; non2xx: number; errors: number; timeouts: number };
type AutocannonInstance = {
  on(event: 'response', fn: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): void;
  stop(): void;
};
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, result: AutocannonResult) => void) => AutocannonInstance;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export type NextRequest = { path: string; headers?: Record<string, string>; body?: string };

export type LoadSpec = {
  label: string;
  origin: string;
  method: 'GET' | 'POST';
  connections: number;
  /** Headers of every request (authorization unless `next` gives one, accept, content-type). */
  headers: Record<string, string>;
  next: () => NextRequest;
};

/** Processes whose CPU is measured during each run (resolved when the run starts). */
export type Watch = Record<string, () => number[] | Promise<number[]>>;

export type RunResult = {
  seconds: number;
  ok: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /**
   * CPU over the run: the whole machine (% of all cores), this client, each watched process group, the
   * kernel's interrupt work (loopback networking, charged to no process), and everything else (other work on
   * a shared machine), all but the first in % of one core — a large `other` means a disturbed run.
   */
  cpu: { machineBusyPct: number; clientPctOfOneCore: number; watchedPctOfOneCore: Record<string, number>; irqPctOfOneCore: number; otherPctOfOneCore: number };
};

export type Measure = {
  label: string;
  request: string;
  connections: number;
  durationS: number;
  rps: Spread;
  p50ms: Spread;
  p99ms: Spread;
  non2xxTotal: number;
  errorsTotal: number;
  statusCodes: Record<string, number>;
  /** Responses of the warm-up and of the runs (each one a request the server decided and traced). */
  responses: number;
  /** Status codes of the warm-up and of the runs. */
  allStatusCodes: Record<string, number>;
  results: RunResult[];
};

/** Called around the measured runs (after the warm-up), e.g. to open a profiling window. */
export type MeasureHooks = { beforeRuns?: () => Promise<void>; afterRuns?: () => Promise<void> };

export async function runOnce(spec: LoadSpec, seconds: number, watch: Watch = {}): Promise<RunResult> {
  const trackers = Object.entries(watch).map(([name, list]) => ({ name, t: cpuTracker(list) }));
  for (const w of trackers) await w.t.start();
  let lat = new Float64Array(1 << 16);
  let n = 0;
  const statusCodes: Record<string, number> = {};
  const cpu0 = process.cpuUsage();
  const m0 = machineCpu();
  const t0 = performance.now();
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    const inst = autocannon(
      {
        url: spec.origin,
        connections: spec.connections,
        pipelining: 1,
        duration: seconds,
        timeout: 30,
        headers: spec.headers,
        requests: [{
          method: spec.method,
          setupRequest: (req: AutocannonRequest) => {
            const r = spec.next();
            req.path = r.path;
            if (r.headers) req.headers = { ...spec.headers, ...r.headers };
            if (r.body !== undefined) req.body = r.body;
            return req;
          },
        }],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    inst.on('response', (_client, statusCode, _bytes, responseTime) => {
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) {
        if (n === lat.length) {
          const bigger = new Float64Array(lat.length * 2);
          bigger.set(lat);
          lat = bigger;
        }
        lat[n++] = responseTime;
      }
    });
  });
  const wall = (performance.now() - t0) / 1000;
  const secs = result.duration || wall;
  const cpu = process.cpuUsage(cpu0);
  const m1 = machineCpu();
  const watchedPct: Record<string, number> = {};
  for (const w of trackers) watchedPct[w.name] = round((100 * (await w.t.stop())) / wall, 1);
  const machinePct = (100 * (m1.busy - m0.busy)) / (m1.total - m0.total);
  const { irq } = machineDelta(m0, m1, cpus().length);
  const clientPct = (100 * (cpu.user + cpu.system)) / 1e6 / wall;
  const sorted = lat.subarray(0, n).sort();
  return {
    seconds: round(secs, 2),
    ok: n,
    rps: round(n / secs, 1),
    p50: round(percentileSorted(sorted, 50), 2),
    p90: round(percentileSorted(sorted, 90), 2),
    p99: round(percentileSorted(sorted, 99), 2),
    max: round(sorted[sorted.length - 1] ?? NaN, 2),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    cpu: {
      machineBusyPct: round(machinePct, 1),
      clientPctOfOneCore: round(clientPct, 1),
      watchedPctOfOneCore: watchedPct,
      irqPctOfOneCore: round(irq, 1),
      otherPctOfOneCore: round(Math.max(0, machinePct * cpus().length - irq - clientPct - Object.values(watchedPct).reduce((a, b) => a + b, 0)), 1),
    },
  };
}

/** A warm-up, then `runs` runs of `duration` seconds 2 s apart; median and range of each figure. */
export async function measure(
  spec: LoadSpec, o: { runs: number; duration: number; warmup: number; watch?: Watch; request: string; hooks?: MeasureHooks },
): Promise<Measure> {
  const log = (s: string) => process.stderr.write(`[${spec.label}] ${s}\n`);
  let responses = 0;
  const allStatusCodes: Record<string, number> = {};
  const count = (r: RunResult) => {
    for (const [k, v] of Object.entries(r.statusCodes)) { allStatusCodes[k] = (allStatusCodes[k] ?? 0) + v; responses += v; }
  };
  if (o.warmup > 0) {
    const w = await runOnce(spec, o.warmup, o.watch);
    count(w);
    log(`warm-up ${o.warmup} s: ${w.rps} req/s, non2xx=${w.non2xx} errors=${w.errors} ${JSON.stringify(w.statusCodes)}`);
  }
  await o.hooks?.beforeRuns?.();
  const results: RunResult[] = [];
  for (let r = 1; r <= o.runs; r++) {
    const res = await runOnce(spec, o.duration, o.watch);
    results.push(res);
    count(res);
    log(`run ${r}/${o.runs}: ${res.rps} req/s  p50 ${res.p50} ms  p99 ${res.p99} ms  non2xx=${res.non2xx} errors=${res.errors}  cpu ${JSON.stringify(res.cpu)}`);
    if (r < o.runs) await new Promise((ok) => setTimeout(ok, 2000));
  }
  await o.hooks?.afterRuns?.();
  const statusCodes: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.statusCodes)) statusCodes[k] = (statusCodes[k] ?? 0) + v;
  return {
    label: spec.label,
    request: o.request,
    connections: spec.connections,
    durationS: o.duration,
    rps: summarize(results.map((r) => r.rps)),
    p50ms: summarize(results.map((r) => r.p50)),
    p99ms: summarize(results.map((r) => r.p99)),
    non2xxTotal: results.reduce((s, r) => s + r.non2xx, 0),
    errorsTotal: results.reduce((s, r) => s + r.errors + r.timeouts, 0),
    statusCodes,
    responses,
    allStatusCodes,
    results,
  };
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
