import { useEffect, useState, type FormEvent } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert.js';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox.js';
import { fetchNotificationPreferences, saveNotificationPreferences, type NotificationPreferences } from '../api/notifications-api.ts';
import { ApiError } from '../api/problem.ts';
import { ProblemAlert } from '../components/problem-alert.tsx';
import { frNotifications as t } from '../i18n/fr-notifications.ts';

/** Per kind of notification: also by e-mail, or not (in the centre: always). */
export function NotificationPreferencesForm() {
  const [prefs, setPrefs] = useState<NotificationPreferences | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    fetchNotificationPreferences('patient').then(setPrefs, (e: unknown) => setError(e instanceof ApiError ? e : new ApiError(0, {})));
  }, []);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!prefs) return;
    setBusy(true);
    setSaved(false);
    try {
      setPrefs(await saveNotificationPreferences('patient', prefs.kinds.map(({ kind, email }) => ({ kind, email }))));
      setSaved(true);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, {}));
    } finally {
      setBusy(false);
    }
  }

  const toggle = (kind: string, email: boolean) => {
    setSaved(false);
    setPrefs((p) => p && { kinds: p.kinds.map((k) => (k.kind === kind ? { ...k, email } : k)) });
  };

  return (
    <section id="preferences" aria-labelledby="preferences-title" className={fr.cx('fr-mt-6w')}>
      <h2 id="preferences-title">{t.preferences.title}</h2>
      <p>{t.preferences.intro}</p>
      {error && <ProblemAlert error={error} />}
      {prefs && (
        <form onSubmit={(e) => void submit(e)}>
          <Checkbox
            legend={t.preferences.legend}
            options={prefs.kinds.map((k) => ({
              label: k.label,
              nativeInputProps: { name: `email-${k.kind}`, checked: k.email, onChange: (e) => toggle(k.kind, e.currentTarget.checked) },
            }))}
          />
          <Button type="submit" disabled={busy}>{t.preferences.save}</Button>
        </form>
      )}
      <div role="status" className={fr.cx('fr-mt-2w')}>
        {saved && <Alert severity="success" small description={t.preferences.saved} />}
      </div>
    </section>
  );
}
