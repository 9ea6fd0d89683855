import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luhnCheckDigit, luhnValid } from './luhn.ts';

const digitString = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((a) => a.join(''));

describe('luhn', () => {
  it('matches the textbook example', () => {
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnCheckDigit('7992739871')).toBe(3);
  });

  it('is false (never throws) for non-digit input', () => {
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('12a4')).toBe(false);
    expect(luhnValid(undefined as unknown as string)).toBe(false);
    expect(() => luhnCheckDigit('12a')).toThrow(RangeError);
  });

  it('accepts every payload followed by its check digit', () => {
    fc.assert(
      fc.property(digitString(1, 30), (payload) => {
        expect(luhnValid(payload + luhnCheckDigit(payload))).toBe(true);
      }),
    );
  });

  it('detects every single-digit substitution', () => {
    fc.assert(
      fc.property(digitString(1, 20), fc.nat(), fc.integer({ min: 1, max: 9 }), (payload, p, delta) => {
        const full = payload + luhnCheckDigit(payload);
        const i = p % full.length;
        const mutated = full.slice(0, i) + String((Number(full[i]) + delta) % 10) + full.slice(i + 1);
        expect(luhnValid(mutated)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('detects adjacent transpositions except 09 ↔ 90', () => {
    fc.assert(
      fc.property(digitString(2, 20), fc.nat(), (payload, p) => {
        const full = payload + luhnCheckDigit(payload);
        const i = p % (full.length - 1);
        const a = full[i]!;
        const b = full[i + 1]!;
        fc.pre(a !== b && !(a + b === '09' || a + b === '90'));
        expect(luhnValid(full.slice(0, i) + b + a + full.slice(i + 2))).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
