import { listDevMail } from '../store/dev-mail-repo.ts';
import type { ServiceDeps } from './service-deps.ts';

export type DevMailboxMessage = { id: string; to: string; subject: string; text: string; sentAt: string };

/** The embedded development mailbox, newest first (the caller makes sure this is not production). */
export async function readDevMailbox(deps: Pick<ServiceDeps, 'db'>, limit = 100): Promise<DevMailboxMessage[]> {
  const rows = await listDevMail(deps.db, limit);
  return rows.map((r) => ({ id: r.mail_id, to: r.to_address, subject: r.subject, text: r.body_text, sentAt: r.sent_at.toISOString() }));
}
