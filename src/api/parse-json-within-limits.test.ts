import { describe, expect, it } from 'vitest';
import { parseJsonWithinLimits } from './parse-json-within-limits.ts';

const parse = (text: string, maxDepth = 4, maxItems = 10) => parseJsonWithinLimits(text, maxDepth, maxItems);

describe('parseJsonWithinLimits', () => {
  it('parses what JSON.parse parses, within the limits (a BOM is dropped)', () => {
    expect(parse('{"a":[1,{"b":"x"}]}')).toEqual({ ok: true, value: { a: [1, { b: 'x' }] } });
    expect(parse('\uFEFF[1,2]')).toEqual({ ok: true, value: [1, 2] });
    expect(parse('"plain"')).toEqual({ ok: true, value: 'plain' });
  });

  it('counts nesting outside strings only: brackets, quotes and escapes inside strings do not count', () => {
    expect(parse('[[["[[[[[[\\"[[[", "\\\\"]]]')).toEqual({ ok: true, value: [[['[[[[[["[[[', '\\']]] });
    expect(parse('[[[[1]]]]')).toMatchObject({ ok: true });
    expect(parse('[[[[[1]]]]]')).toEqual({ ok: false, fault: 'DEPTH' });
    expect(parse('{"a":{"b":{"c":{"d":{}}}}}')).toEqual({ ok: false, fault: 'DEPTH' });
  });

  it('refuses before parsing: depth and items are found by the scan, even in a text that is not JSON', () => {
    expect(parse('['.repeat(1_000_000))).toEqual({ ok: false, fault: 'DEPTH' });
    expect(parse(`[${'0,'.repeat(10)}0]`)).toEqual({ ok: false, fault: 'ITEMS' });
    expect(parse(`[${'0,'.repeat(8)}0]`)).toMatchObject({ ok: true });
  });

  it('refuses syntax errors and an unterminated string', () => {
    expect(parse('{"a":')).toEqual({ ok: false, fault: 'SYNTAX' });
    expect(parse('["abc')).toEqual({ ok: false, fault: 'SYNTAX' });
    expect(parse('["abc\\"]')).toEqual({ ok: false, fault: 'SYNTAX' });
  });

  it('refuses prototype poisoning keys, at any depth, and lets the words through as values', () => {
    expect(parse('{"a":{"__proto__":{"x":1}}}')).toEqual({ ok: false, fault: 'FORBIDDEN_KEY' });
    expect(parse('[{"constructor":{"prototype":{"x":1}}}]')).toEqual({ ok: false, fault: 'FORBIDDEN_KEY' });
    expect(parse('{"text":"__proto__ constructor","constructor":"ok"}')).toMatchObject({ ok: true });
  });
});
