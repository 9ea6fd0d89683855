import { fr } from '@codegouvfr/react-dsfr';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { expectedActorKind } from '../api/me.ts';
import { useAuth } from '../auth/auth-context.tsx';
import { Page } from '../components/page.tsx';
import { frNotifications as t } from '../i18n/fr-notifications.ts';
import { messages } from '../i18n/index.ts';
import { NotificationCentre } from '../notifications/notification-centre.tsx';
import { NotificationPreferencesForm } from '../notifications/notification-preferences-form.tsx';

/** `/notifications`: the notification centre and the e-mail preferences per kind. */
export function NotificationsPage() {
  const { state, signIn } = useAuth();
  return (
    <Page title={messages.sections.notifications.title}>
      {state.status === 'loading' && <p role="status">{messages.auth.loading}</p>}
      {state.status === 'signedOut' && (
        <div className={fr.cx('fr-mb-6w')}>
          <p>{messages.home.signInHint}</p>
          <Button iconId="fr-icon-lock-line" onClick={signIn}>{messages.auth.signIn}</Button>
        </div>
      )}
      {state.status === 'signedIn' && state.me.actorKind === expectedActorKind.patient && (
        <>
          <p className={fr.cx('fr-text--lead')}>{t.centre.intro}</p>
          <p className={fr.cx('fr-text--sm')}>{t.centre.live}</p>
          <NotificationCentre />
          <NotificationPreferencesForm />
        </>
      )}
    </Page>
  );
}
