import { formatDate } from '../i18n/format-date.ts';
import { frPatient } from '../i18n/fr-patient.ts';
import type { DocumentView } from './document-view.ts';

const t = frPatient.documents.item;

/** Who added the document: « Dr Claire Lambert — Cabinet des Lilas », « vous », « Assurance Maladie »… */
export function authorName(d: Pick<DocumentView, 'author'>, readerName: string): string {
  const a = d.author;
  switch (a.kind) {
    case 'professional':
      return a.structure ? `${a.name} — ${a.structure}` : a.name;
    case 'patient':
      return a.name === readerName ? t.you : a.name;
    case 'insurer':
      return t.insurerName(a.name);
    case 'device':
      return a.name || t.device;
    case 'unknown':
      return t.unknownAuthor;
  }
}

/** « Ajouté le 2 mars 2026 par … » (without the date when the server gave none; « Auteur non renseigné »). */
export function authorText(d: Pick<DocumentView, 'author' | 'addedAt'>, readerName: string): string {
  const date = d.addedAt ? formatDate(d.addedAt) : null;
  if (d.author.kind === 'unknown') return date ? t.addedOnUnknownAuthor(date) : t.unknownAuthor;
  return date ? t.addedOnBy(date, authorName(d, readerName)) : t.addedBy(authorName(d, readerName));
}
