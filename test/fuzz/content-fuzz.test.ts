/**
 * Mutational fuzz loop for the document content checks (RELIABILITY §R10): seeds of every accepted
 * kind, mutated by bit flips, byte sets, truncations, insertions (random bytes and a dictionary of
 * format tokens: XXE, DTD, CDATA, PDF names, PNG chunk types, JPEG markers…), deletions, duplications
 * and splices. Oracle: no exception, a well-formed answer, no input over 1 s.
 *
 *   OPENMES_FUZZ_RUNS=200000 OPENMES_FUZZ_SEED=42 npx vitest run test/fuzz
 */
import { seededRandom as prng } from '../support/seeded-random.ts';
import { describe, expect, it } from 'vitest';
import { seedCorpus } from '../../src/domain/content/__fixtures__/samples.ts';
import {
  CONTENT_FIELDS,
  decodeBase64Strict,
  verifyDocumentContent,
  type ContentVerification,
} from '../../src/domain/content/index.ts';

const RUNS = Math.max(1, Number(process.env.OPENMES_FUZZ_RUNS) || 100_000);
const SEED = Number(process.env.OPENMES_FUZZ_SEED) || 0x0badc0de;
const MAX_BYTES = 1_000_000;
const HANG_MS = 1000;


const DECLARED = [
  'application/pdf',
  'image/jpeg',
  'image/png',
  'text/plain',
  'text/plain; charset=us-ascii',
  'text/plain; charset=latin1',
  'text/xml',
  'application/xml',
  'application/hl7-cda+xml; charset=UTF-8',
  'Application/PDF ; x=y',
  'image/gif',
  '',
  ';;;=/',
];

const enc = new TextEncoder();
const DICTIONARY: Uint8Array[] = [
  '%PDF-1.7\n', '%PDF-', '%%EOF', '/JavaScript', '/J#61vaScript', '/Launch', '/ObjStm', 'stream\n', 'endstream',
  'IHDR', 'IDAT', 'IEND', 'tEXt',
  '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', '<!ENTITY % p SYSTEM "http://127.0.0.1:1/">', '&e;',
  '&lol9;', '&#0;', '&#x10FFFF;', '&#xD800;', '&amp;', '<![CDATA[', ']]>', '<!--', '-->', '<?xml version="1.0"?>',
  '<?xml version="1.0" encoding="UTF-16"?>', 'xmlns="urn:hl7-org:v3"', 'xmlns:x="urn:x"', '<ClinicalDocument ',
  '</ClinicalDocument>', '<typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>', '<x:y/>', '<a>'.repeat(250),
  '<title>', '</title>', 'a="1" a="2"', '\uFEFF', '\u202E', '\u0000',
].map((t) => enc.encode(t));
DICTIONARY.push(
  new Uint8Array([0xff, 0xd8, 0xff]), new Uint8Array([0xff, 0xd9]), new Uint8Array([0xff, 0xda, 0x00, 0x02]),
  new Uint8Array([0xff, 0xc0, 0x00, 0x01]), new Uint8Array([0xff, 0xff, 0xff]), new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
  new Uint8Array([0x7f, 0xff, 0xff, 0xff]), new Uint8Array([0xc3]), new Uint8Array([0xed, 0xa0, 0x80]),
  new Uint8Array([0xef, 0xbb, 0xbf]), new Uint8Array([0xfe, 0xff]),
);

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: Rand, n: number): number => Math.floor(r() * n);

function mutate(r: Rand, input: Uint8Array, others: readonly Uint8Array[]): Uint8Array {
  let b = Buffer.from(input);
  const steps = 1 + int(r, 4);
  for (let s = 0; s < steps; s++) {
    const at = int(r, b.length + 1);
    switch (int(r, 9)) {
      case 0: // bit flips
        for (let k = 1 + int(r, 8); k > 0 && b.length > 0; k--) {
          const i = int(r, b.length);
          b[i] = (b[i] as number) ^ (1 << int(r, 8));
        }
        break;
      case 1: // interesting byte
        if (b.length > 0) b[int(r, b.length)] = pick(r, [0x00, 0xff, 0x7f, 0x80, 0x3c, 0x3e, 0x26, 0x2f, 0x25]);
        break;
      case 2: // truncate
        b = b.subarray(0, at);
        break;
      case 3: // insert random bytes
        b = Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + int(r, 32) }, () => int(r, 256))), b.subarray(at)]);
        break;
      case 4: // insert a dictionary token
        b = Buffer.concat([b.subarray(0, at), pick(r, DICTIONARY), b.subarray(at)]);
        break;
      case 5: // delete a range
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + int(r, 64))]);
        break;
      case 6: // duplicate a range
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + 1 + int(r, 256)), b.subarray(at)]);
        break;
      case 7: {
        // splice with another seed
        const other = pick(r, others);
        b = Buffer.concat([b.subarray(0, at), other.subarray(int(r, other.length + 1))]);
        break;
      }
      default: // overwrite with a token
        if (b.length > 0) Buffer.from(pick(r, DICTIONARY)).copy(b, int(r, b.length));
    }
  }
  return new Uint8Array(b);
}

