import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeNirKey } from '../domain/identity/ins.ts';
import { readPopulationBatches, type PopulationBatch } from './population-batches.ts';

const NOW = new Date('2026-06-01T10:00:00Z');
const DEPARTMENTS = ['01', '13', '2A', '2B', '33', '69', '75', '95', '97'];
const letters = [...'abcdefghijklmnopqrstuvwxyzéèàçëïôÉ'];
const name = fc.array(fc.constantFrom(...letters), { minLength: 1, maxLength: 12 }).map((l) => l.join(''));

/** A valid person of the population file: NIR key and traits consistent by construction. */
const validRow = fc.record({
  sex: fc.constantFrom('M', 'F', 'U'),
  sexDigit: fc.constantFrom('1', '2'),
  birth: fc.date({ min: new Date('1920-01-01T00:00:00Z'), max: new Date('2026-05-31T00:00:00Z'), noInvalidDate: true }),
  department: fc.constantFrom(...DEPARTMENTS),
  commune: fc.integer({ min: 1, max: 999 }),
  order: fc.integer({ min: 1, max: 999 }),
  birthName: name,
  firstNames: fc.array(name, { minLength: 1, maxLength: 3 }),
  email: fc.option(fc.emailAddress(), { nil: undefined }),
}).map((r) => {
  const birthDate = r.birth.toISOString().slice(0, 10);
  const sexDigit = r.sex === 'M' ? '1' : r.sex === 'F' ? '2' : r.sexDigit;
  const place = `${r.department}${String(r.commune).padStart(3, '0')}`;
  const body = `${sexDigit}${birthDate.slice(2, 4)}${birthDate.slice(5, 7)}${place}${String(r.order).padStart(3, '0')}`;
  return {
    ins: body + String(computeNirKey(body)).padStart(2, '0'), birthName: r.birthName, firstNames: r.firstNames.join(' '),
    birthDate, sex: r.sex, birthPlace: place, ...(r.email ? { email: r.email } : {}),
  };
});

async function readAll(lines: string[], batchSize = 3): Promise<PopulationBatch[]> {
  async function* gen(): AsyncGenerator<string> {
    yield* lines;
  }
  const out: PopulationBatch[] = [];
  for await (const b of readPopulationBatches(gen()[Symbol.asyncIterator](), { header: null, skipThrough: 0, batchSize, now: NOW, acceptTestOids: false })) out.push(b);
  return out;
}

describe('readPopulationBatches (parse → validate → batch)', () => {
  it('accepts every valid generated row', async () => {
    await fc.assert(fc.asyncProperty(fc.uniqueArray(validRow, { selector: (r) => r.ins, minLength: 1, maxLength: 20 }), async (rows) => {
      const batches = await readAll(rows.map((r) => JSON.stringify(r)));
      expect(batches.flatMap((b) => b.rejects)).toEqual([]);
      expect(batches.flatMap((b) => b.persons.map((p) => p.ins))).toEqual(rows.map((r) => r.ins));
    }), { numRuns: 200 });
  });

  it('rejects a row whose INS key is corrupted with IDENTITY_INS_KEY and its line number', async () => {
    const corruption = fc.record({ at: fc.nat(), delta: fc.integer({ min: 1, max: 98 }) });
    await fc.assert(fc.asyncProperty(fc.uniqueArray(validRow, { selector: (r) => r.ins, minLength: 1, maxLength: 12 }), corruption, async (rows, c) => {
      const k = c.at % rows.length;
      const key = Number(rows[k]!.ins.slice(13));
      const wrongKey = String((key + c.delta) % 100).padStart(2, '0');
      const lines = rows.map((r, i) => JSON.stringify(i === k ? { ...r, ins: r.ins.slice(0, 13) + wrongKey } : r));
      const batches = await readAll(lines);
      expect(batches.flatMap((b) => b.rejects)).toEqual([{ line: k + 1, field: 'ins', code: 'IDENTITY_INS_KEY', message: expect.any(String) }]);
      expect(batches.flatMap((b) => b.persons)).toHaveLength(rows.length - 1);
    }), { numRuns: 200 });
  });

  it('cuts batches by physical lines, counts blank lines, and flags a second occurrence within a batch', async () => {
    const row = (o: number) => JSON.stringify({ ins: body(o), birthName: 'A', firstNames: 'B', birthDate: '1980-09-23', sex: 'M', birthPlace: '75112' });
    const batches = await readAll([row(1), '', row(2), row(1), '{bad', row(3), row(4)], 3);
    expect(batches.map((b) => [b.lastLine, b.dataLines, b.persons.length, b.rejectedLines])).toEqual([[3, 2, 2, 0], [6, 3, 2, 1], [7, 1, 1, 0]]);
    expect(batches[1]!.rejects.map((r) => [r.line, r.code])).toEqual([[5, 'IMPORT_BAD_JSON']]);
    // line 4 repeats line 1, which is in another batch: the database stage recognises it (see the import tests)
    expect(batches[1]!.persons.map((p) => p.line)).toEqual([4, 6]);
    const same = await readAll([row(1), row(1)], 5);
    expect(same[0]!.rejects.map((r) => [r.line, r.code, r.message])).toEqual([[2, 'IMPORT_DUPLICATE_INS', 'Cet INS figure déjà à la ligne 1 : une seule ligne par personne.']]);
  });
});

function body(order: number): string {
  const b = `18009751120${String(order).padStart(2, '0')}`;
  return b + String(computeNirKey(b)).padStart(2, '0');
}
