import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seedCorpus } from './__fixtures__/samples.ts';
import { CONTENT_FIELDS } from './content-issues.ts';
import { decodeBase64Strict } from './decode-base64-strict.ts';
import { verifyDocumentContent, type ContentVerification } from './verify-document-content.ts';

const DECLARED = [
  'application/pdf',
  'image/jpeg',
  'image/png',
  'text/plain',
  'text/plain; charset=utf-8',
  'text/xml',
  'application/xml',
  'application/hl7-cda+xml',
  'application/octet-stream',
] as const;
const FIELDS: readonly string[] = Object.values(CONTENT_FIELDS);
const SEEDS = seedCorpus();

/** The oracle: a well-formed answer, whatever the input. */
function assertShape(r: ContentVerification, bytes: Uint8Array, maxBytes: number): void {
  if (r.ok) {
    expect(r.size).toBe(bytes.length);
    expect(r.size).toBeLessThanOrEqual(maxBytes);
    expect(r.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.sha1Base64).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  } else {
    expect(r.issues.length).toBeGreaterThan(0);
    for (const i of r.issues) {
      expect(i.code).toMatch(/^CONTENT_[A-Z0-9_]+$/);
      expect(FIELDS).toContain(i.field);
      expect(i.message.length).toBeGreaterThan(0);
    }
  }
}

/** A mutation of a seed: bit flips, byte sets, truncation, insertion, deletion. */
const mutation = fc.record({
  seed: fc.nat({ max: SEEDS.length - 1 }),
  ops: fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
      fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat({ max: 16 }) }),
    ),
    { minLength: 1, maxLength: 6 },
  ),
});

type Op =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number };

function mutate(input: Uint8Array, ops: readonly Op[]): Uint8Array {
  let b = Buffer.from(input);
  for (const op of ops) {
    const at = b.length === 0 ? 0 : op.at % b.length;
    if (op.kind === 'flip' && b.length > 0) b[at] = (b[at] as number) ^ (1 << op.bit);
    else if (op.kind === 'set' && b.length > 0) b[at] = op.value;
    else if (op.kind === 'truncate') b = b.subarray(0, at);
    else if (op.kind === 'insert') b = Buffer.concat([b.subarray(0, at), op.bytes, b.subarray(at)]);
    else if (op.kind === 'delete') b = Buffer.concat([b.subarray(0, at), b.subarray(at + op.length)]);
  }
  return new Uint8Array(b);
}

describe('content verification properties', () => {
  it('random bytes under any declared type: never throws, always ok or issues', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom(...DECLARED), fc.integer({ min: 0, max: 4096 }), (bytes, type, max) => {
        assertShape(verifyDocumentContent(bytes, { contentType: type, maxBytes: max }), bytes, max);
      }),
      { numRuns: 2000 },
    );
  });

  it('random declared type strings never throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary-ascii', maxLength: 60 }),
          fc.tuple(fc.constantFrom(...DECLARED), fc.string({ maxLength: 20 })).map(([t, s]) => `${t}${s}`),
          fc.constantFrom(...DECLARED).map((t) => ` ${t.toUpperCase()} ; charset="UTF-8" ; x`),
        ),
        (type) => {
        const bytes = SEEDS[0]?.bytes as Uint8Array;
        assertShape(verifyDocumentContent(bytes, { contentType: type, maxBytes: 1e6 }), bytes, 1e6);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('mutations of valid files stay valid or give issues, never throw', () => {
    fc.assert(
      fc.property(mutation, fc.boolean(), ({ seed, ops }, sameType) => {
        const s = SEEDS[seed] as (typeof SEEDS)[number];
        const bytes = mutate(s.bytes, ops);
        const type = sameType ? s.contentType : (DECLARED[seed % DECLARED.length] as string);
        assertShape(verifyDocumentContent(bytes, { contentType: type, maxBytes: 1e6 }), bytes, 1e6);
      }),
      { numRuns: 3000 },
    );
  });

  it('every seed verifies unmutated', () => {
    for (const s of SEEDS) expect(verifyDocumentContent(s.bytes, { contentType: s.contentType, maxBytes: 1e6 }).ok, s.name).toBe(true);
  });
});

describe('decodeBase64Strict properties', () => {
  it('valid base64 round-trips, with or without line breaks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1024 }), fc.nat({ max: 80 }), (bytes, wrap) => {
        let b64 = Buffer.from(bytes).toString('base64');
        if (wrap > 0) b64 = b64.replace(new RegExp(`(.{${wrap}})`, 'g'), '$1\r\n');
        const r = decodeBase64Strict(b64, bytes.length);
        expect(r.ok).toBe(true);
        if (r.ok) expect(Buffer.from(r.value).equals(Buffer.from(bytes))).toBe(true);
        if (bytes.length > 0) expect(decodeBase64Strict(b64, bytes.length - 1).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('random strings never throw, and what decodes re-encodes to the same characters', () => {
    const b64ish = fc.string({ unit: fc.constantFrom(...'ABCDEFabcdef0189+/= \n-_!é'.split('')), maxLength: 64 });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 64 }), b64ish), fc.integer({ min: -1, max: 100 }), (s, max) => {
        const r = decodeBase64Strict(s, max);
        if (r.ok) {
          expect(r.value.length).toBeLessThanOrEqual(max);
          expect(Buffer.from(r.value).toString('base64')).toBe(s.replace(/[ \t\r\n]/g, ''));
        } else {
          expect(r.issues[0]?.code).toMatch(/^CONTENT_(BASE64_ALPHABET|BASE64_PADDING|TOO_LARGE)$/);
        }
      }),
      { numRuns: 5000 },
    );
  });
});
