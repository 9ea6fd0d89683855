import { useState, type FormEvent } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert.js';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { Input } from '@codegouvfr/react-dsfr/Input.js';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons.js';
import { frPro as tp } from '../i18n/fr-pro.ts';
import { formatDateTime } from './format.ts';
import { RequestErrorAlert } from './problem-notice.tsx';
import { proFetch } from './pro-fetch.ts';
import { useProPatient } from './pro-patient-context.tsx';
import { consentLine, informationLine, type ProfessionalStatus, type StatusLine } from './professional-status.ts';
import { issuesFor, RequestError } from './request-error.ts';

type Scope = 'professional' | 'structure';

/** A small action that POSTs once and shows the server's answer or its refusal. */
function useAction<T>() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  async function run(call: () => Promise<T>, done: (value: T) => void): Promise<void> {
    setBusy(true);
    setError(undefined);
    try {
      done(await call());
    } catch (cause) {
      setError(cause);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, run };
}

/** What was on record when the professional arrived (a success), or what is missing (information). */
function ArrivalLine({ line }: { line: StatusLine | null }) {
  if (!line) return null;
  return <Alert severity={line.recorded ? 'success' : 'info'} small className={fr.cx('fr-mb-2w')} description={line.text} />;
}

/** SPEC §3.5: the patient's consent, for the professional or for the care team of their structure. */
export function ConsentPanel({ patientId, status = null }: { patientId: string; status?: ProfessionalStatus | null }) {
  const { records, remember } = useProPatient();
  const [scope, setScope] = useState<Scope>('professional');
  const action = useAction<{ scope: Scope; recordedAt: string }>();
  const issues = action.error instanceof RequestError ? issuesFor(action.error.issues, 'scope').map((i) => i.message) : [];

  function submit(event: FormEvent): void {
    event.preventDefault();
    void action.run(
      () => proFetch(`/api/dossiers/${patientId}/consents`, { method: 'POST', body: { scope }, idempotent: true }),
      (r) => remember({ consent: { scope: r.scope, recordedAt: r.recordedAt } }),
    );
  }

  return (
    <section aria-labelledby="consentement" className={fr.cx('fr-mb-6w')}>
      <h2 id="consentement">{tp.patient.consentTitle}</h2>
      <p>{tp.patient.consentText}</p>
      <ArrivalLine line={consentLine(status, records)} />
      {records.consent && (
        <Alert severity="success" small role="status" className={fr.cx('fr-mb-2w')} description={tp.patient.consentRecorded(formatDateTime(records.consent.recordedAt), records.consent.scope)} />
      )}
      {action.error !== undefined && issues.length === 0 && <RequestErrorAlert error={action.error} />}
      <form onSubmit={submit} noValidate>
        <RadioButtons
          legend={tp.patient.consentLegend}
          name="consent-scope"
          options={[
            { label: tp.patient.scopeProfessional, nativeInputProps: { value: 'professional', checked: scope === 'professional', onChange: () => setScope('professional') } },
            { label: tp.patient.scopeStructure, nativeInputProps: { value: 'structure', checked: scope === 'structure', onChange: () => setScope('structure') } },
          ]}
          {...(issues.length ? { state: 'error', stateRelatedMessage: issues.join(' ') } : {})}
        />
        <Button type="submit" disabled={action.busy} iconId="fr-icon-check-line">
          {tp.patient.recordConsent}
        </Button>
      </form>
    </section>
  );
}

/** SPEC §2: the patient was informed that their record is fed (who, when: the first recording stays). */
export function InformationPanel({ patientId, status = null }: { patientId: string; status?: ProfessionalStatus | null }) {
  const { records, remember } = useProPatient();
  const action = useAction<{ informedAt: string; informedBy: { name: string } | null }>();
  const informed = records.information !== undefined || (status?.patientInformed ?? null) !== null;
  return (
    <section aria-labelledby="information" className={fr.cx('fr-mb-6w')}>
      <h2 id="information">{tp.patient.informationTitle}</h2>
      <p>{tp.patient.informationText}</p>
      <ArrivalLine line={informationLine(status, records)} />
      {records.information && (
        <Alert
          severity="success"
          small
          role="status"
          className={fr.cx('fr-mb-2w')}
          description={tp.patient.informationRecorded(formatDateTime(records.information.informedAt), records.information.informedBy ?? '—')}
        />
      )}
      {action.error !== undefined && <RequestErrorAlert error={action.error} />}
      <Button
        disabled={action.busy}
        iconId="fr-icon-check-line"
        priority={informed ? 'secondary' : 'primary'}
        onClick={() =>
          void action.run(
            () => proFetch(`/api/dossiers/${patientId}/feeding-information`, { method: 'POST', body: {}, idempotent: true }),
            (r) => remember({ information: { informedAt: r.informedAt, informedBy: r.informedBy?.name ?? null } }),
          )
        }
      >
        {tp.patient.recordInformation}
      </Button>
    </section>
  );
}

/** SPEC §2: the patient opposes sending one document (named by its producer's unique id). */
export function OppositionPanel({ patientId }: { patientId: string }) {
  const [identifier, setIdentifier] = useState('');
  const [recorded, setRecorded] = useState<{ masterIdentifier: string; recordedAt: string } | undefined>(undefined);
  const action = useAction<{ masterIdentifier: string; recordedAt: string }>();
  const issues = action.error instanceof RequestError ? issuesFor(action.error.issues, 'masterIdentifier').map((i) => i.message) : [];
  const [empty, setEmpty] = useState(false);

  function submit(event: FormEvent): void {
    event.preventDefault();
    const value = identifier.trim();
    setEmpty(value === '');
    if (!value) return;
    void action.run(
      () => proFetch(`/api/dossiers/${patientId}/oppositions`, { method: 'POST', body: { masterIdentifier: value }, idempotent: true }),
      (r) => {
        setRecorded(r);
        setIdentifier('');
      },
    );
  }

  const messages = empty ? [tp.common.required] : issues;
  return (
    <section aria-labelledby="opposition" className={fr.cx('fr-mb-6w')}>
      <h2 id="opposition">{tp.patient.oppositionTitle}</h2>
      <p>{tp.patient.oppositionText}</p>
      {recorded && (
        <Alert severity="success" small role="status" className={fr.cx('fr-mb-2w')} description={tp.patient.oppositionRecorded(recorded.masterIdentifier, formatDateTime(recorded.recordedAt))} />
      )}
      {action.error !== undefined && !empty && messages.length === 0 && <RequestErrorAlert error={action.error} />}
      <form onSubmit={submit} noValidate>
        <Input
          label={tp.patient.oppositionLabel}
          hintText={tp.patient.oppositionHint}
          nativeInputProps={{ id: 'opposition-identifier', value: identifier, onChange: (e) => setIdentifier(e.target.value), autoComplete: 'off', spellCheck: false, maxLength: 256, required: true }}
          {...(messages.length ? { state: 'error', stateRelatedMessage: messages.join(' ') } : {})}
        />
        <Button type="submit" priority="secondary" disabled={action.busy}>
          {tp.patient.recordOpposition}
        </Button>
      </form>
    </section>
  );
}
