import { useCallback, useEffect, useState } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { fetchNotifications, markAllNotificationsRead, markNotificationRead, type NotificationItem } from '../api/notifications-api.ts';
import { ApiError } from '../api/problem.ts';
import { ProblemAlert } from '../components/problem-alert.tsx';
import { frNotifications as t } from '../i18n/fr-notifications.ts';
import { NotificationList } from './notification-list.tsx';
import { onNotificationArrival, setUnread, useNotificationFeed } from './notification-feed.ts';

/** The notification centre: the list (live), unread count, mark one or all read, older pages. */
export function NotificationCentre() {
  const { unread } = useNotificationFeed();
  const [items, setItems] = useState<NotificationItem[] | null>(null);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [announce, setAnnounce] = useState('');
  const fail = (e: unknown) => setError(e instanceof ApiError ? e : new ApiError(0, {}));

  useEffect(() => {
    fetchNotifications('patient').then((page) => {
      setItems((current) => mergeNewestFirst(page.items, current ?? []));
      setNext(page.next);
      setUnread(page.unread);
    }, fail);
    return onNotificationArrival((item) => {
      setItems((current) => mergeNewestFirst([item], current ?? []));
      setAnnounce(t.centre.arrived(item.title));
    });
  }, []);

  const markRead = useCallback((item: NotificationItem) => {
    markNotificationRead('patient', item.id).then((r) => {
      setItems((current) => current?.map((i) => (i.id === item.id ? { ...i, readAt: r.readAt } : i)) ?? null);
      setUnread(r.unread);
    }, fail);
  }, []);

  const markAll = () => {
    markAllNotificationsRead('patient').then((r) => {
      const now = new Date().toISOString();
      setItems((current) => current?.map((i) => (i.readAt ? i : { ...i, readAt: now })) ?? null);
      setUnread(r.unread);
    }, fail);
  };

  const more = () => {
    if (!next) return;
    fetchNotifications('patient', { before: next }).then((page) => {
      setItems((current) => mergeNewestFirst(current ?? [], page.items));
      setNext(page.next);
    }, fail);
  };

  const count = unread ?? items?.filter((i) => !i.readAt).length ?? 0;
  return (
    <section aria-labelledby="notifications-list-title">
      <h2 id="notifications-list-title">{t.centre.listTitle}</h2>
      {error && <ProblemAlert error={error} onClose={() => setError(null)} />}
      <p role="status" data-testid="unread-summary">{items ? t.centre.unreadSummary(count) : t.centre.loading}</p>
      <p className={fr.cx('fr-sr-only')} aria-live="polite">{announce}</p>
      {items && items.length === 0 && <p>{t.centre.empty}</p>}
      {items && items.length > 0 && (
        <>
          <Button priority="secondary" iconId="fr-icon-check-line" onClick={markAll} disabled={count === 0} className={fr.cx('fr-mb-2w')}>
            {t.centre.markAllRead}
          </Button>
          <NotificationList items={items} onMarkRead={markRead} />
        </>
      )}
      {next && (
        <Button priority="tertiary" onClick={more} className={fr.cx('fr-mt-2w')}>
          {t.centre.more}
        </Button>
      )}
    </section>
  );
}

/** Merges two lists (no duplicates), newest first. */
export function mergeNewestFirst(a: NotificationItem[], b: NotificationItem[]): NotificationItem[] {
  const byId = new Map<string, NotificationItem>();
  for (const item of [...b, ...a]) byId.set(item.id, item);
  return [...byId.values()].sort((x, y) => (x.createdAt === y.createdAt ? y.id.localeCompare(x.id) : y.createdAt.localeCompare(x.createdAt)));
}
