/** "Importer": the document's bytes saved as a file with its title and the extension of its type. */
import { downloadName } from './document-rows.ts';
import { proFetchBlob } from './pro-fetch.ts';

export async function downloadDocument(doc: { id: string; title: string; contentType: string }, blob?: Blob): Promise<void> {
  const bytes = blob ?? (await proFetchBlob(`/fhir/R4/Binary/${encodeURIComponent(doc.id)}`));
  const typed = bytes.type === doc.contentType ? bytes : new Blob([bytes], { type: doc.contentType });
  const url = URL.createObjectURL(typed);
  const link = document.createElement('a');
  link.href = url;
  link.download = downloadName(doc.title, doc.contentType);
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // Let the browser start the download before the URL goes away.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
