import { useEffect, useState } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert.js';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { AuthError, completeSignIn } from '../auth/oidc.ts';
import { Page } from '../components/page.tsx';
import { messages as t } from '../i18n/index.ts';
import { safeReturnPath, portalHome, type PortalId } from '../router/routes.ts';
import { navigate, useLocation } from '../router/use-location.ts';

/** `/auth/callback` and `/pro/auth/callback`: exchanges the authorization code. */
export function CallbackPage({ portal }: { portal: PortalId }) {
  const { search } = useLocation();
  const [error, setError] = useState<AuthError | undefined>(undefined);

  useEffect(() => {
    let active = true;
    completeSignIn(portal, search).then(
      (returnTo) => {
        if (active) navigate(safeReturnPath(returnTo, portal), { replace: true });
      },
      (cause: unknown) => {
        if (active) setError(cause instanceof AuthError ? cause : new AuthError('tokenExchange', String(cause)));
      },
    );
    return () => {
      active = false;
    };
  }, [portal, search]);

  if (!error) {
    return (
      <Page title={t.auth.callbackTitle}>
        <p role="status">{t.auth.callbackWait}</p>
      </Page>
    );
  }
  return (
    <Page title={t.auth.callbackFailedTitle}>
      <Alert severity="error" small role="alert" className={fr.cx('fr-mb-4w')} description={t.auth.errors[error.code]} />
      <Button linkProps={{ href: portalHome(portal) }}>{t.auth.backHome}</Button>
    </Page>
  );
}
