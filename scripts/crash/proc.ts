import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** A setup problem (no PostgreSQL 15, no `postgres` user…): the run cannot prove anything, so it fails loudly. */
export class EnvironmentError extends Error {}

/** PostgreSQL 15's binaries (Debian layout); OPENMES_CRASH_PG_BIN points elsewhere. */
export const PG_BIN = process.env.OPENMES_CRASH_PG_BIN ?? '/usr/lib/postgresql/15/bin';
export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** `postgres`'s uid/gid when we run as root (PostgreSQL refuses to run as root). */
export function postgresUser(): { uid: number; gid: number } | null {
  if (!isRoot()) return null;
  const res = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (res.status !== 0 || gid.status !== 0) throw new EnvironmentError('running as root but there is no `postgres` OS user to run the private cluster as (PostgreSQL refuses to run as root)');
  return { uid: Number(res.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export function requireBinaries(...names: string[]): void {
  for (const name of names) {
    if (!existsSync(`${PG_BIN}/${name}`)) throw new EnvironmentError(`${PG_BIN}/${name} not found: install postgresql-15 (the crash test needs its own cluster)`);
  }
  if (isRoot() && !existsSync('/usr/sbin/runuser') && !existsSync('/sbin/runuser') && spawnSync('which', ['runuser']).status !== 0) {
    throw new EnvironmentError('runuser not found (needed to run PostgreSQL as `postgres` when started as root)');
  }
}

/** [command, args] to run a PostgreSQL binary as the cluster's owner. */
export function asOwner(binary: string, args: string[]): [string, string[]] {
  const path = `${PG_BIN}/${binary}`;
  return isRoot() ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

export type RunResult = { status: number | null; stdout: string; stderr: string };

/** Runs a PostgreSQL tool as the cluster's owner and waits (bounded). */
export function runPg(binary: string, args: string[], timeoutMs = 60_000): Promise<RunResult> {
  const [cmd, argv] = asOwner(binary, args);
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => { if (child.pid) process.kill(child.pid, 'SIGKILL'); }, timeoutMs);
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
    child.on('error', (err) => { clearTimeout(timer); resolve({ status: null, stdout, stderr: `${stderr}${err.message}` }); });
  });
}

/** State letter of a process (R, S, Z…), or null when it no longer exists. */
export function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

export const isAlive = (pid: number) => {
  const state = processState(pid);
  return state !== null && state !== 'Z' && state !== 'X';
};

/** Every live process whose parent chain leads to `root` (its backends and auxiliary processes). */
export function descendantsOf(root: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(entry), ppid);
    } catch { /* gone meanwhile */ }
  }
  const out: number[] = [];
  const frontier = [root];
  while (frontier.length) {
    const p = frontier.pop()!;
    for (const [child, pp] of parent) if (pp === p && !out.includes(child)) { out.push(child); frontier.push(child); }
  }
  return out.filter(isAlive);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Re-runs this process under a tiny subreaper (python3 + prctl(PR_SET_CHILD_SUBREAPER)), so that the
 * postmaster — daemonised by pg_ctl — and its orphaned backends are reaped the moment they die.
 * Without it they are re-parented to PID 1, which in some sandboxes reaps zombies only every few seconds:
 * a SIGKILLed postmaster would then linger as a zombie, keep its postmaster.pid "alive" and delay the
 * restart by an amount that has nothing to do with PostgreSQL. Returns the child's exit code, or null
 * when already wrapped (or when python3 is missing: then restarts just retry until the zombie is gone).
 */
export function runUnderSubreaper(): Promise<number> | null {
  if (process.env.OPENMES_CRASH_SUBREAPER === '1' || spawnSync('python3', ['-c', 'import ctypes']).status !== 0) return null;
  const py = [
    'import ctypes, os, signal, sys',
    'libc = ctypes.CDLL(None, use_errno=True)',
    'sys.exit(70) if libc.prctl(36, 1, 0, 0, 0) != 0 else None',
    'pid = os.fork()',
    'if pid == 0:',
    '    os.execvp(sys.argv[1], sys.argv[1:])',
    'for s in (signal.SIGINT, signal.SIGTERM): signal.signal(s, lambda n, f: os.kill(pid, n))',
    'code = 1',
    'while True:',
    '    try:',
    '        p, status = os.wait()',
    '    except ChildProcessError:',
    '        break',
    '    if p == pid:',
    '        code = os.waitstatus_to_exitcode(status)',
    '        break',
    'sys.exit(code if code >= 0 else 128 - code)',
  ].join('\n');
  return new Promise((resolve) => {
    const child = spawn('python3', ['-c', py, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit', env: { ...process.env, OPENMES_CRASH_SUBREAPER: '1' },
    });
    for (const s of ['SIGINT', 'SIGTERM'] as const) process.on(s, () => { if (child.pid) process.kill(child.pid, s); });
    child.on('close', (code) => resolve(code ?? 1));
  });
}
