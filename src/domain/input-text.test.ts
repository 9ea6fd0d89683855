import { describe, expect, it } from 'vitest';
import { findJsonFault, inputIssue, isNumberInRange, jsonPathField, printableField, textFault } from './input-text.ts';

describe('input text rules', () => {
  it('refuses NUL, controls and lone surrogates; free text keeps tab and line breaks', () => {
    expect(textFault('a\u0000b', 'text')).toBe('NUL');
    expect(textFault('a\u001bb', 'text')).toBe('CONTROL');
    expect(textFault('ligne 1\r\nligne 2\tfin', 'text')).toBeNull();
    expect(textFault('ligne 1\nligne 2', 'line')).toBe('CONTROL');
    expect(textFault('\u0085', 'line')).toBe('CONTROL');
    expect(textFault('\u0085', 'text')).toBeNull();
    expect(textFault('x\ud800', 'text')).toBe('SURROGATE');
    expect(textFault('\udc00x', 'line')).toBe('SURROGATE');
    expect(textFault('Zoé 😀', 'line')).toBeNull();
    expect(textFault('a'.repeat(11), 'line', 10)).toBe('TOO_LONG');
  });

  it('finds the first bad value of a nested body, keys and numbers included, without recursion', () => {
    expect(findJsonFault({ a: [{ b: 'ok' }, { c: 'x\u0000' }] }, { maxKeyLength: 64 })).toEqual({ path: ['a', 1, 'c'], fault: 'NUL' });
    expect(findJsonFault({ ['k\u0000']: 1 }, { maxKeyLength: 64 })).toEqual({ path: ['k\u0000'], fault: 'NUL' });
    expect(findJsonFault({ n: Number.POSITIVE_INFINITY }, { maxKeyLength: 64 })?.fault).toBe('NUMBER_RANGE');
    expect(findJsonFault({ n: 1e20 }, { maxKeyLength: 64 })?.fault).toBe('NUMBER_RANGE');
    expect(findJsonFault({ n: 42, t: 'é\n', ok: [true, null] }, { maxKeyLength: 64 })).toBeNull();
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findJsonFault(deep, { maxKeyLength: 64 })?.fault).toBe('NUL');
    expect(isNumberInRange(Number.MAX_SAFE_INTEGER)).toBe(true);
    expect(isNumberInRange(Number.NaN)).toBe(false);
  });

  it('names the field safely and in French', () => {
    expect(jsonPathField(['content', 0, 'attachment', 'title'], 'DocumentReference')).toBe('DocumentReference.content[0].attachment.title');
    expect(printableField('a\u0000\ud800😀')).toBe('a\\u0000\\ud800😀');
    expect(inputIssue('type', 'NUL', 'paramètre')).toMatchObject({ field: 'type', code: 'INPUT_NUL_CHARACTER', message: expect.stringContaining('Le paramètre « type » contient un caractère nul') });
  });
});
