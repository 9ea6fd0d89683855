import type { Queryable } from './db.ts';

/** One in-app notification: about one space (`dossier_id`), for one recipient. */
export type NotificationRow = {
  dossier_id: string;
  notification_id: string;
  outbox_id: string;
  recipient: string;
  kind: string;
  topic: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
};

export type NewNotification = Omit<NotificationRow, 'read_at'>;

/**
 * Inserts a notification unless this outbox row already reached this recipient (or the recipient
 * already heard of the same topic): any unique key makes it a no-op. True when a row was written.
 */
export async function insertNotificationOnce(tx: Queryable, n: NewNotification): Promise<boolean> {
  const res = await tx.query(
    `INSERT INTO notification (dossier_id, notification_id, outbox_id, recipient, kind, topic, payload, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
    [n.dossier_id, n.notification_id, n.outbox_id, n.recipient, n.kind, n.topic, JSON.stringify(n.payload), n.created_at],
  );
  return res.rowCount === 1;
}

/** A recipient's notifications about the given spaces, newest first, strictly before the cursor. */
export async function listNotifications(
  db: Queryable, recipient: string, dossierIds: readonly string[] | null, limit: number, before: { at: Date; id: string } | null,
): Promise<NotificationRow[]> {
  const res = await db.query<NotificationRow>(
    `SELECT * FROM notification
     WHERE recipient = $1 AND ($2::uuid[] IS NULL OR dossier_id = ANY($2::uuid[]))
       AND ($3::timestamptz IS NULL OR (created_at, notification_id) < ($3::timestamptz, $4::uuid))
     ORDER BY created_at DESC, notification_id DESC
     LIMIT $5`,
    [recipient, dossierIds, before?.at ?? null, before?.id ?? null, limit],
  );
  return res.rows;
}

export async function findNotification(db: Queryable, recipient: string, notificationId: string): Promise<NotificationRow | null> {
  const res = await db.query<NotificationRow>('SELECT * FROM notification WHERE recipient = $1 AND notification_id = $2', [recipient, notificationId]);
  return res.rows[0] ?? null;
}

export async function countUnread(db: Queryable, recipient: string, dossierIds: readonly string[] | null): Promise<number> {
  const res = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM notification
     WHERE recipient = $1 AND read_at IS NULL AND ($2::uuid[] IS NULL OR dossier_id = ANY($2::uuid[]))`,
    [recipient, dossierIds],
  );
  return res.rows[0]!.n;
}

/** Marks read (once: the first reading time is kept). False when the recipient has no such notification. */
export async function markNotificationRead(db: Queryable, recipient: string, notificationId: string, now: Date): Promise<boolean> {
  const res = await db.query(
    'UPDATE notification SET read_at = COALESCE(read_at, $3) WHERE recipient = $1 AND notification_id = $2',
    [recipient, notificationId, now],
  );
  return res.rowCount > 0;
}

export async function markAllNotificationsRead(db: Queryable, recipient: string, dossierIds: readonly string[] | null, now: Date): Promise<number> {
  const res = await db.query(
    `UPDATE notification SET read_at = $3
     WHERE recipient = $1 AND read_at IS NULL AND ($2::uuid[] IS NULL OR dossier_id = ANY($2::uuid[]))`,
    [recipient, dossierIds, now],
  );
  return res.rowCount;
}

export async function loadEmailPreferences(db: Queryable, recipient: string): Promise<Map<string, boolean>> {
  const res = await db.query<{ kind: string; email: boolean }>('SELECT kind, email FROM notification_preference WHERE recipient = $1', [recipient]);
  return new Map(res.rows.map((r) => [r.kind, r.email]));
}

export async function saveEmailPreference(db: Queryable, recipient: string, kind: string, email: boolean, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO notification_preference (recipient, kind, email, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (recipient, kind) DO UPDATE SET email = EXCLUDED.email, updated_at = EXCLUDED.updated_at`,
    [recipient, kind, email, now],
  );
}

/** Records (or refreshes) an open live stream of the recipient. */
export async function touchPresence(db: Queryable, recipient: string, streamId: string, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO notification_presence (recipient, stream_id, last_seen_at) VALUES ($1, $2, $3)
     ON CONFLICT (recipient, stream_id) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at`,
    [recipient, streamId, now],
  );
}

/** Forgets a closed stream, and the recipient's streams whose heartbeat stopped before `staleBefore` (a crashed node). */
export async function removePresence(db: Queryable, recipient: string, streamId: string, staleBefore: Date): Promise<void> {
  await db.query('DELETE FROM notification_presence WHERE recipient = $1 AND (stream_id = $2 OR last_seen_at < $3)', [recipient, streamId, staleBefore]);
}

export async function isPresentSince(db: Queryable, recipient: string, since: Date): Promise<boolean> {
  const res = await db.query<{ present: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM notification_presence WHERE recipient = $1 AND last_seen_at >= $2) AS present', [recipient, since]);
  return res.rows[0]!.present;
}

/** How to reach people by e-mail: their account's address, else the one known for their space. */
export async function findPersonContacts(db: Queryable, personDossierIds: readonly string[]): Promise<Map<string, { email: string | null; hasAccount: boolean }>> {
  const res = await db.query<{ dossier_id: string; account_email: string | null; dossier_email: string | null; has_account: boolean }>(
    `SELECT d.dossier_id, a.email AS account_email, d.email AS dossier_email, a.account_id IS NOT NULL AS has_account
     FROM dossier d LEFT JOIN account a ON a.dossier_id = d.dossier_id AND a.kind = 'patient'
     WHERE d.dossier_id = ANY($1::uuid[])`,
    [personDossierIds],
  );
  return new Map(res.rows.map((r) => [r.dossier_id, { email: r.account_email ?? r.dossier_email, hasAccount: r.has_account }]));
}

/** The names shown for spaces ("Léa Martin"), by dossier id. */
export async function findSpaceNames(db: Queryable, dossierIds: readonly string[]): Promise<Map<string, string>> {
  if (dossierIds.length === 0) return new Map();
  const res = await db.query<{ dossier_id: string; first_names: string | null; birth_name: string | null }>(
    'SELECT dossier_id, first_names, birth_name FROM dossier WHERE dossier_id = ANY($1::uuid[])', [dossierIds]);
  return new Map(res.rows.map((r) => [r.dossier_id, spaceName(r.first_names, r.birth_name)]));
}

function spaceName(firstNames: string | null, birthName: string | null): string {
  const first = (firstNames ?? '').split(' ')[0] ?? '';
  const last = (birthName ?? '').toLowerCase().replace(/(^|[\s-])\p{L}/gu, (m) => m.toUpperCase());
  return [first, last].filter(Boolean).join(' ') || 'cette personne';
}

/** Was `rpps` in a secret connection to the dossier at `at` (the time of an access being notified)? */
export async function wasInSecretSession(db: Queryable, dossierId: string, rpps: string, at: Date): Promise<boolean> {
  const res = await db.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM access_session
       WHERE dossier_id = $1 AND rpps = $2 AND mode = 'secret' AND started_at <= $3 AND expires_at > $3) AS found`,
    [dossierId, rpps, at]);
  return res.rows[0]!.found;
}

/** Did the re-visibility job lift INVISIBLE_PATIENT from this document (it then announces it itself)? */
export async function wasMadeVisibleByJob(db: Queryable, dossierId: string, documentId: string): Promise<boolean> {
  const res = await db.query<{ found: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM document_visibility_event WHERE dossier_id = $1 AND document_id = $2 AND step = 'visible') AS found`,
    [dossierId, documentId]);
  return res.rows[0]!.found;
}
