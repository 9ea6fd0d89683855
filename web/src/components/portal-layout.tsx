import type { ReactNode } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Header, type HeaderProps } from '@codegouvfr/react-dsfr/Header/index.js';
import { Footer } from '@codegouvfr/react-dsfr/Footer.js';
import { SkipLinks } from '@codegouvfr/react-dsfr/SkipLinks.js';
import { headerFooterDisplayItem } from '@codegouvfr/react-dsfr/Display/index.js';
import { useAuth } from '../auth/auth-context.tsx';
import { expectedActorKind, fullName } from '../api/me.ts';
import { messages as t } from '../i18n/index.ts';
import { NotificationBell } from './notification-bell.tsx';
import { portalHome, sections, type Route } from '../router/routes.ts';
import { SpaceSwitcher } from '../spaces/space-switcher.tsx';

const HEADER_ID = 'fr-header';
export const MAIN_ID = 'contenu';
const FOOTER_ID = 'fr-footer';

const brandTop = (
  <>
    {t.brandTop[0]}
    <br />
    {t.brandTop[1]}
  </>
);

function useQuickAccessItems(): HeaderProps['quickAccessItems'] {
  const { portal, state, signIn, signOut } = useAuth();
  const other = portal === 'pro' ? 'patient' : 'pro';
  const switchItem: HeaderProps.QuickAccessItem = {
    iconId: portal === 'pro' ? 'fr-icon-user-line' : 'fr-icon-stethoscope-line',
    text: t.portals[portal].switchLabel,
    linkProps: { href: portalHome(other) },
  };
  const signOutItem: HeaderProps.QuickAccessItem = {
    iconId: 'fr-icon-logout-box-r-line',
    text: t.auth.signOut,
    buttonProps: { onClick: signOut, type: 'button' },
  };
  if (state.status === 'signedIn') {
    const name = fullName(state.me);
    return [
      // The notification centre with its live unread count, for people (patients, parents, carers).
      ...(portal === 'patient' && state.me.actorKind === expectedActorKind.patient ? [<NotificationBell key="notifications" />] : []),
      <p
        key="user"
        className={fr.cx('fr-btn', 'fr-icon-account-circle-line', 'fr-mb-0')}
        title={t.auth.signedInAs(name)}
      >
        {name}
      </p>,
      signOutItem,
    ];
  }
  // Token held but profile unavailable (API error): still offer to sign out.
  if (state.status === 'error') return [switchItem, signOutItem];
  if (state.status === 'loading') return [switchItem];
  return [
    switchItem,
    { iconId: 'fr-icon-lock-line', text: t.auth.signIn, buttonProps: { onClick: signIn, type: 'button' } },
  ];
}

export function PortalLayout({ route, children }: { route: Route; children: ReactNode }) {
  const { portal } = route;
  const portalText = t.portals[portal];
  const activeId = route.kind === 'section' ? route.section.id : undefined;
  const navigation = sections[portal]
    .filter((s) => s.inNav)
    .map((s) => ({ text: t.sections[s.id].title, linkProps: { href: s.path }, isActive: s.id === activeId }));
  const homeLinkProps = { href: portalHome(portal), title: `${t.sections.home.title} — ${portalText.headerTitle}` };
  const quickAccessItems = useQuickAccessItems();
  const accessibilityPath = portal === 'pro' ? '/pro/accessibilite' : '/accessibilite';

  return (
    <>
      <SkipLinks
        links={[
          { label: t.skipLinks.content, anchor: `#${MAIN_ID}` },
          { label: t.skipLinks.menu, anchor: `#${HEADER_ID}-main-navigation` },
          { label: t.skipLinks.footer, anchor: `#${FOOTER_ID}` },
        ]}
      />
      <Header
        id={HEADER_ID}
        brandTop={brandTop}
        serviceTitle={portalText.headerTitle}
        serviceTagline={portalText.tagline}
        homeLinkProps={homeLinkProps}
        navigation={navigation}
        quickAccessItems={quickAccessItems}
      />
      <main id={MAIN_ID} tabIndex={-1} className={fr.cx('fr-container', 'fr-pt-6w', 'fr-pb-8w')}>
        {portal === 'patient' && <SpaceSwitcher />}
        {children}
      </main>
      <Footer
        id={FOOTER_ID}
        brandTop={brandTop}
        homeLinkProps={homeLinkProps}
        accessibility="non compliant"
        accessibilityLinkProps={{ href: accessibilityPath }}
        contentDescription={t.footer.description}
        bottomItems={[headerFooterDisplayItem]}
      />
    </>
  );
}
