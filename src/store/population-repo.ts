import { createHash } from 'node:crypto';
import type { Queryable } from './db.ts';
import { firstAuditEntriesCtes, firstAuditParams, type FirstAuditRows } from './audit-repo.ts';
import { textArrayLiteral } from './sql-array.ts';

/**
 * Bulk SQL of the population import: one statement per batch (data-modifying CTEs over `unnest` of
 * array parameters, the same SQL on PGlite and PostgreSQL), and the `import_job` row that makes an
 * import resumable (lines committed with each batch) and idempotent (keyed by the file's SHA-256).
 */

export type ImportJobRow = {
  job_id: string;
  source_sha256: string;
  source_name: string;
  format: string;
  status: 'running' | 'done';
  lines_committed: number;
  rows_created: number;
  rows_existing: number;
  rows_rejected: number;
  started_at: Date;
  updated_at: Date;
  finished_at: Date | null;
};

/** One new dossier, ready to insert (ids already resolved through the INS index: `resolveDossierIds`). */
export type NewDossier = {
  dossierId: string;
  ins: string;
  insOid: string;
  birthName: string;
  firstNames: string;
  birthDate: string;
  sex: string;
  birthPlace: string;
  email: string | null;
  representatives: readonly { dossierId: string; ins: string; rank: number }[];
};

