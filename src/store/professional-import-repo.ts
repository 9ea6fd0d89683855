import { createHash, randomUUID } from 'node:crypto';
import type { DirectoryRow } from '../domain/professional-directory-file.ts';
import type { Queryable } from './db.ts';
import { textArrayLiteral } from './sql-array.ts';

/** The progress of loading one directory file, committed with each batch. */
export type DirectoryJobRow = {
  job_id: string;
  source_sha256: string;
  source_name: string;
  full_extract: boolean;
  status: 'running' | 'done';
  lines_committed: number;
  rows_created: number;
  rows_updated: number;
  rows_unchanged: number;
  rows_other_activity: number;
  rows_rejected: number;
  rows_ended: number;
  started_at: Date;
  updated_at: Date;
  finished_at: Date | null;
};

export type DirectoryBatchCounts = { created: number; updated: number; unchanged: number; otherActivity: number; rejected: number };

const COUNT_COLUMNS = ['lines_committed', 'rows_created', 'rows_updated', 'rows_unchanged', 'rows_other_activity', 'rows_rejected', 'rows_ended'] as const;

/** bigint columns come back as strings from node-postgres: numbers here (a directory has ~2M lines). */
function toJob(r: DirectoryJobRow): DirectoryJobRow {
  const out = { ...r };
  for (const c of COUNT_COLUMNS) out[c] = Number(r[c]);
  return out;
}

