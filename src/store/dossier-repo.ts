import { randomUUID } from 'node:crypto';
import type { DossierState, LifecycleChange } from '../domain/lifecycle.ts';
import type { RelationshipFact } from '../domain/policy/decide-access.ts';
import type { Queryable } from './db.ts';

export type DossierRow = {
  dossier_id: string;
  ins: string;
  ins_oid: string;
  state: DossierState;
  birth_name: string | null;
  first_names: string | null;
  birth_date: string | null;
  sex: 'M' | 'F' | 'U' | null;
  birth_place: string | null;
  email: string | null;
  created_at: Date;
  opposition_deadline: Date;
  activated_at: Date | null;
  closed_at: Date | null;
  retention_until: Date | null;
  opposed_at: Date | null;
  version: number;
};

/**
 * A new dossier's id: 122 random bits (UUIDv4), carrying nothing of the person. It appears in URLs, FHIR
 * ids, logs and e-mailed links, so it must not let anyone recover the INS (a hash of the INS would: the
 * NIR space is small once birth year, month and place are known). INS → dossier goes through the
 * dossier_by_ins index only (docs/dossier-ids.md).
 */
export function newDossierId(): string {
  return randomUUID();
}

export async function findDossier(db: Queryable, dossierId: string, forUpdate = false): Promise<DossierRow | null> {
  const res = await db.query<DossierRow>(`SELECT * FROM dossier WHERE dossier_id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [dossierId]);
  return res.rows[0] ?? null;
}

/**
 * The dossier of an INS, through the index. An index entry may be a reservation with no dossier yet (a
 * legal representative named by the population file before their own line): not a dossier, so null.
 */
export async function findDossierIdByIns(db: Queryable, ins: string): Promise<string | null> {
  const res = await db.query<{ dossier_id: string }>(
    'SELECT b.dossier_id FROM dossier_by_ins b JOIN dossier d ON d.dossier_id = b.dossier_id WHERE b.ins = $1', [ins]);
  return res.rows[0]?.dossier_id ?? null;
}

/** Dossiers matching the five strict identity traits (SPEC §9: find a patient by INS or traits). */
export async function findDossierIdsByTraits(
  db: Queryable,
  t: { birthName: string; firstName: string; birthDate: string; sex: string },
  limit: number,
): Promise<string[]> {
  const res = await db.query<{ dossier_id: string }>(
    `SELECT dossier_id FROM dossier
     WHERE birth_date = $1 AND upper(birth_name) = upper($2) AND sex = $3
       AND upper(split_part(first_names, ' ', 1)) = upper($4)
     LIMIT $5`,
    [t.birthDate, t.birthName, t.sex, t.firstName, limit],
  );
  return res.rows.map((r) => r.dossier_id);
}

export async function applyLifecycleChange(tx: Queryable, dossierId: string, change: LifecycleChange): Promise<void> {
  const wipeIdentity = change.state === 'opposed';
  await tx.query(
    `UPDATE dossier SET state = $2,
       activated_at = CASE WHEN $3::boolean THEN $4::timestamptz ELSE activated_at END,
       closed_at = CASE WHEN $5::boolean THEN $6::timestamptz ELSE closed_at END,
       retention_until = CASE WHEN $7::boolean THEN $8::timestamptz ELSE retention_until END,
       opposed_at = CASE WHEN $9::boolean THEN $10::timestamptz ELSE opposed_at END,
       -- an opposed space is never created: keep only what prevents re-creation (SPEC §1)
       birth_name = CASE WHEN $11::boolean THEN NULL ELSE birth_name END,
       first_names = CASE WHEN $11::boolean THEN NULL ELSE first_names END,
       birth_place = CASE WHEN $11::boolean THEN NULL ELSE birth_place END,
       email = CASE WHEN $11::boolean THEN NULL ELSE email END,
       version = version + 1
     WHERE dossier_id = $1`,
    [
      dossierId, change.state,
      'activatedAt' in change, change.activatedAt ?? null,
      'closedAt' in change, change.closedAt ?? null,
      'retentionUntil' in change, change.retentionUntil ?? null,
      'opposedAt' in change, change.opposedAt ?? null,
      wipeIdentity,
    ],
  );
}

export async function listRelationshipsOf(db: Queryable, dossierId: string): Promise<RelationshipFact[]> {
  const res = await db.query<{ kind: RelationshipFact['kind']; related_dossier_id: string; ended_at: Date | null }>(
    'SELECT kind, related_dossier_id, ended_at FROM dossier_relationship WHERE dossier_id = $1', [dossierId]);
  return res.rows.map((r) => ({ kind: r.kind, relatedDossierId: r.related_dossier_id, endedAt: r.ended_at }));
}

/** Spaces a person may act for (children, mandates): the switcher of the portal. */
export async function listDossiersActedForBy(db: Queryable, personDossierId: string): Promise<{ dossierId: string; kind: string }[]> {
  const res = await db.query<{ dossier_id: string; kind: string }>(
    'SELECT dossier_id, kind FROM dossier_relationship WHERE related_dossier_id = $1 AND ended_at IS NULL', [personDossierId]);
  return res.rows.map((r) => ({ dossierId: r.dossier_id, kind: r.kind }));
}

/** Has anything been added to the space? Then opposing is no longer possible, only closing (SPEC §1). */
export async function dossierHasContent(db: Queryable, dossierId: string): Promise<boolean> {
  const res = await db.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM document WHERE dossier_id = $1) AS found', [dossierId]);
  return res.rows[0]!.found;
}
