import { randomUUID } from 'node:crypto';
import { DEFAULT_PATIENT_SETTINGS, type AccessMode, type PatientSettings } from '../domain/policy/access-facts.ts';
import type { Queryable } from './db.ts';

/** The facts about a dossier that the access rules read, besides the dossier itself. */

type SettingsRow = {
  mask_all: boolean; block_samu: boolean; block_emergency: boolean; block_masked_in_emergency: boolean;
  medecin_traitant_rpps: string | null; medecin_traitant_name: string | null; patient_informed_at: Date | null;
  patient_informed_by: Record<string, unknown> | null; updated_at: Date;
};

export type StoredSettings = PatientSettings & {
  medecinTraitantName: string | null;
  patientInformedAt: Date | null;
  patientInformedBy: Record<string, unknown> | null;
};

export async function loadSettings(tx: Queryable, dossierId: string): Promise<StoredSettings> {
  const res = await tx.query<SettingsRow>('SELECT * FROM dossier_settings WHERE dossier_id = $1', [dossierId]);
  const r = res.rows[0];
  if (!r) return { ...DEFAULT_PATIENT_SETTINGS, medecinTraitantName: null, patientInformedAt: null, patientInformedBy: null };
  return {
    maskAll: r.mask_all, blockSamu: r.block_samu, blockEmergency: r.block_emergency, blockMaskedInEmergency: r.block_masked_in_emergency,
    medecinTraitantRpps: r.medecin_traitant_rpps, medecinTraitantName: r.medecin_traitant_name,
    patientInformedAt: r.patient_informed_at, patientInformedBy: r.patient_informed_by,
  };
}

/** Writes the patient's settings (the row is created on first change). */
export async function saveSettings(tx: Queryable, dossierId: string, s: StoredSettings, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO dossier_settings (dossier_id, mask_all, block_samu, block_emergency, block_masked_in_emergency, medecin_traitant_rpps,
       medecin_traitant_name, patient_informed_at, patient_informed_by, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (dossier_id) DO UPDATE SET mask_all = $2, block_samu = $3, block_emergency = $4, block_masked_in_emergency = $5,
       medecin_traitant_rpps = $6, medecin_traitant_name = $7, patient_informed_at = $8, patient_informed_by = $9, updated_at = $10`,
    [dossierId, s.maskAll, s.blockSamu, s.blockEmergency, s.blockMaskedInEmergency, s.medecinTraitantRpps, s.medecinTraitantName,
      s.patientInformedAt, s.patientInformedBy === null ? null : JSON.stringify(s.patientInformedBy), now],
  );
}

/** Takes the dossier's settings row lock so concurrent changes of the same settings serialise. */
export async function lockSettings(tx: Queryable, dossierId: string, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO dossier_settings (dossier_id, updated_at) VALUES ($1, $2) ON CONFLICT (dossier_id) DO UPDATE SET updated_at = dossier_settings.updated_at`,
    [dossierId, now]);
}

export async function isBlocked(tx: Queryable, dossierId: string, rpps: string): Promise<boolean> {
  const res = await tx.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM professional_block WHERE dossier_id = $1 AND rpps = $2) AS found', [dossierId, rpps]);
  return res.rows[0]!.found;
}

export async function listBlocks(tx: Queryable, dossierId: string): Promise<{ rpps: string; displayName: string; blockedAt: Date }[]> {
  const res = await tx.query<{ rpps: string; display_name: string; blocked_at: Date }>(
    'SELECT rpps, display_name, blocked_at FROM professional_block WHERE dossier_id = $1 ORDER BY blocked_at', [dossierId]);
  return res.rows.map((r) => ({ rpps: r.rpps, displayName: r.display_name, blockedAt: r.blocked_at }));
}

