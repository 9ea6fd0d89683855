import type { ConfidentialityLabel, ConfidentialityLevel, DocumentAuthor, DocumentMeta, DocumentStatus } from '../domain/document.ts';
import type { Queryable } from './db.ts';

type DocumentRow = {
  dossier_id: string; document_id: string; master_identifier: string; status: DocumentStatus; replaces: string | null;
  type_code: string; class_code: string; title: string; description: string | null; author: DocumentAuthor;
  doc_date: Date; period_start: Date | null; period_end: Date | null; facility_type: string | null; practice_setting: string | null;
  author_specialty: string | null; format_code: string | null; content_type: string; size: number; sha256: string;
  level: ConfidentialityLevel; labels: ConfidentialityLabel[]; invisible_patient_since: Date | null; deposited_in_secret: boolean;
  visible_to_patient_at: Date | null; created_at: Date; updated_at: Date; deleted_at: Date | null; version: number;
};

const META_COLUMNS = `dossier_id, document_id, master_identifier, status, replaces, type_code, class_code, title, description, author,
  doc_date, period_start, period_end, facility_type, practice_setting, author_specialty, format_code, content_type, size, sha256,
  level, labels, invisible_patient_since, deposited_in_secret, visible_to_patient_at, created_at, updated_at, deleted_at, version`;

const META_NAMES = META_COLUMNS.split(',').map((c) => c.trim());

/** The document columns prefixed (`doc_…`), for a query that selects a document beside other rows. */
export function prefixedDocumentColumns(table: string, prefix: string): string {
  return META_NAMES.map((c) => `${table}.${c} AS ${prefix}${c}`).join(', ');
}

/** The document of a row selected with `prefixedDocumentColumns`, or null when the join found none. */
export function documentFromPrefixed(row: Record<string, unknown>, prefix: string): StoredDocument | null {
  if (row[`${prefix}document_id`] === null || row[`${prefix}document_id`] === undefined) return null;
  const plain: Record<string, unknown> = {};
  for (const c of META_NAMES) plain[c] = row[`${prefix}${c}`];
  return toMeta(plain as DocumentRow);
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toMeta(r: DocumentRow): DocumentMeta & { version: number; updatedAt: string; visibleToPatientAt: string | null } {
  return {
    dossierId: r.dossier_id, documentId: r.document_id, masterIdentifier: r.master_identifier, status: r.status, replaces: r.replaces,
    typeCode: r.type_code, classCode: r.class_code, title: r.title, description: r.description, author: r.author,
    date: r.doc_date.toISOString(), periodStart: iso(r.period_start), periodEnd: iso(r.period_end), facilityType: r.facility_type,
    practiceSetting: r.practice_setting, authorSpecialty: r.author_specialty, formatCode: r.format_code, contentType: r.content_type,
    size: r.size, sha256: r.sha256, level: r.level, labels: r.labels, invisibleToPatientSince: iso(r.invisible_patient_since),
    depositedInSecret: r.deposited_in_secret, createdAt: r.created_at.toISOString(), deletedAt: iso(r.deleted_at),
    version: r.version, updatedAt: r.updated_at.toISOString(),
    /** When INVISIBLE_PATIENT was lifted (SPEC §3.8); null if never hidden or still hidden. */
    visibleToPatientAt: iso(r.visible_to_patient_at),
  };
}

export type StoredDocument = ReturnType<typeof toMeta>;

export async function insertDocument(tx: Queryable, d: DocumentMeta, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO document (dossier_id, document_id, master_identifier, status, replaces, type_code, class_code, title, description,
       author, author_kind, author_rpps, doc_date, period_start, period_end, facility_type, practice_setting, author_specialty,
       format_code, content_type, size, sha256, level, labels, invisible_patient_since, deposited_in_secret, created_at, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24::text[],$25,$26,$27,$27)`,
    [
      d.dossierId, d.documentId, d.masterIdentifier, d.status, d.replaces, d.typeCode, d.classCode, d.title, d.description,
      JSON.stringify(d.author), d.author.kind, d.author.kind === 'professional' ? d.author.rpps : null, d.date, d.periodStart,
      d.periodEnd, d.facilityType, d.practiceSetting, d.authorSpecialty, d.formatCode, d.contentType, d.size, d.sha256, d.level,
      d.labels, d.invisibleToPatientSince, d.depositedInSecret, now,
    ],
  );
}

/** Stores content once per hash within the dossier. */
export async function insertContent(tx: Queryable, dossierId: string, sha256: string, bytes: Uint8Array): Promise<void> {
  await tx.query(
    'INSERT INTO document_content (dossier_id, sha256, content) VALUES ($1, $2, $3) ON CONFLICT (dossier_id, sha256) DO NOTHING',
    [dossierId, sha256, bytes],
  );
}

export async function readContent(tx: Queryable, dossierId: string, sha256: string): Promise<Uint8Array | null> {
  const res = await tx.query<{ content: Uint8Array }>('SELECT content FROM document_content WHERE dossier_id = $1 AND sha256 = $2', [dossierId, sha256]);
  return res.rows[0]?.content ?? null;
}

export async function findDocument(tx: Queryable, dossierId: string, documentId: string, forUpdate = false): Promise<StoredDocument | null> {
  const res = await tx.query<DocumentRow>(
    `SELECT ${META_COLUMNS} FROM document WHERE dossier_id = $1 AND document_id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [dossierId, documentId]);
  return res.rows[0] ? toMeta(res.rows[0]) : null;
}

