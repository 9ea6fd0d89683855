import { useMemo, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert.js';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { Checkbox } from '@codegouvfr/react-dsfr/Checkbox.js';
import { Input } from '@codegouvfr/react-dsfr/Input.js';
import { Select } from '@codegouvfr/react-dsfr/Select.js';
import { Upload } from '@codegouvfr/react-dsfr/Upload.js';
import { useAuth } from '../auth/auth-context.tsx';
import { Page } from '../components/page.tsx';
import { messages as t } from '../i18n/index.ts';
import { frPro as tp } from '../i18n/fr-pro.ts';
import { buildDocumentReference, fileContentType, issuesByField, missingFields, type DepositField, type DepositValues } from '../pro/document-form.ts';
import { todayInFrance } from '../pro/format.ts';
import { displayName, isMinorOn } from '../pro/patient-identity.ts';
import { RequestErrorAlert } from '../pro/problem-notice.tsx';
import { proFetch } from '../pro/pro-fetch.ts';
import { useProPatient } from '../pro/pro-patient-context.tsx';
import { RequestError } from '../pro/request-error.ts';
import { conceptKey, useRegulatoryDelays, useValueSet, type ValueSetConcept } from '../pro/use-reference-data.ts';

const newIdentifier = () => `urn:uuid:${crypto.randomUUID()}`;

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

function ConceptOptions({ concepts }: { concepts: ValueSetConcept[] }) {
  return (
    <>
      {concepts.map((c) => (
        <option key={conceptKey(c)} value={conceptKey(c)}>
          {c.display}
        </option>
      ))}
    </>
  );
}

/** `/pro/deposer`: feed a document (file + CI-SIS metadata) into the selected patient's record. */
export function ProDepositPage() {
  const { state } = useAuth();
  const { patient, session } = useProPatient();
  const types = useValueSet('document-types');
  const classes = useValueSet('document-classes');
  const settings = useValueSet('practice-settings');
  const facilities = useValueSet('facility-types');
  const specialties = useValueSet('author-specialties');
  const delays = useRegulatoryDelays();
  const blank = (): Omit<DepositValues, 'patientId'> => ({
    file: null, title: '', type: '', documentClass: '', date: todayInFrance(), description: '', practiceSetting: '', facilityType: '',
    authorSpecialty: '', masterIdentifier: newIdentifier(), maskedToProfessionals: false, invisibleToPatient: false, invisibleToRepresentatives: false,
  });
  const [values, setValues] = useState(blank);
  const [missing, setMissing] = useState<DepositField[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | undefined>(undefined);
  const [fileKey, setFileKey] = useState(0);
  const formTop = useRef<HTMLDivElement>(null);

  // Types a professional may deposit, grouped by their J57 class.
  const groups = useMemo(() => {
    const byClass = new Map<string, ValueSetConcept[]>();
    for (const c of types) if (!c.patientOnly) byClass.set(c.classCode ?? '', [...(byClass.get(c.classCode ?? '') ?? []), c]);
    return classes.filter((k) => byClass.has(k.code)).map((k) => ({ label: k.display, types: byClass.get(k.code)!.sort((a, b) => a.display.localeCompare(b.display, 'fr')) }));
  }, [types, classes]);

  if (state.status !== 'signedIn' || !patient) {
    return (
      <Page title={t.sections.proDeposit.title}>
        <p>{tp.patient.none}</p>
        <Button linkProps={{ href: '/pro' }} iconId="fr-icon-search-line">
          {tp.patient.searchLink}
        </Button>
      </Page>
    );
  }
  const patientId = patient.id;
  const minor = isMinorOn(patient, todayInFrance());
  const secret = session?.mode === 'secret';
  const rpps = state.me.rpps ?? null;

  const serverIssues = error instanceof RequestError ? issuesByField(error.issues) : {};
  const messagesOf = (field: DepositField): string[] => [...(missing.includes(field) ? [tp.common.required] : []), ...(serverIssues[field] ?? [])];
  const stateOf = (field: DepositField) => (messagesOf(field).length ? ({ state: 'error', stateRelatedMessage: messagesOf(field).join(' ') } as const) : {});
  const set = (change: Partial<DepositValues>) => setValues((v) => ({ ...v, ...change }));

  async function chooseFile(file: File | undefined): Promise<void> {
    if (!file) return set({ file: null });
    try {
      set({ file: { name: file.name, contentType: fileContentType(file.name, file.type), base64: await readBase64(file) }, ...(values.title ? {} : { title: file.name.replace(/\.[^.]+$/, '') }) });
    } catch {
      set({ file: null });
      setError(new RequestError(0, { detail: tp.deposit.readFailed }, []));
    }
  }

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setDone(undefined);
    const full: DepositValues = { ...values, patientId, invisibleToRepresentatives: values.invisibleToRepresentatives || secret };
    const absent = missingFields(full);
    setMissing(absent);
    setError(undefined);
    if (absent.length) {
      document.getElementById(`deposit-${absent[0]}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      await proFetch('/fhir/R4/DocumentReference', { method: 'POST', body: buildDocumentReference(full, { rpps }), contentType: 'application/fhir+json', idempotent: true });
      setDone(full.title.trim());
      setValues(blank());
      setFileKey((k) => k + 1);
    } catch (cause) {
      setError(cause);
    } finally {
      setBusy(false);
      formTop.current?.scrollIntoView?.({ block: 'start' });
    }
  }

  const formIssues = serverIssues.form ?? [];
  const showAlert = error !== undefined && (!(error instanceof RequestError) || error.status !== 400 || formIssues.length > 0 || error.issues.length === 0);

  return (
    <Page title={t.sections.proDeposit.title}>
      <p className={fr.cx('fr-text--lead', 'fr-mb-1w')}>{tp.deposit.patientLine(displayName(patient))}</p>
      <p>{tp.deposit.intro}</p>
      <div ref={formTop}>
        {done && (
          <Alert
            severity="success"
            role="status"
            as="h2"
            className={fr.cx('fr-mb-3w')}
            title={tp.deposit.success(done)}
            description={<Button linkProps={{ href: '/pro/patient' }} priority="secondary" size="small">{tp.viewer.back}</Button>}
          />
        )}
        {showAlert && <RequestErrorAlert error={error} headingLevel="h2" title={tp.deposit.refusedTitle} otherIssues={formIssues} />}
      </div>
      {secret && <Alert severity="warning" small className={fr.cx('fr-mb-3w')} description={tp.secret.restriction} />}
      <form onSubmit={(e) => void submit(e)} noValidate aria-label={t.sections.proDeposit.title}>
        <Upload
          key={fileKey}
          label={tp.deposit.file}
          hint={tp.deposit.fileHint}
          className={fr.cx('fr-mb-3w')}
          nativeInputProps={{ id: 'deposit-file', accept: '.pdf,.jpg,.jpeg,.png,.txt,.xml,application/pdf,image/jpeg,image/png,text/plain,text/xml', required: true, onChange: (e) => void chooseFile(e.target.files?.[0]) }}
          {...(messagesOf('file').length ? { state: 'error', stateRelatedMessage: messagesOf('file').join(' ') } : {})}
        />
        <Input label={tp.deposit.titleLabel} nativeInputProps={{ id: 'deposit-title', value: values.title, onChange: (e) => set({ title: e.target.value }), maxLength: 1024, required: true }} {...stateOf('title')} />
        <Select
          label={tp.deposit.type}
          hint={tp.deposit.typeHint}
          nativeSelectProps={{
            id: 'deposit-type', value: values.type, required: true,
            onChange: (e) => {
              const chosen = types.find((c) => conceptKey(c) === e.target.value);
              const cls = classes.find((k) => k.code === chosen?.classCode);
              set({ type: e.target.value, documentClass: cls ? conceptKey(cls) : '' });
            },
          }}
          {...stateOf('type')}
        >
          <option value="" disabled>
            {tp.common.selectPlaceholder}
          </option>
          {groups.map((g) => (
            <optgroup key={g.label} label={g.label}>
              <ConceptOptions concepts={g.types} />
            </optgroup>
          ))}
        </Select>
        <Select label={`${tp.deposit.documentClass} ${tp.common.optional}`} hint={tp.deposit.classHint} nativeSelectProps={{ id: 'deposit-documentClass', value: values.documentClass, onChange: (e) => set({ documentClass: e.target.value }) }} {...stateOf('documentClass')}>
          <option value="">{tp.common.selectPlaceholder}</option>
          <ConceptOptions concepts={classes} />
        </Select>
        <Input label={tp.deposit.date} nativeInputProps={{ id: 'deposit-date', type: 'date', value: values.date, onChange: (e) => set({ date: e.target.value }), required: true }} {...stateOf('date')} />
        <Input textArea label={`${tp.deposit.description} ${tp.common.optional}`} nativeTextAreaProps={{ id: 'deposit-description', value: values.description, onChange: (e) => set({ description: e.target.value }), rows: 2, maxLength: 4096 }} {...stateOf('description')} />
        <Select label={`${tp.deposit.practiceSetting} ${tp.common.optional}`} hint={tp.deposit.practiceSettingHint} nativeSelectProps={{ id: 'deposit-practiceSetting', value: values.practiceSetting, onChange: (e) => set({ practiceSetting: e.target.value }) }} {...stateOf('practiceSetting')}>
          <option value="">{tp.common.selectPlaceholder}</option>
          <ConceptOptions concepts={settings} />
        </Select>
        <Select label={`${tp.deposit.facilityType} ${tp.common.optional}`} hint={tp.deposit.facilityTypeHint} nativeSelectProps={{ id: 'deposit-facilityType', value: values.facilityType, onChange: (e) => set({ facilityType: e.target.value }) }} {...stateOf('facilityType')}>
          <option value="">{tp.common.selectPlaceholder}</option>
          <ConceptOptions concepts={facilities} />
        </Select>
        <Select label={`${tp.deposit.authorSpecialty} ${tp.common.optional}`} hint={tp.deposit.authorSpecialtyHint} nativeSelectProps={{ id: 'deposit-authorSpecialty', value: values.authorSpecialty, onChange: (e) => set({ authorSpecialty: e.target.value }) }} {...stateOf('authorSpecialty')}>
          <option value="">{tp.common.selectPlaceholder}</option>
          <ConceptOptions concepts={specialties} />
        </Select>
        <Input
          label={tp.deposit.masterIdentifier}
          hintText={tp.deposit.masterIdentifierHint}
          nativeInputProps={{ id: 'deposit-masterIdentifier', value: values.masterIdentifier, onChange: (e) => set({ masterIdentifier: e.target.value }), maxLength: 256, spellCheck: false, autoComplete: 'off', required: true }}
          {...stateOf('masterIdentifier')}
        />
        <Checkbox
          id="deposit-labels"
          legend={tp.deposit.confidentialityLegend}
          hintText={tp.deposit.confidentialityHint}
          options={[
            { label: tp.deposit.masked, hintText: tp.deposit.maskedHint, nativeInputProps: { checked: values.maskedToProfessionals, onChange: (e) => set({ maskedToProfessionals: e.target.checked }) } },
            {
              label: tp.deposit.invisible,
              hintText: tp.deposit.invisibleHint(delays?.invisiblePatientInformAfterDays ?? null, delays?.invisiblePatientVisibleAfterDays ?? null),
              nativeInputProps: { checked: values.invisibleToPatient, onChange: (e) => set({ invisibleToPatient: e.target.checked }) },
            },
            ...(minor
              ? [{
                  label: tp.deposit.invisibleRepresentatives,
                  hintText: secret ? tp.secret.restriction : tp.deposit.invisibleRepresentativesHint,
                  nativeInputProps: {
                    checked: values.invisibleToRepresentatives || secret, disabled: secret,
                    onChange: (e: ChangeEvent<HTMLInputElement>) => set({ invisibleToRepresentatives: e.target.checked }),
                  },
                }]
              : []),
          ]}
          {...(messagesOf('labels').length ? { state: 'error', stateRelatedMessage: messagesOf('labels').join(' ') } : {})}
        />
        <p className={fr.cx('fr-hint-text')}>{tp.deposit.oppositionNote}</p>
        <Button type="submit" iconId="fr-icon-upload-line" disabled={busy}>
          {busy ? tp.deposit.sending : tp.deposit.submit}
        </Button>
      </form>
    </Page>
  );
}
