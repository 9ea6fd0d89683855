import type { Migration } from '../migrator.ts';

// Frozen. The shared medical record: documents, their content, and the facts the access rules read
// (patient settings, blocks, consents, information, oppositions, emergency and secret sessions).
// Every table leads its key with dossier_id (invariant 4).
export const m0003: Migration = {
  name: '0003_shared_record',
  statements: [
    `CREATE TABLE dossier_settings (
      dossier_id uuid PRIMARY KEY,
      mask_all boolean NOT NULL DEFAULT false,
      block_samu boolean NOT NULL DEFAULT false,
      block_emergency boolean NOT NULL DEFAULT false,
      block_masked_in_emergency boolean NOT NULL DEFAULT false,
      medecin_traitant_rpps text,
      medecin_traitant_name text,
      patient_informed_at timestamptz,
      patient_informed_by jsonb,
      updated_at timestamptz NOT NULL
    )`,
    `CREATE TABLE professional_block (
      dossier_id uuid NOT NULL,
      rpps text NOT NULL,
      display_name text NOT NULL,
      blocked_at timestamptz NOT NULL,
      PRIMARY KEY (dossier_id, rpps)
    )`,
    // Consent to consultation, recorded by a professional for themselves or their structure's care team.
    `CREATE TABLE consent (
      dossier_id uuid NOT NULL,
      consent_id uuid NOT NULL,
      scope text NOT NULL CHECK (scope IN ('professional', 'structure')),
      rpps text,
      finess text,
      recorded_by jsonb NOT NULL,
      recorded_at timestamptz NOT NULL,
      revoked_at timestamptz,
      PRIMARY KEY (dossier_id, consent_id)
    )`,
    `CREATE TABLE document_opposition (
      dossier_id uuid NOT NULL,
      master_identifier text NOT NULL,
      recorded_by jsonb NOT NULL,
      recorded_at timestamptz NOT NULL,
      PRIMARY KEY (dossier_id, master_identifier)
    )`,
    `CREATE TABLE access_session (
      dossier_id uuid NOT NULL,
      session_id uuid NOT NULL,
      rpps text NOT NULL,
      mode text NOT NULL CHECK (mode IN ('bris_de_glace', 'samu', 'secret')),
      reason text,
      started_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (dossier_id, session_id)
    )`,
    `CREATE INDEX access_session_by_pro ON access_session (dossier_id, rpps, expires_at)`,
    `CREATE TABLE document (
      dossier_id uuid NOT NULL,
      document_id uuid NOT NULL,
      master_identifier text NOT NULL,
      status text NOT NULL CHECK (status IN ('current', 'superseded', 'entered-in-error')),
      replaces uuid,
      type_code text NOT NULL,
      class_code text NOT NULL,
      title text NOT NULL,
      description text,
      author jsonb NOT NULL,
      author_kind text NOT NULL,
      author_rpps text,
      doc_date timestamptz NOT NULL,
      period_start timestamptz,
      period_end timestamptz,
      facility_type text,
      practice_setting text,
      author_specialty text,
      format_code text,
      content_type text NOT NULL,
      size integer NOT NULL,
      sha256 text NOT NULL,
      level text NOT NULL DEFAULT 'N',
      labels text[] NOT NULL DEFAULT '{}',
      invisible_patient_since timestamptz,
      deposited_in_secret boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      deleted_at timestamptz,
      version integer NOT NULL DEFAULT 1,
      PRIMARY KEY (dossier_id, document_id)
    )`,
    // The producer's unique id names one document per dossier: a retried feed finds it (conditional create).
    `CREATE UNIQUE INDEX document_master_identifier ON document (dossier_id, master_identifier)`,
    `CREATE INDEX document_by_date ON document (dossier_id, doc_date DESC, document_id DESC)`,
    `CREATE INDEX document_invisible ON document (invisible_patient_since) WHERE invisible_patient_since IS NOT NULL`,
    // Content stored once per hash within a dossier.
    `CREATE TABLE document_content (
      dossier_id uuid NOT NULL,
      sha256 text NOT NULL,
      content bytea NOT NULL,
      PRIMARY KEY (dossier_id, sha256)
    )`,
    // Who has accessed the record, to notify the patient of each professional's first access (SPEC §4).
    `CREATE TABLE professional_first_access (
      dossier_id uuid NOT NULL,
      rpps text NOT NULL,
      first_at timestamptz NOT NULL,
      PRIMARY KEY (dossier_id, rpps)
    )`,
    // Re-visibility job bookkeeping: what was already announced, so each step happens once.
    `CREATE TABLE document_visibility_event (
      dossier_id uuid NOT NULL,
      document_id uuid NOT NULL,
      step text NOT NULL CHECK (step IN ('informed', 'visible')),
      at timestamptz NOT NULL,
      PRIMARY KEY (dossier_id, document_id, step)
    )`,
  ],
};
