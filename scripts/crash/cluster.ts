import { appendFileSync, chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { descendantsOf, EnvironmentError, isAlive, postgresUser, requireBinaries, runPg, sleep } from './proc.ts';

/** The durability settings a crash test is meaningless without (RELIABILITY §R5). */
export const DURABILITY_SETTINGS = ['fsync', 'synchronous_commit', 'full_page_writes', 'data_checksums'] as const;

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A SIGKILL: when it was sent, when the postmaster and all its processes were gone. */
export type KillRecord = { pid: number; at: number; goneAt: number; backends: number };

/**
 * A private PostgreSQL 15 cluster in a temporary directory: initdb --data-checksums, its own port on
 * 127.0.0.1 and its unix socket in the directory, run as `postgres` when we are root.
 */
export class PrivateCluster {
  readonly dir: string;
  readonly dataDir: string;
  readonly logFile: string;
  port = 0;
  readonly database = 'openmes';

  private constructor(dir: string) {
    this.dir = dir;
    this.dataDir = join(dir, 'data');
    this.logFile = join(dir, 'postgres.log');
  }

  /** initdb + configuration + first start + the application database. */
  static async create(preferredPort: number, options: { unsafeAsyncCommit?: boolean } = {}): Promise<PrivateCluster> {
    requireBinaries('initdb', 'pg_ctl', 'postgres', 'pg_isready', 'pg_amcheck', 'pg_checksums', 'psql');
    const owner = postgresUser();
    const cluster = new PrivateCluster(mkdtempSync(join(tmpdir(), 'openmes-crash-')));
    chmodSync(cluster.dir, 0o755);
    if (owner) chownSync(cluster.dir, owner.uid, owner.gid);
    let port = preferredPort;
    while (!(await portIsFree(port))) {
      if (++port > preferredPort + 20) throw new EnvironmentError(`no free port in ${preferredPort}..${preferredPort + 20}`);
    }
    cluster.port = port;
    const init = await runPg('initdb', ['-D', cluster.dataDir, '--data-checksums', '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C'], 120_000);
    if (init.status !== 0) throw new EnvironmentError(`initdb failed (${init.status}): ${init.stderr.trim() || init.stdout.trim()}`);
    appendFileSync(join(cluster.dataDir, 'postgresql.conf'), [
      '', '# openmes crash test',
      `port = ${port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${cluster.dir}'`,
      // Stated explicitly (they are the defaults): the test proves "acknowledged ⇒ durable" under these.
      'fsync = on', 'full_page_writes = on',
      // The negative control turns commit durability off on purpose: the checks must then find lost writes.
      ...(options.unsafeAsyncCommit ? ['synchronous_commit = off', 'wal_writer_delay = 10000ms', 'wal_writer_flush_after = 0'] : ['synchronous_commit = on']),
      'max_connections = 40', 'shared_buffers = 32MB', 'log_min_messages = warning', 'log_checkpoints = off', '',
    ].join('\n'));
    if (owner) chownSync(join(cluster.dataDir, 'postgresql.conf'), owner.uid, owner.gid);
    await cluster.start();
    const created = await runPg('psql', ['-h', cluster.dir, '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAtc', `CREATE DATABASE ${cluster.database}`]);
    if (created.status !== 0) throw new EnvironmentError(`CREATE DATABASE failed: ${created.stderr}`);
    return cluster;
  }

  /** The URL the application uses: TCP on loopback, like a real deployment. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${this.database}`;
  }

  postmasterPid(): number | null {
    const file = join(this.dataDir, 'postmaster.pid');
    if (!existsSync(file)) return null;
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  }

  /** pg_ctl start, then pg_isready; retried while a dead postmaster still holds its lock file. */
  async start(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const res = await runPg('pg_ctl', ['start', '-w', '-t', '60', '-D', this.dataDir, '-l', this.logFile], 70_000);
      if (res.status === 0 && await this.isReady()) return;
      last = `${res.stdout}${res.stderr}`.trim();
      await sleep(200);
    }
    throw new Error(`PostgreSQL did not restart within ${timeoutMs / 1000} s: ${last}\n${this.logTail()}`);
  }

  async isReady(): Promise<boolean> {
    return (await runPg('pg_isready', ['-h', this.dir, '-p', String(this.port), '-d', 'postgres'], 10_000)).status === 0;
  }

  /**
   * SIGKILL to the postmaster — no shutdown checkpoint, no chance to flush anything — then waits until
   * it and every backend it had are gone (orphaned backends exit when they notice their postmaster died).
   */
  async killPostmaster(): Promise<KillRecord> {
    const pid = this.postmasterPid();
    if (!pid || !isAlive(pid)) throw new Error('no running postmaster to kill');
    const backends = descendantsOf(pid);
    const at = Date.now();
    process.kill(pid, 'SIGKILL');
    const deadline = Date.now() + 15_000;
    while ([pid, ...backends].some(isAlive)) {
      if (Date.now() > deadline) {
        // Still running 15 s after their postmaster died: end them (they are ours), or the restart would refuse.
        for (const p of backends) if (isAlive(p)) process.kill(p, 'SIGKILL');
      }
      await sleep(20);
    }
    return { pid, at, goneAt: Date.now(), backends: backends.length };
  }

  /** The server's own view of the durability settings. */
  async settings(): Promise<Record<string, string>> {
    const client = new pg.Client({ connectionString: this.url });
    await client.connect();
    try {
      const out: Record<string, string> = {};
      for (const name of DURABILITY_SETTINGS) out[name] = String((await client.query(`SHOW ${name}`)).rows[0][name]);
      return out;
    } finally {
      await client.end();
    }
  }

  /** pg_amcheck on every database (heap + all indexes, with the B-tree parent check). Output is empty when sound. */
  async amcheck(): Promise<{ ok: boolean; output: string }> {
    const res = await runPg('pg_amcheck', ['-h', this.dir, '-p', String(this.port), '-U', 'postgres', '--all', '--install-missing', '--heapallindexed', '--rootdescend'], 300_000);
    const output = `${res.stdout}${res.stderr}`.trim();
    return { ok: res.status === 0 && output === '', output };
  }

  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    const pid = this.postmasterPid();
    if (pid && isAlive(pid)) await runPg('pg_ctl', ['stop', '-w', '-t', '60', '-m', mode, '-D', this.dataDir], 70_000);
  }

  /** pg_checksums --check on the stopped cluster: every data page's checksum. */
  async checksums(): Promise<{ ok: boolean; output: string }> {
    const res = await runPg('pg_checksums', ['--check', '-D', this.dataDir], 300_000);
    const output = `${res.stdout}${res.stderr}`.trim();
    return { ok: res.status === 0 && /Bad checksums:\s+0/.test(output), output };
  }

  logTail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').trim().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no server log)';
    }
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

