import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import type { Queryable } from '../store/db.ts';
import { loadEmailPreferences, saveEmailPreference } from '../store/notification-repo.ts';
import { NOTIFICATION_KIND_INFO, NOTIFICATION_KINDS, type NotificationKind } from './notification-kinds.ts';
import { recipientOfActor } from './notification-recipients.ts';
import type { ServiceDeps } from './service-deps.ts';

export type NotificationPreferences = { kinds: { kind: NotificationKind; label: string; email: boolean }[] };

/** The recipient key of the caller; people and professionals have a notification centre, other actors none. */
export function recipientOrThrow(actor: Actor): string {
  const recipient = recipientOfActor(actor);
  if (!recipient) throw new AppError('ACCESS_DENIED');
  return recipient;
}

/** Would this recipient like an e-mail for this kind (their choice, else the kind's default)? */
export async function wantsEmail(db: Queryable, recipient: string, kind: NotificationKind): Promise<boolean> {
  return (await loadEmailPreferences(db, recipient)).get(kind) ?? NOTIFICATION_KIND_INFO[kind].emailByDefault;
}

/** The caller's e-mail choice for every kind (in-app is always on). Their own settings: not patient data, not traced. */
export async function readNotificationPreferences(deps: Pick<ServiceDeps, 'db'>, actor: Actor): Promise<NotificationPreferences> {
  const saved = await loadEmailPreferences(deps.db, recipientOrThrow(actor));
  return {
    kinds: NOTIFICATION_KINDS.map((kind) => ({ kind, label: NOTIFICATION_KIND_INFO[kind].label, email: saved.get(kind) ?? NOTIFICATION_KIND_INFO[kind].emailByDefault })),
  };
}

/** Saves the given choices (kinds not listed keep theirs), all or nothing. */
export async function updateNotificationPreferences(
  deps: Pick<ServiceDeps, 'db' | 'clock'>, actor: Actor, changes: readonly { kind: NotificationKind; email: boolean }[],
): Promise<NotificationPreferences> {
  const recipient = recipientOrThrow(actor);
  await deps.db.transaction(async (tx) => {
    for (const c of changes) await saveEmailPreference(tx, recipient, c.kind, c.email, deps.clock());
  });
  return readNotificationPreferences(deps, actor);
}