/** The job of a file is named by its content: the same extract is one job however often it is loaded. */
export function directoryJobIdFor(sourceSha256: string): string {
  const hex = createHash('sha256').update(`openmes-directory-job|${sourceSha256}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Finds the job of this file (locked), creating it the first time. */
export async function findOrCreateDirectoryJob(
  tx: Queryable,
  job: { sourceSha256: string; sourceName: string; fullExtract: boolean; now: Date },
): Promise<{ job: DirectoryJobRow; isNew: boolean }> {
  const inserted = await tx.query(
    `INSERT INTO directory_import_job (job_id, source_sha256, source_name, full_extract, status, started_at, updated_at)
     VALUES ($1, $2, $3, $4, 'running', $5, $5) ON CONFLICT (source_sha256) DO NOTHING`,
    [directoryJobIdFor(job.sourceSha256), job.sourceSha256, job.sourceName, job.fullExtract, job.now.toISOString()],
  );
  const res = await tx.query<DirectoryJobRow>('SELECT * FROM directory_import_job WHERE source_sha256 = $1 FOR UPDATE', [job.sourceSha256]);
  return { job: toJob(res.rows[0]!), isNew: inserted.rowCount === 1 };
}

type Existing = {
  rpps: string; kind: string; given_name: string; family_name: string; profession: string | null; specialty: string | null;
  structure_finess: string | null; structure_siret: string | null; structure_name: string | null; directory_job: string | null; ended_at: Date | null;
};

/**
 * Writes one batch of activity lines (at most one per RPPS, the batch's first) in the caller's
 * transaction: new professionals are created, known ones updated when the directory says something
 * new (or their activity had ended), and every one is marked as seen by this job. A line for an RPPS
 * this job already saw (in an earlier batch) is another activity of the same person: the first one
 * read stays the account's structure. Returns the counts and the RPPS refused because the number
 * belongs to an account that is not a professional's.
 */
export async function upsertDirectoryBatch(
  tx: Queryable,
  jobId: string,
  rows: readonly DirectoryRow[],
  now: Date,
): Promise<{ counts: Omit<DirectoryBatchCounts, 'rejected'>; notProfessional: Set<string> }> {
  const counts = { created: 0, updated: 0, unchanged: 0, otherActivity: 0 };
  const notProfessional = new Set<string>();
  if (rows.length === 0) return { counts, notProfessional };
  const found = await tx.query<Existing>(
    `SELECT rpps, kind, given_name, family_name, profession, specialty, structure_finess, structure_siret, structure_name, directory_job, ended_at
     FROM account WHERE rpps = ANY($1::text[])`,
    [textArrayLiteral(rows.map((r) => r.rpps))],
  );
  const existing = new Map(found.rows.map((e) => [e.rpps, e]));
  const toInsert: DirectoryRow[] = [];
  const toUpdate: DirectoryRow[] = [];
  const toMark: string[] = [];
  for (const row of rows) {
    const e = existing.get(row.rpps);
    if (!e) toInsert.push(row);
    else if (e.kind !== 'professional') notProfessional.add(row.rpps);
    else if (e.directory_job === jobId) counts.otherActivity++;
    else if (e.ended_at !== null || differs(e, row)) toUpdate.push(row);
    else toMark.push(row.rpps);
  }
  const cols = (list: readonly DirectoryRow[]) => [
    textArrayLiteral(list.map((r) => r.rpps)), textArrayLiteral(list.map((r) => r.givenName)), textArrayLiteral(list.map((r) => r.familyName)),
    textArrayLiteral(list.map((r) => r.profession)), textArrayLiteral(list.map((r) => r.specialty)),
    textArrayLiteral(list.map((r) => r.structure?.finess ?? null)), textArrayLiteral(list.map((r) => r.structure?.siret ?? null)),
    textArrayLiteral(list.map((r) => r.structure?.name ?? null)),
  ];
  if (toInsert.length > 0) {
    const res = await tx.query(
      `INSERT INTO account (account_id, kind, given_name, family_name, rpps, profession, specialty, structure_finess, structure_siret,
                            structure_name, directory_job, created_at)
       SELECT id, 'professional', g, f, r, p, s, fi, si, n, $10, $11
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
         AS t(id, r, g, f, p, s, fi, si, n)
       ON CONFLICT DO NOTHING`,
      [textArrayLiteral(toInsert.map(() => randomUUID())), ...cols(toInsert), jobId, now.toISOString()],
    );
    counts.created += res.rowCount ?? 0;
  }
  if (toUpdate.length > 0) {
    const res = await tx.query(
      `UPDATE account a SET given_name = t.g, family_name = t.f, profession = t.p, specialty = t.s, structure_finess = t.fi,
              structure_siret = t.si, structure_name = t.n, directory_job = $9, ended_at = NULL
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS t(r, g, f, p, s, fi, si, n)
       WHERE a.rpps = t.r AND a.kind = 'professional'`,
      [...cols(toUpdate), jobId],
    );
    counts.updated += res.rowCount ?? 0;
  }
  if (toMark.length > 0) {
    const res = await tx.query(`UPDATE account SET directory_job = $2 WHERE rpps = ANY($1::text[]) AND kind = 'professional'`, [textArrayLiteral(toMark), jobId]);
    counts.unchanged += res.rowCount ?? 0;
  }
  return { counts, notProfessional };
}

function differs(e: Existing, r: DirectoryRow): boolean {
  return e.given_name !== r.givenName || e.family_name !== r.familyName || e.profession !== r.profession || e.specialty !== r.specialty
    || e.structure_finess !== (r.structure?.finess ?? null) || e.structure_siret !== (r.structure?.siret ?? null)
    || e.structure_name !== (r.structure?.name ?? null);
}

export async function advanceDirectoryJob(
  tx: Queryable, jobId: string, fromLine: number, toLine: number, c: DirectoryBatchCounts, now: Date,
): Promise<void> {
  const res = await tx.query(
    `UPDATE directory_import_job SET lines_committed = $3, rows_created = rows_created + $4, rows_updated = rows_updated + $5,
       rows_unchanged = rows_unchanged + $6, rows_other_activity = rows_other_activity + $7, rows_rejected = rows_rejected + $8, updated_at = $9
     WHERE job_id = $1 AND lines_committed = $2 AND status = 'running'`,
    [jobId, fromLine, toLine, c.created, c.updated, c.unchanged, c.otherActivity, c.rejected, now.toISOString()],
  );
  // Another run advanced the same job meanwhile: this one's batch must not commit twice.
  if (res.rowCount !== 1) throw new Error('directory import job was advanced by another run');
}

/**
 * Ends the job. For a full extract, the professionals an earlier extract brought in and this one no
 * longer lists have ended their activity: they can no longer sign in nor be found (hand-made and demo
 * accounts are left alone). Returns the finished job.
 */
export async function finishDirectoryJob(tx: Queryable, jobId: string, fullExtract: boolean, now: Date): Promise<DirectoryJobRow> {
  let ended = 0;
  if (fullExtract) {
    const res = await tx.query(
      `UPDATE account SET ended_at = $2
       WHERE kind = 'professional' AND directory_job IS NOT NULL AND directory_job <> $1 AND ended_at IS NULL`,
      [jobId, now.toISOString()],
    );
    ended = res.rowCount ?? 0;
  }
  const res = await tx.query<DirectoryJobRow>(
    `UPDATE directory_import_job SET status = 'done', rows_ended = $3, finished_at = $2, updated_at = $2 WHERE job_id = $1 RETURNING *`,
    [jobId, now.toISOString(), ended],
  );
  return toJob(res.rows[0]!);
}