export async function setBlocked(tx: Queryable, dossierId: string, rpps: string, displayName: string, blocked: boolean, now: Date): Promise<boolean> {
  const res = blocked
    ? await tx.query('INSERT INTO professional_block (dossier_id, rpps, display_name, blocked_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [dossierId, rpps, displayName, now])
    : await tx.query('DELETE FROM professional_block WHERE dossier_id = $1 AND rpps = $2', [dossierId, rpps]);
  return res.rowCount > 0;
}

/** A consent covers the professional named in it, or every professional of the structure it names (care team). */
export async function hasConsent(tx: Queryable, dossierId: string, rpps: string, finess: string | null): Promise<boolean> {
  const res = await tx.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM consent WHERE dossier_id = $1 AND revoked_at IS NULL
       AND ((scope = 'professional' AND rpps = $2) OR (scope = 'structure' AND finess = $3))) AS found`,
    [dossierId, rpps, finess]);
  return res.rows[0]!.found;
}

export async function insertConsent(
  tx: Queryable, dossierId: string, c: { scope: 'professional' | 'structure'; rpps: string | null; finess: string | null; recordedBy: Record<string, unknown> }, now: Date,
): Promise<string> {
  const id = randomUUID();
  await tx.query(
    'INSERT INTO consent (dossier_id, consent_id, scope, rpps, finess, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [dossierId, id, c.scope, c.rpps, c.finess, JSON.stringify(c.recordedBy), now]);
  return id;
}

export async function revokeConsents(tx: Queryable, dossierId: string, now: Date): Promise<number> {
  const res = await tx.query('UPDATE consent SET revoked_at = $2 WHERE dossier_id = $1 AND revoked_at IS NULL', [dossierId, now]);
  return res.rowCount;
}

/** Ends every emergency, SAMU and secret session still running (closure of the space, SPEC §1). */
export async function endAccessSessions(tx: Queryable, dossierId: string, now: Date): Promise<number> {
  const res = await tx.query('UPDATE access_session SET expires_at = $2 WHERE dossier_id = $1 AND expires_at > $2', [dossierId, now]);
  return res.rowCount;
}

export async function isOpposed(tx: Queryable, dossierId: string, masterIdentifier: string): Promise<boolean> {
  const res = await tx.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM document_opposition WHERE dossier_id = $1 AND master_identifier = $2) AS found', [dossierId, masterIdentifier]);
  return res.rows[0]!.found;
}

export async function insertOpposition(tx: Queryable, dossierId: string, masterIdentifier: string, recordedBy: Record<string, unknown>, now: Date): Promise<void> {
  await tx.query(
    'INSERT INTO document_opposition (dossier_id, master_identifier, recorded_by, recorded_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
    [dossierId, masterIdentifier, JSON.stringify(recordedBy), now]);
}

/** The professional's emergency or secret session in force at `now`, if any (the newest wins). */
export async function activeSession(tx: Queryable, dossierId: string, rpps: string, now: Date): Promise<{ mode: Exclude<AccessMode, 'normal'>; expiresAt: Date } | null> {
  const res = await tx.query<{ mode: Exclude<AccessMode, 'normal'>; expires_at: Date }>(
    'SELECT mode, expires_at FROM access_session WHERE dossier_id = $1 AND rpps = $2 AND started_at <= $3 AND expires_at > $3 ORDER BY started_at DESC LIMIT 1',
    [dossierId, rpps, now]);
  const r = res.rows[0];
  return r ? { mode: r.mode, expiresAt: r.expires_at } : null;
}

export async function insertSession(tx: Queryable, dossierId: string, s: { rpps: string; mode: Exclude<AccessMode, 'normal'>; reason: string | null; expiresAt: Date }, now: Date): Promise<string> {
  const id = randomUUID();
  await tx.query(
    'INSERT INTO access_session (dossier_id, session_id, rpps, mode, reason, started_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [dossierId, id, s.rpps, s.mode, s.reason, now, s.expiresAt]);
  return id;
}

/** Records a professional's access; true when it is their first one on this dossier. */
export async function recordFirstAccess(tx: Queryable, dossierId: string, rpps: string, now: Date): Promise<boolean> {
  const res = await tx.query(
    'INSERT INTO professional_first_access (dossier_id, rpps, first_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [dossierId, rpps, now]);
  return res.rowCount === 1;
}

/**
 * Records a professional's first feed of a dossier; true when it is their first one and they have not
 * consulted the dossier before (a consultation was already told to the patient as a first access).
 */
export async function recordFirstFeed(tx: Queryable, dossierId: string, rpps: string, now: Date): Promise<boolean> {
  const res = await tx.query(
    `INSERT INTO professional_first_feed (dossier_id, rpps, first_at)
     SELECT $1::uuid, $2::text, $3::timestamptz
     WHERE NOT EXISTS (SELECT 1 FROM professional_first_access WHERE dossier_id = $1::uuid AND rpps = $2::text)
     ON CONFLICT DO NOTHING`, [dossierId, rpps, now]);
  return res.rowCount === 1;
}

export type StoredConsent = {
  consentId: string; scope: 'professional' | 'structure'; rpps: string | null; finess: string | null;
  recordedBy: Record<string, unknown>; recordedAt: Date; revokedAt: Date | null;
};

type ConsentRow = {
  consent_id: string; scope: 'professional' | 'structure'; rpps: string | null; finess: string | null;
  recorded_by: Record<string, unknown>; recorded_at: Date; revoked_at: Date | null;
};

const toConsent = (r: ConsentRow): StoredConsent => ({
  consentId: r.consent_id, scope: r.scope, rpps: r.rpps, finess: r.finess, recordedBy: r.recorded_by, recordedAt: r.recorded_at, revokedAt: r.revoked_at,
});

/** Every consent recorded on the dossier (revoked ones included), oldest first, for the patient's settings. */
export async function listConsents(tx: Queryable, dossierId: string): Promise<StoredConsent[]> {
  const res = await tx.query<ConsentRow>(
    'SELECT consent_id, scope, rpps, finess, recorded_by, recorded_at, revoked_at FROM consent WHERE dossier_id = $1 ORDER BY recorded_at, consent_id', [dossierId]);
  return res.rows.map(toConsent);
}

/** The unrevoked consent that names exactly this professional (scope professional) or structure (scope structure). */
export async function findActiveConsent(
  tx: Queryable, dossierId: string, c: { scope: 'professional'; rpps: string } | { scope: 'structure'; finess: string },
): Promise<StoredConsent | null> {
  const res = await tx.query<ConsentRow>(
    `SELECT consent_id, scope, rpps, finess, recorded_by, recorded_at, revoked_at FROM consent
     WHERE dossier_id = $1 AND revoked_at IS NULL AND scope = $2 AND (CASE WHEN $2 = 'professional' THEN rpps ELSE finess END) = $3
     ORDER BY recorded_at LIMIT 1`,
    [dossierId, c.scope, c.scope === 'professional' ? c.rpps : c.finess]);
  return res.rows[0] ? toConsent(res.rows[0]) : null;
}

/**
 * The unrevoked consent that covers a professional (naming them, or their structure's care team), the
 * oldest first: since when the professional may consult (SPEC §3.5).
 */
export async function findCoveringConsent(tx: Queryable, dossierId: string, rpps: string, finess: string | null): Promise<StoredConsent | null> {
  const res = await tx.query<ConsentRow>(
    `SELECT consent_id, scope, rpps, finess, recorded_by, recorded_at, revoked_at FROM consent
     WHERE dossier_id = $1 AND revoked_at IS NULL AND ((scope = 'professional' AND rpps = $2) OR (scope = 'structure' AND finess = $3))
     ORDER BY recorded_at, consent_id LIMIT 1`,
    [dossierId, rpps, finess]);
  return res.rows[0] ? toConsent(res.rows[0]) : null;
}

/**
 * Records once that the patient was informed their record is fed (SPEC §9): the first recording wins
 * (a conditional upsert, safe under concurrency). True when this call recorded it.
 */
export async function recordPatientInformed(tx: Queryable, dossierId: string, by: Record<string, unknown>, now: Date): Promise<boolean> {
  const res = await tx.query(
    `INSERT INTO dossier_settings AS s (dossier_id, patient_informed_at, patient_informed_by, updated_at) VALUES ($1, $2, $3, $2)
     ON CONFLICT (dossier_id) DO UPDATE SET patient_informed_at = EXCLUDED.patient_informed_at,
       patient_informed_by = EXCLUDED.patient_informed_by, updated_at = EXCLUDED.updated_at
     WHERE s.patient_informed_at IS NULL`,
    [dossierId, now, JSON.stringify(by)]);
  return res.rowCount === 1;
}

export async function findOpposition(tx: Queryable, dossierId: string, masterIdentifier: string): Promise<{ recordedBy: Record<string, unknown>; recordedAt: Date } | null> {
  const res = await tx.query<{ recorded_by: Record<string, unknown>; recorded_at: Date }>(
    'SELECT recorded_by, recorded_at FROM document_opposition WHERE dossier_id = $1 AND master_identifier = $2', [dossierId, masterIdentifier]);
  const r = res.rows[0];
  return r ? { recordedBy: r.recorded_by, recordedAt: r.recorded_at } : null;
}
