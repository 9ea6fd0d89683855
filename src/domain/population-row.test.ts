import { describe, expect, it } from 'vitest';
import { nir, person } from '../../test/support/population.ts';
import { parseCsvHeader, parseCsvLine, parseNdjsonLine, splitCsvLine } from './population-file.ts';
import { validatePopulationRow, type PopulationRowResult } from './population-row.ts';

const NOW = new Date('2026-06-01T10:00:00Z');
const check = (raw: Record<string, unknown>, line = 7): PopulationRowResult => validatePopulationRow(raw, line, { now: NOW });
const codes = (r: PopulationRowResult) => (r.ok ? [] : r.issues.map((i) => `${i.field}:${i.code}`));

describe('validatePopulationRow', () => {
  it('accepts a valid adult and types it (first names split, default NIR OID)', () => {
    const r = check({ ...person(1), email: ' jean.dupont@example.org ' });
    expect(r).toEqual({
      ok: true,
      person: {
        line: 7, ins: person(1).ins, insOid: '1.2.250.1.213.1.4.8', birthName: 'DUPONT', firstNames: ['Jean'], birthDate: '1980-09-23',
        sex: 'M', birthPlace: '75112', email: 'jean.dupont@example.org', legalRepresentatives: [],
      },
    });
  });

  it('accepts a minor with two legal representatives, in rank order', () => {
    const r = check(person(3, { minor: true, reps: [person(1).ins, person(2).ins] }));
    expect(r.ok && r.person.legalRepresentatives).toEqual([person(1).ins, person(2).ins]);
  });

  it('normalises an INS written with spaces and Corsican départements', () => {
    const ins = nir('F', '1975-02-10', '2A004', 12);
    const r = check({ ...person(1), ins: `${ins.slice(0, 1)} ${ins.slice(1, 3)} ${ins.slice(3, 5)} ${ins.slice(5).toLowerCase()}`, sex: 'F', birthDate: '1975-02-10' });
    expect(r.ok && r.person.ins).toBe(ins);
  });

  it.each([
    ['wrong key', { ins: `${person(1).ins.slice(0, 13)}00` }, 'ins:IDENTITY_INS_KEY'],
    ['short INS', { ins: '18009751120' }, 'ins:IDENTITY_INS_FORMAT'],
    ['missing INS', { ins: undefined }, 'ins:IDENTITY_INS_FORMAT'],
    ['obsolete INS-C OID', { insOid: '1.2.250.1.213.1.4.2' }, 'insOid:IDENTITY_INS_OID'],
    ['test OID outside test mode', { insOid: '1.2.250.1.213.1.4.10' }, 'insOid:IDENTITY_INS_OID'],
    ['missing birth name', { birthName: '' }, 'birthName:IDENTITY_TRAITS_REQUIRED'],
    ['digits in a first name', { firstNames: 'Jean 2' }, 'firstNames[1]:IDENTITY_TRAITS_NAME'],
    ['impossible date', { birthDate: '1980-02-30' }, 'birthDate:IDENTITY_TRAITS_BIRTH_DATE'],
    ['future birth', { birthDate: '2026-06-02' }, 'birthDate:IDENTITY_TRAITS_BIRTH_DATE'],
    ['sex not M/F/U', { sex: 'H' }, 'sex:IDENTITY_TRAITS_SEX'],
    ['birth place', { birthPlace: '7511' }, 'birthPlace:IDENTITY_TRAITS_BIRTH_PLACE'],
    ['sex against the NIR', { sex: 'F' }, 'sex:IDENTITY_INS_TRAITS_MISMATCH'],
    ['year against the NIR', { birthDate: '1981-09-23' }, 'birthDate:IDENTITY_INS_TRAITS_MISMATCH'],
    ['bad e-mail', { email: 'jean at example' }, 'email:IMPORT_EMAIL_INVALID'],
    ['unknown field', { nom: 'x' }, 'nom:IMPORT_UNKNOWN_FIELD'],
    ['representatives of an adult', { legalRepresentatives: [{ ins: person(2).ins }] }, 'legalRepresentatives:IMPORT_REPRESENTATIVE_OF_ADULT'],
    ['representatives not a list', { legalRepresentatives: person(2).ins }, 'legalRepresentatives:IMPORT_REPRESENTATIVES_FORMAT'],
  ])('rejects %s', (_label, change, expected) => {
    const r = check({ ...person(1), ...change });
    expect(r.ok).toBe(false);
    expect(codes(r)).toContain(expected);
    expect(r.ok ? 0 : r.line).toBe(7);
  });

  it('rejects a representative INS that is invalid, repeated, the person itself, or a third one', () => {
    const child = person(5, { minor: true });
    const bad = `${person(1).ins.slice(0, 13)}00`;
    expect(codes(check({ ...child, legalRepresentatives: [{ ins: person(1).ins }, { ins: bad }] })))
      .toEqual(['legalRepresentatives[1].ins:IDENTITY_INS_KEY']);
    expect(codes(check({ ...child, legalRepresentatives: [{ ins: person(1).ins }, { ins: person(1).ins }] })))
      .toEqual(['legalRepresentatives[1].ins:IMPORT_REPRESENTATIVE_DUPLICATE']);
    expect(codes(check({ ...child, legalRepresentatives: [{ ins: child.ins }] })))
      .toEqual(['legalRepresentatives[0].ins:IMPORT_REPRESENTATIVE_SELF']);
    expect(codes(check({ ...child, legalRepresentatives: [1, 2, 3].map((o) => ({ ins: person(o).ins })) })))
      .toEqual(['legalRepresentatives:IMPORT_TOO_MANY_REPRESENTATIVES']);
  });

  it('accepts test and demo OIDs when asked (outside production)', () => {
    const r = validatePopulationRow({ ...person(1), insOid: 'urn:oid:1.2.250.1.213.1.4.11' }, 1, { now: NOW, acceptTestOids: true });
    expect(r.ok && r.person.insOid).toBe('1.2.250.1.213.1.4.11');
  });

  it('turns 18 at the import date: representatives are refused from the birthday on', () => {
    const eighteen = { ...person(9, { minor: true, reps: [person(1).ins] }), birthDate: '2008-06-01', ins: nir('M', '2008-06-01', '75112', 9), sex: 'M' };
    expect(codes(check(eighteen))).toEqual(['legalRepresentatives:IMPORT_REPRESENTATIVE_OF_ADULT']);
    expect(check({ ...eighteen, birthDate: '2008-06-02', ins: nir('M', '2008-06-02', '75112', 9) }).ok).toBe(true);
  });
});

