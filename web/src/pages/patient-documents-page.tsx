import { Page } from '../components/page.tsx';
import { DocumentDetail } from '../documents/document-detail.tsx';
import { DocumentList } from '../documents/document-list.tsx';
import { messages } from '../i18n/index.ts';
import { useLocation } from '../router/use-location.ts';
import { SpaceGate } from '../spaces/space-gate.tsx';

/** `/documents` (the list) and `/documents?document=<id>` (one document shown in the page). */
export function PatientDocumentsPage() {
  const { search } = useLocation();
  const documentId = new URLSearchParams(search).get('document');
  return (
    <Page title={messages.sections.documents.title}>
      <SpaceGate>
        {(space, me) =>
          documentId ? (
            <DocumentDetail key={documentId} id={documentId} readerName={me.displayName} />
          ) : (
            <DocumentList key={space.dossierId} dossierId={space.dossierId} readerName={me.displayName} />
          )
        }
      </SpaceGate>
    </Page>
  );
}
