import type { Migration } from '../migrator.ts';

// Frozen. Content staged with `POST /fhir/R4/Binary` before the DocumentReference that references it
// (`attachment.url = Binary/<id>`): patient data, so the key leads with dossier_id (invariant 4). A row
// is consumed by the one feed that uses it, or expires 24 h after staging; only the actor who staged it
// (staged_by = actorId) may use it.
export const m0006: Migration = {
  name: '0006_staged_binary',
  statements: [
    `CREATE TABLE staged_binary (
      dossier_id uuid NOT NULL,
      binary_id uuid NOT NULL,
      staged_by text NOT NULL,
      content_type text NOT NULL,
      content bytea NOT NULL,
      size integer NOT NULL CHECK (size >= 0),
      staged_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (dossier_id, binary_id)
    )`,
  ],
};
