/** A FHIR DocumentReference (PDSm) as the patient's document list shows it. Pure: unit-tested. */
import { documentType } from './document-types.ts';

export const LABEL_SYSTEM = 'urn:oid:1.2.250.1.213.1.1.4.13';
export const LEVEL_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality';
/** The server's extensions (src/api/fhir/fhir-primitives.ts OPENMES_EXTENSIONS). */
export const DEPOSIT_DATE_EXTENSION = 'https://openmes.example/fhir/StructureDefinition/deposit-date';
export const VISIBLE_SINCE_EXTENSION = 'https://openmes.example/fhir/StructureDefinition/visible-to-patient-since';
/** How long a document first hidden from the patient is flagged « Nouvellement visible ». */
export const NEWLY_VISIBLE_DAYS = 30;

type Coding = { system?: string; code?: string; display?: string };
type Concept = { coding?: Coding[] };
type Reference = { reference?: string; type?: string; display?: string };
type Contained = {
  resourceType?: string;
  id?: string;
  name?: string | { text?: string }[];
  deviceName?: { name?: string }[];
  practitioner?: Reference;
  organization?: Reference;
};

export interface DocumentReferenceResource {
  resourceType: 'DocumentReference';
  id: string;
  meta?: { lastUpdated?: string; versionId?: string };
  extension?: { url?: string; valueInstant?: string }[];
  contained?: Contained[];
  status?: string;
  type?: Concept;
  category?: Concept[];
  date?: string;
  author?: Reference[];
  description?: string;
  securityLabel?: Concept[];
  content?: { attachment?: { contentType?: string; size?: number; title?: string } }[];
}

export type DocumentAuthorView =
  | { kind: 'professional'; name: string; structure: string | null }
  | { kind: 'patient'; name: string }
  | { kind: 'insurer'; name: string }
  | { kind: 'device'; name: string }
  | { kind: 'unknown' };

export interface DocumentView {
  id: string;
  title: string;
  typeCode: string;
  typeLabel: string;
  /** DocumentReference.date: when the author created the document. */
  date: string | null;
  /** When it was added to the space (deposit-date extension). */
  addedAt: string | null;
  author: DocumentAuthorView;
  /** Uploaded from the patient side of this space (only those can be deleted by the patient). */
  patientUpload: boolean;
  masked: boolean;
  /**
   * Deposited hidden from the patient by a professional (SPEC §3.8), visible to them since this instant
   * (the delay ran, or the professional made it visible).
   */
  visibleToPatientSince: string | null;
  /** … and that was less than NEWLY_VISIBLE_DAYS ago: the patient may be seeing it for the first time. */
  newlyVisible: boolean;
  /** Hidden from the legal representatives at the minor's request (only the minor sees it). */
  invisibleToRepresentatives: boolean;
  /** The labels other than ours, kept as they are when masking/unmasking. */
  labels: string[];
  contentType: string;
  size: number | null;
}

const codesOf = (labels: Concept[] | undefined): string[] =>
  (labels ?? []).flatMap((c) => c.coding ?? []).filter((c) => c.system === LABEL_SYSTEM && typeof c.code === 'string').map((c) => c.code!);

function containedById(r: DocumentReferenceResource, ref: string | undefined): Contained | undefined {
  if (!ref?.startsWith('#')) return undefined;
  return r.contained?.find((c) => c.id === ref.slice(1));
}

function authorOf(r: DocumentReferenceResource): DocumentAuthorView {
  const ref = r.author?.[0];
  if (!ref) return { kind: 'unknown' };
  const display = ref.display?.trim() ?? '';
  switch (ref.type) {
    case 'PractitionerRole':
    case 'Practitioner': {
      const role = containedById(r, ref.reference);
      const name = role?.practitioner?.display ?? display;
      return { kind: 'professional', name: name || display, structure: role?.organization?.display ?? null };
    }
    case 'Patient':
      return { kind: 'patient', name: display };
    case 'Organization': {
      const org = containedById(r, ref.reference);
      return { kind: 'insurer', name: (typeof org?.name === 'string' ? org.name : '') || display };
    }
    case 'Device':
      return { kind: 'device', name: display };
    default:
      return display ? { kind: 'device', name: display } : { kind: 'unknown' };
  }
}

const DAY = 86_400_000;

function instantOf(r: DocumentReferenceResource, url: string): string | null {
  const value = r.extension?.find((e) => e.url === url)?.valueInstant;
  return value && !Number.isNaN(Date.parse(value)) ? value : null;
}

/** Made visible to the patient less than NEWLY_VISIBLE_DAYS before `now`. */
export function isNewlyVisible(visibleSince: string | null, now: Date): boolean {
  return visibleSince !== null && now.getTime() - Date.parse(visibleSince) < NEWLY_VISIBLE_DAYS * DAY;
}

/** The list entry of a DocumentReference, read at `now` (which decides « Nouvellement visible »). */
export function toDocumentView(r: DocumentReferenceResource, now: Date): DocumentView {
  const typeCode = r.type?.coding?.[0]?.code ?? '';
  const attachment = r.content?.[0]?.attachment;
  const labels = codesOf(r.securityLabel);
  const author = authorOf(r);
  const visibleToPatientSince = instantOf(r, VISIBLE_SINCE_EXTENSION);
  return {
    id: r.id,
    title: attachment?.title?.trim() || r.description?.trim() || documentType(typeCode)?.label || typeCode,
    typeCode,
    typeLabel: documentType(typeCode)?.label ?? r.type?.coding?.[0]?.display ?? typeCode,
    date: r.date ?? null,
    addedAt: instantOf(r, DEPOSIT_DATE_EXTENSION),
    author,
    patientUpload: author.kind === 'patient',
    masked: labels.includes('MASQUE_PS'),
    visibleToPatientSince,
    newlyVisible: isNewlyVisible(visibleToPatientSince, now),
    invisibleToRepresentatives: labels.includes('INVISIBLE_REPRESENTANTS_LEGAUX'),
    labels,
    contentType: attachment?.contentType ?? 'application/octet-stream',
    size: typeof attachment?.size === 'number' ? attachment.size : null,
  };
}

/** JSON Patch (PDSm TD3.3) that masks or unmasks the document, keeping its other labels. */
export function maskPatch(doc: Pick<DocumentView, 'labels'>, masked: boolean): unknown[] {
  if (masked) return [{ op: 'add', path: '/securityLabel/-', value: { system: LABEL_SYSTEM, code: 'MASQUE_PS' } }];
  const kept = doc.labels.filter((l) => l !== 'MASQUE_PS').map((code) => ({ system: LABEL_SYSTEM, code }));
  return [{ op: 'replace', path: '/securityLabel', value: kept }];
}

/** What kind of viewer the content needs. */
export type ContentKind = 'pdf' | 'image' | 'cda' | 'text' | 'other';

export function contentKind(contentType: string): ContentKind {
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  if (mime === 'application/pdf') return 'pdf';
  if (mime === 'image/jpeg' || mime === 'image/png') return 'image';
  if (mime === 'text/xml' || mime === 'application/xml' || mime === 'application/hl7-cda+xml') return 'cda';
  if (mime === 'text/plain') return 'text';
  return 'other';
}
