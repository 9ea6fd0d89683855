import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MATRIX_COLUMNS_CSV_HEADER,
  MATRIX_CSV_HEADER,
  MATRIX_ISSUE_CODES as M,
  parseHabilitationMatrix,
  type MatrixKnowns,
} from './habilitation-matrix.ts';

const TYPES = ['11488-4', '68599-0', 'DOCPAT03'];
const PROFESSIONS = ['G15:10', 'G15:60', 'R85:330', 'R94:41'];
const knowns: MatrixKnowns = {
  isDmpTypeCode: (code) => TYPES.includes(code),
  dmpTypeCodes: TYPES,
  isKnownProfessionKey: (key) => PROFESSIONS.includes(key),
  isKnownSpecialtyKey: (key) => key === 'G15:10/SM26' || key === 'G15:10/SM33',
};
const meta = { version: '2023-10-26', effectiveFrom: '2023-10-29' };

const COLUMNS = [
  MATRIX_COLUMNS_CSV_HEADER.join(','),
  'G15:10,health,Médecin',
  'G15:60,health,Infirmier',
  'R85:330,medico_social,Coordonnateur de parcours',
].join('\n');

/** A complete grid: `value(type, key)` gives allowed; physicians stated, the others provisional. */
function grid(keys: readonly string[], value: (type: string, key: string) => boolean, types = TYPES): string[] {
  const rows = [MATRIX_CSV_HEADER.join(',')];
  for (const type of types) {
    for (const key of keys) {
      const stated = key.startsWith('G15:10');
      rows.push(`${type},${key},${value(type, key) ? 'yes' : 'no'},${stated ? 'stated' : 'provisional'},"${stated ? 'https://example.org/source' : 'rule X, with a comma'}"`);
    }
  }
  return rows;
}
const KEYS = ['G15:10', 'G15:60', 'R85:330'];
const sample = grid(KEYS, (type, key) => key === 'G15:10' || (key === 'G15:60' && type !== '68599-0') || (key === 'R85:330' && type === 'DOCPAT03'));

const parseOk = (rows: string[], columns = COLUMNS) => {
  const result = parseHabilitationMatrix(rows.join('\n'), columns, meta, knowns);
  if (!result.ok) throw new Error(JSON.stringify(result.issues, null, 1));
  return result.matrix;
};
const issuesOf = (rows: string[], columns = COLUMNS, m: typeof meta & { effectiveTo?: string } = meta) => {
  const result = parseHabilitationMatrix(rows.join('\n'), columns, m, knowns);
  return result.ok ? [] : result.issues.map((i) => [i.code, i.field]);
};