/** The job id of a source file: derived from its SHA-256, so the same file always finds its job. */
export function importJobIdFor(sourceSha256: string): string {
  const hex = createHash('sha256').update(`openmes-import-job|${sourceSha256}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Finds the job of this file (locked), creating it (status running, nothing committed) the first time. */
export async function findOrCreateImportJob(
  tx: Queryable,
  job: { sourceSha256: string; sourceName: string; format: string; now: Date },
): Promise<{ job: ImportJobRow; isNew: boolean }> {
  const jobId = importJobIdFor(job.sourceSha256);
  const inserted = await tx.query(
    `INSERT INTO import_job (job_id, source_sha256, source_name, format, status, started_at, updated_at)
     VALUES ($1, $2, $3, $4, 'running', $5, $5) ON CONFLICT (source_sha256) DO NOTHING`,
    [jobId, job.sourceSha256, job.sourceName, job.format, job.now.toISOString()],
  );
  const res = await tx.query<ImportJobRow>('SELECT * FROM import_job WHERE source_sha256 = $1 FOR UPDATE', [job.sourceSha256]);
  return { job: res.rows[0]!, isNew: inserted.rowCount === 1 };
}

/**
 * The dossier id of each INS, through the INS index: the id already indexed (an existing dossier, or a
 * reservation), else the proposed random id, indexed now as a reservation. A legal representative named
 * before their own line (later in the file, another batch or file) thus gets the id their dossier will
 * have. One statement for the batch; an INS indexed concurrently by another transaction is read again
 * once that one committed (ON CONFLICT waited for it).
 */
export async function resolveDossierIds(
  tx: Queryable,
  proposed: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const ins = [...proposed.keys()];
  if (ins.length === 0) return new Map();
  const res = await tx.query<{ ins: string; dossier_id: string }>(
    `WITH wanted AS (SELECT w.ins, w.id FROM unnest($1::text[], $2::text[]) AS w(ins, id)),
     known AS (SELECT b.ins, b.dossier_id FROM dossier_by_ins b WHERE b.ins IN (SELECT ins FROM wanted)),
     added AS (
       INSERT INTO dossier_by_ins (ins, dossier_id)
       SELECT ins, id::uuid FROM wanted WHERE ins NOT IN (SELECT ins FROM known)
       ON CONFLICT (ins) DO NOTHING
       RETURNING ins, dossier_id)
     SELECT ins, dossier_id FROM known UNION ALL SELECT ins, dossier_id FROM added`,
    [textArrayLiteral(ins), textArrayLiteral(ins.map((i) => proposed.get(i)!))],
  );
  const resolved = new Map(res.rows.map((r) => [r.ins, r.dossier_id]));
  const raced = ins.filter((i) => !resolved.has(i));
  if (raced.length > 0) {
    const again = await tx.query<{ ins: string; dossier_id: string }>(
      'SELECT ins, dossier_id FROM dossier_by_ins WHERE ins = ANY($1::text[])', [textArrayLiteral(raced)]);
    for (const r of again.rows) resolved.set(r.ins, r.dossier_id);
  }
  if (resolved.size !== ins.length) throw new Error('INS index: an INS could not be resolved to a dossier id');
  return resolved;
}

/**
 * Inserts the dossiers of one batch (indexed by `resolveDossierIds` beforehand), legal-representative links and the first
 * audit entry of each (prepared and hashed by the caller), skipping every person whose dossier exists
 * already (ON CONFLICT DO NOTHING); links and audit entries are written only for the dossiers this
 * statement created. One statement, one round trip; returns the ids skipped (usually none, so the
 * reply stays small).
 */
export async function insertNewDossiers(
  tx: Queryable,
  dossiers: readonly NewDossier[],
  audit: FirstAuditRows,
  at: { createdAt: Date; oppositionDeadline: Date },
): Promise<Set<string>> {
  if (dossiers.length === 0) return new Set();
  const c = {
    id: [] as string[], ins: [] as string[], oid: [] as string[], birthName: [] as string[], firstNames: [] as string[],
    birthDate: [] as string[], sex: [] as string[], birthPlace: [] as string[], email: [] as (string | null)[],
  };
  const r = { id: [] as string[], relatedId: [] as string[], relatedIns: [] as string[], rank: [] as number[] };
  for (const d of dossiers) {
    c.id.push(d.dossierId); c.ins.push(d.ins); c.oid.push(d.insOid); c.birthName.push(d.birthName);
    c.firstNames.push(d.firstNames); c.birthDate.push(d.birthDate); c.sex.push(d.sex); c.birthPlace.push(d.birthPlace);
    c.email.push(d.email);
    for (const rep of d.representatives) {
      r.id.push(d.dossierId); r.relatedId.push(rep.dossierId); r.relatedIns.push(rep.ins); r.rank.push(rep.rank);
    }
  }
  const res = await tx.query<{ id: string }>(
    `WITH created AS (
       INSERT INTO dossier (dossier_id, ins, ins_oid, state, birth_name, first_names, birth_date, sex, birth_place, email,
                            created_at, opposition_deadline)
       SELECT id::uuid, ins, oid, 'created', bn, fn, bd::date, sx, bp, em, $10::timestamptz, $11::timestamptz
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
            AS t(id, ins, oid, bn, fn, bd, sx, bp, em)
       ON CONFLICT (dossier_id) DO NOTHING
       RETURNING dossier_id, ins),
     links AS (
       INSERT INTO dossier_relationship (dossier_id, kind, related_dossier_id, related_ins, rank, granted_at)
       SELECT l.d::uuid, 'legal_representative', l.rd::uuid, l.ri, l.rk, $10::timestamptz
       FROM unnest($12::text[], $13::text[], $14::text[], $15::int[]) AS l(d, rd, ri, rk)
       WHERE l.d::uuid IN (SELECT dossier_id FROM created)),
     ${firstAuditEntriesCtes(16, 't.d::uuid IN (SELECT dossier_id FROM created)')}
     SELECT s.id FROM unnest($1::text[]) AS s(id) WHERE s.id::uuid NOT IN (SELECT dossier_id FROM created)`,
    [
      ...[c.id, c.ins, c.oid, c.birthName, c.firstNames, c.birthDate, c.sex, c.birthPlace, c.email].map(textArrayLiteral),
      at.createdAt.toISOString(), at.oppositionDeadline.toISOString(),
      ...[r.id, r.relatedId, r.relatedIns, r.rank].map(textArrayLiteral),
      ...firstAuditParams(audit),
    ],
  );
  return new Set(res.rows.map((row) => row.id));
}

/**
 * Among `dossierIds`, those created by import job `jobId`: the first audit entry of a dossier created
 * by an import names its job (details.importJobId) and the line that created it.
 */
export async function findDossiersCreatedByJob(
  tx: Queryable,
  dossierIds: readonly string[],
  jobId: string,
): Promise<Map<string, number | null>> {
  if (dossierIds.length === 0) return new Map();
  // A dossier created before its id changed (migration 0011) has its first entry under its former id.
  const res = await tx.query<{ dossier_id: string; line: string | null }>(
    `SELECT COALESCE(m.dossier_id, a.dossier_id) AS dossier_id, a.details->>'line' AS line FROM audit_event a
     LEFT JOIN dossier_former_id m ON m.former_dossier_id = a.dossier_id
     WHERE a.dossier_id IN (SELECT unnest($1::uuid[]) UNION ALL SELECT former_dossier_id FROM dossier_former_id WHERE dossier_id = ANY($1::uuid[]))
       AND a.seq = 1 AND a.details->>'importJobId' = $2`,
    [textArrayLiteral(dossierIds), jobId],
  );
  return new Map(res.rows.map((row) => [row.dossier_id, row.line === null ? null : Number(row.line)]));
}

export type BatchCounts = { created: number; existing: number; rejected: number };

/**
 * Records a committed batch: the job advances from `fromLine` to `toLine` in the batch's transaction.
 * Throws when the job is not where this run left it (another process imports the same file).
 */
export async function advanceImportJob(
  tx: Queryable,
  jobId: string,
  fromLine: number,
  toLine: number,
  counts: BatchCounts,
  now: Date,
): Promise<void> {
  const res = await tx.query(
    `UPDATE import_job SET lines_committed = $3, rows_created = rows_created + $4, rows_existing = rows_existing + $5,
       rows_rejected = rows_rejected + $6, updated_at = $7
     WHERE job_id = $1 AND lines_committed = $2 AND status = 'running'`,
    [jobId, fromLine, toLine, counts.created, counts.existing, counts.rejected, now.toISOString()],
  );
  if (res.rowCount !== 1) throw new Error(`import job ${jobId} moved on meanwhile: is another import of the same file running?`);
}

/** Marks the job done; returns its final row. */
export async function finishImportJob(tx: Queryable, jobId: string, now: Date): Promise<ImportJobRow> {
  const res = await tx.query<ImportJobRow>(
    `UPDATE import_job SET status = 'done', finished_at = $2, updated_at = $2 WHERE job_id = $1 RETURNING *`,
    [jobId, now.toISOString()],
  );
  return res.rows[0]!;
}
