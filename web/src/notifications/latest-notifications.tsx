import { useEffect, useState } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { fetchNotifications, type NotificationItem } from '../api/notifications-api.ts';
import { frNotifications as t } from '../i18n/fr-notifications.ts';
import { AppLink } from '../router/app-link.tsx';
import { mergeNewestFirst } from './notification-centre.tsx';
import { onNotificationArrival } from './notification-feed.ts';
import { NotificationList } from './notification-list.tsx';

const LATEST = 5;

/** The home page's five latest notifications (live), with the way to the centre. */
export function LatestNotifications() {
  const [items, setItems] = useState<NotificationItem[] | null>(null);
  useEffect(() => {
    // A failure leaves the block empty: the centre (and its error) is one click away.
    fetchNotifications('patient', { limit: LATEST }).then((page) => setItems((c) => mergeNewestFirst(page.items, c ?? []).slice(0, LATEST)), () => setItems([]));
    return onNotificationArrival((item) => setItems((c) => mergeNewestFirst([item], c ?? []).slice(0, LATEST)));
  }, []);
  return (
    <section aria-labelledby="latest-notifications-title" className={fr.cx('fr-mb-6w')}>
      <h2 id="latest-notifications-title">{t.home.title}</h2>
      {items && items.length === 0 && <p>{t.home.empty}</p>}
      {items && items.length > 0 && <NotificationList items={items} />}
      <p className={fr.cx('fr-mt-2w')}>
        <AppLink href="/notifications" className={fr.cx('fr-link', 'fr-icon-arrow-right-line', 'fr-link--icon-right')}>
          {t.home.all}
        </AppLink>
      </p>
    </section>
  );
}
