/** Pure route table and matching (no DOM access: unit-testable). */
import type { FrIconClassName } from '@codegouvfr/react-dsfr';

export type PortalId = 'patient' | 'pro';

export type SectionId =
  | 'home'
  | 'profile'
  | 'documents'
  | 'messaging'
  | 'agenda'
  | 'prevention'
  | 'catalog'
  | 'settings'
  | 'privacySettings'
  | 'history'
  | 'notifications'
  | 'accessibility'
  | 'proSearch'
  | 'proPatient'
  | 'proDeposit'
  | 'proDocument'
  | 'proDocuments'
  | 'proMessaging';

export interface SectionDef {
  id: SectionId;
  path: string;
  /** DSFR icon class shown on tiles / empty states. */
  icon: FrIconClassName;
  /** Listed in the main navigation. */
  inNav: boolean;
}

export type Route =
  | { kind: 'section'; portal: PortalId; section: SectionDef }
  | { kind: 'callback'; portal: PortalId }
  | { kind: 'notFound'; portal: PortalId; path: string };

export const PRO_BASE = '/pro';

export const sections: Record<PortalId, readonly SectionDef[]> = {
  patient: [
    { id: 'home', path: '/', icon: 'fr-icon-home-4-line', inNav: true },
    { id: 'profile', path: '/profil', icon: 'fr-icon-heart-pulse-line', inNav: true },
    { id: 'documents', path: '/documents', icon: 'fr-icon-file-text-line', inNav: true },
    { id: 'messaging', path: '/messagerie', icon: 'fr-icon-mail-line', inNav: true },
    { id: 'agenda', path: '/agenda', icon: 'fr-icon-calendar-line', inNav: true },
    { id: 'prevention', path: '/prevention', icon: 'fr-icon-shield-line', inNav: true },
    { id: 'catalog', path: '/catalogue', icon: 'fr-icon-window-line', inNav: true },
    { id: 'settings', path: '/parametres', icon: 'fr-icon-settings-5-line', inNav: true },
    { id: 'privacySettings', path: '/parametres/confidentialite', icon: 'fr-icon-lock-line', inNav: false },
    { id: 'history', path: '/historique', icon: 'fr-icon-time-line', inNav: false },
    { id: 'notifications', path: '/notifications', icon: 'fr-icon-notification-3-line', inNav: false },
    { id: 'accessibility', path: '/accessibilite', icon: 'fr-icon-accessibility-line', inNav: false },
  ],
  pro: [
    { id: 'proSearch', path: '/pro', icon: 'fr-icon-search-line', inNav: true },
    { id: 'proPatient', path: '/pro/patient', icon: 'fr-icon-user-line', inNav: true },
    { id: 'proDeposit', path: '/pro/deposer', icon: 'fr-icon-upload-line', inNav: false },
    { id: 'proDocument', path: '/pro/document', icon: 'fr-icon-file-text-line', inNav: false },
    { id: 'proDocuments', path: '/pro/documents', icon: 'fr-icon-file-text-line', inNav: true },
    { id: 'proMessaging', path: '/pro/messagerie', icon: 'fr-icon-mail-line', inNav: true },
    { id: 'accessibility', path: '/pro/accessibilite', icon: 'fr-icon-accessibility-line', inNav: false },
  ],
};

/** Removes trailing slashes (except for the root) and collapses duplicate slashes. */
export function normalizePath(pathname: string): string {
  const collapsed = pathname.replace(/\/{2,}/g, '/');
  const trimmed = collapsed.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

export function portalOf(pathname: string): PortalId {
  const path = normalizePath(pathname);
  return path === PRO_BASE || path.startsWith(`${PRO_BASE}/`) ? 'pro' : 'patient';
}

export function portalHome(portal: PortalId): string {
  return portal === 'pro' ? PRO_BASE : '/';
}

export function callbackPath(portal: PortalId): string {
  return portal === 'pro' ? `${PRO_BASE}/auth/callback` : '/auth/callback';
}

export function matchRoute(pathname: string): Route {
  const path = normalizePath(pathname);
  const portal = portalOf(path);
  if (path === callbackPath(portal)) return { kind: 'callback', portal };
  const section = sections[portal].find((s) => s.path === path);
  return section ? { kind: 'section', portal, section } : { kind: 'notFound', portal, path };
}

/** True for same-origin paths handled by the SPA router (not API / OIDC / static files). */
export function isAppPath(href: string): boolean {
  if (!href.startsWith('/') || href.startsWith('//')) return false;
  return !/^\/(api|oidc|dsfr|assets)(\/|$|\?)/.test(href);
}

/** Post-sign-in destination: an in-app path of the same portal, never the callback itself. */
export function safeReturnPath(returnTo: string, portal: PortalId): string {
  if (!isAppPath(returnTo)) return portalHome(portal);
  const pathname = returnTo.split(/[?#]/)[0] ?? '';
  const route = matchRoute(pathname);
  return route.portal === portal && route.kind !== 'callback' ? returnTo : portalHome(portal);
}
