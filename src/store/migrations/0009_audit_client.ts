import type { Migration } from '../migrator.ts';

// Frozen. Who called, beside who acted (issue 8, item 7): the OAuth client of the access token (a
// professional's software is told from the professional acting in person), the client's network
// address (shown to the operator, never to the patient side) and the X-Request-Id the client sent
// (bounded and validated; the request id of the entry is always our own). Hashed into the chain only
// when set, so the entries written before still verify. Null on older entries and on actions with no
// HTTP client (imports, jobs).
//
// A professional's first feed of a dossier, apart from their first access (a read): the patient is told
// of each with its own wording, and a feed no longer counts as having consulted the record.
export const m0009: Migration = {
  name: '0009_audit_client',
  statements: [
    `ALTER TABLE audit_event ADD COLUMN client_id text`,
    `ALTER TABLE audit_event ADD COLUMN client_address text`,
    `ALTER TABLE audit_event ADD COLUMN client_request_id text`,
    `CREATE TABLE professional_first_feed (
      dossier_id uuid NOT NULL,
      rpps text NOT NULL,
      first_at timestamptz NOT NULL,
      PRIMARY KEY (dossier_id, rpps)
    )`,
  ],
};
