import { fr } from '@codegouvfr/react-dsfr';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { Page } from '../components/page.tsx';
import { messages as t } from '../i18n/index.ts';
import { portalHome, type PortalId } from '../router/routes.ts';

export function NotFoundPage({ portal }: { portal: PortalId }) {
  return (
    <Page title={t.notFound.title}>
      <p className={fr.cx('fr-text--lead')}>{t.notFound.detail}</p>
      <Button linkProps={{ href: portalHome(portal) }}>{t.auth.backHome}</Button>
    </Page>
  );
}
