import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert.js';
import { useAuth } from '../auth/auth-context.tsx';
import { expectedActorKind } from '../api/me.ts';
import { messages as t } from '../i18n/index.ts';
import { AuthErrorAlert, ProblemAlert } from './problem-alert.tsx';

/** Session-related alerts shown under the page h1 (sign-in failure, expiry, API error, wrong account). */
export function Notices() {
  const { portal, state, signInError, signOut, dismissNotices } = useAuth();
  return (
    <>
      {signInError && <AuthErrorAlert error={signInError} onClose={dismissNotices} />}
      {state.status === 'signedOut' && state.expired && (
        <Alert
          severity="warning"
          as="h2"
          className={fr.cx('fr-mb-4w')}
          title={t.auth.sessionExpiredTitle}
          description={t.auth.sessionExpired}
          closable
          onClose={dismissNotices}
        />
      )}
      {state.status === 'error' && <ProblemAlert error={state.error} />}
      {state.status === 'signedIn' && state.me.actorKind !== expectedActorKind[portal] && (
        <Alert
          severity="warning"
          as="h2"
          className={fr.cx('fr-mb-4w')}
          title={t.auth.wrongAccountTitle}
          description={
            <>
              {portal === 'pro' ? t.auth.wrongAccountPro : t.auth.wrongAccountPatient}{' '}
              <button type="button" className={fr.cx('fr-link')} onClick={signOut}>
                {t.auth.signOut}
              </button>
            </>
          }
        />
      )}
    </>
  );
}
