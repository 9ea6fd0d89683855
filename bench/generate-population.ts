import { seededRandom as prng } from '../test/support/seeded-random.ts';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { computeNirKey } from '../src/domain/identity/ins.ts';
import type { PopulationFormat } from '../src/domain/population-file.ts';

/**
 * Synthetic population files for benchmarks and tests:
 *   tsx bench/generate-population.ts --rows 1000000 --out /tmp/pop.ndjson [--format csv] [--bad-ratio 0.01] [--seed 42]
 * Every valid row has a unique NIR with a correct key, consistent with its sex, birth year, month and
 * place; about 20 % are minors with one or two representatives drawn from earlier adults; a share of
 * rows (--bad-ratio) is broken in one of several ways the import must reject.
 */
export type GenerateOptions = { rows: number; format: PopulationFormat; badRatio: number; seed: number; today: Date };

type Person = {
  ins: string; birthName: string; firstNames: string[]; birthDate: string; sex: 'M' | 'F' | 'U';
  birthPlace: string; email?: string; reps?: string[];
};

const BIRTH_NAMES = ['MARTIN', 'BERNARD', 'THOMAS', 'PETIT', 'ROBERT', 'RICHARD', 'DURAND', 'DUBOIS', 'MOREAU', 'LAURENT',
  'SIMON', 'MICHEL', 'LEFÈVRE', 'LEROY', 'ROUX', 'DAVID', 'BERTRAND', 'MOREL', 'FOURNIER', 'GIRARD', "N'DIAYE", 'LE GALL',
  'BONNET-DUPONT', 'MÜLLER', 'NGUYEN', 'GARCIA', 'FAURE', 'ANDRÉ', 'MERCIER', 'BLANC'];
const FIRST_NAMES = {
  F: ['Marie', 'Camille', 'Léa', 'Chloé', 'Inès', 'Manon', 'Zoé', 'Hélène', 'Anne-Sophie', 'Noémie', 'Éloïse', 'Jeanne'],
  M: ['Jean', 'Louis', 'Gabriel', 'Lucas', 'Hugo', 'Noël', 'Raphaël', 'Jean-Pierre', 'Arthur', 'Mathis', 'Théo', 'Paul'],
};
// The 96 départements of a NIR (2A/2B for Corsica), so that key computation covers the Corsican rule.
const DEPARTMENTS = Array.from({ length: 95 }, (_, i) => String(i + 1).padStart(2, '0')).flatMap((d) => (d === '20' ? ['2A', '2B'] : [d]));
const PLACES_PER_DEPARTMENT = 999 * 999; // commune 001–999 × order number 001–999
const SPACE = DEPARTMENTS.length * PLACES_PER_DEPARTMENT;
const HEADER = 'ins,insOid,birthName,firstNames,birthDate,sex,birthPlace,email,rep1Ins,rep2Ins';
const BAD_KINDS = ['key', 'syntax', 'missing-name', 'sex-mismatch', 'duplicate', 'rep-ins', 'rep-of-adult', 'birth-date'] as const;
const DAY = 86_400_000;


/** The lines of a synthetic population file (CSV header first), generated lazily. */
export function* generatePopulation(o: GenerateOptions): Generator<string> {
  if (o.rows > SPACE) throw new RangeError(`at most ${SPACE} rows`);
  const rnd = prng(o.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const adults: Person[] = []; // ring buffer of recent valid adults (representatives, duplicates)
  let adultCursor = 0;
  if (o.format === 'csv') yield HEADER;
  for (let i = 0; i < o.rows; i++) {
    const minor = adults.length >= 10 && rnd() < 0.2;
    const p = person(i, minor, o.today, rnd, pick);
    if (minor) p.reps = rnd() < 0.5 ? [pick(adults).ins] : twoDistinct(adults, pick);
    if (rnd() < o.badRatio) {
      yield render(corrupt(p, pick(BAD_KINDS), adults, pick), o.format);
      continue;
    }
    if (!minor) {
      if (adults.length < 4096) adults.push(p);
      else adults[adultCursor++ % 4096] = p;
    }
    yield render(p, o.format);
  }
}

function person(i: number, minor: boolean, today: Date, rnd: () => number, pick: <T>(l: readonly T[]) => T): Person {
  const sexRoll = rnd();
  const sex = sexRoll < 0.01 ? 'U' : sexRoll < 0.505 ? 'F' : 'M';
  const ageDays = minor ? 30 + Math.floor(rnd() * 17 * 365) : 19 * 366 + Math.floor(rnd() * 70 * 365);
  const birthDate = new Date(today.getTime() - ageDays * DAY).toISOString().slice(0, 10);
  // A bijection of [0, SPACE): consecutive rows get unrelated places, every NIR stays unique.
  const j = (i * 7919 + 12345) % SPACE;
  const department = DEPARTMENTS[Math.floor(j / PLACES_PER_DEPARTMENT)]!;
  const commune = String((Math.floor(j / 999) % 999) + 1).padStart(3, '0');
  const order = String((j % 999) + 1).padStart(3, '0');
  const sexDigit = sex === 'M' ? '1' : sex === 'F' ? '2' : rnd() < 0.5 ? '1' : '2';
  const body = `${sexDigit}${birthDate.slice(2, 4)}${birthDate.slice(5, 7)}${department}${commune}${order}`;
  const ins = body + String(computeNirKey(body)).padStart(2, '0');
  const names = FIRST_NAMES[sex === 'U' ? pick(['F', 'M'] as const) : sex];
  const firstNames = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(names));
  const birthName = pick(BIRTH_NAMES);
  const p: Person = { ins, birthName, firstNames, birthDate, sex, birthPlace: `${department}${commune}` };
  if (!minor && rnd() < 0.7) p.email = `${ascii(firstNames[0]!)}.${ascii(birthName)}.${i}@example.org`;
  return p;
}

