import { fr } from '@codegouvfr/react-dsfr';
import { Badge } from '@codegouvfr/react-dsfr/Badge.js';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { useAuth } from '../auth/auth-context.tsx';
import { fullName } from '../api/me.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { Page } from '../components/page.tsx';
import { messages as t } from '../i18n/index.ts';

/** Professional portal home: patient search (not built yet). */
export function ProSearchPage() {
  const { state, signIn } = useAuth();
  return (
    <Page title={t.sections.proSearch.title}>
      {state.status === 'loading' && (
        <p role="status" className={fr.cx('fr-mb-4w')}>
          {t.auth.loading}
        </p>
      )}
      {state.status === 'signedIn' && (
        <div className={fr.cx('fr-mb-4w')}>
          <p className={fr.cx('fr-text--lead', 'fr-mb-1w')}>{t.proHome.greeting(fullName(state.me))}</p>
          <ul className={fr.cx('fr-badges-group')}>
            {state.me.profession && (
              <li>
                <Badge severity="info" noIcon as="span">
                  {state.me.profession.label}
                </Badge>
              </li>
            )}
            {state.me.rpps && (
              <li>
                <Badge noIcon as="span">
                  {t.proHome.rpps(state.me.rpps)}
                </Badge>
              </li>
            )}
          </ul>
        </div>
      )}
      {state.status === 'signedOut' && (
        <div className={fr.cx('fr-mb-6w')}>
          <p className={fr.cx('fr-text--lead')}>{t.proHome.welcomeText}</p>
          <p>{t.proHome.signInHint}</p>
          <Button iconId="fr-icon-lock-line" onClick={signIn}>
            {t.auth.signIn}
          </Button>
        </div>
      )}
      <EmptyState icon="fr-icon-search-line" text={t.sections.proSearch.emptyState} />
    </Page>
  );
}
