import { useState, type FormEvent } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Badge } from '@codegouvfr/react-dsfr/Badge.js';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { Input } from '@codegouvfr/react-dsfr/Input.js';
import { RadioButtons } from '@codegouvfr/react-dsfr/RadioButtons.js';
import { Select } from '@codegouvfr/react-dsfr/Select.js';
import { useAuth } from '../auth/auth-context.tsx';
import { fullName } from '../api/me.ts';
import { Page } from '../components/page.tsx';
import { messages as t } from '../i18n/index.ts';
import { frPro as tp } from '../i18n/fr-pro.ts';
import { navigate } from '../router/use-location.ts';
import { IdentitySummary } from '../pro/identity-summary.tsx';
import { displayName, identitiesOf, patientSearchQuery, type PatientIdentity, type SearchCriteria, type Sex } from '../pro/patient-identity.ts';
import { RequestErrorAlert } from '../pro/problem-notice.tsx';
import { proFetch } from '../pro/pro-fetch.ts';
import { useProPatient } from '../pro/pro-patient-context.tsx';
import { issuesFor, RequestError } from '../pro/request-error.ts';

type Mode = 'ins' | 'traits';
type Traits = { birthName: string; firstName: string; birthDate: string; sex: Sex | '' };

const fieldState = (messages: string[]) =>
  messages.length ? ({ state: 'error', stateRelatedMessage: messages.join(' ') } as const) : {};

