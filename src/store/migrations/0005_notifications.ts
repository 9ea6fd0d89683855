import type { Migration } from '../migrator.ts';

// Frozen. Notifications delivered from the outbox (SPEC §4): one in-app row per recipient, the
// recipients' e-mail preferences, who is watching the portal right now, and the e-mails an SMTP
// server already accepted.
export const m0005: Migration = {
  name: '0005_notifications',
  statements: [
    // A notification about one space (dossier_id: patient data, invariant 4) for one recipient:
    // 'person:<their own dossier id>' or 'professional:<RPPS>'. Its id is derived from (outbox row,
    // recipient), and (dossier, outbox row, recipient) is unique: a re-delivery never adds a second row.
    `CREATE TABLE notification (
      dossier_id uuid NOT NULL,
      notification_id uuid NOT NULL,
      outbox_id uuid NOT NULL,
      recipient text NOT NULL,
      kind text NOT NULL,
      topic text,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      read_at timestamptz,
      PRIMARY KEY (dossier_id, notification_id),
      UNIQUE (dossier_id, outbox_id, recipient)
    )`,
    // A person hears of a document once, whichever event announces it first (added / made visible).
    `CREATE UNIQUE INDEX notification_topic ON notification (dossier_id, recipient, topic) WHERE topic IS NOT NULL`,
    // The notification centre reads one recipient's newest first, across the spaces they act for.
    `CREATE INDEX notification_inbox ON notification (recipient, created_at DESC, notification_id DESC)`,
    `CREATE INDEX notification_unread ON notification (recipient) WHERE read_at IS NULL`,
    `CREATE TABLE notification_preference (
      recipient text NOT NULL,
      kind text NOT NULL,
      email boolean NOT NULL,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (recipient, kind)
    )`,
    // One row per open live stream, refreshed by its heartbeat: a recent row means "in the portal now".
    `CREATE TABLE notification_presence (
      recipient text NOT NULL,
      stream_id uuid NOT NULL,
      last_seen_at timestamptz NOT NULL,
      PRIMARY KEY (recipient, stream_id)
    )`,
    // Written the moment an SMTP server accepts a message, before the outbox row is acknowledged, and
    // checked before every send: a dispatcher that died in between never sends the message again.
    `CREATE TABLE mail_delivery (
      delivery_key text PRIMARY KEY,
      transport text NOT NULL,
      accepted_at timestamptz NOT NULL
    )`,
  ],
};
