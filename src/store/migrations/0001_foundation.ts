import type { Migration } from '../migrator.ts';

// Frozen. Every table holding patient data leads its primary key with dossier_id (invariant 4), so the
// schema can be distributed by dossier. Lookups that start elsewhere (INS, account) go through small
// index tables keyed by what they look up.
export const m0001: Migration = {
  name: '0001_foundation',
  statements: [
    `CREATE TABLE dossier (
      dossier_id uuid PRIMARY KEY,
      ins text NOT NULL,
      ins_oid text NOT NULL,
      state text NOT NULL CHECK (state IN ('created', 'active', 'closed', 'opposed')),
      birth_name text,
      first_names text,
      birth_date date,
      sex text CHECK (sex IN ('M', 'F', 'U')),
      birth_place text,
      email text,
      created_at timestamptz NOT NULL,
      opposition_deadline timestamptz NOT NULL,
      activated_at timestamptz,
      closed_at timestamptz,
      retention_until timestamptz,
      opposed_at timestamptz,
      version integer NOT NULL DEFAULT 1
    )`,
    // INS -> dossier; distributed by ins (a reference lookup, holds no health data).
    `CREATE TABLE dossier_by_ins (ins text PRIMARY KEY, dossier_id uuid NOT NULL)`,
    `CREATE TABLE dossier_relationship (
      dossier_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('legal_representative', 'carer', 'protector')),
      related_dossier_id uuid NOT NULL,
      related_ins text NOT NULL,
      rank smallint NOT NULL DEFAULT 1,
      granted_at timestamptz NOT NULL,
      ended_at timestamptz,
      ended_reason text,
      PRIMARY KEY (dossier_id, kind, related_dossier_id)
    )`,
    // reverse lookup "whose spaces may I act for", keyed by the related person
    `CREATE INDEX dossier_relationship_related ON dossier_relationship (related_dossier_id)`,
    `CREATE TABLE account (
      account_id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('patient', 'professional', 'operator')),
      email text,
      password_hash text,
      given_name text NOT NULL,
      family_name text NOT NULL,
      dossier_id uuid,
      rpps text,
      profession text,
      specialty text,
      structure_finess text,
      structure_name text,
      demo boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL
    )`,
    `CREATE UNIQUE INDEX account_email ON account (lower(email)) WHERE email IS NOT NULL`,
    `CREATE UNIQUE INDEX account_rpps ON account (rpps) WHERE rpps IS NOT NULL`,
    // Audit: one row per access or action, chained per dossier by hash; the system chain uses the nil uuid.
    `CREATE TABLE audit_event (
      dossier_id uuid NOT NULL,
      seq bigint NOT NULL,
      occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      action text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
      reason text NOT NULL,
      mode text NOT NULL DEFAULT 'normal',
      actor_kind text NOT NULL,
      actor_id text NOT NULL,
      actor jsonb NOT NULL,
      target_type text NOT NULL,
      target_id text,
      request_id text,
      details jsonb NOT NULL DEFAULT '{}',
      hash text NOT NULL,
      PRIMARY KEY (dossier_id, seq)
    )`,
    `CREATE TABLE audit_head (dossier_id uuid PRIMARY KEY, seq bigint NOT NULL, hash text NOT NULL)`,
    `CREATE FUNCTION audit_event_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
     END $$`,
    `CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
       FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only()`,
    `CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_is_append_only()`,
    // Side effects (e-mail, notifications) leave through this outbox, written in the action's transaction.
    `CREATE TABLE outbox (
      dossier_id uuid NOT NULL,
      outbox_id uuid NOT NULL,
      kind text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      available_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      delivered_at timestamptz,
      failed_at timestamptz,
      last_error text,
      PRIMARY KEY (dossier_id, outbox_id)
    )`,
    `CREATE INDEX outbox_pending ON outbox (available_at) WHERE delivered_at IS NULL AND failed_at IS NULL`,
    // The embedded mailbox: where e-mail lands when no SMTP server is configured (development only).
    `CREATE TABLE dev_mail (
      mail_id uuid PRIMARY KEY,
      delivery_key text NOT NULL UNIQUE,
      to_address text NOT NULL,
      subject text NOT NULL,
      body_text text NOT NULL,
      sent_at timestamptz NOT NULL
    )`,
    `CREATE TABLE idempotency_record (
      principal text NOT NULL,
      idempotency_key text NOT NULL,
      request_hash text NOT NULL,
      status_code integer NOT NULL,
      response jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (principal, idempotency_key)
    )`,
    `CREATE TABLE oidc_payload (
      model text NOT NULL,
      id text NOT NULL,
      payload jsonb NOT NULL,
      grant_id text,
      user_code text,
      uid text,
      expires_at timestamptz,
      consumed_at timestamptz,
      PRIMARY KEY (model, id)
    )`,
    `CREATE INDEX oidc_payload_grant ON oidc_payload (grant_id) WHERE grant_id IS NOT NULL`,
    `CREATE INDEX oidc_payload_uid ON oidc_payload (uid) WHERE uid IS NOT NULL`,
    `CREATE TABLE login_challenge (
      challenge_id uuid PRIMARY KEY,
      account_id uuid NOT NULL,
      code_hash text NOT NULL,
      expires_at timestamptz NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      consumed_at timestamptz
    )`,
    `CREATE TABLE signing_key (kid text PRIMARY KEY, jwk jsonb NOT NULL, created_at timestamptz NOT NULL)`,
    `CREATE TABLE import_job (
      job_id uuid PRIMARY KEY,
      source_sha256 text NOT NULL UNIQUE,
      source_name text NOT NULL,
      format text NOT NULL,
      status text NOT NULL CHECK (status IN ('running', 'done')),
      lines_committed bigint NOT NULL DEFAULT 0,
      rows_created bigint NOT NULL DEFAULT 0,
      rows_existing bigint NOT NULL DEFAULT 0,
      rows_rejected bigint NOT NULL DEFAULT 0,
      started_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      finished_at timestamptz
    )`,
  ],
};
