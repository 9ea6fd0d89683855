import type { Queryable } from './db.ts';

/** A professional of the directory (the professional accounts, identified by RPPS). */
export type DirectoryProfessional = {
  rpps: string;
  givenName: string;
  familyName: string;
  profession: string;
  specialty: string | null;
  structure: { finess: string; name: string } | null;
};

type Row = {
  rpps: string; given_name: string; family_name: string; profession: string; specialty: string | null;
  structure_finess: string | null; structure_name: string | null;
};

const COLUMNS = 'rpps, given_name, family_name, profession, specialty, structure_finess, structure_name';
const toProfessional = (r: Row): DirectoryProfessional => ({
  rpps: r.rpps, givenName: r.given_name, familyName: r.family_name, profession: r.profession, specialty: r.specialty,
  structure: r.structure_finess ? { finess: r.structure_finess, name: r.structure_name ?? '' } : null,
});

// Accents folded on both sides so « helene » finds « Hélène » (no unaccent extension on PGlite).
// Both cases listed: lower() only folds ASCII under the C locale.
const ACCENTED = 'àáâãäåçèéêëìíîïñòóôõöùúûüýÿœæÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝŸŒÆ';
const PLAIN = 'aaaaaaceeeeiiiinooooouuuuyyoaaaaaaaceeeeiiiinooooouuuuyyoa';
const folded = (sql: string) => `lower(translate(${sql}, '${ACCENTED}', '${PLAIN}'))`;

export async function findProfessionalByRpps(db: Queryable, rpps: string): Promise<DirectoryProfessional | null> {
  const res = await db.query<Row>(
    `SELECT ${COLUMNS} FROM account WHERE kind = 'professional' AND rpps = $1 AND profession IS NOT NULL AND ended_at IS NULL`, [rpps]);
  return res.rows[0] ? toProfessional(res.rows[0]) : null;
}

/**
 * Professionals whose RPPS starts with `query`, or whose name (given + family, either order) contains
 * it, accents and case ignored; `query` is already folded by the caller (lower case, no accents).
 */
export async function searchProfessionals(db: Queryable, query: string, limit: number): Promise<DirectoryProfessional[]> {
  const like = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const res = await db.query<Row>(
    `SELECT ${COLUMNS} FROM account
     WHERE kind = 'professional' AND rpps IS NOT NULL AND profession IS NOT NULL AND ended_at IS NULL
       AND (($1::text IS NOT NULL AND rpps LIKE $1 || '%')
         OR ${folded("given_name || ' ' || family_name")} LIKE $2
         OR ${folded("family_name || ' ' || given_name")} LIKE $2)
     ORDER BY family_name, given_name, rpps
     LIMIT $3`,
    [/^[\d ]+$/.test(query) ? query.replace(/ /g, '') : null, like, limit]);
  return res.rows.map(toProfessional);
}
