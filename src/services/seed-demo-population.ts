import { createHash } from 'node:crypto';
import type { Actor } from '../domain/actor.ts';
import { computeNirKey, INS_OIDS } from '../domain/identity/ins.ts';
import { findDossierIdByIns } from '../store/dossier-repo.ts';
import { importPopulation, type ImportDeps } from './import-population.ts';

/** A demo adult whose dossier the seed created: enough for someone else to open a demo account. */
export type DemoPerson = { dossierId: string; givenName: string; familyName: string; email: string };

type DemoRow = {
  givenName: string; familyName: string; body: string; firstNames: string; birthDate: string; sex: 'M' | 'F';
  birthPlace: string; email?: string; representatives?: string[];
};

// NIR bodies (sex, year, month, birth place, order number) consistent with the traits; keys computed.
const DEMO_ROWS: readonly DemoRow[] = [
  { givenName: 'Marie', familyName: 'Martin', body: '2850375112001', firstNames: 'Marie Louise', birthDate: '1985-03-14', sex: 'F', birthPlace: '75112', email: 'marie.martin@demo.openmes.local' },
  { givenName: 'Paul', familyName: 'Durand', body: '1820769383002', firstNames: 'Paul Henri', birthDate: '1982-07-09', sex: 'M', birthPlace: '69383', email: 'paul.durand@demo.openmes.local' },
  { givenName: 'Claire', familyName: 'Bernard', body: '2901133063003', firstNames: 'Claire', birthDate: '1990-11-21', sex: 'F', birthPlace: '33063', email: 'claire.bernard@demo.openmes.local' },
  // Marie's daughter; Marie and Paul are her legal representatives.
  { givenName: 'Léa', familyName: 'Martin', body: '2160575112004', firstNames: 'Léa Camille', birthDate: '2016-05-03', sex: 'F', birthPlace: '75112', representatives: ['2850375112001', '1820769383002'] },
];

const DEMO_SEEDER: Actor = { kind: 'operator', accountId: 'demo-seed', displayName: 'Jeu de démonstration' };

function withKey(body: string): string {
  return body + String(computeNirKey(body)).padStart(2, '0');
}

/** The demo population as NDJSON lines (DEMO OID, valid keys), in a fixed order: the same bytes every time. */
export function demoPopulationLines(): string[] {
  return DEMO_ROWS.map((r) => JSON.stringify({
    ins: withKey(r.body), insOid: INS_OIDS.DEMO.oid, birthName: r.familyName.toUpperCase(), firstNames: r.firstNames,
    birthDate: r.birthDate, sex: r.sex, birthPlace: r.birthPlace, ...(r.email ? { email: r.email } : {}),
    ...(r.representatives ? { legalRepresentatives: r.representatives.map((b) => ({ ins: withKey(b) })) } : {}),
  }));
}

/**
 * Loads the demo population through the population import (3 adults with e-mails, one child with two
 * legal representatives). Idempotent: the same content is the same import job, done once. Returns the
 * adults, for the demo accounts.
 */
export async function seedDemoPopulation(deps: ImportDeps): Promise<DemoPerson[]> {
  const lines = demoPopulationLines();
  const sha256 = createHash('sha256').update(`${lines.join('\n')}\n`).digest('hex');
  async function* generate(): AsyncGenerator<string> {
    yield* lines;
  }
  await importPopulation(deps, { actor: DEMO_SEEDER, requestId: null }, {
    name: 'demo-population.ndjson', sha256, format: 'ndjson', lines: generate(),
  }, { acceptTestOids: true });
  const adults: DemoPerson[] = [];
  for (const r of DEMO_ROWS.filter((row) => row.email)) {
    const dossierId = await findDossierIdByIns(deps.db, withKey(r.body)); // random ids: through the INS index
    if (!dossierId) throw new Error(`demo seed: no dossier for ${r.givenName} ${r.familyName} after the import`);
    adults.push({ dossierId, givenName: r.givenName, familyName: r.familyName, email: r.email! });
  }
  return adults;
}
