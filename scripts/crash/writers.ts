import { documentReference } from './fixtures.ts';
import { sleep } from './proc.ts';

/** A write the server acknowledged (2xx): recorded only after the response arrived. */
export type Ack = { key: string; masterIdentifier: string; id: string; status: number; attempts: number; ackedAt: number; body: string };
/** One HTTP attempt: its outcome as the client saw it. */
export type Attempt = { start: number; end: number; ok: boolean; outcome: string };
/** A key given up on (deadline): its document may or may not exist, both are correct. */
export type Unacked = { key: string; masterIdentifier: string; attempts: number };
/** A key refused for good (a 4xx other than 409/429): the workload is valid, so this is a bug. */
export type Rejected = { key: string; status: number; body: string };

export type WriterOptions = { baseUrl: string; token: string; dossierId: string; writers: number; rng: () => number; tag: string; timeoutMs: number };

/**
 * N concurrent writers POSTing DocumentReference, each with its own Idempotency-Key per document. A
 * failed or timed-out attempt is retried with the SAME key and body, with bounded exponential backoff.
 */
export class WriterPool {
  readonly acked: Ack[] = [];
  readonly attempts: Attempt[] = [];
  readonly unacked: Unacked[] = [];
  readonly rejected: Rejected[] = [];
  readonly attempted = new Set<string>();
  private producing = true;
  private giveUpAt = Number.POSITIVE_INFINITY;
  private loops: Promise<void>[] = [];

  constructor(private readonly o: WriterOptions) {}

  start(): void {
    this.loops = Array.from({ length: this.o.writers }, (_, w) => this.loop(w));
  }

  /** No new documents; keys in flight are retried until acknowledged or `graceMs` has passed. */
  async drain(graceMs: number): Promise<void> {
    this.producing = false;
    this.giveUpAt = Date.now() + graceMs;
    await Promise.all(this.loops);
  }

  /** Sends one request as the writers do; used again afterwards to replay acknowledged keys. */
  async post(key: string, body: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`${this.o.baseUrl}/fhir/R4/DocumentReference`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.o.token}`, 'content-type': 'application/fhir+json', 'idempotency-key': key },
      body,
      signal: AbortSignal.timeout(this.o.timeoutMs),
    });
    return { status: res.status, text: await res.text() };
  }

  private async loop(w: number): Promise<void> {
    for (let i = 0; this.producing; i++) {
      const key = `crash-${this.o.tag}-w${w}-${i}`;
      const masterIdentifier = `urn:oid:1.2.250.1.999.77.${this.o.tag}.${w}.${i}`;
      const body = JSON.stringify(documentReference(this.o.dossierId, masterIdentifier, `Compte rendu ${w}-${i}`));
      this.attempted.add(masterIdentifier);
      for (let attempt = 1; ; attempt++) {
        const start = Date.now();
        let outcome: string;
        try {
          const res = await this.post(key, body);
          if (res.status === 200 || res.status === 201) {
            this.attempts.push({ start, end: Date.now(), ok: true, outcome: String(res.status) });
            this.acked.push({ key, masterIdentifier, id: (JSON.parse(res.text) as { id: string }).id, status: res.status, attempts: attempt, ackedAt: Date.now(), body });
            break;
          }
          outcome = String(res.status);
          if (res.status >= 400 && res.status < 500 && res.status !== 409 && res.status !== 429) {
            this.attempts.push({ start, end: Date.now(), ok: false, outcome });
            this.rejected.push({ key, status: res.status, body: res.text.slice(0, 500) });
            break;
          }
        } catch (err) {
          outcome = (err as Error).name === 'TimeoutError' ? 'timeout' : 'network';
        }
        this.attempts.push({ start, end: Date.now(), ok: false, outcome });
        if (Date.now() > this.giveUpAt) {
          this.unacked.push({ key, masterIdentifier, attempts: attempt });
          break;
        }
        // Bounded exponential backoff with jitter: 50 ms, 100 ms, … capped at 2 s.
        await sleep(Math.min(2000, 50 * 2 ** Math.min(attempt - 1, 6)) * (0.5 + this.o.rng()));
      }
    }
  }
}

