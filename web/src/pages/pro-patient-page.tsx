import { fr } from '@codegouvfr/react-dsfr';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { ButtonsGroup } from '@codegouvfr/react-dsfr/ButtonsGroup.js';
import { useAuth } from '../auth/auth-context.tsx';
import { Page } from '../components/page.tsx';
import { messages as t } from '../i18n/index.ts';
import { frPro as tp } from '../i18n/fr-pro.ts';
import { navigate } from '../router/use-location.ts';
import { DocumentsPanel } from '../pro/documents-panel.tsx';
import { EmergencyPanel, SecretConnectionPanel } from '../pro/emergency-panel.tsx';
import { todayInFrance } from '../pro/format.ts';
import { IdentitySummary } from '../pro/identity-summary.tsx';
import { displayName, isMinorOn } from '../pro/patient-identity.ts';
import { useProPatient } from '../pro/pro-patient-context.tsx';
import { RequestErrorAlert } from '../pro/problem-notice.tsx';
import { ConsentPanel, InformationPanel, OppositionPanel } from '../pro/record-panels.tsx';
import { useProfessionalStatus } from '../pro/use-professional-status.ts';

/** `/pro/patient`: the selected patient's record as the professional may use it. */
export function ProPatientPage() {
  const { state, signIn } = useAuth();
  const { patient, records, session, clear } = useProPatient();
  // On arrival: informed? consent? (or the patient's refusal, SPEC §3.2, in the server's words).
  const arrival = useProfessionalStatus(state.status === 'signedIn' && patient ? patient.id : null);

  if (state.status !== 'signedIn' || !patient) {
    return (
      <Page title={t.sections.proPatient.title}>
        {state.status === 'signedOut' && (
          <>
            <p>{t.proHome.signInHint}</p>
            <Button iconId="fr-icon-lock-line" onClick={signIn}>
              {t.auth.signIn}
            </Button>
          </>
        )}
        {state.status === 'loading' && <p role="status">{t.auth.loading}</p>}
        {state.status === 'signedIn' && (
          <>
            <p>{tp.patient.none}</p>
            <Button linkProps={{ href: '/pro' }} iconId="fr-icon-search-line">
              {tp.patient.searchLink}
            </Button>
          </>
        )}
      </Page>
    );
  }

  const name = displayName(patient);
  // Lists reload when what governs access changes: a consent recorded, a session started or ended.
  const reloadKey = `${records.consent?.recordedAt ?? ''}|${session?.mode ?? ''}|${session?.expiresAt ?? ''}`;
  return (
    <Page title={name} documentTitle={t.sections.proPatient.title}>
      <section aria-labelledby="identite" className={fr.cx('fr-mb-6w')}>
        <h2 id="identite">{tp.identity.title}</h2>
        <IdentitySummary patient={patient} />
        {arrival.error !== undefined && <RequestErrorAlert error={arrival.error} />}
        <ButtonsGroup
          inlineLayoutWhen="sm and up"
          buttons={[
            { children: tp.patient.depositLink, iconId: 'fr-icon-upload-line', linkProps: { href: '/pro/deposer' } },
            {
              children: tp.patient.changePatient, priority: 'secondary', iconId: 'fr-icon-search-line',
              onClick: () => {
                clear();
                navigate('/pro');
              },
            },
          ]}
        />
      </section>
      <ConsentPanel patientId={patient.id} status={arrival.status} />
      <InformationPanel patientId={patient.id} status={arrival.status} />
      <DocumentsPanel patientId={patient.id} reloadKey={reloadKey} />
      <EmergencyPanel patientId={patient.id} professionCode={state.me.profession?.code} />
      {isMinorOn(patient, todayInFrance()) && <SecretConnectionPanel patientId={patient.id} />}
      <OppositionPanel patientId={patient.id} />
    </Page>
  );
}
