import { useRef, useState, type FormEvent } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert.js';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { ButtonsGroup } from '@codegouvfr/react-dsfr/ButtonsGroup.js';
import { Input } from '@codegouvfr/react-dsfr/Input.js';
import { frPro as tp } from '../i18n/fr-pro.ts';
import { formatDateTime } from './format.ts';
import { RequestErrorAlert } from './problem-notice.tsx';
import { proFetch } from './pro-fetch.ts';
import { useProPatient, type AccessSession } from './pro-patient-context.tsx';
import { issuesFor, RequestError } from './request-error.ts';

type Mode = 'bris_de_glace' | 'samu';
/** The rules give the SAMU regulation mode to physicians only (src/domain/policy: profession G15:10). */
export const SAMU_PROFESSION = 'G15:10';
const MIN_REASON = 10;

/**
 * SPEC §3.7: break the glass with a mandatory reason, or the SAMU regulation mode for physicians.
 * A refusal (patient's block, blocked professional) is the server's message, shown as is.
 */
export function EmergencyPanel({ patientId, professionCode }: { patientId: string; professionCode: string | undefined }) {
  const { refreshSession } = useProPatient();
  const [mode, setMode] = useState<Mode | null>(null);
  const [reason, setReason] = useState('');
  const [tooShort, setTooShort] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [started, setStarted] = useState<AccessSession | undefined>(undefined);
  const reasonRef = useRef<HTMLTextAreaElement>(null);

  function choose(next: Mode): void {
    setMode(next);
    setError(undefined);
    setTooShort(false);
    // The form appears below the buttons: move the focus into it.
    window.setTimeout(() => (next === 'bris_de_glace' ? reasonRef.current : document.getElementById('emergency-confirm'))?.focus(), 0);
  }

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!mode) return;
    const text = reason.trim();
    if (mode === 'bris_de_glace' && text.length < MIN_REASON) {
      setTooShort(true);
      reasonRef.current?.focus();
      return;
    }
    setTooShort(false);
    setBusy(true);
    setError(undefined);
    try {
      const body = text ? { mode, reason: text } : { mode };
      const session = await proFetch<AccessSession>(`/api/dossiers/${patientId}/emergency-access`, { method: 'POST', body, idempotent: true });
      setStarted(session);
      setMode(null);
      setReason('');
      await refreshSession();
    } catch (cause) {
      setError(cause);
    } finally {
      setBusy(false);
    }
  }

  const reasonIssues = error instanceof RequestError ? issuesFor(error.issues, 'reason').map((i) => i.message) : [];
  const reasonMessages = tooShort ? [tp.emergency.reasonTooShort] : reasonIssues;

  return (
    <section aria-labelledby="urgence" className={fr.cx('fr-mb-6w')}>
      <h2 id="urgence">{tp.emergency.title}</h2>
      <p>{tp.emergency.text}</p>
      {started && <Alert severity="warning" small role="status" className={fr.cx('fr-mb-2w')} description={tp.emergency.started(formatDateTime(started.expiresAt))} />}
      {error !== undefined && reasonIssues.length === 0 && <RequestErrorAlert error={error} />}
      <ButtonsGroup
        inlineLayoutWhen="md and up"
        buttons={[
          { children: tp.emergency.breakGlass, iconId: 'fr-icon-alarm-warning-line', priority: 'primary', onClick: () => choose('bris_de_glace'), nativeButtonProps: { 'aria-expanded': mode === 'bris_de_glace', 'aria-controls': 'emergency-form' } },
          ...(professionCode === SAMU_PROFESSION
            ? [{ children: tp.emergency.samu, iconId: 'fr-icon-phone-line' as const, priority: 'secondary' as const, onClick: () => choose('samu'), nativeButtonProps: { 'aria-expanded': mode === 'samu', 'aria-controls': 'emergency-form' } }]
            : []),
        ]}
      />
      {professionCode === SAMU_PROFESSION && <p className={fr.cx('fr-hint-text')}>{tp.emergency.samuText}</p>}
      <div id="emergency-form">
        {mode && (
          <form onSubmit={(e) => void submit(e)} noValidate className={fr.cx('fr-mt-2w')}>
            <Input
              textArea
              label={mode === 'samu' ? `${tp.emergency.reasonLabel} ${tp.common.optional}` : tp.emergency.reasonLabel}
              hintText={tp.emergency.reasonHint}
              nativeTextAreaProps={{ id: 'emergency-reason', ref: reasonRef, value: reason, onChange: (e) => setReason(e.target.value), maxLength: 500, rows: 3, required: mode === 'bris_de_glace' }}
              {...(reasonMessages.length ? { state: 'error', stateRelatedMessage: reasonMessages.join(' ') } : {})}
            />
            <ButtonsGroup
              inlineLayoutWhen="md and up"
              buttons={[
                { children: mode === 'samu' ? tp.emergency.samuConfirm : tp.emergency.confirm, type: 'submit', disabled: busy, nativeButtonProps: { id: 'emergency-confirm' } },
                { children: tp.common.cancel, priority: 'secondary', type: 'button', onClick: () => setMode(null) },
              ]}
            />
          </form>
        )}
      </div>
    </section>
  );
}

/** SPEC §3.10: a secret connection at a minor's request, and what may be deposited during it. */
export function SecretConnectionPanel({ patientId }: { patientId: string }) {
  const { refreshSession } = useProPatient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  async function start(): Promise<void> {
    setBusy(true);
    setError(undefined);
    try {
      await proFetch(`/api/dossiers/${patientId}/secret-connection`, { method: 'POST', body: {}, idempotent: true });
      await refreshSession();
    } catch (cause) {
      setError(cause);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="connexion-secrete" className={fr.cx('fr-mb-6w')}>
      <h2 id="connexion-secrete">{tp.secret.title}</h2>
      <p>{tp.secret.text}</p>
      <Alert severity="info" small className={fr.cx('fr-mb-2w')} description={tp.secret.restriction} />
      {error !== undefined && <RequestErrorAlert error={error} />}
      <Button priority="secondary" iconId="fr-icon-lock-line" disabled={busy} onClick={() => void start()}>
        {tp.secret.start}
      </Button>
    </section>
  );
}
