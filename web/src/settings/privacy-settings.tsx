import { useCallback, useEffect, useState } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert.js';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { ToggleSwitch } from '@codegouvfr/react-dsfr/ToggleSwitch.js';
import { ApiError } from '../api/problem.ts';
import { blockProfessional, readSettings, unblockProfessional, updateSettings, type Settings, type SettingsChange, type SettingsFlag } from '../api/record-api.ts';
import { ProblemAlert } from '../components/problem-alert.tsx';
import { formatDate } from '../i18n/format-date.ts';
import { frPatient } from '../i18n/fr-patient.ts';
import { DirectorySearch } from './directory-search.tsx';

const t = frPatient.privacy;

type Load = { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ready'; settings: Settings };

const isSettings = (v: unknown): v is Settings => typeof v === 'object' && v !== null && 'maskAll' in v && 'blockedProfessionals' in v;

const EMERGENCY_FLAGS = ['blockSamu', 'blockEmergency', 'blockMaskedInEmergency'] as const;

/** Paramètres › Confidentialité (SPEC §3.2, §3.3, §3.6, §3.7), each change saved at once and traced. */
export function PrivacySettings({ dossierId }: { dossierId: string }) {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [choosingMedecin, setChoosingMedecin] = useState(false);

  const refresh = useCallback(async (): Promise<void> => {
    try {
      setLoad({ status: 'ready', settings: await readSettings('patient', dossierId) });
    } catch (e) {
      setLoad({ status: 'error', error: e instanceof ApiError ? e : new ApiError(0, {}) });
    }
  }, [dossierId]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  /** Runs one change; on success shows `message` and the settings as the server now has them. */
  async function run(change: () => Promise<unknown>, message: string): Promise<boolean> {
    setBusy(true);
    setFailure(null);
    setNotice(null);
    try {
      const result = await change();
      // A settings change answers with the new settings; a block / unblock answers with the block only.
      if (isSettings(result)) setLoad({ status: 'ready', settings: result });
      else await refresh();
      setNotice(message);
      return true;
    } catch (e) {
      setFailure(e instanceof ApiError ? e : new ApiError(0, {}));
      return false;
    } finally {
      setBusy(false);
    }
  }

  const save = (change: SettingsChange, message: string) => run(() => updateSettings('patient', dossierId, change), message);
  const toggle = (flag: SettingsFlag, on: boolean, message: string) => void save({ [flag]: on }, message);

  if (load.status === 'loading') return <p role="status">{t.loading}</p>;
  if (load.status === 'error') return <ProblemAlert error={load.error} />;
  const s = load.settings;
  const blocked = new Set(s.blockedProfessionals.map((b) => b.rpps));

  return (
    <>
      <p className={fr.cx('fr-text--lead')}>{t.intro}</p>
      <div role="status" aria-live="polite">
        {notice && <Alert severity="success" small className={fr.cx('fr-mb-3w')} description={notice} closable onClose={() => setNotice(null)} />}
      </div>
      {failure && <ProblemAlert error={failure} onClose={() => setFailure(null)} />}

      <section className={fr.cx('fr-mb-6w')} aria-labelledby="mask-all-title">
        <h2 id="mask-all-title" className={fr.cx('fr-h4')}>{t.maskAll.title}</h2>
        <p>{t.maskAll.explanation}</p>
        <ToggleSwitch
          label={t.maskAll.label}
          checked={s.maskAll}
          disabled={busy}
          labelPosition="right"
          onChange={(on) => toggle('maskAll', on, on ? t.maskAll.onMessage : t.maskAll.offMessage)}
        />
      </section>

      <section className={fr.cx('fr-mb-6w')} aria-labelledby="emergency-title">
        <h2 id="emergency-title" className={fr.cx('fr-h4')}>{t.emergency.title}</h2>
        <p>{t.emergency.intro}</p>
        {EMERGENCY_FLAGS.map((flag) => (
          <div key={flag} className={fr.cx('fr-mb-3w')}>
            <ToggleSwitch
              label={t.emergency[flag].label}
              helperText={t.emergency[flag].explanation}
              checked={s[flag]}
              disabled={busy}
              labelPosition="right"
              onChange={(on) => toggle(flag, on, t.saved)}
            />
          </div>
        ))}
      </section>

      <section className={fr.cx('fr-mb-6w')} aria-labelledby="blocked-title">
        <h2 id="blocked-title" className={fr.cx('fr-h4')}>{t.blocked.title}</h2>
        <p>{t.blocked.intro}</p>
        {s.blockedProfessionals.length === 0 ? (
          <p>{t.blocked.none}</p>
        ) : (
          <ul className={fr.cx('fr-raw-list', 'fr-mb-3w')} aria-label={t.blocked.title}>
            {s.blockedProfessionals.map((b) => (
              <li key={b.rpps} className={fr.cx('fr-grid-row', 'fr-grid-row--middle', 'fr-py-1w')} style={{ gap: '1rem' }}>
                <p className={fr.cx('fr-col', 'fr-mb-0')}>
                  <span className={fr.cx('fr-text--bold')}>{b.name || frPatient.privacy.directory.rpps(b.rpps)}</span>{' '}
                  <span className={fr.cx('fr-text--sm')}>({t.blocked.since(formatDate(b.blockedAt))})</span>
                </p>
                <Button size="small" priority="secondary" disabled={busy} onClick={() => void run(() => unblockProfessional('patient', dossierId, b.rpps), t.blocked.unblocked(b.name))}>
                  {t.blocked.unblock}
                  <span className={fr.cx('fr-sr-only')}> {b.name}</span>
                </Button>
              </li>
            ))}
          </ul>
        )}
        <DirectorySearch
          id="block-search"
          action={(p) =>
            blocked.has(p.rpps) ? (
              <span className={fr.cx('fr-text--sm')}>{t.blocked.alreadyBlocked}</span>
            ) : (
              <Button size="small" iconId="fr-icon-close-circle-line" disabled={busy} onClick={() => void run(() => blockProfessional('patient', dossierId, p.rpps), t.blocked.blockedMessage(p.name))}>
                {t.blocked.block}
                <span className={fr.cx('fr-sr-only')}> {p.name}</span>
              </Button>
            )
          }
        />
      </section>

      <section className={fr.cx('fr-mb-6w')} aria-labelledby="medecin-title">
        <h2 id="medecin-title" className={fr.cx('fr-h4')}>{t.medecin.title}</h2>
        <p>{t.medecin.intro}</p>
        <p className={fr.cx('fr-text--bold')}>{s.medecinTraitant ? t.medecin.current(s.medecinTraitant.name) : t.medecin.none}</p>
        {choosingMedecin ? (
          <>
            <DirectorySearch
              id="medecin-search"
              action={(p) => (
                <Button
                  size="small"
                  disabled={busy}
                  onClick={() => void save({ medecinTraitant: { rpps: p.rpps } }, t.medecin.declared(p.name)).then((ok) => ok && setChoosingMedecin(false))}
                >
                  {t.medecin.choose}
                  <span className={fr.cx('fr-sr-only')}> {p.name}</span>
                </Button>
              )}
            />
            <Button priority="tertiary" size="small" onClick={() => setChoosingMedecin(false)}>
              {t.medecin.cancel}
            </Button>
          </>
        ) : (
          <ul className={fr.cx('fr-btns-group', 'fr-btns-group--inline-sm', 'fr-btns-group--icon-left')}>
            <li>
              <Button priority="secondary" iconId="fr-icon-user-add-line" onClick={() => setChoosingMedecin(true)}>
                {s.medecinTraitant ? t.medecin.change : t.medecin.declare}
              </Button>
            </li>
            {s.medecinTraitant && (
              <li>
                <Button priority="tertiary" disabled={busy} onClick={() => void save({ medecinTraitant: null }, t.medecin.removed)}>
                  {t.medecin.remove}
                </Button>
              </li>
            )}
          </ul>
        )}
      </section>
    </>
  );
}
