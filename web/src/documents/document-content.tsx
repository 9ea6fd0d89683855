import { useEffect, useState } from 'react';
import { fr } from '@codegouvfr/react-dsfr';
import { Alert } from '@codegouvfr/react-dsfr/Alert.js';
import { frPatient } from '../i18n/fr-patient.ts';
import { parseCdaText, type CdaView } from './cda-sections.ts';
import { CdaDocumentView } from './cda-view.tsx';
import { contentKind, type DocumentView } from './document-view.ts';

const t = frPatient.documents.viewer;

type Shown =
  | { kind: 'pdf' | 'image'; url: string }
  | { kind: 'cda'; view: CdaView | null }
  | { kind: 'text'; text: string }
  | { kind: 'other' };

/**
 * The document's content in the page: PDF and images from a blob: URL typed by the record (never by
 * the bytes), CDA as its readable view, text as text. Nothing of the content is ever injected as HTML.
 */
export function DocumentContent({ doc, content }: { doc: DocumentView; content: Blob }) {
  const [shown, setShown] = useState<Shown | null>(null);

  useEffect(() => {
    let active = true;
    let url: string | null = null;
    const kind = contentKind(doc.contentType);
    if (kind === 'pdf' || kind === 'image') {
      url = URL.createObjectURL(new Blob([content], { type: kind === 'pdf' ? 'application/pdf' : doc.contentType }));
      setShown({ kind, url });
    } else if (kind === 'cda' || kind === 'text') {
      void content.text().then((text) => {
        if (!active) return;
        setShown(kind === 'text' ? { kind, text } : { kind, view: parseCdaText(text, new DOMParser()) });
      });
    } else {
      setShown({ kind: 'other' });
    }
    return () => {
      active = false;
      if (url) URL.revokeObjectURL(url);
    };
  }, [doc.contentType, content]);

  if (!shown) return <p role="status">{t.loading}</p>;
  switch (shown.kind) {
    case 'pdf':
      return (
        <iframe title={t.pdfFrameTitle(doc.title)} src={shown.url} style={{ width: '100%', height: '75vh', border: 0 }}>
          {t.pdfFallback}
        </iframe>
      );
    case 'image':
      return <img src={shown.url} alt={t.imageAlt(doc.title)} style={{ maxWidth: '100%', height: 'auto' }} />;
    case 'cda':
      return shown.view ? <CdaDocumentView view={shown.view} /> : <Alert severity="info" small description={t.cdaUnreadable} />;
    case 'text':
      return (
        <pre className={fr.cx('fr-p-2w')} style={{ whiteSpace: 'pre-wrap', fontFamily: 'inherit', background: fr.colors.decisions.background.alt.grey.default }}>
          {shown.text}
        </pre>
      );
    case 'other':
      return <Alert severity="info" small description={t.other} />;
  }
}
