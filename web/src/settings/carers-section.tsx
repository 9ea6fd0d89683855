import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert.js';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { Input } from '@codegouvfr/react-dsfr/Input.js';
import { ApiError } from '../api/problem.ts';
import { inviteCarer, readCarers, revokeCarer, withdrawCarerInvitation, type CarerMandates } from '../api/record-api.ts';
import { ProblemAlert } from '../components/problem-alert.tsx';
import { formatDate } from '../i18n/format-date.ts';
import { frPatient } from '../i18n/fr-patient.ts';

const t = frPatient.carers;

type Load = { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ready'; mandates: CarerMandates };

const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, {}));

/**
 * « Mes aidants » (SPEC §1 carers; issue 8, item 6): who holds a mandate on the space, the invitations
 * waiting for an answer (by the address typed: nobody is named before accepting), inviting by e-mail,
 * withdrawing an invitation and taking a mandate back at any time. A carer sees the list but not the
 * controls (the API would refuse them).
 */
export function CarersSection({ dossierId, canManage }: { dossierId: string; canManage: boolean }) {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);

  const refresh = useCallback(async (): Promise<void> => {
    try {
      setLoad({ status: 'ready', mandates: await readCarers('patient', dossierId) });
    } catch (e) {
      setLoad({ status: 'error', error: asApiError(e) });
    }
  }, [dossierId]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  async function run(change: () => Promise<string>): Promise<void> {
    setBusy(true);
    setFailure(null);
    setNotice(null);
    try {
      const message = await change();
      await refresh();
      setNotice(message);
    } catch (e) {
      setFailure(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  function add(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    void run(async () => {
      const result = await inviteCarer('patient', dossierId, email.trim());
      setEmail('');
      return result.message;
    });
  }

  return (
    <section className={fr.cx('fr-mb-6w')} aria-labelledby="carers-title">
      <h2 id="carers-title" className={fr.cx('fr-h4')}>{t.title}</h2>
      <p>{t.intro}</p>
      <div role="status" aria-live="polite">
        {notice && <Alert severity="success" small className={fr.cx('fr-mb-3w')} description={notice} closable onClose={() => setNotice(null)} />}
      </div>
      {failure && <ProblemAlert error={failure} onClose={() => setFailure(null)} />}
      {load.status === 'loading' && <p role="status">{t.loading}</p>}
      {load.status === 'error' && <ProblemAlert error={load.error} />}
      {load.status === 'ready' && (
        <>
          {load.mandates.carers.length === 0 ? (
            <p>{t.none}</p>
          ) : (
            <ul className={fr.cx('fr-raw-list', 'fr-mb-3w')} aria-label={t.listLabel}>
              {load.mandates.carers.map((c) => (
                <li key={c.carerDossierId} className={fr.cx('fr-grid-row', 'fr-grid-row--middle', 'fr-py-1w')} style={{ gap: '1rem' }}>
                  <p className={fr.cx('fr-col', 'fr-mb-0')}>
                    <span className={fr.cx('fr-text--bold')}>{c.name}</span>{' '}
                    <span className={fr.cx('fr-text--sm')}>({t.since(formatDate(c.since))})</span>
                  </p>
                  {canManage && (
                    <Button size="small" priority="secondary" disabled={busy}
                      onClick={() => void run(async () => { await revokeCarer('patient', dossierId, c.carerDossierId); return t.revoked(c.name); })}>
                      {t.revoke}
                      <span className={fr.cx('fr-sr-only')}> {c.name}</span>
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )}
          {load.mandates.invitations.length > 0 && (
            <>
              <h3 className={fr.cx('fr-h6', 'fr-mb-1w')}>{t.pendingTitle}</h3>
              <ul className={fr.cx('fr-raw-list', 'fr-mb-3w')} aria-label={t.pendingLabel}>
                {load.mandates.invitations.map((i) => (
                  <li key={i.invitationId} className={fr.cx('fr-grid-row', 'fr-grid-row--middle', 'fr-py-1w')} style={{ gap: '1rem' }}>
                    <p className={fr.cx('fr-col', 'fr-mb-0')}>
                      <span className={fr.cx('fr-text--bold')}>{i.email}</span>{' '}
                      <span className={fr.cx('fr-text--sm')}>({t.pendingSince(formatDate(i.sentAt), formatDate(i.expiresAt))})</span>
                    </p>
                    {canManage && (
                      <Button size="small" priority="secondary" disabled={busy}
                        onClick={() => void run(async () => { await withdrawCarerInvitation('patient', dossierId, i.invitationId); return t.withdrawn(i.email); })}>
                        {t.withdraw}
                        <span className={fr.cx('fr-sr-only')}> {i.email}</span>
                      </Button>
                    )}
                  </li>
                ))}
              </ul>
            </>
          )}
          {canManage && <AddCarer mandates={load.mandates} email={email} setEmail={setEmail} busy={busy} onSubmit={add} />}
        </>
      )}
    </section>
  );
}

function AddCarer({ mandates, email, setEmail, busy, onSubmit }: {
  mandates: CarerMandates; email: string; setEmail: (v: string) => void; busy: boolean; onSubmit: (e: FormEvent<HTMLFormElement>) => void;
}) {
  if (mandates.maxCarers <= 0) return <p>{t.closed}</p>;
  if (mandates.carers.length + mandates.invitations.length >= mandates.maxCarers) return <p>{t.limit(mandates.maxCarers)} {t.full}</p>;
  return (
    <form onSubmit={onSubmit} aria-labelledby="carers-add-legend">
      <fieldset className={fr.cx('fr-fieldset')}>
        <legend id="carers-add-legend" className={fr.cx('fr-fieldset__legend')}>{t.addLegend}</legend>
        <div className={fr.cx('fr-fieldset__element')}>
          <p className={fr.cx('fr-text--sm')}>{t.limit(mandates.maxCarers)}</p>
          <Input
            label={t.emailLabel}
            hintText={t.emailHint}
            nativeInputProps={{ type: 'email', name: 'email', autoComplete: 'off', required: true, value: email, onChange: (e) => setEmail(e.target.value) }}
          />
        </div>
        <div className={fr.cx('fr-fieldset__element')}>
          <Button type="submit" iconId="fr-icon-user-add-line" disabled={busy || email.trim() === ''}>{t.add}</Button>
        </div>
      </fieldset>
    </form>
  );
}
