import { useEffect, useState } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert.js';
import { Button } from '@codegouvfr/react-dsfr/Button.js';
import { ButtonsGroup } from '@codegouvfr/react-dsfr/ButtonsGroup.js';
import { useAuth } from '../auth/auth-context.tsx';
import { Page } from '../components/page.tsx';
import { parseCdaText, type CdaView } from '../documents/cda-sections.ts';
import { CdaDocumentView } from '../documents/cda-view.tsx';
import { messages as t } from '../i18n/index.ts';
import { frPro as tp } from '../i18n/fr-pro.ts';
import { useLocation } from '../router/use-location.ts';
import { documentRow, mediaType, viewKind, type DocumentRow } from '../pro/document-rows.ts';
import { ConfidentialityBadges, revealToPatient } from '../pro/documents-panel.tsx';
import { downloadDocument } from '../pro/download-document.ts';
import { FactList } from '../pro/fact-list.tsx';
import { formatDate } from '../pro/format.ts';
import { RequestErrorAlert } from '../pro/problem-notice.tsx';
import { proFetch, proFetchBlob } from '../pro/pro-fetch.ts';
import { useValueSet } from '../pro/use-reference-data.ts';

type Shown =
  | { kind: 'pdf' | 'image'; url: string }
  | { kind: 'cda'; view: CdaView | null }
  | { kind: 'text'; text: string }
  | { kind: 'none' };

/**
 * The content in the page. PDF and images from a blob: URL typed by the record's metadata (never by
 * the bytes); CDA R2 as its readable text view (the patient portal's renderer: text only, no HTML,
 * no stylesheet); plain text as text.
 */
function Content({ row, blob }: { row: DocumentRow; blob: Blob }) {
  const [shown, setShown] = useState<Shown | null>(null);
  useEffect(() => {
    let active = true;
    let url: string | null = null;
    const kind = viewKind(row.contentType);
    if (kind === 'pdf' || kind === 'image') {
      url = URL.createObjectURL(new Blob([blob], { type: kind === 'pdf' ? 'application/pdf' : mediaType(row.contentType) }));
      setShown({ kind, url });
    } else if (kind === 'cda' || kind === 'text') {
      void blob.text().then((text) => {
        if (active) setShown(kind === 'text' ? { kind, text } : { kind, view: parseCdaText(text, new DOMParser()) });
      });
    } else setShown({ kind: 'none' });
    return () => {
      active = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [row.contentType, blob]);

  if (!shown) return <p role="status">{tp.common.loading}</p>;
  switch (shown.kind) {
    case 'pdf':
      return <iframe title={tp.viewer.frameTitle(row.title)} src={shown.url} style={{ width: '100%', height: '75vh', border: 0 }} data-testid="document-frame" />;
    case 'image':
      return <img src={shown.url} alt={tp.viewer.imageAlt(row.title)} style={{ maxWidth: '100%', height: 'auto' }} />;
    case 'cda':
      if (!shown.view) return <Alert severity="info" small description={tp.viewer.cdaUnreadable} />;
      return <CdaDocumentView view={shown.view} />;
    case 'text':
      return (
        <pre className={fr.cx('fr-p-2w')} style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit', background: fr.colors.decisions.background.alt.grey.default }}>
          {shown.text}
        </pre>
      );
    case 'none':
      return <Alert severity="info" small description={tp.viewer.noPreview} />;
  }
}

/** `/pro/document?id=…`: one document of the patient, opened in the page, importable as a file. */
export function ProDocumentPage() {
  const { state } = useAuth();
  const { search } = useLocation();
  const id = new URLSearchParams(search).get('id') ?? '';
  const types = useValueSet('document-types');
  const [row, setRow] = useState<DocumentRow | undefined>(undefined);
  const [blob, setBlob] = useState<Blob | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [generation, setGeneration] = useState(0);
  const signedIn = state.status === 'signedIn';

  useEffect(() => {
    if (!id || !signedIn) return;
    let active = true;
    setError(undefined);
    const path = encodeURIComponent(id);
    Promise.all([proFetch<unknown>(`/fhir/R4/DocumentReference/${path}`), proFetchBlob(`/fhir/R4/Binary/${path}`)]).then(
      ([resource, bytes]) => {
        if (!active) return;
        setRow(documentRow(resource));
        setBlob(bytes);
      },
      (cause: unknown) => active && setError(cause),
    );
    return () => {
      active = false;
    };
  }, [id, signedIn, generation]);

  async function reveal(r: DocumentRow): Promise<void> {
    try {
      await revealToPatient(r);
      setNotice(tp.documents.madeVisible(r.title));
      setGeneration((g) => g + 1);
    } catch (cause) {
      setError(cause);
    }
  }

  const typeLabel = row ? types.find((c) => c.code === row.typeCode)?.display ?? row.typeCode : '';
  return (
    <Page title={row?.title ?? t.sections.proDocument.title} documentTitle={t.sections.proDocument.title}>
      <Button linkProps={{ href: '/pro/patient' }} priority="tertiary" iconId="fr-icon-arrow-left-line" className={fr.cx('fr-mb-3w')}>
        {tp.viewer.back}
      </Button>
      {!id && <p>{tp.viewer.missing}</p>}
      {error !== undefined && <RequestErrorAlert error={error} headingLevel="h2" />}
      {notice && <Alert severity="success" small role="status" className={fr.cx('fr-mb-2w')} description={notice} />}
      {id && !row && error === undefined && signedIn && <p role="status">{tp.common.loading}</p>}
      {row && (
        <>
          {row.warning && <Alert severity="warning" small className={fr.cx('fr-mb-2w')} description={row.warning} />}
          <section aria-labelledby="details" className={fr.cx('fr-mb-4w')}>
            <h2 id="details" className={fr.cx('fr-h4')}>{tp.viewer.details}</h2>
            <FactList
              items={[
                [tp.viewer.type, typeLabel],
                [tp.viewer.date, row.date ? formatDate(row.date) : '—'],
                [tp.viewer.author, [row.author, row.structure].filter(Boolean).join(', ') || '—'],
                [tp.viewer.format, mediaType(row.contentType)],
                [tp.viewer.size, row.size !== null ? tp.viewer.bytes(row.size) : '—'],
                [tp.viewer.confidentiality, <ConfidentialityBadges row={row} />],
              ]}
            />
            <ButtonsGroup
              inlineLayoutWhen="sm and up"
              className={fr.cx('fr-mt-2w')}
              buttons={[
                { children: tp.documents.download, iconId: 'fr-icon-download-line', title: tp.documents.downloadTitle(row.title), onClick: () => void downloadDocument(row, blob).catch(setError) },
                ...(row.invisibleToPatient ? [{ children: tp.documents.makeVisible, priority: 'secondary' as const, iconId: 'fr-icon-eye-line' as const, onClick: () => void reveal(row) }] : []),
              ]}
            />
          </section>
          <section aria-labelledby="contenu-document">
            <h2 id="contenu-document" className={fr.cx('fr-h4')}>{tp.viewer.contentTitle}</h2>
            {blob && <Content row={row} blob={blob} />}
          </section>
        </>
      )}
    </Page>
  );
}