describe('parseHabilitationMatrix — reading', () => {
  const matrix = parseOk(sample);

  it('answers each cell with its provenance, source and deciding column', () => {
    expect(matrix.allows('68599-0', 'G15:10')).toEqual({ allowed: true, provenance: 'stated', source: 'https://example.org/source', column: 'G15:10' });
    expect(matrix.allows('68599-0', 'G15:60')).toEqual({ allowed: false, provenance: 'provisional', source: 'rule X, with a comma', column: 'G15:60' });
    expect(matrix.allows('DOCPAT03', 'R85:330')?.allowed).toBe(true);
    expect(matrix.allows('11488-4', 'R85:330')?.allowed).toBe(false);
    expect(matrix).toMatchObject({ version: '2023-10-26', effectiveFrom: '2023-10-29' });
    expect(matrix.typeCodes()).toEqual(TYPES);
    expect(matrix.columns().map((c) => [c.professionKey, c.sector])).toEqual([['G15:10', 'health'], ['G15:60', 'health'], ['R85:330', 'medico_social']]);
  });

  it('fails closed: undefined for an unknown type or column', () => {
    expect(matrix.allows('99999-9', 'G15:10')).toBeUndefined();
    expect(matrix.allows('11488-4', 'R94:41')).toBeUndefined();
    expect(matrix.allows('11488-4', 'G15:10 ')).toBeUndefined();
    expect(matrix.sectorOf('R85:330')).toBe('medico_social');
    expect(matrix.sectorOf('R94:41')).toBeUndefined();
  });

  it('lets a physician-specialty column override its base column for that specialty only', () => {
    const keys = [...KEYS, 'G15:10/SM26'];
    const refined = parseOk(
      grid(keys, (type, key) => key !== 'G15:10/SM26' || type !== '68599-0'),
      `${COLUMNS}\nG15:10/SM26,health,Médecin — spécialité SM26`,
    );
    expect(refined.allows('68599-0', 'G15:10', 'SM26')).toMatchObject({ allowed: false, column: 'G15:10/SM26' });
    expect(refined.allows('68599-0', 'G15:10', 'G15_10/SM26')).toMatchObject({ allowed: false, column: 'G15:10/SM26' });
    expect(refined.allows('68599-0', 'G15:10', 'SM33')).toMatchObject({ allowed: true, column: 'G15:10' });
    expect(refined.allows('68599-0', 'G15:10', null)).toMatchObject({ allowed: true, column: 'G15:10' });
    expect(refined.columns().find((c) => c.specialty !== null)).toMatchObject({ baseProfessionKey: 'G15:10', specialty: 'SM26' });
  });
});

describe('parseHabilitationMatrix — rejects bad files with precise issues', () => {
  const line = (type: string, key: string) => sample.findIndex((r) => r.startsWith(`${type},${key},`));
  const replace = (type: string, key: string, row: string) => sample.map((r, i) => (i === line(type, key) ? row : r));
  const without = (type: string, key: string) => sample.filter((_, i) => i !== line(type, key));

  it('a duplicate cell', () => {
    const row = sample[line('11488-4', 'G15:60')]!;
    expect(issuesOf([...sample, row])).toEqual([[M.DUPLICATE, `matrix.row[${sample.length + 1}].profession_key`]]);
  });

  it('a missing cell, a type or a column without any cell', () => {
    expect(issuesOf(without('68599-0', 'R85:330'))).toEqual([[M.MISSING, 'matrix.cell[68599-0,R85:330]']]);
    expect(issuesOf(sample.filter((r) => !r.startsWith('DOCPAT03,')))).toEqual([[M.TYPE_MISSING, 'matrix.type[DOCPAT03]']]);
    expect(issuesOf(sample, `${COLUMNS}\nR94:41,medico_social,Assistant de service social`)).toEqual([[M.COLUMN_EMPTY, 'matrix.column[R94:41]']]);
  });

  it('an unknown type, an unknown profession, an undeclared column', () => {
    expect(issuesOf([...sample, '12345-6,G15:10,yes,stated,src', '12345-6,G15:60,yes,stated,src'])).toEqual([
      [M.TYPE_UNKNOWN, `matrix.row[${sample.length + 1}].type_code`],
    ]);
    expect(issuesOf([...sample, '11488-4,G15:99,yes,provisional,r'])).toEqual([[M.PROFESSION_UNKNOWN, `matrix.row[${sample.length + 1}].profession_key`]]);
    expect(issuesOf([...sample, '11488-4,R94:41,yes,provisional,r'])).toEqual([[M.COLUMN_UNDECLARED, `matrix.row[${sample.length + 1}].profession_key`]]);
    expect(issuesOf(sample, `${COLUMNS}\nG15:99,health,Inconnu`)).toEqual([[M.PROFESSION_UNKNOWN, 'columns.row[5].profession_key']]);
  });

  it('bad values: allowed, provenance, source, column count', () => {
    const at = line('11488-4', 'G15:60') + 1;
    expect(issuesOf(replace('11488-4', 'G15:60', '11488-4,G15:60,maybe,provisional,r'))).toEqual([[M.ALLOWED, `matrix.row[${at}].allowed`]]);
    expect(issuesOf(replace('11488-4', 'G15:60', '11488-4,G15:60,yes,official,r'))).toEqual([[M.PROVENANCE, `matrix.row[${at}].provenance`]]);
    expect(issuesOf(replace('11488-4', 'G15:60', '11488-4,G15:60,yes,stated, '))).toEqual([[M.SOURCE, `matrix.row[${at}].source`]]);
    expect(issuesOf(replace('11488-4', 'G15:60', '11488-4,G15:60,yes'))).toEqual([
      [M.COLUMNS, `matrix.row[${at}]`],
      [M.MISSING, 'matrix.cell[11488-4,G15:60]'],
    ]);
  });

  it('bad headers, columns file and meta', () => {
    expect(issuesOf([sample[0]!.replace('allowed', 'access'), ...sample.slice(1)])).toEqual([[M.HEADER, 'matrix.header']]);
    expect(issuesOf(sample, COLUMNS.replace('health,Infirmier', 'sanitaire,Infirmier'))).toContainEqual([M.COLUMN_SECTOR, 'columns.row[3].sector']);
    expect(issuesOf(sample, COLUMNS.replace(',Infirmier', ','))).toContainEqual([M.COLUMN_LABEL, 'columns.row[3].label']);
    expect(issuesOf(sample, `${COLUMNS}\nG15:60,health,Infirmier bis`)).toEqual([[M.COLUMN_DUPLICATE, 'columns.row[5].profession_key']]);
    expect(issuesOf(sample, `${COLUMNS}\nG15:60/SM26,health,Sans base`)).toContainEqual([M.SPECIALTY, 'columns.row[5].profession_key']);
    expect(issuesOf(sample, `${COLUMNS}\nG15:10/SM26,medico_social,Autre secteur`)).toContainEqual([M.SPECIALTY, 'columns.G15:10/SM26']);
    expect(issuesOf(sample, COLUMNS, { version: ' ', effectiveFrom: '2023-02-30', effectiveTo: '2020-01-01' })).toEqual([
      [M.META, 'meta.version'], [M.META, 'meta.effectiveFrom'], [M.META, 'meta.effectiveTo'],
    ]);
    expect(issuesOf([MATRIX_CSV_HEADER.join(',')], COLUMNS)).toContainEqual([M.EMPTY, 'matrix']);
    expect(issuesOf(sample, COLUMNS.replace('sector', 'secteur'))).toEqual([[M.HEADER, 'columns.header']]);
  });
});

