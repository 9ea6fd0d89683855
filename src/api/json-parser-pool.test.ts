import { afterAll, describe, expect, it } from 'vitest';
import { createJsonParserPool } from './json-parser-pool.ts';

const limits = { maxDepth: 64, maxItems: 100_000 };

describe('createJsonParserPool', () => {
  const pool = createJsonParserPool(1);
  afterAll(async () => pool.close());

  it('parses in a worker thread, with the same limits as in place', async () => {
    expect(await pool.parse(Buffer.from('{"a":[1,"é"]}'), limits)).toEqual({ ok: true, value: { a: [1, 'é'] } });
    expect(await pool.parse(Buffer.from('['.repeat(100)), limits)).toEqual({ ok: false, fault: 'DEPTH' });
    expect(await pool.parse(Buffer.from('{"__proto__":{}}'), limits)).toEqual({ ok: false, fault: 'FORBIDDEN_KEY' });
    expect(await pool.parse(Buffer.from('{oops'), limits)).toEqual({ ok: false, fault: 'SYNTAX' });
  });

  it('the event loop keeps turning while a large body is parsed: work queued after the call runs before its result', async () => {
    const data = 'QUJD'.repeat(5 * 1024 * 1024);
    const body = Buffer.from(JSON.stringify({ resourceType: 'Binary', data, entries: Array.from({ length: 20_000 }, (_, i) => ({ i })) }));
    const order: string[] = [];
    const parsed = pool.parse(body, limits).then((outcome) => { order.push('parsed'); return outcome; });
    await new Promise<void>((resolve) => setImmediate(() => { order.push('other work'); resolve(); }));
    const outcome = await parsed;
    expect(order).toEqual(['other work', 'parsed']);
    expect(outcome.ok && (outcome.value as { data: string }).data.length).toBe(data.length);
  });

  it('queues tasks beyond its size and answers each one', async () => {
    const outcomes = await Promise.all([1, 2, 3, 4].map((n) => pool.parse(Buffer.from(`[${n}]`), limits)));
    expect(outcomes).toEqual([1, 2, 3, 4].map((n) => ({ ok: true, value: [n] })));
  });
});