/** Professional portal home: find a patient by INS or strict traits; the result shows identity only. */
export function ProSearchPage() {
  const { state, signIn } = useAuth();
  const { select } = useProPatient();
  const [mode, setMode] = useState<Mode>('ins');
  const [ins, setIns] = useState('');
  const [traits, setTraits] = useState<Traits>({ birthName: '', firstName: '', birthDate: '', sex: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [results, setResults] = useState<PatientIdentity[] | undefined>(undefined);

  const issues = error instanceof RequestError ? error.issues : [];
  const messagesFor = (...fields: string[]) => issuesFor(issues, ...fields).map((i) => i.message);

  async function search(event: FormEvent): Promise<void> {
    event.preventDefault();
    const criteria: SearchCriteria = mode === 'ins' ? { kind: 'ins', ins } : { kind: 'traits', ...traits };
    setBusy(true);
    setError(undefined);
    setResults(undefined);
    try {
      setResults(identitiesOf(await proFetch<unknown>(`/fhir/R4/Patient?${patientSearchQuery(criteria)}`)));
    } catch (cause) {
      setError(cause);
    } finally {
      setBusy(false);
    }
  }

  function open(patient: PatientIdentity): void {
    select(patient);
    navigate('/pro/patient');
  }

  const fieldIssues = new Set(['identifier', 'family', 'given', 'birthdate', 'gender']);
  const otherIssues = issues.filter((i) => !fieldIssues.has(i.field)).map((i) => i.message);

  return (
    <Page title={t.sections.proSearch.title}>
      {state.status === 'loading' && (
        <p role="status" className={fr.cx('fr-mb-4w')}>
          {t.auth.loading}
        </p>
      )}
      {state.status === 'signedOut' && (
        <div className={fr.cx('fr-mb-6w')}>
          <p className={fr.cx('fr-text--lead')}>{t.proHome.welcomeText}</p>
          <p>{t.proHome.signInHint}</p>
          <Button iconId="fr-icon-lock-line" onClick={signIn}>
            {t.auth.signIn}
          </Button>
        </div>
      )}
      {state.status === 'signedIn' && (
        <>
          <div className={fr.cx('fr-mb-4w')}>
            <p className={fr.cx('fr-text--lead', 'fr-mb-1w')}>{t.proHome.greeting(fullName(state.me))}</p>
            <ul className={fr.cx('fr-badges-group')}>
              {state.me.profession && (
                <li>
                  <Badge severity="info" noIcon as="span">
                    {state.me.profession.label}
                  </Badge>
                </li>
              )}
              {state.me.rpps && (
                <li>
                  <Badge noIcon as="span">
                    {t.proHome.rpps(state.me.rpps)}
                  </Badge>
                </li>
              )}
            </ul>
          </div>
          <p>{tp.search.intro}</p>
          <form onSubmit={(e) => void search(e)} noValidate className={fr.cx('fr-mb-4w')} aria-label={t.sections.proSearch.title}>
            <RadioButtons
              legend={tp.search.modeLegend}
              orientation="horizontal"
              options={[
                { label: tp.search.modeIns, nativeInputProps: { value: 'ins', checked: mode === 'ins', onChange: () => setMode('ins') } },
                { label: tp.search.modeTraits, nativeInputProps: { value: 'traits', checked: mode === 'traits', onChange: () => setMode('traits') } },
              ]}
            />
            {mode === 'ins' ? (
              <Input
                label={tp.search.insLabel}
                hintText={tp.search.insHint}
                nativeInputProps={{ id: 'ins', name: 'ins', value: ins, onChange: (e) => setIns(e.target.value), autoComplete: 'off', spellCheck: false, maxLength: 32, required: true }}
                {...fieldState(messagesFor('identifier'))}
              />
            ) : (
              <div className={fr.cx('fr-grid-row', 'fr-grid-row--gutters')}>
                <div className={fr.cx('fr-col-12', 'fr-col-md-6')}>
                  <Input
                    label={tp.identity.birthName}
                    nativeInputProps={{ id: 'birth-name', value: traits.birthName, onChange: (e) => setTraits({ ...traits, birthName: e.target.value }), autoComplete: 'off', required: true }}
                    {...fieldState(messagesFor('family'))}
                  />
                </div>
                <div className={fr.cx('fr-col-12', 'fr-col-md-6')}>
                  <Input
                    label={tp.search.firstName}
                    nativeInputProps={{ id: 'first-name', value: traits.firstName, onChange: (e) => setTraits({ ...traits, firstName: e.target.value }), autoComplete: 'off', required: true }}
                    {...fieldState(messagesFor('given'))}
                  />
                </div>
                <div className={fr.cx('fr-col-12', 'fr-col-md-6')}>
                  <Input
                    label={tp.identity.birthDate}
                    nativeInputProps={{ id: 'birth-date', type: 'date', value: traits.birthDate, onChange: (e) => setTraits({ ...traits, birthDate: e.target.value }), required: true }}
                    {...fieldState(messagesFor('birthdate'))}
                  />
                </div>
                <div className={fr.cx('fr-col-12', 'fr-col-md-6')}>
                  <Select
                    label={tp.identity.sex}
                    nativeSelectProps={{ id: 'sex', value: traits.sex, onChange: (e) => setTraits({ ...traits, sex: e.target.value as Sex | '' }), required: true }}
                    {...fieldState(messagesFor('gender'))}
                  >
                    <option value="" disabled>
                      {tp.common.selectPlaceholder}
                    </option>
                    {(['female', 'male', 'unknown'] as const).map((s) => (
                      <option key={s} value={s}>
                        {tp.identity.sexes[s]}
                      </option>
                    ))}
                  </Select>
                </div>
              </div>
            )}
            <Button type="submit" iconId="fr-icon-search-line" disabled={busy}>
              {busy ? tp.search.searching : tp.search.submit}
            </Button>
          </form>
          {error !== undefined && !(error instanceof RequestError && error.status === 400 && issues.length > 0 && otherIssues.length === 0) && (
            <RequestErrorAlert
              error={error}
              headingLevel="h2"
              otherIssues={otherIssues}
              {...(error instanceof RequestError && error.status === 403 ? { title: tp.search.refusedTitle } : {})}
            />
          )}
          {results && (
            <section aria-labelledby="resultats">
              <h2 id="resultats">{tp.search.resultsTitle}</h2>
              <p role="status">{tp.search.resultCount(results.length)}</p>
              {results.length === 0 && <p>{tp.search.noResult}</p>}
              <ul className={fr.cx('fr-raw-list')}>
                {results.map((p) => (
                  <li key={p.id} className={fr.cx('fr-p-3w', 'fr-mb-2w')} style={{ border: `1px solid ${fr.colors.decisions.border.default.grey.default}` }}>
                    <h3 className={fr.cx('fr-h6')}>{displayName(p)}</h3>
                    <IdentitySummary patient={p} />
                    <Button iconId="fr-icon-arrow-right-line" iconPosition="right" onClick={() => open(p)} title={tp.search.openRecord(displayName(p))}>
                      {tp.search.openRecordShort}
                    </Button>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </>
      )}
    </Page>
  );
}