describe('parseHabilitationMatrix — properties', () => {
  it('any complete grid parses, and allows() gives back each cell, deterministically; unknowns are undefined', () => {
    const cells = fc.array(fc.boolean(), { minLength: TYPES.length * KEYS.length, maxLength: TYPES.length * KEYS.length });
    fc.assert(
      fc.property(cells, fc.nat(TYPES.length - 1), fc.nat(KEYS.length - 1), fc.string(), (values, t, k, junk) => {
        const value = (type: string, key: string) => values[TYPES.indexOf(type) * KEYS.length + KEYS.indexOf(key)]!;
        const matrix = parseOk(grid(KEYS, value));
        const [type, key] = [TYPES[t]!, KEYS[k]!];
        const first = matrix.allows(type, key);
        expect(first?.allowed).toBe(value(type, key));
        expect(matrix.allows(type, key)).toEqual(first);
        if (!TYPES.includes(junk)) expect(matrix.allows(junk, key)).toBeUndefined();
        if (!KEYS.includes(junk)) expect(matrix.allows(type, junk)).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });

  it('dropping any one row is reported as exactly that missing cell', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: sample.length - 1 }), (index) => {
        const [type, key] = sample[index]!.split(',') as [string, string];
        expect(issuesOf(sample.filter((_, i) => i !== index))).toEqual([[M.MISSING, `matrix.cell[${type},${key}]`]]);
      }),
    );
  });
});
