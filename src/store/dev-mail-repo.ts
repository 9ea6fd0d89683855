import type { Queryable } from './db.ts';

/** A message of the embedded development mailbox. */
export type DevMailRow = {
  mail_id: string;
  delivery_key: string;
  to_address: string;
  subject: string;
  body_text: string;
  sent_at: Date;
};

/** Stores a message once per delivery key: a second delivery of the same outbox row changes nothing. */
export async function insertDevMail(tx: Queryable, m: DevMailRow): Promise<boolean> {
  const res = await tx.query(
    `INSERT INTO dev_mail (mail_id, delivery_key, to_address, subject, body_text, sent_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (delivery_key) DO NOTHING`,
    [m.mail_id, m.delivery_key, m.to_address, m.subject, m.body_text, m.sent_at],
  );
  return res.rowCount === 1;
}

/** Newest first. */
export async function listDevMail(db: Queryable, limit: number): Promise<DevMailRow[]> {
  const res = await db.query<DevMailRow>('SELECT * FROM dev_mail ORDER BY sent_at DESC, mail_id LIMIT $1', [limit]);
  return res.rows;
}
