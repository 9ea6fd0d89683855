import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkInsTraitsConsistency,
  computeNirKey,
  INS_OIDS,
  validateIdentityTraits,
  validateIns,
  validateInsOid,
  type IdentityTraits,
} from './ins.ts';

const pad2 = (n: number) => String(n).padStart(2, '0');
const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));

/** A valid 13-character NIR body (every layout rule respected, Corsica included). */
const nirBody = fc
  .tuple(
    fc.constantFrom('1', '2', '3', '4', '7', '8'),
    digits(2),
    fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 20, max: 42 }), fc.integer({ min: 50, max: 99 })).map(pad2),
    fc.oneof(digits(2), fc.constantFrom('2A', '2B')),
    digits(3),
    digits(3),
  )
  .map((parts) => parts.join(''));

const validIns = nirBody.map((body) => body + pad2(computeNirKey(body)));

const validTraits: IdentityTraits = {
  birthName: 'MARTIN',
  firstNames: ['JEAN', 'PIERRE'],
  birthDate: '1985-05-17',
  sex: 'M',
  birthPlace: '78006',
};

describe('computeNirKey', () => {
  it('computes 97 − (N mod 97)', () => {
    expect(computeNirKey('1850578006084')).toBe(91);
    // Examples published with the rule (trabucaire.free.fr): 2 62 08 75 032 039 → 77, 1 63 12 78 477 042 → 94.
    expect(computeNirKey('2620875032039')).toBe(77);
    expect(computeNirKey('1631278477042')).toBe(94);
  });

  it('replaces 2A by 19 and 2B by 18 (Corsica)', () => {
    expect(computeNirKey('180012A004012')).toBe(computeNirKey('1800119004012'));
    expect(computeNirKey('180012A004012')).toBe(57);
    expect(computeNirKey('275032B033123')).toBe(9);
    // Not the naive "20" substitution.
    expect(computeNirKey('1800120004012')).toBe(30);
  });

  it('throws a RangeError on a malformed body', () => {
    expect(() => computeNirKey('185057800608')).toThrow(RangeError);
    expect(() => computeNirKey('185052C006084')).toThrow(RangeError);
  });
});

describe('validateIns — examples', () => {
  it('accepts a valid NIR written with spaces and returns it normalised', () => {
    expect(validateIns('1 85 05 78 006 084 91')).toEqual({ ok: true, value: '185057800608491' });
    expect(validateIns('2 62 08 75 032 039 77')).toEqual({ ok: true, value: '262087503203977' });
  });

  it('accepts Corsican NIR (2A, 2B), in upper or lower case', () => {
    expect(validateIns('1 80 01 2A 004 012 57')).toEqual({ ok: true, value: '180012A00401257' });
    expect(validateIns('2 75 03 2b 033 123 09')).toEqual({ ok: true, value: '275032B03312309' });
  });

  it('accepts a person born abroad (99) and an unknown month (20–42, 50–99)', () => {
    expect(validateIns('2 55 12 99 123 456 84').ok).toBe(true);
    const body = '1852099123456';
    expect(validateIns(body + pad2(computeNirKey(body))).ok).toBe(true);
  });

  it('refuses a wrong key, naming the rule but never the expected key', () => {
    const result = validateIns('1 85 05 78 006 084 90');
    expect(result).toEqual({
      ok: false,
      issues: [
        {
          field: 'ins',
          code: 'IDENTITY_INS_KEY',
          message: 'La clé de contrôle du NIR est invalide : elle ne correspond pas aux 13 premiers caractères (clé = 97 − N mod 97). Vérifiez le numéro saisi.',
        },
      ],
    });
  });

  it('refuses a Corsican NIR whose key was computed with 20 instead of 19', () => {
    const result = validateIns('180012A00401230');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues[0]?.code).toBe('IDENTITY_INS_KEY');
      expect(result.issues[0]?.message).not.toContain('57');
      expect(result.issues[0]?.message).toContain('2A remplacé par 19');
    }
  });

  it('reports the wrong length', () => {
    const result = validateIns('18505780060849');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues).toEqual([expect.objectContaining({ field: 'ins', code: 'IDENTITY_INS_FORMAT' })]);
  });

  it('reports every broken layout rule, with a custom field name', () => {
    const result = validateIns('5851378X0608491', { field: 'patient.ins' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues).toHaveLength(3); // sex 5, month 13, commune "X06"
      for (const i of result.issues) expect(i).toMatchObject({ field: 'patient.ins', code: 'IDENTITY_INS_FORMAT' });
    }
  });

  it('refuses other letters than 2A / 2B, and months 00, 13–19, 43–49', () => {
    for (const body of ['185052C006084', '1850078006084', '1851378006084', '1851978006084', '1854378006084', '1854978006084']) {
      const result = validateIns(`${body}00`);
      expect(result.ok, body).toBe(false);
      if (!result.ok) expect(result.issues.map((i) => i.code), body).toEqual(['IDENTITY_INS_FORMAT']);
    }
    expect(validateIns(undefined as unknown as string).ok).toBe(false);
  });
});

