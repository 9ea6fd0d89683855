import type { Queryable } from './db.ts';

/** An active carer mandate on a dossier, with the carer's name as their account shows it. */
export type CarerMandateRow = { carerDossierId: string; givenName: string | null; familyName: string | null; grantedAt: Date };

/** The person a patient account belongs to, found by the e-mail they sign in with. */
export type PatientByEmail = { dossierId: string; ins: string; state: string; givenName: string; familyName: string };

export async function findPatientByEmail(db: Queryable, email: string): Promise<PatientByEmail | null> {
  const res = await db.query<{ dossier_id: string; ins: string; state: string; given_name: string; family_name: string }>(
    `SELECT d.dossier_id, d.ins, d.state, a.given_name, a.family_name
     FROM account a JOIN dossier d ON d.dossier_id = a.dossier_id
     WHERE a.kind = 'patient' AND lower(a.email) = lower($1)
     ORDER BY a.created_at LIMIT 1`,
    [email],
  );
  const r = res.rows[0];
  return r ? { dossierId: r.dossier_id, ins: r.ins, state: r.state, givenName: r.given_name, familyName: r.family_name } : null;
}

/** Mandates in force at `now` (an end date in the future still counts, as for the access decision). */
export async function listActiveCarers(db: Queryable, dossierId: string, now: Date): Promise<CarerMandateRow[]> {
  const res = await db.query<{ related_dossier_id: string; given_name: string | null; family_name: string | null; granted_at: Date }>(
    `SELECT r.related_dossier_id, a.given_name, a.family_name, r.granted_at
     FROM dossier_relationship r
     LEFT JOIN account a ON a.dossier_id = r.related_dossier_id AND a.kind = 'patient'
     WHERE r.dossier_id = $1 AND r.kind = 'carer' AND (r.ended_at IS NULL OR r.ended_at > $2)
     ORDER BY r.granted_at, r.related_dossier_id`,
    [dossierId, now],
  );
  return res.rows.map((r) => ({ carerDossierId: r.related_dossier_id, givenName: r.given_name, familyName: r.family_name, grantedAt: new Date(r.granted_at) }));
}

/** Grants (or grants again, after a revocation) a carer mandate: one row per dossier and carer. */
export async function grantCarer(tx: Queryable, dossierId: string, carer: { dossierId: string; ins: string }, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO dossier_relationship (dossier_id, kind, related_dossier_id, related_ins, granted_at)
     VALUES ($1, 'carer', $2, $3, $4)
     ON CONFLICT (dossier_id, kind, related_dossier_id)
     DO UPDATE SET granted_at = EXCLUDED.granted_at, ended_at = NULL, ended_reason = NULL`,
    [dossierId, carer.dossierId, carer.ins, now],
  );
}

/** Ends a mandate in force at `now`; false when there was none. */
export async function endCarer(tx: Queryable, dossierId: string, carerDossierId: string, now: Date, reason: string): Promise<boolean> {
  const res = await tx.query<{ related_dossier_id: string }>(
    `UPDATE dossier_relationship SET ended_at = $3, ended_reason = $4
     WHERE dossier_id = $1 AND kind = 'carer' AND related_dossier_id = $2 AND (ended_at IS NULL OR ended_at > $3)
     RETURNING related_dossier_id`,
    [dossierId, carerDossierId, now, reason],
  );
  return res.rows.length > 0;
}

/**
 * The name a person goes by in the portals: their patient account's, else the identity of their space
 * (a minor managed by a parent may have no account of their own).
 */
export async function findPersonName(db: Queryable, dossierId: string): Promise<string | null> {
  const res = await db.query<{ given_name: string | null; family_name: string | null; first_names: string | null; birth_name: string | null }>(
    `SELECT a.given_name, a.family_name, d.first_names, d.birth_name
     FROM dossier d LEFT JOIN account a ON a.dossier_id = d.dossier_id AND a.kind = 'patient'
     WHERE d.dossier_id = $1 ORDER BY a.created_at LIMIT 1`,
    [dossierId],
  );
  const r = res.rows[0];
  if (!r) return null;
  if (r.given_name || r.family_name) return `${r.given_name ?? ''} ${r.family_name ?? ''}`.trim();
  const first = r.first_names?.split(/[ ,]/)[0] ?? '';
  const family = r.birth_name ? r.birth_name.charAt(0) + r.birth_name.slice(1).toLowerCase() : '';
  return `${first} ${family}`.trim() || null;
}

/** The spaces a person helps as a carer, mandates in force at `now` (their « Les personnes que j'aide »). */
export async function listMandatesHeldBy(db: Queryable, carerDossierId: string, now: Date): Promise<{ dossierId: string; grantedAt: Date }[]> {
  const res = await db.query<{ dossier_id: string; granted_at: Date }>(
    `SELECT dossier_id, granted_at FROM dossier_relationship
     WHERE related_dossier_id = $1 AND kind = 'carer' AND (ended_at IS NULL OR ended_at > $2) ORDER BY granted_at, dossier_id`,
    [carerDossierId, now],
  );
  return res.rows.map((r) => ({ dossierId: r.dossier_id, grantedAt: new Date(r.granted_at) }));
}