export async function findDocumentByMasterIdentifier(tx: Queryable, dossierId: string, masterIdentifier: string): Promise<StoredDocument | null> {
  const res = await tx.query<DocumentRow>(
    `SELECT ${META_COLUMNS} FROM document WHERE dossier_id = $1 AND master_identifier = $2`, [dossierId, masterIdentifier]);
  return res.rows[0] ? toMeta(res.rows[0]) : null;
}

export type DocumentFilter = {
  statuses: readonly DocumentStatus[];
  typeCodes?: readonly string[];
  classCodes?: readonly string[];
  dateFrom?: Date; dateBefore?: Date;
  periodFrom?: Date; periodBefore?: Date;
  authorRpps?: string;
  facilityTypes?: readonly string[];
  practiceSettings?: readonly string[];
  formatCodes?: readonly string[];
  /** Only documents carrying one of these labels / levels. */
  securityLabels?: readonly string[];
};

/**
 * Every document of a dossier matching the filter, newest first, metadata only. The caller decides
 * each one before anything leaves (hidden documents must not count), so no paging happens here.
 */
export async function listDocuments(tx: Queryable, dossierId: string, f: DocumentFilter): Promise<StoredDocument[]> {
  const where = ['dossier_id = $1', 'status = ANY($2::text[])'];
  const params: unknown[] = [dossierId, f.statuses];
  const add = (sql: string, value: unknown) => { params.push(value); where.push(sql.replace('?', `$${params.length}`)); };
  if (f.typeCodes?.length) add('type_code = ANY(?::text[])', f.typeCodes);
  if (f.classCodes?.length) add('class_code = ANY(?::text[])', f.classCodes);
  if (f.dateFrom) add('doc_date >= ?', f.dateFrom);
  if (f.dateBefore) add('doc_date < ?', f.dateBefore);
  if (f.periodFrom) add('period_start >= ?', f.periodFrom);
  if (f.periodBefore) add('period_start < ?', f.periodBefore);
  if (f.authorRpps) add('author_rpps = ?', f.authorRpps);
  if (f.facilityTypes?.length) add('facility_type = ANY(?::text[])', f.facilityTypes);
  if (f.practiceSettings?.length) add('practice_setting = ANY(?::text[])', f.practiceSettings);
  if (f.formatCodes?.length) add('format_code = ANY(?::text[])', f.formatCodes);
  if (f.securityLabels?.length) add('(labels && ?::text[] OR level = ANY(labels_param_again))', f.securityLabels);
  if (f.securityLabels?.length) where[where.length - 1] = where[where.length - 1]!.replace('labels_param_again', `$${params.length}::text[]`);
  const res = await tx.query<DocumentRow>(
    `SELECT ${META_COLUMNS} FROM document WHERE ${where.join(' AND ')} ORDER BY doc_date DESC, document_id DESC`, params);
  return res.rows.map(toMeta);
}

