import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateFiness, validateSiren, validateSiret } from './finess.ts';
import { luhnCheckDigit } from './luhn.ts';

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
const withKey = (payload: string) => payload + luhnCheckDigit(payload);
const substitute = (s: string, i: number, delta: number) =>
  s.slice(0, i) + String((Number(s[i]) + delta) % 10) + s.slice(i + 1);

const validFiness = digits(8).map(withKey);
const validSiren = digits(8).map(withKey);
const validSiret = fc.tuple(validSiren, digits(4)).map(([siren, nic]) => withKey(siren + nic));

describe('validateFiness', () => {
  it('accepts FINESS numbers of large hospitals (their 9th digit is the Luhn key of the first 8)', () => {
    // AP-HP, AP-HM, HCL Lyon, CHU Bordeaux, CHU Toulouse, CHU Lille, CHU Nantes, HU Strasbourg (legal entities).
    for (const f of ['750712184', '130786049', '690781810', '330781196', '310781406', '590780193', '440000289', '670780055']) {
      expect(validateFiness(f), f).toEqual({ ok: true, value: f });
    }
  });

  it('ignores spaces and accepts Corsican numbers (2A/2B) without checking their key', () => {
    expect(validateFiness(' 750 712 184 ')).toEqual({ ok: true, value: '750712184' });
    expect(validateFiness('2a0001234')).toEqual({ ok: true, value: '2A0001234' });
    expect(validateFiness('2B0001235')).toEqual({ ok: true, value: '2B0001235' });
  });

  it('refuses a wrong key and a wrong layout', () => {
    expect(validateFiness('750712185')).toEqual({
      ok: false,
      issues: [expect.objectContaining({ field: 'finess', code: 'IDENTITY_FINESS_KEY' })],
    });
    for (const bad of ['75071218', '7507121840', '2C0001234', '75A712184', '']) {
      const r = validateFiness(bad, { field: 'org.finess' });
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.issues[0]).toMatchObject({ field: 'org.finess', code: 'IDENTITY_FINESS_FORMAT' });
    }
  });

  it('accepts every 8 digits followed by their Luhn key', () => {
    fc.assert(
      fc.property(validFiness, (f) => {
        expect(validateFiness(f)).toEqual({ ok: true, value: f });
      }),
    );
  });

  it('refuses every single-digit substitution of a numeric FINESS', () => {
    fc.assert(
      fc.property(validFiness, fc.nat(8), fc.integer({ min: 1, max: 9 }), (f, i, delta) => {
        expect(validateFiness(substitute(f, i, delta)).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws; refusals carry the field and an IDENTITY_FINESS_ code', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), digits(9), fc.string({ unit: fc.constantFrom(...'0123456789AB '), maxLength: 12 })), (s) => {
        const r = validateFiness(s);
        if (!r.ok) for (const i of r.issues) expect(i).toMatchObject({ field: 'finess', code: expect.stringMatching(/^IDENTITY_FINESS_/) });
      }),
    );
  });
});

describe('validateSiren', () => {
  it('accepts real SIREN numbers and refuses a wrong key or layout', () => {
    expect(validateSiren('443 061 841')).toEqual({ ok: true, value: '443061841' });
    expect(validateSiren('552081317').ok).toBe(true);
    expect(validateSiren('443061842')).toEqual({ ok: false, issues: [expect.objectContaining({ code: 'IDENTITY_SIREN_KEY' })] });
    expect(validateSiren('44306184')).toEqual({ ok: false, issues: [expect.objectContaining({ code: 'IDENTITY_SIREN_FORMAT' })] });
  });

  it('accepts every Luhn-valid 9 digits and refuses every single-digit substitution', () => {
    fc.assert(
      fc.property(validSiren, fc.nat(8), fc.integer({ min: 1, max: 9 }), (s, i, delta) => {
        expect(validateSiren(s).ok).toBe(true);
        expect(validateSiren(substitute(s, i, delta)).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses anything that is not 9 digits', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !/^\d{9}$/.test(s.replace(/\s+/gu, ''))), (s) => {
        const r = validateSiren(s);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.issues[0]?.code).toBe('IDENTITY_SIREN_FORMAT');
      }),
    );
  });
});

describe('validateSiret', () => {
  it('accepts a real SIRET and refuses a wrong key or layout', () => {
    expect(validateSiret('443 061 841 00047')).toEqual({ ok: true, value: '44306184100047' });
    expect(validateSiret('44306184100048')).toEqual({ ok: false, issues: [expect.objectContaining({ code: 'IDENTITY_SIRET_KEY' })] });
    expect(validateSiret('4430618410004')).toEqual({ ok: false, issues: [expect.objectContaining({ code: 'IDENTITY_SIRET_FORMAT' })] });
  });

  it('applies the La Poste rule (sum of digits multiple of 5) and still accepts its Luhn-valid head office', () => {
    expect(validateSiret('35600000000048').ok).toBe(true); // Luhn-valid
    expect(validateSiret('35600000049837').ok).toBe(true); // not Luhn, digit sum 45
    const r = validateSiret('35600000049838');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]?.message).toContain('La Poste');
  });

  it('refuses a SIRET whose first 9 digits are not a valid SIREN', () => {
    // Luhn-valid over 14 digits, but 443061842 is not a valid SIREN.
    const payload = '4430618420004';
    const r = validateSiret(withKey(payload));
    expect(r.ok).toBe(false);
  });

  it('accepts every SIREN + NIC with its key, and refuses single-digit substitutions (La Poste aside)', () => {
    fc.assert(
      fc.property(validSiret, fc.nat(13), fc.integer({ min: 1, max: 9 }), (s, i, delta) => {
        fc.pre(!s.startsWith('356000000'));
        expect(validateSiret(s)).toEqual({ ok: true, value: s });
        const mutated = substitute(s, i, delta);
        fc.pre(!mutated.startsWith('356000000'));
        expect(validateSiret(mutated).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});
