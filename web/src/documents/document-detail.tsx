import { useEffect, useState } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert.js';
import { readDocumentContent, readDocumentReference } from '../api/documents-api.ts';
import { ApiError } from '../api/problem.ts';
import { ProblemAlert } from '../components/problem-alert.tsx';
import { formatDate, formatDateTime } from '../i18n/format-date.ts';
import { frPatient } from '../i18n/fr-patient.ts';
import { AppLink } from '../router/app-link.tsx';
import { authorName } from './author-text.ts';
import { DocumentActions, type ActionOutcome } from './document-actions.tsx';
import { DocumentBadges } from './document-badges.tsx';
import { DocumentContent } from './document-content.tsx';
import { toDocumentView, type DocumentView } from './document-view.ts';

const t = frPatient.documents;

type Load = { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ready'; doc: DocumentView; content: Blob } | { status: 'deleted'; message: string };

const capitalize = (s: string) => s.charAt(0).toLocaleUpperCase('fr-FR') + s.slice(1);

const EXTENSIONS: Readonly<Record<string, string>> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png', 'text/plain': 'txt', 'text/xml': 'xml' };

function DownloadLink({ doc, content }: { doc: DocumentView; content: Blob }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    const u = URL.createObjectURL(content);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [content]);
  if (!url) return null;
  const name = `${doc.title.replace(/[\\/:*?"<>|]+/g, ' ').trim() || 'document'}.${EXTENSIONS[doc.contentType] ?? 'bin'}`;
  return (
    <a className={fr.cx('fr-link', 'fr-icon-download-line', 'fr-link--icon-left')} href={url} download={name}>
      {t.actions.download}
    </a>
  );
}

/** One document: who added it and when, its confidentiality, its content shown in the page. */
export function DocumentDetail({ id, readerName }: { id: string; readerName: string }) {
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);

  useEffect(() => {
    let active = true;
    Promise.all([readDocumentReference('patient', id), readDocumentContent('patient', id)]).then(
      ([resource, content]) => {
        if (active) setLoad({ status: 'ready', doc: toDocumentView(resource, new Date()), content });
      },
      (error: unknown) => {
        if (active) setLoad({ status: 'error', error: error instanceof ApiError ? error : new ApiError(0, {}) });
      },
    );
    return () => {
      active = false;
    };
  }, [id]);

  function onOutcome(o: ActionOutcome): void {
    setFailure(o.kind === 'failed' ? o.error : null);
    setNotice(o.kind === 'updated' ? o.message : null);
    if (o.kind === 'updated' && load.status === 'ready') setLoad({ ...load, doc: o.doc });
    if (o.kind === 'deleted') setLoad({ status: 'deleted', message: o.message });
  }

  return (
    <>
      <p>
        <AppLink className={fr.cx('fr-link', 'fr-icon-arrow-left-line', 'fr-link--icon-left')} href="/documents">
          {t.actions.back}
        </AppLink>
      </p>
      <div role="status" aria-live="polite">
        {notice && <Alert severity="success" small className={fr.cx('fr-mb-3w')} description={notice} />}
        {load.status === 'deleted' && <Alert severity="success" small className={fr.cx('fr-mb-3w')} description={load.message} />}
      </div>
      {failure && <ProblemAlert error={failure} onClose={() => setFailure(null)} />}
      {load.status === 'loading' && <p role="status">{t.viewer.loading}</p>}
      {load.status === 'error' && <ProblemAlert error={load.error} />}
      {load.status === 'ready' && (
        <>
          <h2 className={fr.cx('fr-h3')}>{load.doc.title}</h2>
          <DocumentBadges doc={load.doc} />
          {load.doc.newlyVisible && <Alert severity="info" small className={fr.cx('fr-mb-3w')} description={t.item.newlyVisibleHint} />}
          <dl className={fr.cx('fr-mb-3w')} aria-label={t.viewer.details}>
            <dt className={fr.cx('fr-text--bold', 'fr-mb-0')}>{t.viewer.type}</dt>
            <dd className={fr.cx('fr-mb-1w', 'fr-ml-0')}>{load.doc.typeLabel}</dd>
            <dt className={fr.cx('fr-text--bold', 'fr-mb-0')}>{t.viewer.date}</dt>
            <dd className={fr.cx('fr-mb-1w', 'fr-ml-0')}>{load.doc.date ? formatDate(load.doc.date) : t.item.undated}</dd>
            <dt className={fr.cx('fr-text--bold', 'fr-mb-0')}>{t.viewer.author}</dt>
            <dd className={fr.cx('fr-mb-1w', 'fr-ml-0')}>{capitalize(authorName(load.doc, readerName))}</dd>
            {load.doc.addedAt && (
              <>
                <dt className={fr.cx('fr-text--bold', 'fr-mb-0')}>{t.viewer.addedAt}</dt>
                <dd className={fr.cx('fr-mb-1w', 'fr-ml-0')}>{formatDateTime(load.doc.addedAt)}</dd>
              </>
            )}
            {load.doc.visibleToPatientSince && (
              <>
                <dt className={fr.cx('fr-text--bold', 'fr-mb-0')}>{t.viewer.visibleSince}</dt>
                <dd className={fr.cx('fr-mb-1w', 'fr-ml-0')}>{formatDate(load.doc.visibleToPatientSince)}</dd>
              </>
            )}
            {load.doc.size !== null && (
              <>
                <dt className={fr.cx('fr-text--bold', 'fr-mb-0')}>{t.viewer.size}</dt>
                <dd className={fr.cx('fr-mb-1w', 'fr-ml-0')}>{t.viewer.sizeValue(load.doc.size)}</dd>
              </>
            )}
          </dl>
          <div className={fr.cx('fr-mb-3w')}>
            <DocumentActions doc={load.doc} onOutcome={onOutcome} />
          </div>
          <p>
            <DownloadLink doc={load.doc} content={load.content} />
          </p>
          <h2 className={fr.cx('fr-h5')}>{t.viewer.contentTitle}</h2>
          <DocumentContent doc={load.doc} content={load.content} />
        </>
      )}
    </>
  );
}
