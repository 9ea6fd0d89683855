import { DEFAULT_PATIENT_SETTINGS, type AccessMode, type RelationshipFact } from '../domain/policy/access-facts.ts';
import type { Queryable } from './db.ts';
import { documentFromPrefixed, prefixedDocumentColumns, type StoredDocument } from './document-repo.ts';
import type { DossierRow } from './dossier-repo.ts';
import type { StoredSettings } from './record-facts-repo.ts';

export type DossierFactsRow = {
  dossier: DossierRow | null;
  relationships: RelationshipFact[];
  settings: StoredSettings;
  professional: { blocked: boolean; consent: boolean; mode: Exclude<AccessMode, 'normal'> | null } | null;
  /** With `documentId`: that document of the dossier (null if none), read in the same statement. */
  document?: StoredDocument | null;
};

type Row = DossierRow & {
  f_relationships: { kind: RelationshipFact['kind']; related: string; ended: string | null }[];
  f_settings: Record<string, unknown> | null;
  f_blocked: boolean | null;
  f_consent: boolean | null;
  f_mode: Exclude<AccessMode, 'normal'> | null;
};

/**
 * Everything the access decision reads about one dossier — the dossier, its relationships, the patient's
 * settings and, for a professional, their block, consent and session in force — in ONE round trip:
 * this runs before every access, so it is the hot path.
 */
export async function loadDossierFacts(
  tx: Queryable, dossierId: string, o: { lock: boolean; rpps: string | null; finess: string | null; now: Date; documentId?: string },
): Promise<DossierFactsRow> {
  const withDocument = o.documentId !== undefined;
  const params: unknown[] = [dossierId, o.rpps, o.finess, o.now];
  if (withDocument) params.push(o.documentId);
  const res = await tx.query<Row>(
    `SELECT d.*,
       (SELECT coalesce(json_agg(json_build_object('kind', r.kind, 'related', r.related_dossier_id, 'ended', r.ended_at)), '[]'::json)
          FROM dossier_relationship r WHERE r.dossier_id = d.dossier_id) AS f_relationships,
       (SELECT to_jsonb(s) FROM dossier_settings s WHERE s.dossier_id = d.dossier_id) AS f_settings,
       CASE WHEN $2::text IS NULL THEN NULL ELSE EXISTS (SELECT 1 FROM professional_block b WHERE b.dossier_id = d.dossier_id AND b.rpps = $2) END AS f_blocked,
       CASE WHEN $2::text IS NULL THEN NULL ELSE EXISTS (SELECT 1 FROM consent c WHERE c.dossier_id = d.dossier_id AND c.revoked_at IS NULL
          AND ((c.scope = 'professional' AND c.rpps = $2) OR (c.scope = 'structure' AND c.finess = $3))) END AS f_consent,
       (SELECT a.mode FROM access_session a WHERE $2::text IS NOT NULL AND a.dossier_id = d.dossier_id AND a.rpps = $2
          AND a.started_at <= $4 AND a.expires_at > $4 ORDER BY a.started_at DESC, a.session_id DESC LIMIT 1) AS f_mode
       ${withDocument ? `, ${DOCUMENT_COLUMNS}` : ''}
     FROM dossier d
     ${withDocument ? 'LEFT JOIN document doc ON doc.dossier_id = d.dossier_id AND doc.document_id = $5' : ''}
     WHERE d.dossier_id = $1${o.lock ? ' FOR UPDATE OF d' : ''}`,
    params,
  );
  const row = res.rows[0];
  if (!row) return { dossier: null, relationships: [], settings: settingsFrom(null), professional: null, ...(withDocument ? { document: null } : {}) };
  const { f_relationships, f_settings, f_blocked, f_consent, f_mode, ...rest } = row;
  const dossier: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) if (!k.startsWith(DOC_PREFIX)) dossier[k] = v;
  return {
    ...(withDocument ? { document: documentFromPrefixed(rest, DOC_PREFIX) } : {}),
    dossier: dossier as DossierRow,
    relationships: f_relationships.map((r) => ({ kind: r.kind, relatedDossierId: r.related, endedAt: r.ended ? new Date(r.ended) : null })),
    settings: settingsFrom(f_settings),
    professional: o.rpps ? { blocked: f_blocked === true, consent: f_consent === true, mode: f_mode } : null,
  };
}

// Prefixed so that the document's columns never collide with the dossier's (d.*).
const DOC_PREFIX = 'fdoc_';
const DOCUMENT_COLUMNS = prefixedDocumentColumns('doc', DOC_PREFIX);

function settingsFrom(s: Record<string, unknown> | null): StoredSettings {
  if (!s) return { ...DEFAULT_PATIENT_SETTINGS, medecinTraitantName: null, patientInformedAt: null, patientInformedBy: null };
  return {
    maskAll: s.mask_all === true,
    blockSamu: s.block_samu === true,
    blockEmergency: s.block_emergency === true,
    blockMaskedInEmergency: s.block_masked_in_emergency === true,
    medecinTraitantRpps: typeof s.medecin_traitant_rpps === 'string' ? s.medecin_traitant_rpps : null,
    medecinTraitantName: typeof s.medecin_traitant_name === 'string' ? s.medecin_traitant_name : null,
    patientInformedAt: typeof s.patient_informed_at === 'string' ? new Date(s.patient_informed_at) : null,
    patientInformedBy: (s.patient_informed_by as Record<string, unknown> | null) ?? null,
  };
}
