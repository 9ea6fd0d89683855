import { useCallback, useEffect, useState } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert.js';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { ApiError } from '../api/problem.ts';
import { answerCarerInvitation, giveUpCarerMandate, readCarerRoles, type CarerRoles } from '../api/record-api.ts';
import { useAuth } from '../auth/auth-context.tsx';
import { ProblemAlert } from '../components/problem-alert.tsx';
import { formatDate } from '../i18n/format-date.ts';
import { frPatient } from '../i18n/fr-patient.ts';

const t = frPatient.carerRoles;

const asApiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, {}));

/**
 * The invited person's side of carer mandates (issue 8, item 6), in their own space: « Invitations
 * reçues » (Accepter / Refuser: nothing is granted before acceptance) and « Les personnes que j'aide »
 * (« Ne plus être aidant », at any time). The spaces switcher follows (the profile is read again).
 */
export function CarerRolesSection() {
  const { refreshProfile } = useAuth();
  const [roles, setRoles] = useState<CarerRoles | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);

  const refresh = useCallback(async (): Promise<void> => {
    try {
      setRoles(await readCarerRoles('patient'));
    } catch (e) {
      setFailure(asApiError(e));
    }
  }, []);

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
      await refreshProfile().catch(() => undefined);
      setNotice(message);
    } catch (e) {
      setFailure(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  // The live region stays mounted even once nothing is left to list: giving up one's last role still
  // gets its confirmation (« Vous n'êtes plus aidant de … »), announced to screen readers.
  const feedback = (
    <>
      <div role="status" aria-live="polite">
        {notice && <Alert severity="success" small className={fr.cx('fr-mb-3w')} description={notice} closable onClose={() => setNotice(null)} />}
      </div>
      {failure && <ProblemAlert error={failure} onClose={() => setFailure(null)} />}
    </>
  );
  if (!roles || (roles.received.length === 0 && roles.helping.length === 0)) return feedback;
  return (
    <>
      {feedback}
      <section className={fr.cx('fr-mb-6w')} aria-labelledby="carer-roles-title">
        {roles.received.length > 0 && (
          <>
            <h2 id="carer-roles-title" className={fr.cx('fr-h4')}>{t.receivedTitle}</h2>
            <p>{t.receivedIntro}</p>
            <ul className={fr.cx('fr-raw-list', 'fr-mb-3w')} aria-label={t.receivedLabel}>
              {roles.received.map((i) => (
                <li key={i.invitationId} className={fr.cx('fr-grid-row', 'fr-grid-row--middle', 'fr-py-1w')} style={{ gap: '1rem' }}>
                  <p className={fr.cx('fr-col', 'fr-mb-0')}>
                    <span className={fr.cx('fr-text--bold')}>{t.invitation(i.holderName, i.invitedBy)}</span>{' '}
                    <span className={fr.cx('fr-text--sm')}>({t.sent(formatDate(i.sentAt))})</span>
                  </p>
                  <Button size="small" disabled={busy}
                    onClick={() => void run(async () => { await answerCarerInvitation('patient', i.dossierId, i.invitationId, 'accept'); return t.accepted(i.holderName); })}>
                    {t.accept}
                    <span className={fr.cx('fr-sr-only')}> : {t.invitation(i.holderName, i.invitedBy)}</span>
                  </Button>
                  <Button size="small" priority="secondary" disabled={busy}
                    onClick={() => void run(async () => { await answerCarerInvitation('patient', i.dossierId, i.invitationId, 'decline'); return t.declined(i.holderName); })}>
                    {t.decline}
                    <span className={fr.cx('fr-sr-only')}> : {t.invitation(i.holderName, i.invitedBy)}</span>
                  </Button>
                </li>
              ))}
            </ul>
          </>
        )}
        {roles.helping.length > 0 && (
          <>
            <h2 id={roles.received.length > 0 ? undefined : 'carer-roles-title'} className={fr.cx('fr-h4')}>{t.helpingTitle}</h2>
            <ul className={fr.cx('fr-raw-list', 'fr-mb-3w')} aria-label={t.helpingLabel}>
              {roles.helping.map((h) => (
                <li key={h.dossierId} className={fr.cx('fr-grid-row', 'fr-grid-row--middle', 'fr-py-1w')} style={{ gap: '1rem' }}>
                  <p className={fr.cx('fr-col', 'fr-mb-0')}>
                    <span className={fr.cx('fr-text--bold')}>{h.name}</span>{' '}
                    <span className={fr.cx('fr-text--sm')}>({t.helpingSince(formatDate(h.since))})</span>
                  </p>
                  <Button size="small" priority="secondary" disabled={busy}
                    onClick={() => void run(async () => { await giveUpCarerMandate('patient', h.dossierId); return t.gaveUp(h.name); })}>
                    {t.giveUp}
                    <span className={fr.cx('fr-sr-only')}> : {h.name}</span>
                  </Button>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </>
  );
}
