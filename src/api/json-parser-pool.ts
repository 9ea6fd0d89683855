import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { parseJsonWithinLimits, type JsonParseOutcome } from './parse-json-within-limits.ts';

/** Parses JSON bodies in worker threads, so a large body never holds the event loop of other requests. */
export type JsonParserPool = {
  parse(bytes: Buffer, limits: { maxDepth: number; maxItems: number }): Promise<JsonParseOutcome>;
  close(): Promise<void>;
};

// Plain JavaScript evaluated by each worker: the same parse function as the in-thread path, from its source.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const parseJsonWithinLimits = ${parseJsonWithinLimits.toString()};
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
parentPort.on('message', ({ bytes, maxDepth, maxItems }) => {
  parentPort.postMessage(parseJsonWithinLimits(decoder.decode(bytes), maxDepth, maxItems));
});
`;

type Task = {
  bytes: ArrayBuffer; maxDepth: number; maxItems: number;
  resolve: (outcome: JsonParseOutcome) => void; reject: (err: Error) => void;
};

/**
 * A small pool (one worker per spare core, two at most), started on first use; a task waits in line when
 * every worker is busy. A worker that dies fails its task (the request gets a 500) and is replaced.
 */
export function createJsonParserPool(size = Math.max(1, Math.min(2, availableParallelism() - 1))): JsonParserPool {
  const idle: Worker[] = [];
  const busy = new Map<Worker, Task>();
  const queue: Task[] = [];
  let closed = false;

  function spawn(): Worker {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    // An idle parser never keeps the process alive (the CLI exits while the app object lives).
    worker.unref();
    worker.on('message', (outcome: JsonParseOutcome) => {
      busy.get(worker)?.resolve(outcome);
      busy.delete(worker);
      idle.push(worker);
      pump();
    });
    worker.on('error', (err) => {
      busy.get(worker)?.reject(err);
      busy.delete(worker);
    });
    worker.on('exit', () => {
      busy.get(worker)?.reject(new Error('JSON parser worker stopped'));
      busy.delete(worker);
      const at = idle.indexOf(worker);
      if (at >= 0) idle.splice(at, 1);
      pump();
    });
    return worker;
  }

  function pump(): void {
    while (!closed && queue.length > 0 && (idle.length > 0 || busy.size + idle.length < size)) {
      const worker = idle.pop() ?? spawn();
      const task = queue.shift()!;
      busy.set(worker, task);
      worker.postMessage({ bytes: task.bytes, maxDepth: task.maxDepth, maxItems: task.maxItems }, [task.bytes]);
    }
  }

  return {
    parse(bytes, limits) {
      if (closed) return Promise.reject(new Error('JSON parser pool closed'));
      // Handed over, not copied, when the body owns its memory (large bodies do).
      const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
      const buffer = owned ? (bytes.buffer as ArrayBuffer) : new Uint8Array(bytes).buffer;
      return new Promise<JsonParseOutcome>((resolve, reject) => {
        queue.push({ bytes: buffer, ...limits, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const task of queue.splice(0)) task.reject(new Error('JSON parser pool closed'));
      await Promise.all([...idle, ...busy.keys()].map((worker) => worker.terminate()));
    },
  };
}
