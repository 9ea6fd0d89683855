import type { Actor } from '../../src/domain/actor.ts';
import type { Queryable } from '../../src/store/db.ts';
import { newDossierId } from '../../src/store/dossier-repo.ts';

/** A fixed clock that tests move by hand (time is an input, invariant 6). */
export function testClock(start = '2026-01-15T10:00:00.000Z') {
  let now = new Date(start);
  const clock = () => new Date(now.getTime());
  return Object.assign(clock, {
    set: (iso: string) => { now = new Date(iso); },
    advanceDays: (days: number) => { now = new Date(now.getTime() + days * 86_400_000); },
  });
}

export type DossierSeed = {
  ins: string; birthName?: string; firstNames?: string; birthDate?: string; sex?: 'M' | 'F' | 'U';
  state?: 'created' | 'active' | 'closed' | 'opposed'; createdAt?: Date; oppositionDays?: number;
};

/** Inserts a dossier directly (fixtures only: the product creates dossiers by import). */
export async function insertDossier(db: Queryable, s: DossierSeed): Promise<string> {
  const id = newDossierId();
  const created = s.createdAt ?? new Date('2026-01-01T00:00:00Z');
  const deadline = new Date(created.getTime() + (s.oppositionDays ?? 42) * 86_400_000);
  await db.query(
    `INSERT INTO dossier (dossier_id, ins, ins_oid, state, birth_name, first_names, birth_date, sex, birth_place, email, created_at, opposition_deadline)
     VALUES ($1, $2, '1.2.250.1.213.1.4.11', $3, $4, $5, $6, $7, '75056', NULL, $8, $9)`,
    [id, s.ins, s.state ?? 'created', s.birthName ?? 'MARTIN', s.firstNames ?? 'Marie Anne', s.birthDate ?? '1985-05-12', s.sex ?? 'F', created, deadline],
  );
  await db.query('INSERT INTO dossier_by_ins (ins, dossier_id) VALUES ($1, $2)', [s.ins, id]);
  return id;
}

export async function relate(db: Queryable, dossierId: string, kind: 'legal_representative' | 'carer' | 'protector', relatedDossierId: string, relatedIns: string): Promise<void> {
  await db.query(
    `INSERT INTO dossier_relationship (dossier_id, kind, related_dossier_id, related_ins, granted_at) VALUES ($1, $2, $3, $4, now())`,
    [dossierId, kind, relatedDossierId, relatedIns],
  );
}

export const operator: Actor = { kind: 'operator', accountId: '0f000000-0000-4000-8000-000000000001', displayName: 'Opératrice Test' };
/** A person signed in as the holder of `dossierId` (account id derived from it). */
export const personFor = (dossierId: string, name = 'Marie Martin'): Actor => ({ kind: 'person', accountId: `acc00000-${dossierId.slice(9)}`, dossierId, displayName: name });
export const doctor: Actor = {
  kind: 'professional', accountId: '0f000000-0000-4000-8000-000000000002', displayName: 'Dr Jean Dupont', rpps: '10101010101', profession: 'G15:10', specialty: 'SM54',
  structure: { finess: '750000001', name: 'Cabinet Dupont' },
};

/** Valid demo INS numbers (keys computed with 97 − N mod 97). */
export function insWithKey(first13: string): string {
  const n = BigInt(first13.replace('2A', '19').replace('2B', '18'));
  const key = 97n - (n % 97n);
  return `${first13}${key.toString().padStart(2, '0')}`;
}
