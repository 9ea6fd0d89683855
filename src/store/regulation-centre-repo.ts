import type { Queryable } from './db.ts';

/**
 * The SAMU regulation centres (centres 15): the structures, by FINESS, whose physicians may use the SAMU
 * regulation mode. Data kept by the national operator (`openmes regulation-centre`), not code.
 */
export type RegulationCentre = { structureId: string; name: string; addedAt: Date };

export async function isRegulationCentre(db: Queryable, structureId: string): Promise<boolean> {
  const res = await db.query('SELECT 1 FROM regulation_centre WHERE structure_id = $1', [structureId]);
  return (res.rowCount ?? res.rows.length) > 0;
}

/** Adds (or renames) a regulation centre; true when it was not listed yet. */
export async function upsertRegulationCentre(db: Queryable, structureId: string, name: string, now: Date): Promise<boolean> {
  const res = await db.query<{ inserted: boolean }>(
    `INSERT INTO regulation_centre (structure_id, name, added_at) VALUES ($1, $2, $3)
     ON CONFLICT (structure_id) DO UPDATE SET name = EXCLUDED.name
     RETURNING (xmax = 0) AS inserted`, [structureId, name, now]);
  return res.rows[0]?.inserted ?? false;
}

export async function deleteRegulationCentre(db: Queryable, structureId: string): Promise<boolean> {
  const res = await db.query<{ structure_id: string }>('DELETE FROM regulation_centre WHERE structure_id = $1 RETURNING structure_id', [structureId]);
  return res.rows.length > 0;
}

export async function listRegulationCentres(db: Queryable): Promise<RegulationCentre[]> {
  const res = await db.query<{ structure_id: string; name: string; added_at: Date }>('SELECT structure_id, name, added_at FROM regulation_centre ORDER BY structure_id');
  return res.rows.map((r) => ({ structureId: r.structure_id, name: r.name, addedAt: r.added_at }));
}
