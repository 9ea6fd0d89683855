/** The patient's documents over FHIR (IHE MHD / PDSm): find, read, retrieve, mask, delete, upload. */
import { clearSession, readSession } from '../auth/session.ts';
import type { DocumentReferenceResource } from '../documents/document-view.ts';
import { messages } from '../i18n/index.ts';
import type { PortalId } from '../router/routes.ts';
import { FHIR_BASE, fhirBlob, fhirJson, outcomeToProblem } from './fhir-client.ts';
import { ApiError } from './problem.ts';

type SearchBundle = { total?: number; entry?: { resource?: DocumentReferenceResource }[]; link?: { relation?: string; url?: string }[] };

/** Largest page the server serves (SEARCH_MAX_COUNT), and how many pages the list reads at most. */
const PAGE_SIZE = 200;
const MAX_PAGES = 5;

export interface DocumentList {
  documents: DocumentReferenceResource[];
  /** More documents exist than were read (the list shows the most recent ones). */
  truncated: boolean;
}

/** The path of a `next` link under the FHIR base (the server gives absolute URLs on its public address). */
function pathUnderBase(url: string): string | null {
  const at = url.indexOf(FHIR_BASE);
  return at < 0 ? null : url.slice(at + FHIR_BASE.length);
}

/**
 * Every document of the space the reader may see, newest first (ITI-67, keyset pages followed): a
 * patient's record is small enough for the portal to filter, sort and page it at once.
 */
export async function listDocuments(portal: PortalId, dossierId: string): Promise<DocumentList> {
  const documents: DocumentReferenceResource[] = [];
  let path: string | null = `/DocumentReference?patient=${encodeURIComponent(`Patient/${dossierId}`)}&_sort=-date&_count=${PAGE_SIZE}`;
  for (let page = 0; path && page < MAX_PAGES; page++) {
    const bundle: SearchBundle = await fhirJson<SearchBundle>(portal, path);
    for (const e of bundle.entry ?? []) if (e.resource) documents.push(e.resource);
    const next = bundle.link?.find((l) => l.relation === 'next')?.url;
    path = next ? pathUnderBase(next) : null;
  }
  return { documents, truncated: path !== null };
}

export const readDocumentReference = (portal: PortalId, id: string) =>
  fhirJson<DocumentReferenceResource>(portal, `/DocumentReference/${encodeURIComponent(id)}`);

export const readDocumentContent = (portal: PortalId, id: string) => fhirBlob(portal, `/Binary/${encodeURIComponent(id)}`);

export const patchDocumentLabels = (portal: PortalId, id: string, patch: unknown[]) =>
  fhirJson<DocumentReferenceResource>(portal, `/DocumentReference/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    body: JSON.stringify(patch),
    headers: { 'Content-Type': 'application/json-patch+json' },
  });

export const deleteDocumentReference = (portal: PortalId, id: string) =>
  fhirJson<void>(portal, `/DocumentReference/${encodeURIComponent(id)}`, { method: 'DELETE' });

/**
 * Posts a DocumentReference with its content inline, reporting upload progress (fetch cannot); the
 * answer is the stored resource, or an ApiError carrying the OperationOutcome's French messages.
 */
export function uploadDocumentReference(
  portal: PortalId,
  resource: Record<string, unknown>,
  onProgress: (fraction: number) => void,
): Promise<DocumentReferenceResource> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${FHIR_BASE}/DocumentReference`);
    xhr.setRequestHeader('Content-Type', 'application/fhir+json');
    xhr.setRequestHeader('Accept', 'application/fhir+json');
    const session = readSession(portal);
    if (session) xhr.setRequestHeader('Authorization', `Bearer ${session.accessToken}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiError(0, { title: messages.errors.genericTitle, detail: messages.errors.network }));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText) as unknown;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(body as DocumentReferenceResource);
        return;
      }
      if (xhr.status === 401) clearSession(portal, 'expired');
      reject(new ApiError(xhr.status, outcomeToProblem(xhr.status, body)));
    };
    xhr.send(JSON.stringify(resource));
  });
}
