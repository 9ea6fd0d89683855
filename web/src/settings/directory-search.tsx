import { useState, type FormEvent, type ReactNode } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Input } from '@codegouvfr/react-dsfr/Input.js';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { ApiError } from '../api/problem.ts';
import { searchDirectory, type DirectoryEntry } from '../api/record-api.ts';
import { ProblemAlert } from '../components/problem-alert.tsx';
import { frPatient } from '../i18n/fr-patient.ts';

const t = frPatient.privacy.directory;

/** Finds professionals of the directory by name or RPPS; each result gets the caller's action. */
export function DirectorySearch({ id, action }: { id: string; action: (p: DirectoryEntry) => ReactNode }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<DirectoryEntry[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [tooShort, setTooShort] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const q = query.trim();
    setTooShort(q.length < 2);
    if (q.length < 2) return;
    setSearching(true);
    setFailure(null);
    try {
      setResults(await searchDirectory('patient', q));
    } catch (e) {
      setResults(null);
      setFailure(e instanceof ApiError ? e : new ApiError(0, {}));
    } finally {
      setSearching(false);
    }
  }

  return (
    <div className={fr.cx('fr-mb-3w')}>
      <form role="search" onSubmit={(e) => void submit(e)} className={fr.cx('fr-mb-2w')}>
        <Input
          label={t.label}
          hintText={t.hint}
          {...(tooShort ? { state: 'error' as const, stateRelatedMessage: t.tooShort } : {})}
          nativeInputProps={{ id: `${id}-q`, type: 'search', value: query, autoComplete: 'off', onChange: (e) => setQuery(e.target.value) }}
        />
        <Button type="submit" priority="secondary" iconId="fr-icon-search-line" disabled={searching}>
          {t.submit}
        </Button>
      </form>
      {failure && <ProblemAlert error={failure} onClose={() => setFailure(null)} />}
      <div role="status" aria-live="polite">
        {searching ? <p>{t.searching}</p> : results && <p className={fr.cx('fr-text--sm', 'fr-mb-1w')}>{t.results(results.length)}</p>}
      </div>
      {results && results.length > 0 && (
        <ul className={fr.cx('fr-raw-list')} id={`${id}-results`}>
          {results.map((p) => (
            <li key={p.rpps} className={fr.cx('fr-grid-row', 'fr-grid-row--middle', 'fr-py-1w')} style={{ borderBottom: `1px solid ${fr.colors.decisions.border.default.grey.default}`, gap: '1rem' }}>
              <div className={fr.cx('fr-col')}>
                <p className={fr.cx('fr-text--bold', 'fr-mb-0')}>{p.name}</p>
                <p className={fr.cx('fr-text--sm', 'fr-mb-0')}>
                  {[p.profession.label, p.structure?.name, t.rpps(p.rpps)].filter(Boolean).join(' · ')}
                </p>
              </div>
              <div>{action(p)}</div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
