import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

/**
 * Resource shapes, PRNG, percentiles and CPU accounting of the HTTP workload benchmark: a port of the
 * reference client's lib.mjs (shared/bench), with the two additions PDSm requires and OpenMES checks —
 * a masterIdentifier, and a PDF that ends with `%%EOF` — at the same size (3,072 PDF bytes → 4,096
 * base64 characters of inline content).
 */


export const LOINC: readonly (readonly [string, string])[] = [
  ['11488-4', 'Consult note'],
  ['11502-2', 'Laboratory report'],
  ['18748-4', 'Diagnostic imaging study'],
  ['34133-9', 'Summary of episode note'],
  ['60591-5', 'Patient summary Document'],
];

export const PDF_BYTES = 3072;

/**
 * A PDF-looking payload of exactly 3,072 bytes (→ 4,096 base64 characters): `%PDF-1.4` header,
 * pseudo-random body, `%%EOF` trailer. The reference payload has no trailer; OpenMES refuses a PDF
 * without one (CONTENT_TRUNCATED), so the last 7 bytes carry it — same size, same entropy otherwise.
 */
export function pdfBase64(rnd: () => number): string {
  const buf = Buffer.alloc(PDF_BYTES);
  for (let i = 0; i < buf.length; i += 4) buf.writeUInt32LE((rnd() * 4294967296) >>> 0, i);
  buf.write('%PDF-1.4\n', 0, 'latin1');
  buf.write('\n%%EOF\n', PDF_BYTES - 7, 'latin1');
  return buf.toString('base64');
}

/** The placeholder replaced by a fresh masterIdentifier in every W1 request body. */
export const MASTER_ID_PLACEHOLDER = '@@MASTER_ID@@';

/**
 * The DocumentReference of the seed and of W1: the reference shape (status current, LOINC type,
 * subject, author, date 2015–2024, description, 4 KiB inline PDF, no securityLabel) plus the
 * masterIdentifier PDSm requires.
 */
export function makeDocumentReference(rnd: () => number, patientId: string, practitionerId: string, masterIdentifier: string): Record<string, unknown> {
  const [code, display] = LOINC[Math.floor(rnd() * LOINC.length)]!;
  const date = new Date(Date.UTC(2015, 0, 1) + Math.floor(rnd() * 10 * 365 * 86400) * 1000).toISOString();
  return {
    resourceType: 'DocumentReference',
    masterIdentifier: { system: 'urn:ietf:rfc:3986', value: masterIdentifier },
    status: 'current',
    type: { coding: [{ system: 'http://loinc.org', code, display }] },
    subject: { reference: `Patient/${patientId}` },
    author: [{ reference: `Practitioner/${practitionerId}` }],
    date,
    description: `${display} (benchmark)`,
    content: [{ attachment: { contentType: 'application/pdf', title: 'document.pdf', data: pdfBase64(rnd) } }],
  };
}

export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return NaN;
  return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

export type Spread = { median: number; min: number; max: number; runs: number[] };

export function summarize(xs: readonly number[]): Spread {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: [...xs] };
}

/** CPU seconds (user+sys, children included) consumed so far by a Linux process, from /proc. */
export function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100; // USER_HZ = 100
  } catch {
    return NaN;
  }
}

/** All pids whose parent chain leads to `pid` (a process and its children). */
export function pidTree(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* process ended */ }
  }
  const want = new Set([pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [c, p] of parent) if (want.has(p) && !want.has(c)) { want.add(c); grew = true; }
  }
  return [...want];
}

/**
 * The PostgreSQL processes working for one database: its backends, and the shared writers (WAL writer,
 * checkpointer, background writer) — not the backends of other databases of the cluster, which other
 * work on a shared machine may keep busy.
 */
export async function postgresPidsOf(url: string, database: string): Promise<number[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const res = await c.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE (datname = $1 AND pid <> pg_backend_pid())
         OR backend_type IN ('walwriter', 'checkpointer', 'background writer')`, [database]);
    return res.rows.map((r) => r.pid);
  } finally {
    await c.end();
  }
}

/**
 * Machine-wide CPU counters from /proc/stat in ticks: busy, total, and irq (hard + soft interrupts: on
 * this benchmark mostly the kernel's loopback TCP processing, charged to no process).
 */
export function machineCpu(): { busy: number; total: number; irq: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = v[3]! + (v[4] ?? 0);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: total - idle, total, irq: (v[5] ?? 0) + (v[6] ?? 0) };
  } catch {
    return { busy: NaN, total: NaN, irq: NaN };
  }
}

/** Busy and interrupt CPU between two readings, in % of one core. */
export function machineDelta(m0: ReturnType<typeof machineCpu>, m1: ReturnType<typeof machineCpu>, cores: number): { busy: number; irq: number } {
  const total = m1.total - m0.total;
  return { busy: (100 * cores * (m1.busy - m0.busy)) / total, irq: (100 * cores * (m1.irq - m0.irq)) / total };
}

/**
 * CPU seconds used by a changing set of processes between `start()` and `stop()`: processes listed at
 * the stop but not at the start (a pool opening connections mid-run) count whole; processes gone by the
 * stop count nothing (their last figures are lost with them).
 */
export function cpuTracker(list: () => number[] | Promise<number[]>): { start: () => Promise<void>; stop: () => Promise<number> } {
  let before = new Map<number, number>();
  return {
    start: async () => { before = new Map((await list()).map((p) => [p, procCpuSeconds(p)])); },
    stop: async () => {
      let total = 0;
      for (const p of new Set([...(await list()), ...before.keys()])) {
        const now = procCpuSeconds(p);
        if (Number.isNaN(now)) continue;
        const was = before.get(p);
        total += now - (was === undefined || Number.isNaN(was) ? 0 : was);
      }
      return total;
    },
  };
}