/** Returns a description of what is wrong with the answer, or null. */
function violation(res: ContentVerification, bytes: Uint8Array): string | null {
  if (res.ok) {
    if (res.size !== bytes.length || res.size > MAX_BYTES) return 'bad size';
    if (!/^[0-9a-f]{64}$/.test(res.sha256) || !/^[A-Za-z0-9+/]{27}=$/.test(res.sha1Base64)) return 'bad hash';
    if (res.details.kind === undefined) return 'no details';
    return null;
  }
  if (!Array.isArray(res.issues) || res.issues.length === 0) return 'refused without issues';
  for (const i of res.issues) {
    if (!/^CONTENT_[A-Z0-9_]+$/.test(i.code)) return `bad code ${i.code}`;
    if (!(Object.values(CONTENT_FIELDS) as string[]).includes(i.field)) return `bad field ${i.field}`;
    if (typeof i.message !== 'string' || i.message.length === 0) return 'empty message';
  }
  return null;
}

describe('content fuzz loop (R10)', () => {
  it(`${RUNS} mutated inputs: 0 crashes, 0 hangs`, { timeout: Math.max(60_000, RUNS * 3) }, () => {
    const r = prng(SEED);
    const seeds = seedCorpus();
    const seedBytes = seeds.map((s) => s.bytes);
    const outcomes = new Map<string, number>();
    const crashes: Array<{ input: string; type: string; error: string }> = [];
    let hangs = 0;
    let slowest = 0;
    let base64Execs = 0;
    let maxRss = process.memoryUsage().rss;
    const started = performance.now();

    for (let n = 0; n < RUNS; n++) {
      const seed = pick(r, seeds);
      const bytes = r() < 0.05 ? Buffer.from(Array.from({ length: int(r, 512) }, () => int(r, 256))) : mutate(r, seed.bytes, seedBytes);
      const type = r() < 0.8 ? seed.contentType : pick(r, DECLARED);
      const t0 = performance.now();
      try {
        let input: Uint8Array = bytes;
        if (n % 10 === 0) {
          // The API path: base64 text (sometimes damaged) → strict decode → verify.
          base64Execs++;
          let text = Buffer.from(bytes).toString('base64');
          if (r() < 0.5) {
            const i = int(r, text.length + 1);
            text = text.slice(0, i) + pick(r, ['=', '-', '_', ' ', '\n', 'é', 'A', '==', '\u0000']) + text.slice(i + int(r, 2));
          }
          const decoded = decodeBase64Strict(text, MAX_BYTES);
          if (!decoded.ok) {
            outcomes.set(`base64:${decoded.issues[0]?.code}`, (outcomes.get(`base64:${decoded.issues[0]?.code}`) ?? 0) + 1);
            continue;
          }
          input = decoded.value;
        }
        const res = verifyDocumentContent(input, { contentType: type, maxBytes: MAX_BYTES });
        const bad = violation(res, input);
        if (bad) throw new Error(`oracle: ${bad}`);
        const key = res.ok ? `ok:${res.details.kind}` : (res.issues[0]?.code ?? '?');
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      } catch (err) {
        crashes.push({ input: Buffer.from(bytes).toString('base64'), type, error: String((err as Error)?.stack ?? err) });
      } finally {
        const ms = performance.now() - t0;
        slowest = Math.max(slowest, ms);
        if (ms > HANG_MS) hangs++;
      }
      if (n % 2000 === 0) maxRss = Math.max(maxRss, process.memoryUsage().rss);
    }

    const seconds = (performance.now() - started) / 1000;
    const top = [...outcomes.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`);
    console.info(
      [
        `[fuzz] content: ${RUNS} execs in ${seconds.toFixed(2)} s (${Math.round(RUNS / seconds)} execs/s), seed ${SEED}`,
        `[fuzz] crashes ${crashes.length}, hangs (> ${HANG_MS} ms) ${hangs}, slowest ${slowest.toFixed(1)} ms, ` +
          `base64-path execs ${base64Execs}, max RSS ${Math.round(maxRss / 1048576)} MiB`,
        `[fuzz] outcomes: ${top.join(', ')}`,
        ...crashes.slice(0, 5).map((c) => `[fuzz] CRASH type=${JSON.stringify(c.type)} input(base64)=${c.input}\n${c.error}`),
      ].join('\n'),
    );
    expect(crashes).toHaveLength(0);
    expect(hangs).toBe(0);
    // The loop must reach deep: valid files of several kinds survive mutation, and XML safety fires.
    expect([...outcomes.keys()].filter((k) => k.startsWith('ok:')).length).toBeGreaterThanOrEqual(4);
    expect(outcomes.get('CONTENT_XML_DTD_FORBIDDEN') ?? 0).toBeGreaterThan(0);
  });
});
