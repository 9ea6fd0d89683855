import type { ReactNode } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Notice } from '@codegouvfr/react-dsfr/Notice.js';
import { frPro as tp } from '../i18n/fr-pro.ts';
import { useLocation } from '../router/use-location.ts';
import { formatDateTime } from './format.ts';
import { displayName } from './patient-identity.ts';
import { ProPatientProvider, useProPatient } from './pro-patient-context.tsx';

/**
 * The emergency / secret session banner (SPEC §3.7, EX_0.2-1050: shown for the whole session), on
 * top of every professional page while the server says the session is in force.
 */
export function AccessSessionBanner() {
  const { patient, session } = useProPatient();
  const { pathname } = useLocation();
  if (!patient || !session) return null;
  const onPatientPage = pathname === '/pro/patient';
  return (
    <div className={fr.cx('fr-mb-4w')} id="acces-en-cours">
      <Notice
        severity="warning"
        title={tp.banner.titles[session.mode]}
        description={tp.banner.description(displayName(patient), formatDateTime(session.expiresAt))}
        {...(onPatientPage ? {} : { link: { linkProps: { href: '/pro/patient' }, text: tp.banner.openRecord } })}
      />
    </div>
  );
}

/** What every professional page shares: the selected patient and the session banner. */
export function ProShell({ children }: { children: ReactNode }) {
  return (
    <ProPatientProvider>
      <AccessSessionBanner />
      {children}
    </ProPatientProvider>
  );
}
