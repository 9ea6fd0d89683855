import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import { listDossiersActedForBy } from '../store/dossier-repo.ts';
import {
  countUnread, findNotification, findSpaceNames, listNotifications, markAllNotificationsRead, markNotificationRead, type NotificationRow,
} from '../store/notification-repo.ts';
import { loadAccessContext } from './access-context.ts';
import { recipientOrThrow } from './notification-preferences.ts';
import { renderNotification, type NotificationItem } from './notification-view.ts';
import type { ServiceDeps } from './service-deps.ts';

export const NOTIFICATIONS_MAX_LIMIT = 100;
export type NotificationPage = { items: NotificationItem[]; unread: number; next?: string };

// Reading one's own notification centre leaves no audit entry. The centre is the person's inbox: each
// item was decided for this reader by the access rules when it was delivered (who may learn of which
// document, secret connections kept from representatives…), and the action it reports carries its own
// audit entry. Tracing every look at the inbox (the header's live counter included) would bury the
// history the patient reads under entries that say nothing. What is re-checked on every read is that
// the reader still acts for each space (a parent at the child's 18th birthday, a revoked mandate): items
// about spaces they no longer hold are neither shown nor counted. Opening what an item links to is an
// access like any other, decided and traced.

/** The spaces a reader may still see notifications about: null for a professional (addressed to them by RPPS). */
async function readableSpaces(deps: ServiceDeps, actor: Actor): Promise<string[] | null> {
  if (actor.kind !== 'person') return null;
  const spaces = [actor.dossierId];
  for (const c of await listDossiersActedForBy(deps.db, actor.dossierId)) {
    const decision = (await loadAccessContext(deps.db, deps, actor, c.dossierId, deps.clock())).decide('dossier.identity.read');
    if (decision.effect === 'allow') spaces.push(c.dossierId);
  }
  return spaces;
}

async function render(deps: ServiceDeps, actor: Actor, rows: NotificationRow[]): Promise<NotificationItem[]> {
  const own = actor.kind === 'person' ? actor.dossierId : null;
  const names = await findSpaceNames(deps.db, [...new Set(rows.map((r) => r.dossier_id).filter((d) => d !== own))]);
  return rows.map((row) => renderNotification(deps, row, {
    own: row.dossier_id === own, name: names.get(row.dossier_id) ?? 'cette personne', readerIsProfessional: actor.kind === 'professional',
  }));
}

/** Cursor of keyset paging: the position of the last item given (opaque to clients). */
function encodeCursor(row: NotificationRow): string {
  return Buffer.from(`${row.created_at.toISOString()}|${row.notification_id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(at ?? '');
  if (!id || !/^[0-9a-f-]{36}$/i.test(id) || Number.isNaN(date.getTime())) {
    throw new AppError('VALIDATION_FAILED', undefined, [{ field: 'before', code: 'NOTIFICATION_CURSOR_INVALID', message: 'Curseur de pagination invalide.' }]);
  }
  return { at: date, id };
}

/** The caller's notifications, newest first, with the unread count and the cursor of the next page. */
export async function listMyNotifications(deps: ServiceDeps, actor: Actor, options: { limit: number; before?: string | undefined }): Promise<NotificationPage> {
  const recipient = recipientOrThrow(actor);
  const before = options.before ? decodeCursor(options.before) : null;
  const spaces = await readableSpaces(deps, actor);
  const limit = Math.min(Math.max(options.limit, 1), NOTIFICATIONS_MAX_LIMIT);
  const rows = await listNotifications(deps.db, recipient, spaces, limit + 1, before);
  const page = rows.slice(0, limit);
  const items = await render(deps, actor, page);
  const unread = await countUnread(deps.db, recipient, spaces);
  return { items, unread, ...(rows.length > limit ? { next: encodeCursor(page[page.length - 1]!) } : {}) };
}

/** One of the caller's notifications (for a live stream), or null when it is not theirs to see. */
export async function readMyNotification(deps: ServiceDeps, actor: Actor, notificationId: string): Promise<NotificationItem | null> {
  const row = await findNotification(deps.db, recipientOrThrow(actor), notificationId);
  if (!row) return null;
  const spaces = await readableSpaces(deps, actor);
  if (spaces && !spaces.includes(row.dossier_id)) return null;
  return (await render(deps, actor, [row]))[0]!;
}

export async function countMyUnread(deps: ServiceDeps, actor: Actor): Promise<number> {
  return countUnread(deps.db, recipientOrThrow(actor), await readableSpaces(deps, actor));
}

/** Marks one notification read (the first reading time is kept); 404 for an id that is not the caller's. */
export async function markMyNotificationRead(deps: ServiceDeps, actor: Actor, notificationId: string): Promise<{ id: string; readAt: string; unread: number }> {
  const recipient = recipientOrThrow(actor);
  const spaces = await readableSpaces(deps, actor);
  const row = await findNotification(deps.db, recipient, notificationId);
  if (!row || (spaces && !spaces.includes(row.dossier_id))) throw new AppError('RESOURCE_NOT_FOUND');
  await markNotificationRead(deps.db, recipient, notificationId, deps.clock());
  const readAt = (await findNotification(deps.db, recipient, notificationId))!.read_at!;
  return { id: notificationId, readAt: readAt.toISOString(), unread: await countUnread(deps.db, recipient, spaces) };
}

export async function markAllMyNotificationsRead(deps: ServiceDeps, actor: Actor): Promise<{ marked: number; unread: number }> {
  const recipient = recipientOrThrow(actor);
  const spaces = await readableSpaces(deps, actor);
  const marked = await markAllNotificationsRead(deps.db, recipient, spaces, deps.clock());
  return { marked, unread: await countUnread(deps.db, recipient, spaces) };
}