function twoDistinct(adults: readonly Person[], pick: <T>(l: readonly T[]) => T): string[] {
  const a = pick(adults).ins;
  const b = pick(adults).ins;
  return a === b ? [a] : [a, b];
}

function corrupt(p: Person, kind: (typeof BAD_KINDS)[number], adults: readonly Person[], pick: <T>(l: readonly T[]) => T): Person | string {
  switch (kind) {
    case 'key': return { ...p, ins: p.ins.slice(0, 13) + String(((Number(p.ins.slice(13)) + 1) % 97) + 1).padStart(2, '0') };
    case 'syntax': return 'syntax';
    case 'missing-name': return { ...p, birthName: '' };
    case 'sex-mismatch': return { ...p, sex: p.ins[0] === '1' ? 'F' : 'M' };
    case 'duplicate': return adults.length > 0 ? { ...pick(adults) } : { ...p, birthName: '' };
    case 'rep-ins': return { ...p, reps: ['1234567890123'] };
    case 'rep-of-adult': return p.reps ? { ...p, birthDate: '1970-01-01', reps: p.reps } : { ...p, reps: [pick(adults).ins] };
    case 'birth-date': return { ...p, birthDate: `${p.birthDate.slice(0, 4)}-02-30` };
    default: return kind satisfies never;
  }
}

function render(p: Person | string, format: PopulationFormat): string {
  if (typeof p === 'string') return format === 'csv' ? '"1850175012345,unterminated' : '{"ins": "1850175012345';
  const reps = p.reps ?? [];
  if (format === 'csv') {
    return [p.ins, '', p.birthName, p.firstNames.join(' '), p.birthDate, p.sex, p.birthPlace, p.email ?? '', reps[0] ?? '', reps[1] ?? ''].join(',');
  }
  return JSON.stringify({
    ins: p.ins, birthName: p.birthName, firstNames: p.firstNames.join(' '), birthDate: p.birthDate, sex: p.sex,
    birthPlace: p.birthPlace, ...(p.email ? { email: p.email } : {}),
    ...(reps.length > 0 ? { legalRepresentatives: reps.map((ins) => ({ ins })) } : {}),
  });
}

function ascii(text: string): string {
  return text.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
}

/** Writes a generated file; resolves with the number of lines written. */
export async function writePopulationFile(path: string, o: GenerateOptions): Promise<number> {
  const out = createWriteStream(path);
  let lines = 0;
  let chunk: string[] = [];
  for (const line of generatePopulation(o)) {
    chunk.push(line);
    lines++;
    if (chunk.length === 1000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(`${chunk.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' }, out: { type: 'string' }, format: { type: 'string' },
      'bad-ratio': { type: 'string', default: '0' }, seed: { type: 'string', default: '42' }, today: { type: 'string' },
    },
  });
  if (!values.out) throw new Error('usage: tsx bench/generate-population.ts --rows N --out FILE [--format ndjson|csv] [--bad-ratio 0.01] [--seed 42]');
  const format = (values.format ?? (values.out.endsWith('.csv') ? 'csv' : 'ndjson')) as PopulationFormat;
  const today = values.today ? new Date(`${values.today}T00:00:00Z`) : new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
  const started = performance.now();
  const lines = await writePopulationFile(values.out, {
    rows: Number(values.rows), format, badRatio: Number(values['bad-ratio']), seed: Number(values.seed), today,
  });
  process.stderr.write(`wrote ${lines} lines to ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
