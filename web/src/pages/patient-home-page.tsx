import { fr } from '@codegouvfr/react-dsfr';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { Tile } from '@codegouvfr/react-dsfr/Tile.js';
import { useAuth } from '../auth/auth-context.tsx';
import { expectedActorKind, fullName } from '../api/me.ts';
import { Page } from '../components/page.tsx';
import { messages as t } from '../i18n/index.ts';
import { LatestNotifications } from '../notifications/latest-notifications.tsx';
import { sections } from '../router/routes.ts';

export function PatientHomePage() {
  const { state, signIn } = useAuth();
  const title = state.status === 'signedIn' ? t.home.greeting(fullName(state.me)) : t.home.welcomeTitle;
  // The activity history is outside the main navigation: a shortcut from home.
  const tiles = sections.patient.filter((s) => (s.inNav && s.id !== 'home') || s.id === 'history');

  return (
    <Page title={title} documentTitle={t.sections.home.title}>
      {state.status === 'loading' && (
        <p role="status" className={fr.cx('fr-mb-4w')}>
          {t.auth.loading}
        </p>
      )}
      {state.status === 'signedOut' && (
        <div className={fr.cx('fr-mb-6w')}>
          <p className={fr.cx('fr-text--lead')}>{t.home.welcomeText}</p>
          <p>{t.home.signInHint}</p>
          <Button iconId="fr-icon-lock-line" onClick={signIn}>
            {t.auth.signIn}
          </Button>
        </div>
      )}
      {state.status === 'signedIn' && state.me.actorKind === expectedActorKind.patient && <LatestNotifications />}
      <h2>{t.home.sectionsTitle}</h2>
      <ul className={fr.cx('fr-grid-row', 'fr-grid-row--gutters', 'fr-raw-list')}>
        {tiles.map((s) => (
          <li key={s.id} className={fr.cx('fr-col-12', 'fr-col-md-6', 'fr-col-lg-4')}>
            <Tile
              title={t.sections[s.id].title}
              titleAs="h3"
              desc={t.sections[s.id].description}
              linkProps={{ href: s.path }}
              enlargeLinkOrButton
              orientation="horizontal"
            />
          </li>
        ))}
      </ul>
    </Page>
  );
}
