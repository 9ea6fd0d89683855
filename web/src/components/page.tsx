import { useEffect, useRef, type ReactNode } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { useLocation } from '../router/use-location.ts';
import { messages as t } from '../i18n/index.ts';
import { useAuth } from '../auth/auth-context.tsx';
import { Notices } from './notices.tsx';

interface PageProps {
  title: string;
  /** Used for document.title when the h1 is personalised (e.g. greeting). */
  documentTitle?: string;
  children?: ReactNode;
}

/** Page frame: the single h1, document title and focus management on route change. */
export function Page({ title, documentTitle, children }: PageProps) {
  const heading = useRef<HTMLHeadingElement>(null);
  const { navCount, pathname } = useLocation();
  const { portal } = useAuth();

  useEffect(() => {
    document.title = t.documentTitle(documentTitle ?? title, t.portals[portal].headerTitle);
  }, [title, documentTitle, portal]);

  useEffect(() => {
    // Move focus to the new page heading after an in-app navigation (not on first load).
    if (navCount > 0) heading.current?.focus({ preventScroll: false });
  }, [navCount, pathname]);

  return (
    <>
      <h1 ref={heading} tabIndex={-1} className={fr.cx('fr-mb-4w')}>
        {title}
      </h1>
      <Notices />
      {children}
    </>
  );
}
