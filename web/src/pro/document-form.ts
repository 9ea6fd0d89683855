/**
 * The feeding form of the professional portal (pure helpers): form values → PDSm DocumentReference
 * with inline base64 content, and the server's issues → the form field they are shown next to.
 */
import { LABEL_SYSTEM, RPPS_SYSTEM } from './document-rows.ts';
import type { FieldIssue } from './request-error.ts';

export interface DepositFile {
  name: string;
  contentType: string;
  base64: string;
}

export interface DepositValues {
  patientId: string;
  file: DepositFile | null;
  title: string;
  /** `system|code` of a J66 type. */
  type: string;
  /** `system|code` of a J57 class (empty: the server derives it from the type). */
  documentClass: string;
  /** Day of the document, YYYY-MM-DD. */
  date: string;
  description: string;
  /** `system|code` of J04 / J02 / J01 codes, or empty. */
  practiceSetting: string;
  facilityType: string;
  authorSpecialty: string;
  /** The producer's unique id of the document (what an opposition names). */
  masterIdentifier: string;
  maskedToProfessionals: boolean;
  invisibleToPatient: boolean;
  invisibleToRepresentatives: boolean;
}

export type DepositField =
  | 'file' | 'title' | 'type' | 'documentClass' | 'date' | 'description' | 'practiceSetting' | 'facilityType'
  | 'authorSpecialty' | 'masterIdentifier' | 'labels' | 'form';

/** `system|code` → coding; the system holds no `|` (URIs and OIDs never do). */
export function codingOf(key: string): { system: string; code: string } | undefined {
  const bar = key.indexOf('|');
  if (bar <= 0 || bar === key.length - 1) return undefined;
  return { system: key.slice(0, bar), code: key.slice(bar + 1) };
}

const concept = (key: string) => {
  const coding = codingOf(key);
  return coding ? { coding: [coding] } : undefined;
};

/**
 * The day as an instant (FHIR requires a time zone): noon local time, so the calendar day stays the
 * one chosen whatever the zone the server reads it in.
 */
export function dayToInstant(day: string): string {
  return new Date(`${day}T12:00:00`).toISOString();
}

/** The DocumentReference to POST; the author is taken by the server from the card, declared here for PDSm. */
export function buildDocumentReference(v: DepositValues, author: { rpps: string | null }): Record<string, unknown> {
  const labels = [
    ...(v.maskedToProfessionals ? ['MASQUE_PS'] : []),
    ...(v.invisibleToPatient ? ['INVISIBLE_PATIENT'] : []),
    ...(v.invisibleToRepresentatives ? ['INVISIBLE_REPRESENTANTS_LEGAUX'] : []),
  ];
  const specialty = concept(v.authorSpecialty);
  const context = {
    ...(concept(v.practiceSetting) ? { practiceSetting: concept(v.practiceSetting) } : {}),
    ...(concept(v.facilityType) ? { facilityType: concept(v.facilityType) } : {}),
  };
  const practitioner = author.rpps ? [{ resourceType: 'Practitioner', id: 'author-practitioner', identifier: [{ system: RPPS_SYSTEM, value: author.rpps }] }] : [];
  const role = {
    resourceType: 'PractitionerRole',
    id: 'author',
    ...(author.rpps ? { practitioner: { reference: '#author-practitioner' } } : {}),
    ...(specialty ? { specialty: [specialty] } : {}),
  };
  return {
    resourceType: 'DocumentReference',
    contained: [...practitioner, role],
    masterIdentifier: { system: 'urn:ietf:rfc:3986', value: v.masterIdentifier.trim() },
    status: 'current',
    type: concept(v.type),
    ...(concept(v.documentClass) ? { category: [concept(v.documentClass)] } : {}),
    subject: { reference: `Patient/${v.patientId}` },
    date: dayToInstant(v.date),
    author: [{ reference: '#author' }],
    ...(v.description.trim() ? { description: v.description.trim() } : {}),
    securityLabel: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' }] },
      ...labels.map((code) => ({ coding: [{ system: LABEL_SYSTEM, code }] })),
    ],
    content: [{ attachment: { contentType: v.file?.contentType ?? '', title: v.title.trim(), data: v.file?.base64 ?? '' } }],
    ...(Object.keys(context).length ? { context } : {}),
  };
}

const FIELD_PREFIXES: ReadonlyArray<readonly [string, DepositField]> = [
  ['content[0].attachment.title', 'title'],
  ['content.attachment.title', 'title'],
  ['content', 'file'],
  ['type', 'type'],
  ['category', 'documentClass'],
  ['date', 'date'],
  ['description', 'description'],
  ['context.practiceSetting', 'practiceSetting'],
  ['context.facilityType', 'facilityType'],
  ['author', 'authorSpecialty'],
  ['contained', 'authorSpecialty'],
  ['masterIdentifier', 'masterIdentifier'],
  ['securityLabel', 'labels'],
];

/** The form field an issue of the server is about (`DocumentReference.type.coding[0]` → `type`). */
export function depositFieldOf(issue: Pick<FieldIssue, 'field'>): DepositField {
  const path = issue.field.replace(/^DocumentReference\./, '');
  for (const [prefix, field] of FIELD_PREFIXES) {
    if (path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`)) return field;
  }
  return 'form';
}

/** The issues grouped by form field, in the order received. */
export function issuesByField(issues: readonly FieldIssue[]): Partial<Record<DepositField, string[]>> {
  const out: Partial<Record<DepositField, string[]>> = {};
  for (const issue of issues) (out[depositFieldOf(issue)] ??= []).push(issue.message);
  return out;
}

/** What the form checks before sending (the server checks everything again). */
export function missingFields(v: DepositValues): DepositField[] {
  const missing: DepositField[] = [];
  if (!v.file) missing.push('file');
  if (!v.title.trim()) missing.push('title');
  if (!v.type) missing.push('type');
  if (!v.date) missing.push('date');
  if (!v.masterIdentifier.trim()) missing.push('masterIdentifier');
  return missing;
}

/** The media type to declare for a chosen file: the browser's, or from the extension when it has none. */
export function fileContentType(name: string, browserType: string): string {
  if (browserType) return browserType === 'text/xml' || browserType === 'application/xml' ? 'text/xml' : browserType;
  const ext = name.toLowerCase().split('.').pop() ?? '';
  return ({ pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', txt: 'text/plain', xml: 'text/xml' } as Record<string, string>)[ext] ?? 'application/octet-stream';
}