export async function markSuperseded(tx: Queryable, dossierId: string, documentId: string, now: Date): Promise<void> {
  await tx.query(`UPDATE document SET status = 'superseded', updated_at = $3, version = version + 1 WHERE dossier_id = $1 AND document_id = $2`, [dossierId, documentId, now]);
}

/** Logical deletion: the row stays (and its trace), nobody reads it any more. */
export async function markDeleted(tx: Queryable, dossierId: string, documentId: string, now: Date): Promise<void> {
  await tx.query(`UPDATE document SET status = 'entered-in-error', deleted_at = $3, updated_at = $3, version = version + 1 WHERE dossier_id = $1 AND document_id = $2`, [dossierId, documentId, now]);
}

/**
 * Sets a document's labels. `visibleToPatientAt`: when INVISIBLE_PATIENT was lifted (the label removed
 * now, or its delay ran), null when the document is (again) hidden from the patient, undefined to keep it.
 */
export async function updateLabels(
  tx: Queryable, dossierId: string, documentId: string, labels: readonly ConfidentialityLabel[], invisibleSince: Date | null, now: Date,
  visibleToPatientAt?: Date | null,
): Promise<void> {
  await tx.query(
    `UPDATE document SET labels = $3::text[], invisible_patient_since = $4, updated_at = $5, version = version + 1,
       visible_to_patient_at = CASE WHEN $6::boolean THEN $7::timestamptz ELSE visible_to_patient_at END
     WHERE dossier_id = $1 AND document_id = $2`,
    [dossierId, documentId, labels, invisibleSince, now, visibleToPatientAt !== undefined, visibleToPatientAt ?? null]);
}

export async function countDocuments(tx: Queryable, dossierId: string): Promise<number> {
  const res = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM document WHERE dossier_id = $1', [dossierId]);
  return res.rows[0]!.n;
}

/**
 * Documents still invisible to the patient since before `cutoff` whose visibility `step` was not yet
 * recorded, locked for the caller (SKIP LOCKED lets several job runners share the work).
 */
export async function claimInvisibleDocumentsDue(tx: Queryable, step: 'informed' | 'visible', cutoff: Date, limit: number): Promise<StoredDocument[]> {
  const res = await tx.query<DocumentRow>(
    `SELECT ${META_COLUMNS} FROM document d
     WHERE d.invisible_patient_since IS NOT NULL AND d.invisible_patient_since <= $2 AND d.status = 'current'
       AND NOT EXISTS (SELECT 1 FROM document_visibility_event e WHERE e.dossier_id = d.dossier_id AND e.document_id = d.document_id AND e.step = $1)
     ORDER BY d.invisible_patient_since LIMIT $3 FOR UPDATE SKIP LOCKED`,
    [step, cutoff, limit]);
  return res.rows.map(toMeta);
}

export async function recordVisibilityStep(tx: Queryable, dossierId: string, documentId: string, step: 'informed' | 'visible', at: Date): Promise<void> {
  await tx.query('INSERT INTO document_visibility_event (dossier_id, document_id, step, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [dossierId, documentId, step, at]);
}

/** Documents of a dossier by id (metadata only); ids it does not hold are left out. */
export async function findDocumentsByIds(tx: Queryable, dossierId: string, documentIds: readonly string[]): Promise<StoredDocument[]> {
  if (documentIds.length === 0) return [];
  const res = await tx.query<DocumentRow>(
    `SELECT ${META_COLUMNS} FROM document WHERE dossier_id = $1 AND document_id = ANY($2::uuid[])`, [dossierId, documentIds]);
  return res.rows.map(toMeta);
}

/** Did the patient side put the document's mask (MASQUE_PS)? Then it is the patient's choice, which a new version keeps. */
export async function isMaskedByPatient(tx: Queryable, dossierId: string, documentId: string): Promise<boolean> {
  const res = await tx.query<{ masked_by_patient: boolean }>(
    'SELECT masked_by_patient FROM document WHERE dossier_id = $1 AND document_id = $2', [dossierId, documentId]);
  return res.rows[0]?.masked_by_patient ?? false;
}

export async function setMaskedByPatient(tx: Queryable, dossierId: string, documentId: string, masked: boolean): Promise<void> {
  await tx.query('UPDATE document SET masked_by_patient = $3 WHERE dossier_id = $1 AND document_id = $2', [dossierId, documentId, masked]);
}
