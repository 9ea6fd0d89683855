import { fr } from '@codegouvfr/react-dsfr';
import { Badge } from '@codegouvfr/react-dsfr/Badge.js';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import type { NotificationItem } from '../api/notifications-api.ts';
import { formatDateTime } from '../i18n/format-date.ts';
import { frNotifications as t } from '../i18n/fr-notifications.ts';
import { AppLink } from '../router/app-link.tsx';
import { useSpaces } from '../spaces/space-context.tsx';

/** Notifications, newest first: unread ones marked, each with its link and (unread) a "mark read" button. */
export function NotificationList({ items, onMarkRead, headingLevel = 'h3' }: {
  items: NotificationItem[];
  onMarkRead?: (item: NotificationItem) => void;
  headingLevel?: 'h2' | 'h3';
}) {
  const { select } = useSpaces();
  const Heading = headingLevel;
  return (
    <ul className={fr.cx('fr-raw-list')} data-testid="notification-list">
      {items.map((item) => (
        <li key={item.id} className={fr.cx('fr-py-2w')} style={{ borderBottom: '1px solid var(--border-default-grey)' }} data-unread={item.readAt === null}>
          <Heading className={fr.cx('fr-text--md', 'fr-mb-1v', item.readAt === null ? 'fr-text--bold' : 'fr-text--regular')}>
            {item.title}
          </Heading>
          <p className={fr.cx('fr-text--sm', 'fr-mb-1w')}>
            {t.centre.receivedAt(formatDateTime(item.createdAt))}
            {item.readAt === null && (
              <Badge small severity="new" className={fr.cx('fr-ml-1w')}>
                {t.centre.unreadBadge}
              </Badge>
            )}
          </p>
          <p className={fr.cx('fr-mb-0')}>
            {/* The item may be about a space the person acts for: show that space when following the link. */}
            <AppLink href={item.link} className={fr.cx('fr-link', 'fr-mr-3w')} title={t.centre.openOf(item.title)} onClick={() => select(item.dossierId)}>
              {t.centre.open}
            </AppLink>
            {item.readAt === null && onMarkRead && (
              <Button priority="tertiary no outline" size="small" onClick={() => onMarkRead(item)} title={t.centre.markReadOf(item.title)}>
                {t.centre.markRead}
              </Button>
            )}
          </p>
        </li>
      ))}
    </ul>
  );
}
