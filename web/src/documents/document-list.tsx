import { useCallback, useEffect, useMemo, useState } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert.js';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { Pagination } from '@codegouvfr/react-dsfr/Pagination.js';
import { listDocuments } from '../api/documents-api.ts';
import { ApiError } from '../api/problem.ts';
import { ProblemAlert } from '../components/problem-alert.tsx';
import { formatDate } from '../i18n/format-date.ts';
import { frPatient } from '../i18n/fr-patient.ts';
import { AppLink } from '../router/app-link.tsx';
import { navigate, useLocation } from '../router/use-location.ts';
import { authorText } from './author-text.ts';
import { DocumentActions, type ActionOutcome } from './document-actions.tsx';
import { DocumentBadges } from './document-badges.tsx';
import { applyFilters, NO_FILTERS, pageCount, pageOf, type DocumentFilters } from './document-filters.ts';
import { DocumentFiltersForm } from './document-filters-form.tsx';
import { toDocumentView, type DocumentView } from './document-view.ts';
import { UploadForm } from './upload-form.tsx';

const t = frPatient.documents;

type Load = { status: 'loading' } | { status: 'error'; error: ApiError } | { status: 'ready'; documents: DocumentView[]; truncated: boolean };

export const documentHref = (id: string) => `/documents?document=${encodeURIComponent(id)}`;

function DocumentItem({ doc, readerName, onOutcome }: { doc: DocumentView; readerName: string; onOutcome: (o: ActionOutcome) => void }) {
  return (
    <li className={fr.cx('fr-mb-3w', 'fr-p-3w')} style={{ border: `1px solid ${fr.colors.decisions.border.default.grey.default}` }} data-document-id={doc.id}>
      <h3 className={fr.cx('fr-h6', 'fr-mb-1w')}>
        <AppLink href={documentHref(doc.id)}>{doc.title}</AppLink>
      </h3>
      <DocumentBadges doc={doc} />
      <p className={fr.cx('fr-text--sm', 'fr-mb-1v')}>
        {doc.typeLabel} · {doc.date ? t.item.documentOf(formatDate(doc.date)) : t.item.undated}
      </p>
      <p className={fr.cx('fr-text--sm', 'fr-mb-2w')}>{authorText(doc, readerName)}</p>
      <DocumentActions doc={doc} onOutcome={onOutcome} />
    </li>
  );
}

/** The space's documents: upload, filters, sort, pages, and per-document mask / delete. */
export function DocumentList({ dossierId, readerName }: { dossierId: string; readerName: string }) {
  const { search } = useLocation();
  const page = Math.max(1, Number(new URLSearchParams(search).get('page')) || 1);
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  const [filters, setFilters] = useState<DocumentFilters>(NO_FILTERS);
  const [notice, setNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [uploading, setUploading] = useState(false);

  useEffect(() => {
    let active = true;
    listDocuments('patient', dossierId).then(
      (list) => {
        const now = new Date();
        if (active) setLoad({ status: 'ready', documents: list.documents.map((r) => toDocumentView(r, now)), truncated: list.truncated });
      },
      (error: unknown) => {
        if (active) setLoad({ status: 'error', error: error instanceof ApiError ? error : new ApiError(0, {}) });
      },
    );
    return () => {
      active = false;
    };
  }, [dossierId, generation]);

  const documents = load.status === 'ready' ? load.documents : [];
  const filtered = useMemo(() => applyFilters(documents, filters, readerName), [documents, filters, readerName]);
  const pages = pageCount(filtered.length);
  const shown = pageOf(filtered, page);

  const changeFilters = useCallback((f: DocumentFilters) => {
    setFilters(f);
    // A new selection starts on its first page.
    if (page !== 1) navigate('/documents', { replace: true });
  }, [page]);

  function onOutcome(o: ActionOutcome): void {
    setFailure(o.kind === 'failed' ? o.error : null);
    setNotice(o.kind === 'failed' ? null : o.message);
    if (o.kind === 'failed' || load.status !== 'ready') return;
    const next = o.kind === 'updated' ? load.documents.map((d) => (d.id === o.doc.id ? o.doc : d)) : load.documents.filter((d) => d.id !== o.id);
    setLoad({ ...load, documents: next });
  }

  return (
    <>
      <p className={fr.cx('fr-text--lead')}>{t.intro}</p>
      <div role="status" aria-live="polite">
        {notice && <Alert severity="success" small className={fr.cx('fr-mb-3w')} description={notice} closable onClose={() => setNotice(null)} />}
      </div>
      {failure && <ProblemAlert error={failure} onClose={() => setFailure(null)} />}
      {uploading ? (
        <UploadForm
          dossierId={dossierId}
          onCancel={() => setUploading(false)}
          onDone={(title) => {
            setUploading(false);
            setNotice(t.upload.success(title));
            setGeneration((g) => g + 1);
          }}
        />
      ) : (
        <Button className={fr.cx('fr-mb-4w')} iconId="fr-icon-add-line" onClick={() => setUploading(true)}>
          {t.upload.open}
        </Button>
      )}
      {load.status === 'loading' && <p role="status">{t.loading}</p>}
      {load.status === 'error' && <ProblemAlert error={load.error} />}
      {load.status === 'ready' && documents.length === 0 && <p>{t.empty}</p>}
      {load.status === 'ready' && documents.length > 0 && (
        <>
          <DocumentFiltersForm documents={documents} filters={filters} onChange={changeFilters} />
          {load.truncated && <Alert severity="info" small className={fr.cx('fr-mb-3w')} description={t.truncated(documents.length)} />}
          <h2 className={fr.cx('fr-h5')} aria-live="polite">
            {t.count(documents.length, filtered.length)}
          </h2>
          {filtered.length === 0 ? (
            <p>{t.noMatch}</p>
          ) : (
            <ul className={fr.cx('fr-raw-list')} aria-label={t.listLabel}>
              {shown.map((doc) => (
                <DocumentItem key={doc.id} doc={doc} readerName={readerName} onOutcome={onOutcome} />
              ))}
            </ul>
          )}
          {pages > 1 && (
            <Pagination count={pages} defaultPage={Math.min(page, pages)} showFirstLast getPageLinkProps={(n) => ({ href: n === 1 ? '/documents' : `/documents?page=${n}` })} />
          )}
        </>
      )}
    </>
  );
}