describe('validateIns — properties', () => {
  it('accepts every valid body followed by its computed key', () => {
    fc.assert(
      fc.property(nirBody, (body) => {
        const ins = body + pad2(computeNirKey(body));
        expect(validateIns(ins)).toEqual({ ok: true, value: ins });
      }),
    );
  });

  it('ignores spaces anywhere and letter case', () => {
    fc.assert(
      fc.property(validIns, fc.array(fc.nat(15)), (ins, cuts) => {
        let spaced = ins.toLowerCase();
        for (const c of [...new Set(cuts)].sort((a, b) => b - a)) spaced = `${spaced.slice(0, c)} ${spaced.slice(c)}`;
        expect(validateIns(spaced)).toEqual({ ok: true, value: ins });
      }),
    );
  });

  it('rejects any single-digit substitution (97 is prime: the key catches them all)', () => {
    fc.assert(
      fc.property(validIns, fc.nat(14), fc.integer({ min: 1, max: 9 }), (ins, position, delta) => {
        const c = ins[position]!;
        fc.pre(/\d/.test(c));
        const changed = String((Number(c) + delta) % 10);
        const mutated = ins.slice(0, position) + changed + ins.slice(position + 1);
        expect(validateIns(mutated).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects any transposition of two adjacent distinct digits (key included)', () => {
    fc.assert(
      fc.property(validIns, fc.nat(13), (ins, i) => {
        const a = ins[i]!;
        const b = ins[i + 1]!;
        fc.pre(/\d/.test(a) && /\d/.test(b) && a !== b);
        const swapped = ins.slice(0, i) + b + a + ins.slice(i + 2);
        expect(validateIns(swapped).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws, and every refusal names a field and an IDENTITY_INS_ code', () => {
    const noise = fc.oneof(
      fc.string(),
      fc.string({ unit: fc.constantFrom(...'0123456789AB ab'), maxLength: 20 }),
      validIns.map((s) => s.slice(0, 14)),
      validIns.map((s) => `${s}0`),
    );
    fc.assert(
      fc.property(noise, (input) => {
        const result = validateIns(input);
        if (!result.ok) {
          expect(result.issues.length).toBeGreaterThan(0);
          for (const i of result.issues) {
            expect(i.field).toBe('ins');
            expect(i.code).toMatch(/^IDENTITY_INS_[A-Z_]+$/);
            expect(i.message.length).toBeGreaterThan(0);
          }
        }
      }),
    );
  });

  it('refuses every input whose length without spaces is not 15', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => s.replace(/\s+/gu, '').length !== 15), (input) => {
        const result = validateIns(input);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.issues[0]?.code).toBe('IDENTITY_INS_FORMAT');
      }),
    );
  });
});

describe('INS OIDs', () => {
  it('maps each kind to its OID and FHIR system', () => {
    expect(INS_OIDS.NIR.oid).toBe('1.2.250.1.213.1.4.8');
    expect(INS_OIDS.NIA.oid).toBe('1.2.250.1.213.1.4.9');
    expect(INS_OIDS.TEST.oid).toBe('1.2.250.1.213.1.4.10');
    expect(INS_OIDS.DEMO.oid).toBe('1.2.250.1.213.1.4.11');
    for (const { oid, system } of Object.values(INS_OIDS)) expect(system).toBe(`urn:oid:${oid}`);
  });

  it('recognises bare OIDs and urn:oid systems', () => {
    expect(validateInsOid('1.2.250.1.213.1.4.8')).toEqual({ ok: true, value: 'NIR' });
    expect(validateInsOid('urn:oid:1.2.250.1.213.1.4.9')).toEqual({ ok: true, value: 'NIA' });
    expect(validateInsOid('1.2.250.1.213.1.4.10')).toEqual({ ok: true, value: 'TEST' });
    expect(validateInsOid('urn:oid:1.2.250.1.213.1.4.11')).toEqual({ ok: true, value: 'DEMO' });
  });

  it('refuses the obsolete INS-C and unknown OIDs', () => {
    const insC = validateInsOid('1.2.250.1.213.1.4.2');
    expect(insC.ok).toBe(false);
    if (!insC.ok) expect(insC.issues[0]).toMatchObject({ field: 'oid', code: 'IDENTITY_INS_OID' });
    if (!insC.ok) expect(insC.issues[0]?.message).toContain('obsolète');
    expect(validateInsOid('1.2.250.1.213.1.4.80').ok).toBe(false);
    expect(validateInsOid('').ok).toBe(false);
  });
});

describe('validateIdentityTraits', () => {
  it('accepts complete strict traits', () => {
    expect(validateIdentityTraits(validTraits)).toEqual([]);
    expect(
      validateIdentityTraits({
        birthName: "D'ARTAGNAN-DE LA TOUR",
        firstNames: ['Élodie', 'Marie-Ange'],
        birthDate: '2024-02-29',
        sex: 'F',
        birthPlace: '2A004',
      }),
    ).toEqual([]);
    expect(validateIdentityTraits({ ...validTraits, sex: 'U', birthPlace: '99134' })).toEqual([]);
  });

  it('reports each missing trait with the field prefix', () => {
    const issues = validateIdentityTraits({}, { fieldPrefix: 'patient' });
    expect(issues.map((i) => i.field)).toEqual([
      'patient.birthName',
      'patient.firstNames',
      'patient.birthDate',
      'patient.sex',
      'patient.birthPlace',
    ]);
    for (const i of issues) expect(i.code).toMatch(/^IDENTITY_TRAITS_/);
  });

  it('refuses malformed values', () => {
    const issues = validateIdentityTraits({
      birthName: 'R2D2',
      firstNames: ['JEAN', ' '],
      birthDate: '2023-02-29',
      sex: 'male',
      birthPlace: '2C004',
    });
    expect(issues.map((i) => [i.field, i.code])).toEqual([
      ['birthName', 'IDENTITY_TRAITS_NAME'],
      ['firstNames[1]', 'IDENTITY_TRAITS_REQUIRED'],
      ['birthDate', 'IDENTITY_TRAITS_BIRTH_DATE'],
      ['sex', 'IDENTITY_TRAITS_SEX'],
      ['birthPlace', 'IDENTITY_TRAITS_BIRTH_PLACE'],
    ]);
  });

  it('refuses a future birth date only when today is given', () => {
    const traits = { ...validTraits, birthDate: '2031-01-01' };
    expect(validateIdentityTraits(traits)).toEqual([]);
    expect(validateIdentityTraits(traits, { today: '2030-12-31' })).toEqual([
      expect.objectContaining({ field: 'birthDate', code: 'IDENTITY_TRAITS_BIRTH_DATE' }),
    ]);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('birthName', 'firstNames', 'birthDate', 'sex', 'birthPlace'), fc.anything()), (input) => {
        const issues = validateIdentityTraits(input);
        for (const i of issues) expect(i.field.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('checkInsTraitsConsistency', () => {
  const ins = '185057800608491'; // man, born May 1985

  it('accepts traits that agree with the NIR', () => {
    expect(checkInsTraitsConsistency(ins, { sex: 'M', birthDate: '1985-05-17' })).toEqual([]);
    expect(checkInsTraitsConsistency(ins, { sex: 'U' })).toEqual([]);
    expect(checkInsTraitsConsistency(ins, {})).toEqual([]);
  });

  it('reports sex, year and month mismatches', () => {
    const issues = checkInsTraitsConsistency(ins, { sex: 'F', birthDate: '1986-06-17' }, { fieldPrefix: 'patient' });
    expect(issues.map((i) => [i.field, i.code])).toEqual([
      ['patient.sex', 'IDENTITY_INS_TRAITS_MISMATCH'],
      ['patient.birthDate', 'IDENTITY_INS_TRAITS_MISMATCH'],
      ['patient.birthDate', 'IDENTITY_INS_TRAITS_MISMATCH'],
    ]);
  });

  it('does not compare the month when the NIR carries an unknown-month value, nor the sex for 3/4/7/8', () => {
    const body = '7852099123456';
    const provisional = body + pad2(computeNirKey(body));
    expect(checkInsTraitsConsistency(provisional, { sex: 'F', birthDate: '1985-11-02' })).toEqual([]);
  });

  it('returns the INS issues when the matricule itself is invalid', () => {
    expect(checkInsTraitsConsistency('185057800608490', { sex: 'M' })).toEqual([
      expect.objectContaining({ field: 'ins', code: 'IDENTITY_INS_KEY' }),
    ]);
  });

  it('holds for any NIR built from the traits', () => {
    const arb = fc.tuple(
      fc.constantFrom<'M' | 'F'>('M', 'F'),
      fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }),
      digits(8),
    );
    fc.assert(
      fc.property(arb, ([sex, date, rest]) => {
        const birthDate = date.toISOString().slice(0, 10);
        const body = (sex === 'M' ? '1' : '2') + birthDate.slice(2, 4) + birthDate.slice(5, 7) + rest;
        const nir = body + pad2(computeNirKey(body));
        expect(checkInsTraitsConsistency(nir, { sex, birthDate })).toEqual([]);
        const other = sex === 'M' ? 'F' : 'M';
        expect(checkInsTraitsConsistency(nir, { sex: other, birthDate })).toHaveLength(1);
      }),
    );
  });
});
