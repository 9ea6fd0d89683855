/**
 * The patient's documents as the professional portal lists them (pure helpers): PDSm DocumentReference
 * → row, the ITI-67 search query of the filters, paging cursors, the label change that makes a
 * document visible to the patient, and the file name of a download.
 */

export const LABEL_SYSTEM = 'urn:oid:1.2.250.1.213.1.1.4.13';
export const RPPS_SYSTEM = 'https://rpps.esante.gouv.fr';
const INVISIBLE_WARNING = 'https://openmes.example/fhir/StructureDefinition/patient-invisible-warning';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const firstCoding = (concept: unknown): Obj => obj(list(obj(concept).coding)[0]);

export interface DocumentRow {
  /** FHIR id (`<dossier>.<document>` style id of the server), used for read, Binary and PATCH. */
  id: string;
  title: string;
  typeCode: string;
  classCode: string | null;
  date: string | null;
  author: string | null;
  structure: string | null;
  contentType: string;
  size: number | null;
  masked: boolean;
  invisibleToPatient: boolean;
  invisibleToRepresentatives: boolean;
  /** The server's warning for professionals (SPEC §3.8), word for word, when the patient cannot see it. */
  warning: string | null;
  /** The securityLabel as received, kept to write it back minus one label. */
  securityLabel: unknown[];
}

/** Author's name and structure: the contained PractitionerRole and Organization, or the display. */
function authorOf(r: Obj): { author: string | null; structure: string | null } {
  const ref = obj(list(r.author)[0]);
  const contained = list(r.contained).map(obj);
  const org = contained.find((c) => c.resourceType === 'Organization' && c.id !== 'author');
  return { author: str(ref.display) ?? null, structure: str(org?.name) ?? null };
}

export function documentRow(resource: unknown): DocumentRow | undefined {
  const r = obj(resource);
  const id = str(r.id);
  if (r.resourceType !== 'DocumentReference' || !id) return undefined;
  const attachment = obj(obj(list(r.content)[0]).attachment);
  const labels = list(r.securityLabel).map((l) => firstCoding(l)).filter((c) => c.system === LABEL_SYSTEM).map((c) => c.code);
  const warning = list(r.extension).map(obj).find((e) => e.url === INVISIBLE_WARNING);
  return {
    id,
    title: str(attachment.title) ?? str(r.description) ?? id,
    typeCode: str(firstCoding(r.type).code) ?? '',
    classCode: str(firstCoding(list(r.category)[0]).code) ?? null,
    date: str(r.date) ?? null,
    ...authorOf(r),
    contentType: str(attachment.contentType) ?? 'application/octet-stream',
    size: typeof attachment.size === 'number' ? attachment.size : null,
    masked: labels.includes('MASQUE_PS'),
    invisibleToPatient: labels.includes('INVISIBLE_PATIENT'),
    invisibleToRepresentatives: labels.includes('INVISIBLE_REPRESENTANTS_LEGAUX'),
    warning: str(warning?.valueString) ?? null,
    securityLabel: list(r.securityLabel),
  };
}

export interface DocumentPage {
  rows: DocumentRow[];
  total: number | null;
  /** Opaque cursor of the next page (`_page`), when there is one. */
  next: string | null;
}

export function documentPage(bundle: unknown): DocumentPage {
  const b = obj(bundle);
  const rows = list(b.entry).flatMap((e) => {
    const row = documentRow(obj(e).resource);
    return row ? [row] : [];
  });
  const nextLink = list(b.link).map(obj).find((l) => l.relation === 'next');
  const nextUrl = str(nextLink?.url);
  const next = nextUrl ? new URL(nextUrl, 'http://x').searchParams.get('_page') : null;
  return { rows, total: typeof b.total === 'number' ? b.total : null, next };
}

export interface DocumentFilters {
  /** A J66 type: `system|code`. */
  type: string;
  /** YYYY-MM-DD bounds on the document date, inclusive. */
  from: string;
  to: string;
  /** The author's RPPS (11 digits). */
  authorRpps: string;
  /** A J04 practice setting: `system|code`. */
  setting: string;
  sort: 'date' | '-date';
}

export const NO_FILTERS: DocumentFilters = { type: '', from: '', to: '', authorRpps: '', setting: '', sort: '-date' };
export const PAGE_SIZE = 10;

/** ITI-67 query of the patient's documents for the filters (and the page cursor). */
export function documentSearchQuery(patientId: string, f: DocumentFilters, cursor: string | null = null): string {
  const p = new URLSearchParams();
  p.set('patient', `Patient/${patientId}`);
  if (f.type) p.set('type', f.type);
  if (f.from) p.append('date', `ge${f.from}`);
  if (f.to) p.append('date', `le${f.to}`);
  const rpps = f.authorRpps.replace(/\s/g, '');
  if (rpps) p.set('author.identifier', `${RPPS_SYSTEM}|${rpps}`);
  if (f.setting) p.set('setting', f.setting);
  p.set('_sort', f.sort);
  p.set('_count', String(PAGE_SIZE));
  if (cursor) p.set('_page', cursor);
  return p.toString();
}

/** JSON Patch making the document visible to the patient: the labels as they are, minus INVISIBLE_PATIENT. */
export function revealToPatientPatch(row: Pick<DocumentRow, 'securityLabel'>): unknown[] {
  const kept = row.securityLabel.filter((l) => {
    const c = firstCoding(l);
    return !(c.system === LABEL_SYSTEM && c.code === 'INVISIBLE_PATIENT');
  });
  return [{ op: 'replace', path: '/securityLabel', value: kept }];
}

const EXTENSIONS: Record<string, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'text/plain': 'txt',
  'text/xml': 'xml',
  'application/xml': 'xml',
  'application/hl7-v3+xml': 'xml',
};

/** The bare media type, lower-cased (`text/xml; charset=UTF-8` → `text/xml`). */
export function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

/** What the viewer does with a content type: the browser shows PDF and images; CDA and text become text. */
export function viewKind(contentType: string): 'pdf' | 'image' | 'cda' | 'text' | 'none' {
  const type = mediaType(contentType);
  if (type === 'application/pdf') return 'pdf';
  if (type === 'image/jpeg' || type === 'image/png') return 'image';
  if (type.endsWith('/xml') || type.endsWith('+xml')) return 'cda';
  if (type === 'text/plain') return 'text';
  return 'none';
}

/**
 * A file name for "importer" (download): the title with characters no file system accepts removed,
 * and the extension of its type, so the professional's software recognises it.
 */
export function downloadName(title: string, contentType: string): string {
  const extension = EXTENSIONS[mediaType(contentType)] ?? 'bin';
  const base = title
    .normalize('NFC')
    .replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 120)
    .trim();
  const name = base === '' ? 'document' : base;
  return name.toLowerCase().endsWith(`.${extension}`) ? name : `${name}.${extension}`;
}
