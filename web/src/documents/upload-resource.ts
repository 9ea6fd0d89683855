/** The DocumentReference a patient's upload sends (PDSm, content inline). Pure: unit-tested. */
import { documentType } from './document-types.ts';
import { LEVEL_SYSTEM } from './document-view.ts';

const BY_EXTENSION: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  txt: 'text/plain',
  xml: 'text/xml',
};
const ACCEPTED = new Set(Object.values(BY_EXTENSION).concat('application/xml'));

/** `accept` attribute of the file input. */
export const ACCEPT_ATTRIBUTE = '.pdf,.jpg,.jpeg,.png,.txt,.xml,application/pdf,image/jpeg,image/png,text/plain,text/xml,application/xml';

/** The content type to declare for a chosen file, or null when the record does not accept it. */
export function uploadContentType(file: { name: string; type: string }): string | null {
  const declared = file.type.toLowerCase();
  if (ACCEPTED.has(declared)) return declared;
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? '';
  return Object.hasOwn(BY_EXTENSION, extension) ? BY_EXTENSION[extension]! : null;
}

/** « analyse-sang_mars.pdf » → « analyse sang mars »: a starting point for the title. */
export function titleFromFileName(name: string): string {
  return name.replace(/\.[^.]+$/, '').replace(/[_-]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** A date picked in the form (YYYY-MM-DD) as an instant: midday in France that day, never after `now`. */
export function documentInstant(day: string, now: Date): string {
  const midday = new Date(`${day}T12:00:00+01:00`);
  return (midday.getTime() > now.getTime() ? now : midday).toISOString();
}

export interface UploadInput {
  dossierId: string;
  typeCode: string;
  day: string;
  title: string;
  contentType: string;
  base64: string;
  /** A fresh UUID: the document's unique id (a retried upload is recognised, not duplicated). */
  uuid: string;
  now: Date;
}

export function patientDocumentReference(i: UploadInput): Record<string, unknown> {
  const type = documentType(i.typeCode);
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    masterIdentifier: { system: 'urn:ietf:rfc:3986', value: `urn:uuid:${i.uuid}` },
    type: { coding: [{ system: type?.system ?? 'urn:oid:1.2.250.1.213.1.1.4.12', code: i.typeCode }] },
    subject: { reference: `Patient/${i.dossierId}` },
    date: documentInstant(i.day, i.now),
    description: i.title,
    securityLabel: [{ coding: [{ system: LEVEL_SYSTEM, code: 'N' }] }],
    content: [{ attachment: { contentType: i.contentType, title: i.title, data: i.base64 } }],
  };
}
