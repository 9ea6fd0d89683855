import { useEffect, useRef, useState, type FormEvent } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { Input } from '@codegouvfr/react-dsfr/Input.js';
import { Select } from '@codegouvfr/react-dsfr/Select.js';
import { Upload } from '@codegouvfr/react-dsfr/Upload.js';
import { uploadDocumentReference } from '../api/documents-api.ts';
import { ApiError } from '../api/problem.ts';
import { ProblemAlert } from '../components/problem-alert.tsx';
import { frenchDay } from '../i18n/format-date.ts';
import { frPatient } from '../i18n/fr-patient.ts';
import { UPLOADABLE_DOCUMENT_TYPES } from './document-types.ts';
import { ACCEPT_ATTRIBUTE, patientDocumentReference, titleFromFileName, uploadContentType } from './upload-resource.ts';

const t = frPatient.documents.upload;

type Field = 'file' | 'type' | 'day' | 'title';

/** The file's bytes as base64 (FileReader: no size-limited string building). */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('read'));
    reader.readAsDataURL(file);
  });
}

/** Upload of the patient's own document (DOCPAT type, date, title) with its progress. */
export function UploadForm({ dossierId, onDone, onCancel }: { dossierId: string; onDone: (title: string) => void; onCancel: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [typeCode, setTypeCode] = useState('');
  const [day, setDay] = useState(() => frenchDay(new Date()));
  const [title, setTitle] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [progress, setProgress] = useState<number | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);

  useEffect(() => heading.current?.focus(), []);

  function validate(): Partial<Record<Field, string>> {
    const found: Partial<Record<Field, string>> = {};
    if (!file) found.file = t.fileRequired;
    else if (!uploadContentType(file)) found.file = t.unsupported;
    if (!typeCode) found.type = t.typeRequired;
    if (!day) found.day = t.dateRequired;
    else if (day > frenchDay(new Date())) found.day = t.dateInFuture;
    if (!title.trim()) found.title = t.titleRequired;
    return found;
  }

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    const found = validate();
    setErrors(found);
    setFailure(null);
    if (Object.keys(found).length > 0 || !file) {
      const first = (['file', 'type', 'day', 'title'] as const).find((f) => found[f]);
      if (first) document.getElementById(`upload-${first}`)?.focus();
      return;
    }
    setProgress(0);
    try {
      const base64 = await readBase64(file).catch(() => {
        throw new ApiError(0, { title: t.failedTitle, detail: t.readFailed });
      });
      const resource = patientDocumentReference({
        dossierId, typeCode, day, title: title.trim(), contentType: uploadContentType(file)!, base64, uuid: crypto.randomUUID(), now: new Date(),
      });
      await uploadDocumentReference('patient', resource, setProgress);
      onDone(title.trim());
    } catch (e) {
      setProgress(null);
      const error = e instanceof ApiError ? e : new ApiError(0, {});
      setFailure(new ApiError(error.status, { ...error.problem, title: error.problem.title ?? t.failedTitle }));
    }
  }

  const sending = progress !== null;
  const percent = Math.round((progress ?? 0) * 100);
  const state = (f: Field) => (errors[f] ? { state: 'error' as const, stateRelatedMessage: errors[f] } : {});

  return (
    <section className={fr.cx('fr-p-3w', 'fr-mb-4w')} style={{ border: `1px solid ${fr.colors.decisions.border.default.grey.default}` }} aria-labelledby="upload-heading">
      <h2 id="upload-heading" ref={heading} tabIndex={-1} className={fr.cx('fr-h4')}>
        {t.title}
      </h2>
      <p>{t.intro}</p>
      {failure && <ProblemAlert error={failure} onClose={() => setFailure(null)} />}
      <form noValidate onSubmit={(e) => void submit(e)}>
        <Upload
          className={fr.cx('fr-mb-3w')}
          label={t.file}
          hint={t.fileHint}
          disabled={sending}
          {...state('file')}
          nativeInputProps={{
            id: 'upload-file',
            accept: ACCEPT_ATTRIBUTE,
            onChange: (e) => {
              const chosen = e.target.files?.[0] ?? null;
              setFile(chosen);
              if (chosen && !title) setTitle(titleFromFileName(chosen.name));
            },
          }}
        />
        <Select label={t.type} {...state('type')} disabled={sending} nativeSelectProps={{ id: 'upload-type', value: typeCode, required: true, onChange: (e) => setTypeCode(e.target.value) }}>
          <option value="" disabled>
            {t.typePlaceholder}
          </option>
          {UPLOADABLE_DOCUMENT_TYPES.map((type) => (
            <option key={type.code} value={type.code}>
              {type.label}
            </option>
          ))}
        </Select>
        <Input
          label={t.date}
          disabled={sending}
          {...state('day')}
          nativeInputProps={{ id: 'upload-day', type: 'date', value: day, max: frenchDay(new Date()), required: true, onChange: (e) => setDay(e.target.value) }}
        />
        <Input
          label={t.docTitle}
          hintText={t.docTitleHint}
          disabled={sending}
          {...state('title')}
          nativeInputProps={{ id: 'upload-title', value: title, maxLength: 200, required: true, onChange: (e) => setTitle(e.target.value) }}
        />
        {sending && (
          <div className={fr.cx('fr-mb-3w')}>
            <label htmlFor="upload-progress" className={fr.cx('fr-label')}>
              {t.progress}
            </label>
            <progress id="upload-progress" max={100} value={percent} style={{ width: '100%' }}>
              {t.progressValue(percent)}
            </progress>
            <p className={fr.cx('fr-hint-text')} role="status">
              {t.progressValue(percent)}
            </p>
          </div>
        )}
        <ul className={fr.cx('fr-btns-group', 'fr-btns-group--inline-md', 'fr-btns-group--icon-left')}>
          <li>
            <Button type="submit" iconId="fr-icon-upload-line" disabled={sending}>
              {t.submit}
            </Button>
          </li>
          <li>
            <Button type="button" priority="secondary" disabled={sending} onClick={onCancel}>
              {t.cancel}
            </Button>
          </li>
        </ul>
      </form>
    </section>
  );
}
