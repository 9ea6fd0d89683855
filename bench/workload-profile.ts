import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Summaries of what `workload-probe.ts` writes: the top self-time functions of a V8 .cpuprofile, the
 * inclusive time of OpenMES's own functions (src/), time per package, and the SQL statements that
 * take the server's time.
 */

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; hitCount?: number; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

export type ProfileSummary = {
  totalMs: number;
  idlePct: number;
  self: { name: string; pct: number }[];
  inclusiveSrc: { name: string; pct: number }[];
  byPackage: { name: string; pct: number }[];
};

function where(frame: CallFrame, root: string): { pkg: string; label: string } {
  const url = frame.url.replace(/^file:\/\//, '');
  const fn = frame.functionName || '(anonymous)';
  if (!url) return { pkg: fn.startsWith('(') ? fn : '(native)', label: fn };
  if (url.startsWith('node:')) return { pkg: 'node internals', label: `${fn} ${url}:${frame.lineNumber + 1}` };
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return { pkg: nm[1]!, label: `${fn} ${nm[1]}/${url.split('/').pop()}:${frame.lineNumber + 1}` };
  const rel = relative(root, url);
  const pkg = rel.startsWith('src/') ? rel.split('/').slice(0, 3).join('/') : rel;
  return { pkg, label: `${fn} ${rel}:${frame.lineNumber + 1}` };
}

export function summariseCpuProfile(file: string, root: string, top = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfMs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const dt = (p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0) / 1000;
    selfMs.set(p.samples[i]!, (selfMs.get(p.samples[i]!) ?? 0) + dt);
  }
  const total = [...selfMs.values()].reduce((a, b) => a + b, 0);
  const self = new Map<string, number>();
  const pkgs = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let idle = 0;
  for (const [id, ms] of selfMs) {
    const node = byId.get(id)!;
    const w = where(node.callFrame, root);
    if (node.callFrame.functionName === '(idle)') idle += ms;
    self.set(w.label, (self.get(w.label) ?? 0) + ms);
    pkgs.set(w.pkg, (pkgs.get(w.pkg) ?? 0) + ms);
    // Inclusive time of src/ functions: each distinct src frame on the stack counts once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (!f.url.includes('/src/')) continue;
      const label = where(f, root).label;
      if (seen.has(label)) continue;
      seen.add(label);
      inclusive.set(label, (inclusive.get(label) ?? 0) + ms);
    }
  }
  const busy = total - idle;
  const rank = (m: Map<string, number>, denom: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)
    .map(([name, ms]) => ({ name, pct: Math.round((1000 * ms) / denom) / 10 }));
  return {
    totalMs: Math.round(total),
    idlePct: Math.round((1000 * idle) / total) / 10,
    self: rank(self, busy).filter((r) => r.name !== '(idle)'),
    inclusiveSrc: rank(inclusive, busy),
    byPackage: rank(pkgs, busy).filter((r) => r.name !== '(idle)'),
  };
}

export type SqlSummary = {
  seconds: number;
  poolWait: { calls: number; avgMs: number; maxMs: number };
  statements: { text: string; calls: number; perSecond: number; avgMs: number; sharePct: number }[];
};

export function summariseSql(file: string, top = 15): SqlSummary {
  const s = JSON.parse(readFileSync(file, 'utf8')) as {
    seconds: number; poolWait: { calls: number; totalMs: number; maxMs: number };
    statements: { text: string; calls: number; totalMs: number; maxMs: number }[];
  };
  const total = s.statements.reduce((a, b) => a + b.totalMs, 0);
  return {
    seconds: s.seconds,
    poolWait: { calls: s.poolWait.calls, avgMs: round2(s.poolWait.totalMs / Math.max(1, s.poolWait.calls)), maxMs: round2(s.poolWait.maxMs) },
    statements: s.statements.slice(0, top).map((x) => ({
      text: x.text, calls: x.calls, perSecond: Math.round(x.calls / s.seconds), avgMs: round2(x.totalMs / x.calls),
      sharePct: Math.round((1000 * x.totalMs) / total) / 10,
    })),
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function formatProfile(label: string, cpu: ProfileSummary, sql: SqlSummary | null, requests: number): string {
  const lines = [`### ${label}: server CPU profile (${(cpu.totalMs / 1000).toFixed(1)} s sampled, idle ${cpu.idlePct} %)`, ''];
  lines.push('Self time, % of busy time:', '', ...cpu.self.map((r) => `- ${r.pct} % ${r.name}`), '');
  lines.push('Inclusive time of OpenMES functions (src/):', '', ...cpu.inclusiveSrc.map((r) => `- ${r.pct} % ${r.name}`), '');
  lines.push('By package / module:', '', ...cpu.byPackage.map((r) => `- ${r.pct} % ${r.name}`), '');
  if (sql) {
    const perReq = (calls: number) => (requests > 0 ? (calls / requests).toFixed(2) : '?');
    lines.push(`SQL as the server sees it (${sql.seconds.toFixed(1)} s; pool connect: ${sql.poolWait.calls} waits, avg ${sql.poolWait.avgMs} ms, max ${sql.poolWait.maxMs} ms):`, '');
    lines.push('| share of SQL time | calls/request | avg ms | statement |', '| ---: | ---: | ---: | --- |');
    for (const st of sql.statements) lines.push(`| ${st.sharePct} % | ${perReq(st.calls)} | ${st.avgMs} | \`${st.text.slice(0, 160).replace(/\|/g, '\\|')}\` |`);
    lines.push('');
  }
  return lines.join('\n');
}
