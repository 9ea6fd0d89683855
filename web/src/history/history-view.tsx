import { useEffect, useMemo, useState } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Badge } from '@codegouvfr/react-dsfr/Badge.js';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { Input } from '@codegouvfr/react-dsfr/Input.js';
import { Select } from '@codegouvfr/react-dsfr/Select.js';
import { ApiError } from '../api/problem.ts';
import { readHistory, type HistoryEntry } from '../api/record-api.ts';
import { ProblemAlert } from '../components/problem-alert.tsx';
import { formatDateTime, frenchDay } from '../i18n/format-date.ts';
import { frPatient } from '../i18n/fr-patient.ts';
import { describeEntry, HISTORY_KINDS, kindOf, type HistoryKind } from './history-sentence.ts';
import { groupByMonth } from './month-groups.ts';

const t = frPatient.history;
/** Pages read on their own to reach the start of a period (each read is itself traced). */
const MAX_AUTO_PAGES = 10;

type Filters = { kind: HistoryKind | ''; from: string; to: string };
const NO_FILTERS: Filters = { kind: '', from: '', to: '' };

function matches(e: HistoryEntry, f: Filters): boolean {
  if (f.kind && kindOf(e.action) !== f.kind) return false;
  const day = frenchDay(e.occurredAt);
  return !(f.from && day < f.from) && !(f.to && day > f.to);
}

function Entry({ entry }: { entry: HistoryEntry }) {
  const emergency = entry.mode === 'bris_de_glace' || entry.mode === 'samu' || entry.action === 'emergency.start';
  return (
    <li className={fr.cx('fr-py-2w')} style={{ borderBottom: `1px solid ${fr.colors.decisions.border.default.grey.default}` }}>
      <p className={fr.cx('fr-mb-1v')}>{describeEntry(entry)}</p>
      <p className={fr.cx('fr-text--sm', 'fr-mb-0')} style={{ color: fr.colors.decisions.text.mention.grey.default }}>
        <time dateTime={entry.occurredAt}>{formatDateTime(entry.occurredAt)}</time>
        {emergency && (
          <>
            {' '}
            <Badge severity="warning" small as="span">{t.emergencyBadge}</Badge>
          </>
        )}
        {entry.outcome !== 'allowed' && (
          <>
            {' '}
            <Badge severity="error" small as="span">{t.refused}</Badge>
          </>
        )}
      </p>
    </li>
  );
}

/** The space's activity history in plain sentences, filtered by kind and period, grouped by month (SPEC §4). */
export function HistoryView({ dossierId }: { dossierId: string }) {
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [nextBefore, setNextBefore] = useState<string | null>(null);
  const [status, setStatus] = useState<'loading' | 'more' | 'idle'>('loading');
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [autoPages, setAutoPages] = useState(0);

  async function loadPage(before: string | null): Promise<void> {
    setStatus(before === null ? 'loading' : 'more');
    try {
      const page = await readHistory('patient', dossierId, before);
      setEntries((prev) => (before === null ? page.entries : [...prev, ...page.entries]));
      setNextBefore(page.nextBefore);
      setFailure(null);
    } catch (e) {
      setFailure(e instanceof ApiError ? e : new ApiError(0, {}));
    } finally {
      setStatus('idle');
    }
  }

  useEffect(() => {
    void loadPage(null);
    // The first page of this space; the component is keyed by space.
  }, []);

  // A period starting before the oldest entry read: read on until it is covered.
  const oldest = entries[entries.length - 1];
  const needsOlder = filters.from !== '' && nextBefore !== null && oldest !== undefined && frenchDay(oldest.occurredAt) >= filters.from;
  useEffect(() => {
    if (status === 'idle' && needsOlder && autoPages < MAX_AUTO_PAGES) {
      setAutoPages((n) => n + 1);
      void loadPage(nextBefore);
    }
  });

  const shown = useMemo(() => entries.filter((e) => matches(e, filters)), [entries, filters]);
  const groups = groupByMonth(shown);
  const set = (change: Partial<Filters>) => {
    setAutoPages(0);
    setFilters({ ...filters, ...change });
  };

  return (
    <>
      <p className={fr.cx('fr-text--lead')}>{t.intro}</p>
      <form className={fr.cx('fr-mb-4w')} onSubmit={(e) => e.preventDefault()} aria-label={t.filters.legend}>
        <fieldset className={fr.cx('fr-fieldset')}>
          <legend className={fr.cx('fr-fieldset__legend', 'fr-h6')}>{t.filters.legend}</legend>
          <div className={fr.cx('fr-fieldset__element', 'fr-col-12', 'fr-col-md-6')}>
            <Select label={t.filters.kind} nativeSelectProps={{ value: filters.kind, onChange: (e) => set({ kind: e.target.value as HistoryKind | '' }) }}>
              <option value="">{t.filters.allKinds}</option>
              {HISTORY_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t.kinds[k]}
                </option>
              ))}
            </Select>
          </div>
          <div className={fr.cx('fr-fieldset__element', 'fr-col-6', 'fr-col-md-3')}>
            <Input label={t.filters.from} nativeInputProps={{ type: 'date', value: filters.from, onChange: (e) => set({ from: e.target.value }) }} />
          </div>
          <div className={fr.cx('fr-fieldset__element', 'fr-col-6', 'fr-col-md-3')}>
            <Input label={t.filters.to} nativeInputProps={{ type: 'date', value: filters.to, onChange: (e) => set({ to: e.target.value }) }} />
          </div>
          <div className={fr.cx('fr-fieldset__element')}>
            <Button priority="tertiary" size="small" iconId="fr-icon-refresh-line" type="button" onClick={() => set(NO_FILTERS)}>
              {t.filters.reset}
            </Button>
          </div>
        </fieldset>
      </form>
      {failure && <ProblemAlert error={failure} onClose={() => setFailure(null)} />}
      {status === 'loading' && <p role="status">{t.loading}</p>}
      <p role="status" className={fr.cx('fr-sr-only')}>
        {status === 'idle' ? t.count(shown.length) : ''}
      </p>
      {status !== 'loading' && entries.length === 0 && !failure && <p>{t.empty}</p>}
      {entries.length > 0 && shown.length === 0 && <p>{t.noMatch}</p>}
      {groups.map((g) => (
        <section key={g.key} aria-labelledby={`month-${g.key}`} className={fr.cx('fr-mb-4w')}>
          <h2 id={`month-${g.key}`} className={fr.cx('fr-h5', 'fr-mb-1w')}>
            {g.heading}
          </h2>
          <ol className={fr.cx('fr-raw-list')}>
            {g.entries.map((e) => (
              <Entry key={e.id} entry={e} />
            ))}
          </ol>
        </section>
      ))}
      {nextBefore !== null && status !== 'loading' && (
        <Button priority="secondary" iconId="fr-icon-arrow-down-line" disabled={status === 'more'} onClick={() => void loadPage(nextBefore)}>
          {status === 'more' ? t.loadingMore : t.more}
        </Button>
      )}
    </>
  );
}
