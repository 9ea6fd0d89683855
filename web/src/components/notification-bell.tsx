import { useEffect } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { frNotifications as t } from '../i18n/fr-notifications.ts';
import { useFeedConnection, useNotificationFeed } from '../notifications/notification-feed.ts';
import { AppLink } from '../router/app-link.tsx';

/** Header link to the notification centre with the live unread count (patient portal, signed in). */
export function NotificationBell() {
  const { unread } = useNotificationFeed();
  useEffect(() => useFeedConnection('patient'), []);
  return (
    <AppLink href="/notifications" className={fr.cx('fr-btn', 'fr-icon-notification-3-line')} data-testid="notification-bell">
      {t.bell.label}
      {unread !== null && (
        <>
          {unread > 0 && (
            <span aria-hidden="true" className={fr.cx('fr-badge', 'fr-badge--sm', 'fr-badge--info', 'fr-badge--no-icon', 'fr-ml-1w')}>
              {unread}
            </span>
          )}
          <span className={fr.cx('fr-sr-only')}>{` (${t.bell.unread(unread)})`}</span>
        </>
      )}
    </AppLink>
  );
}
