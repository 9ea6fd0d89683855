import type { Migration } from '../migrator.ts';

// Frozen. The public directory of professionals (RPPS extract, « Annuaire santé ») loaded by
// `openmes import professionals`: professional accounts remember which import last saw them
// (directory_job), so that a full extract ends the activity of those it no longer lists (ended_at);
// demo or hand-made accounts (directory_job null) are never ended by an import. One job row per file
// (by its SHA-256), committed with each batch: a killed import resumes after its last batch.
export const m0012: Migration = {
  name: '0012_professional_directory',
  statements: [
    `ALTER TABLE account ADD COLUMN structure_siret text`,
    `ALTER TABLE account ADD COLUMN directory_job uuid`,
    `ALTER TABLE account ADD COLUMN ended_at timestamptz`,
    `CREATE INDEX account_directory_job ON account (directory_job) WHERE directory_job IS NOT NULL AND ended_at IS NULL`,
    `CREATE TABLE directory_import_job (
      job_id uuid PRIMARY KEY,
      source_sha256 text NOT NULL UNIQUE,
      source_name text NOT NULL,
      full_extract boolean NOT NULL,
      status text NOT NULL CHECK (status IN ('running', 'done')),
      lines_committed bigint NOT NULL DEFAULT 0,
      rows_created bigint NOT NULL DEFAULT 0,
      rows_updated bigint NOT NULL DEFAULT 0,
      rows_unchanged bigint NOT NULL DEFAULT 0,
      rows_other_activity bigint NOT NULL DEFAULT 0,
      rows_rejected bigint NOT NULL DEFAULT 0,
      rows_ended bigint NOT NULL DEFAULT 0,
      started_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      finished_at timestamptz
    )`,
  ],
};
