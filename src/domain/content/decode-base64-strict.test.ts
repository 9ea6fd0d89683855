import { describe, expect, it } from 'vitest';
import { decodeBase64Strict } from './decode-base64-strict.ts';

const codes = (r: ReturnType<typeof decodeBase64Strict>): string[] => (r.ok ? [] : r.issues.map((i) => i.code));
const text = (r: ReturnType<typeof decodeBase64Strict>): string => (r.ok ? Buffer.from(r.value).toString('latin1') : '#fail');

describe('decodeBase64Strict', () => {
  it('decodes standard base64 with padding, whitespace anywhere', () => {
    expect(text(decodeBase64Strict('SGVsbG8=', 100))).toBe('Hello');
    expect(text(decodeBase64Strict('SGVs\r\nbG8h', 100))).toBe('Hell' + 'o!');
    expect(text(decodeBase64Strict(' S G V s\tbA = = \n', 100))).toBe('Hel' + 'l');
    expect(text(decodeBase64Strict('', 100))).toBe('');
  });

  it('returns a plain Uint8Array that owns its memory', () => {
    const r = decodeBase64Strict('AAEC', 10);
    expect(r.ok && r.value.constructor).toBe(Uint8Array);
    expect(r.ok && r.value.buffer.byteLength).toBe(3);
  });

  it('refuses characters outside the alphabet, with a hint for base64url', () => {
    expect(codes(decodeBase64Strict('SGV*bG8=', 100))).toEqual(['CONTENT_BASE64_ALPHABET']);
    expect(codes(decodeBase64Strict('SGVsbG8é', 100))).toEqual(['CONTENT_BASE64_ALPHABET']);
    const url = decodeBase64Strict('ab-_', 100);
    expect(codes(url)).toEqual(['CONTENT_BASE64_ALPHABET']);
    expect(url.ok ? '' : url.issues[0]?.message).toContain('base64url');
    expect(codes(decodeBase64Strict(42 as unknown as string, 100))).toEqual(['CONTENT_BASE64_ALPHABET']);
  });

  it('refuses missing, misplaced, excess or non-canonical padding', () => {
    for (const bad of ['SGVsbG8', 'SGVsbG', 'S', 'SG=sbG8=', 'SGVsbG8===', 'SGV=', '====', 'SGVsbG9=', 'SR==', 'SGVsbA==AAAA']) {
      expect(codes(decodeBase64Strict(bad, 100)), bad).toEqual(['CONTENT_BASE64_PADDING']);
    }
  });

  it('refuses oversize input from the character count, before decoding and without reading it all', () => {
    expect(codes(decodeBase64Strict('AAAA', 2))).toEqual(['CONTENT_TOO_LARGE']);
    expect(decodeBase64Strict('AAA=', 2).ok).toBe(true);
    expect(decodeBase64Strict('AA==', 1).ok).toBe(true);
    expect(codes(decodeBase64Strict('AAA=', 1))).toEqual(['CONTENT_TOO_LARGE']);
    // 40 MB of base64 whose last character is invalid: the size limit answers first.
    const huge = Buffer.alloc(40_000_001, 'A').fill('!', 40_000_000).toString('latin1'); // a flat string
    const start = performance.now();
    expect(codes(decodeBase64Strict(huge, 1000))).toEqual(['CONTENT_TOO_LARGE']);
    expect(performance.now() - start).toBeLessThan(50);
    expect(codes(decodeBase64Strict('AAAA', Number.NaN))).toEqual(['CONTENT_TOO_LARGE']);
  });
});