describe('population file lines', () => {
  it('parses NDJSON objects and refuses anything else', () => {
    expect(parseNdjsonLine('{"ins":"1"}')).toEqual({ ok: true, value: { ins: '1' } });
    for (const bad of ['{"ins":', '[1]', '42', 'null']) {
      expect(parseNdjsonLine(bad)).toMatchObject({ ok: false, issues: [{ code: 'IMPORT_BAD_JSON', field: '$' }] });
    }
  });

  it('reads a CSV header in any column order, with , or ;, and refuses unknown or missing columns', () => {
    expect(parseCsvHeader('\uFEFFsex;ins;birthName;firstNames;birthDate;birthPlace')).toMatchObject({ ok: true, value: { separator: ';' } });
    expect(parseCsvHeader('ins,birthName,firstNames,birthDate,sex,birthPlace,nom')).toMatchObject({ ok: false, issues: [{ code: 'IMPORT_BAD_HEADER' }] });
    expect(parseCsvHeader('ins,birthName,firstNames,birthDate,sex')).toMatchObject({ ok: false, issues: [{ code: 'IMPORT_BAD_HEADER' }] });
  });

  it('maps CSV cells to NDJSON fields, representatives included; empty cells are absent', () => {
    const header = parseCsvHeader('ins,birthName,firstNames,birthDate,sex,birthPlace,email,rep1Ins,rep2Ins');
    if (!header.ok) throw new Error('header');
    expect(parseCsvLine('1,"LE GALL","Anne ""Nanou""",2015-01-01,F,29019,,2,3', header.value)).toEqual({
      ok: true,
      value: { ins: '1', birthName: 'LE GALL', firstNames: 'Anne "Nanou"', birthDate: '2015-01-01', sex: 'F', birthPlace: '29019', legalRepresentatives: [{ ins: '2' }, { ins: '3' }] },
    });
    expect(parseCsvLine('1,2,3', header.value)).toMatchObject({ ok: false, issues: [{ code: 'IMPORT_BAD_CSV' }] });
    expect(parseCsvLine('1,"unterminated,3,4,5,6,7,8,9', header.value)).toMatchObject({ ok: false, issues: [{ code: 'IMPORT_BAD_CSV' }] });
  });

  it('splits RFC 4180 fields', () => {
    expect(splitCsvLine('a,,"b,c",', ',')).toEqual(['a', '', 'b,c', '']);
    expect(splitCsvLine('"a"x,b', ',')).toBeNull();
    expect(splitCsvLine('a"b,c', ',')).toBeNull();
  });
});
