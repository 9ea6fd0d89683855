import { createHash } from 'node:crypto';
import { computeNirKey } from '../../src/domain/identity/ins.ts';
import type { PopulationFormat } from '../../src/domain/population-file.ts';
import type { PopulationSource } from '../../src/services/import-population.ts';

/** A NIR with a correct key, consistent with sex, birth date and place (commune code of 5 characters). */
export function nir(sex: 'M' | 'F', birthDate: string, birthPlace: string, order: number): string {
  const body = `${sex === 'M' ? '1' : '2'}${birthDate.slice(2, 4)}${birthDate.slice(5, 7)}${birthPlace}${String(order).padStart(3, '0')}`;
  return body + String(computeNirKey(body)).padStart(2, '0');
}

export type TestPerson = {
  ins: string; birthName: string; firstNames: string; birthDate: string; sex: 'M' | 'F' | 'U'; birthPlace: string;
  email?: string; insOid?: string; legalRepresentatives?: { ins: string }[];
};

/** A valid adult (born 1980) or minor (born 2015); `order` makes the INS unique. */
export function person(order: number, o: { minor?: boolean; sex?: 'M' | 'F'; reps?: string[]; email?: string } = {}): TestPerson {
  const sex = o.sex ?? (order % 2 === 0 ? 'F' : 'M');
  const birthDate = o.minor ? '2015-04-12' : '1980-09-23';
  const p: TestPerson = {
    ins: nir(sex, birthDate, '75112', order), birthName: o.minor ? 'PETIT' : 'DUPONT', firstNames: sex === 'F' ? 'Anne Marie' : 'Jean',
    birthDate, sex, birthPlace: '75112',
  };
  if (o.email) p.email = o.email;
  if (o.reps) p.legalRepresentatives = o.reps.map((ins) => ({ ins }));
  return p;
}

export function ndjson(rows: readonly (TestPerson | string)[]): string[] {
  return rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r)));
}

export const CSV_HEADER = 'ins,insOid,birthName,firstNames,birthDate,sex,birthPlace,email,rep1Ins,rep2Ins';

export function csv(rows: readonly (TestPerson | string)[]): string[] {
  return [CSV_HEADER, ...rows.map((r) => (typeof r === 'string' ? r : [
    r.ins, r.insOid ?? '', r.birthName, r.firstNames, r.birthDate, r.sex, r.birthPlace, r.email ?? '',
    r.legalRepresentatives?.[0]?.ins ?? '', r.legalRepresentatives?.[1]?.ins ?? '',
  ].join(',')))];
}

/** An in-memory source (lines served lazily), identified by the SHA-256 of its content. */
export function memorySource(lines: readonly string[], format: PopulationFormat = 'ndjson', name = 'test.ndjson'): PopulationSource {
  async function* read(): AsyncGenerator<string> {
    yield* lines;
  }
  return { name, format, sha256: createHash('sha256').update(lines.join('\n')).digest('hex'), lines: read() };
}
