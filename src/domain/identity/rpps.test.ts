import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { luhnCheckDigit } from './luhn.ts';
import { ID_NAT_PS_SYSTEM, luhnValid, parseIdNatPs, validateAdeli, validateRpps } from './rpps.ts';

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((a) => a.join(''));
const localId = fc.string({ unit: fc.constantFrom(...'abcXYZ0123456789-_./'), minLength: 1, maxLength: 20 });

describe('validateRpps', () => {
  it('accepts 11 digits, spaces ignored', () => {
    expect(validateRpps('10003654836')).toEqual({ ok: true, value: '10003654836' });
    expect(validateRpps('100 036 548 36')).toEqual({ ok: true, value: '10003654836' });
  });

  it('does not refuse on the Luhn digit (rule not stated in our sources) but exposes luhnValid', () => {
    expect(luhnValid('10100000006')).toBe(false);
    expect(validateRpps('10100000006').ok).toBe(true);
  });

  it('accepts every 11-digit string', () => {
    fc.assert(
      fc.property(digits(11), (r) => {
        expect(validateRpps(r)).toEqual({ ok: true, value: r });
      }),
    );
  });

  it('refuses, without throwing, anything that is not 11 digits', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !/^\d{11}$/.test(s.replace(/\s+/gu, ''))), (s) => {
        expect(validateRpps(s, { field: 'practitioner.rpps' })).toEqual({
          ok: false,
          issues: [expect.objectContaining({ field: 'practitioner.rpps', code: 'IDENTITY_RPPS_FORMAT' })],
        });
      }),
    );
  });
});

describe('validateAdeli', () => {
  it('accepts exactly 9 digits', () => {
    expect(validateAdeli('751 234 567')).toEqual({ ok: true, value: '751234567' });
    expect(validateAdeli('75123456').ok).toBe(false);
    expect(validateAdeli('2A1234567')).toEqual({ ok: false, issues: [expect.objectContaining({ code: 'IDENTITY_ADELI_FORMAT' })] });
  });
});

describe('parseIdNatPs', () => {
  it('uses the national PS identifier system', () => {
    expect(ID_NAT_PS_SYSTEM).toBe('urn:oid:1.2.250.1.71.4.2.1');
  });

  it('parses each TRE_G08 prefix', () => {
    expect(parseIdNatPs('810003654836')).toEqual({ ok: true, value: { kind: 'RPPS', value: '810003654836', rpps: '10003654836' } });
    expect(parseIdNatPs('0751234567')).toEqual({ ok: true, value: { kind: 'ADELI', value: '0751234567', adeli: '751234567' } });
    expect(parseIdNatPs('3750712184/12345')).toEqual({
      ok: true,
      value: { kind: 'FINESS', value: '3750712184/12345', finess: '750712184', localId: '12345' },
    });
    expect(parseIdNatPs('4443061841/ABC')).toMatchObject({ ok: true, value: { kind: 'SIREN', siren: '443061841', localId: 'ABC' } });
    expect(parseIdNatPs('544306184100047/x/y')).toMatchObject({
      ok: true,
      value: { kind: 'SIRET', siret: '44306184100047', localId: 'x/y' },
    });
    expect(parseIdNatPs('6C123/loc')).toMatchObject({ ok: true, value: { kind: 'CABINET_RPPS', cabinetId: 'C123', localId: 'loc' } });
    expect(parseIdNatPs('1C456/loc')).toMatchObject({ ok: true, value: { kind: 'CABINET_ADELI', cabinetId: 'C456', localId: 'loc' } });
    expect(parseIdNatPs('32A0001234/7')).toMatchObject({ ok: true, value: { kind: 'FINESS', finess: '2A0001234' } });
  });

  it('reports the broken rule', () => {
    const code = (v: string) => {
      const r = parseIdNatPs(v);
      return r.ok ? 'OK' : r.issues.map((i) => i.code).join(',');
    };
    expect(code('')).toBe('IDENTITY_IDNATPS_FORMAT');
    expect(code(' 810003654836')).toBe('IDENTITY_IDNATPS_FORMAT');
    expect(code('81000365483')).toBe('IDENTITY_IDNATPS_FORMAT');
    expect(code('075123456')).toBe('IDENTITY_IDNATPS_FORMAT');
    expect(code('3750712184')).toBe('IDENTITY_IDNATPS_FORMAT');
    expect(code('3750712184/')).toBe('IDENTITY_IDNATPS_LOCAL_ID');
    expect(code('3750712185/1')).toBe('IDENTITY_FINESS_KEY');
    expect(code('32a0001234/1')).toBe('IDENTITY_IDNATPS_FORMAT');
    expect(code('4443061842/1')).toBe('IDENTITY_SIREN_KEY');
    expect(code('6/loc')).toBe('IDENTITY_IDNATPS_FORMAT');
    expect(code('10jean.dupont@medecin.mssante.fr')).toBe('IDENTITY_IDNATPS_PREFIX');
    expect(code('910003654836')).toBe('IDENTITY_IDNATPS_PREFIX');
  });

  it('round-trips RPPS and FINESS-based identifiers', () => {
    const finess = digits(8).map((p) => p + luhnCheckDigit(p));
    fc.assert(
      fc.property(digits(11), finess, localId, (rpps, f, local) => {
        expect(parseIdNatPs(`8${rpps}`)).toEqual({ ok: true, value: { kind: 'RPPS', value: `8${rpps}`, rpps } });
        expect(parseIdNatPs(`3${f}/${local}`)).toEqual({
          ok: true,
          value: { kind: 'FINESS', value: `3${f}/${local}`, finess: f, localId: local },
        });
      }),
    );
  });

  it('never throws; refusals carry the field and an IDENTITY_ code', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: fc.constantFrom(...'0134568/A@ '), maxLength: 20 })), (s) => {
        const r = parseIdNatPs(s, { field: 'author.idNatPs' });
        if (!r.ok) {
          for (const i of r.issues) expect(i).toMatchObject({ field: 'author.idNatPs', code: expect.stringMatching(/^IDENTITY_/) });
        }
      }),
    );
  });
});
