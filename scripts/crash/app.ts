import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sleep } from './proc.ts';

const SERVER = fileURLToPath(new URL('./app-server.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** An unexpected exit of the application process, with what it printed last. */
export type AppCrash = { at: number; code: number | null; signal: string | null; reason: string };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * The application as a child process on a fixed loopback port. It must survive PostgreSQL restarts on
 * its own; if it dies anyway, that is recorded as a crash (a violation) and it is started again — as a
 * process supervisor would — so the durability checks still cover the rest of the run.
 */
export class AppSupervisor {
  readonly crashes: AppCrash[] = [];
  baseUrl = '';
  private child: ChildProcess | null = null;
  private stopping = false;
  private port = 0;
  private log: WriteStream;
  private stderrTail = '';

  constructor(private readonly env: Record<string, string>, readonly logFile: string) {
    this.log = createWriteStream(logFile, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    this.port ||= await freePort();
    this.baseUrl = `http://127.0.0.1:${this.port}`;
    this.stderrTail = '';
    const child = spawn(TSX, [SERVER], {
      env: { ...process.env, OPENMES_LOG_LEVEL: 'warn', ...this.env, OPENMES_PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr!.on('data', (d: Buffer) => {
      this.log.write(d);
      this.stderrTail = (this.stderrTail + d.toString()).slice(-4000);
    });
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the application did not start within ${timeoutMs / 1000} s (see ${this.logFile})`));
      }, timeoutMs);
      child.stdout!.on('data', (d: Buffer) => {
        this.log.write(d);
        buffer += d.toString();
        if (/listening \d+/.test(buffer)) { clearTimeout(timer); resolve(); }
      });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the application exited (${code}) while starting: ${this.stderrTail.slice(-500)}`)); });
    });
    child.once('exit', (code, signal) => {
      if (this.stopping || this.child !== child) return;
      const lines = this.stderrTail.split('\n').map((l) => l.trim());
      const reason = lines.find((l) => /^(error|Error|TypeError|RangeError)\b.*:/.test(l)) ?? lines.find((l) => l.length > 0) ?? 'no output';
      const thrown = lines.find((l) => /Unhandled|throw er/.test(l));
      this.crashes.push({ at: Date.now(), code, signal, reason: thrown ? `${reason} (${thrown.replace(/\^/g, '').trim()})` : reason });
      this.child = null;
      void this.restart();
    });
  }

  /** Starts it again until it is up (it cannot start while PostgreSQL is still down: migrations run first). */
  private async restart(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.start();
        return;
      } catch {
        this.child = null;
        await sleep(250);
      }
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGTERM');
    for (let i = 0; i < 100 && child.exitCode === null && child.signalCode === null; i++) await sleep(50);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
