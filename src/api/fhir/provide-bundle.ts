import { issue, type ValidationIssue } from '../../domain/validation-issue.ts';
import {
  fhirString, isDateTime, isObj, parseDocumentReference, parseSubject, readBase64,
  type DocumentSubject, type NewDocumentInput, type Obj,
} from './document-reference-mapper.ts';

/**
 * ITI-65 Provide Document Bundle (PDSm comprehensive provide bundle): one SubmissionSet List, 1..n
 * DocumentReference, 0..n Binary, in a `transaction` Bundle (DOMAIN.md §3.3, TD2 / TD2.1). Pure:
 * returns the documents to deposit or the issues, each naming `Bundle.entry[i]…`; never throws.
 */

export const PROVIDE_BUNDLE_ISSUE_CODES = {
  BUNDLE: 'FHIR_BUNDLE_TYPE',
  ENTRY: 'FHIR_BUNDLE_ENTRY',
  ENTRY_UNSUPPORTED: 'FHIR_BUNDLE_ENTRY_UNSUPPORTED',
  FULL_URL_DUPLICATE: 'FHIR_BUNDLE_FULL_URL_DUPLICATE',
  SUBMISSION_SET: 'FHIR_BUNDLE_SUBMISSION_SET',
  NO_DOCUMENT: 'FHIR_BUNDLE_NO_DOCUMENT',
  DOCUMENT_UNREFERENCED: 'FHIR_BUNDLE_DOCUMENT_UNREFERENCED',
  REFERENCE_NOT_FOUND: 'FHIR_BUNDLE_REFERENCE_NOT_FOUND',
  BINARY: 'FHIR_BUNDLE_BINARY',
  BINARY_UNREFERENCED: 'FHIR_BUNDLE_BINARY_UNREFERENCED',
  BINARY_CONTENT_TYPE: 'FHIR_BUNDLE_BINARY_CONTENT_TYPE',
  SUBJECT_MISMATCH: 'FHIR_BUNDLE_SUBJECT_MISMATCH',
  DUPLICATE_DOCUMENT: 'FHIR_BUNDLE_DUPLICATE_MASTER_IDENTIFIER',
} as const;
const C = PROVIDE_BUNDLE_ISSUE_CODES;

/** MHD list-type code system, as spelled by MHD 4.x and by older PDSm examples. */
const LIST_TYPE_SYSTEMS: ReadonlySet<string> = new Set([
  'https://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes',
  'http://profiles.ihe.net/ITI/MHD/CodeSystem/MHDlistTypes',
  'http://ihe.net/fhir/CodeSystem/MHDlistTypes',
  'urn:ihe:iti:mhd:2020',
]);
const URN_UUID = /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type SubmissionSetInput = {
  fullUrl: string;
  /** identifier[uniqueId] (use `usual`), set by the producer. */
  uniqueId: string;
  /** identifier[entryUUID] (use `official`), when the producer sent one. */
  entryUUID: string | null;
  /** extension ihe-sourceId: the producing system. */
  sourceId: string | null;
  title: string | null;
  date: string | null;
  subject: DocumentSubject;
  /** List.source.reference as sent (the service records the authenticated actor as author). */
  source: string | null;
};

export type ProvidedDocument = { fullUrl: string; input: NewDocumentInput };
export type ProvideBundleInput = { submissionSet: SubmissionSetInput; documents: ProvidedDocument[] };
export type ParseProvideBundleResult = ({ ok: true } & ProvideBundleInput) | { ok: false; issues: ValidationIssue[] };
export type ProvideBundleContext = { maxBytes: number; baseUrl?: string; maxEntries?: number };

type Entry = { index: number; fullUrl: string; resource: Obj };
type Binary = { index: number; contentType: string | undefined; base64: string | undefined; used: boolean };
type Issues = ValidationIssue[];

/** Reads an ITI-65 transaction into the submission set and the documents (Binary data resolved). */
export function parseProvideBundle(bundle: unknown, ctx: ProvideBundleContext): ParseProvideBundleResult {
  if (!isObj(bundle) || bundle.resourceType !== 'Bundle' || bundle.type !== 'transaction') {
    return { ok: false, issues: [issue('Bundle.type', C.BUNDLE, 'Un Bundle de type « transaction » est attendu (ITI-65).')] };
  }
  const max = ctx.maxEntries ?? 1000;
  if (!Array.isArray(bundle.entry) || bundle.entry.length === 0 || bundle.entry.length > max) {
    return { ok: false, issues: [issue('Bundle.entry', C.ENTRY, `La transaction doit contenir entre 1 et ${max} entrées.`)] };
  }
  const issues: Issues = [];
  const entries = readEntries(bundle.entry, issues);
  const lists = entries.filter((e) => e.resource.resourceType === 'List');
  const binaries = readBinaries(entries.filter((e) => e.resource.resourceType === 'Binary'), ctx.maxBytes, issues);
  const documents = readDocuments(entries.filter((e) => e.resource.resourceType === 'DocumentReference'), binaries, ctx, issues);
  for (const e of entries) {
    if (!['List', 'Binary', 'DocumentReference'].includes(String(e.resource.resourceType))) {
      issues.push(issue(`Bundle.entry[${e.index}].resource.resourceType`, C.ENTRY_UNSUPPORTED, 'Seules des ressources List (lot de soumission), DocumentReference et Binary sont acceptées.'));
    }
  }
  const submissionSet = readSubmissionSet(lists, ctx, issues);
  if (documents.size === 0) issues.push(issue('Bundle.entry', C.NO_DOCUMENT, 'La transaction doit contenir au moins un DocumentReference.'));
  if (submissionSet) checkLinks(submissionSet, documents, issues);
  for (const [fullUrl, b] of binaries) {
    if (!b.used) issues.push(issue(`Bundle.entry[${b.index}]`, C.BINARY_UNREFERENCED, `Le Binary ${fullUrl} n'est référencé par aucun DocumentReference.`));
  }
  checkDuplicates(documents, issues);
  if (issues.length > 0 || !submissionSet) return { ok: false, issues };
  const docs: ProvidedDocument[] = [];
  for (const [fullUrl, d] of documents) if (d.input) docs.push({ fullUrl, input: d.input });
  return { ok: true, submissionSet: submissionSet.value, documents: docs };
}

function readEntries(raw: unknown[], issues: Issues): Entry[] {
  const entries: Entry[] = [];
  const seen = new Set<string>();
  raw.forEach((e, index) => {
    const at = `Bundle.entry[${index}]`;
    if (!isObj(e) || !isObj(e.resource) || typeof e.resource.resourceType !== 'string') {
      issues.push(issue(`${at}.resource`, C.ENTRY, 'Chaque entrée doit contenir une ressource.'));
      return;
    }
    const fullUrl = typeof e.fullUrl === 'string' && URN_UUID.test(e.fullUrl) ? e.fullUrl.toLowerCase() : undefined;
    if (!fullUrl) issues.push(issue(`${at}.fullUrl`, C.ENTRY, 'fullUrl doit être un identifiant urn:uuid:… (ITI-65).'));
    else if (seen.has(fullUrl)) issues.push(issue(`${at}.fullUrl`, C.FULL_URL_DUPLICATE, 'Ce fullUrl est déjà utilisé par une autre entrée.'));
    const request = isObj(e.request) ? e.request : {};
    if (request.method !== 'POST' || request.url !== e.resource.resourceType) {
      issues.push(issue(`${at}.request`, C.ENTRY, `Chaque entrée doit être une création : request.method POST et request.url ${e.resource.resourceType.slice(0, 64)}.`));
    }
    if (fullUrl && !seen.has(fullUrl)) {
      seen.add(fullUrl);
      entries.push({ index, fullUrl, resource: e.resource });
    }
  });
  return entries;
}

function readBinaries(entries: Entry[], maxBytes: number, issues: Issues): Map<string, Binary> {
  const out = new Map<string, Binary>();
  for (const e of entries) {
    const at = `Bundle.entry[${e.index}].resource`;
    const contentType = fhirString(e.resource.contentType, 256);
    if (!contentType) issues.push(issue(`${at}.contentType`, C.BINARY, 'Le type MIME (contentType) du Binary est obligatoire.'));
    const base64 = readBase64(e.resource.data, `${at}.data`, maxBytes, issues);
    out.set(e.fullUrl, { index: e.index, contentType, base64, used: false });
  }
  return out;
}

type ParsedDocument = { index: number; input: NewDocumentInput | undefined };

function readDocuments(entries: Entry[], binaries: Map<string, Binary>, ctx: ProvideBundleContext, issues: Issues): Map<string, ParsedDocument> {
  const out = new Map<string, ParsedDocument>();
  for (const e of entries) {
    const root = `Bundle.entry[${e.index}].resource`;
    const parsed = parseDocumentReference(e.resource, { maxBytes: ctx.maxBytes, baseUrl: ctx.baseUrl, inBundle: true, root });
    if (!parsed.ok) {
      issues.push(...parsed.issues);
      out.set(e.fullUrl, { index: e.index, input: undefined });
      continue;
    }
    let input: NewDocumentInput | undefined = parsed.input;
    const content = input.content;
    if (content.kind === 'binary' && content.reference.startsWith('urn:uuid:')) {
      const binary = binaries.get(content.reference);
      const at = `${root}.content[0].attachment.url`;
      if (!binary) {
        issues.push(issue(at, C.REFERENCE_NOT_FOUND, `Aucune entrée Binary de la transaction n'a le fullUrl ${content.reference}.`));
        input = undefined;
      } else {
        binary.used = true;
        if (binary.contentType && binary.contentType !== input.contentType) {
          issues.push(issue(`${root}.content[0].attachment.contentType`, C.BINARY_CONTENT_TYPE, `Le type MIME du document (${input.contentType}) diffère de celui du Binary (${binary.contentType}).`));
        }
        input = binary.base64 ? { ...input, content: { kind: 'inline', base64: binary.base64 } } : undefined;
      }
    }
    out.set(e.fullUrl, { index: e.index, input });
  }
  return out;
}

type ParsedSubmissionSet = { index: number; value: SubmissionSetInput; items: Array<{ path: string; reference: unknown }> };

function readSubmissionSet(lists: Entry[], ctx: ProvideBundleContext, issues: Issues): ParsedSubmissionSet | undefined {
  const sets: Entry[] = [];
  for (const l of lists) {
    const codings = isObj(l.resource.code) && Array.isArray(l.resource.code.coding) ? l.resource.code.coding : [];
    const kind = codings.find((c) => isObj(c) && typeof c.system === 'string' && LIST_TYPE_SYSTEMS.has(c.system));
    const code = isObj(kind) ? kind.code : undefined;
    if (code === 'submissionset') sets.push(l);
    else if (code === 'folder') issues.push(issue(`Bundle.entry[${l.index}].resource.code`, C.ENTRY_UNSUPPORTED, 'Les classeurs (List folder) ne sont pas pris en charge.'));
    else issues.push(issue(`Bundle.entry[${l.index}].resource.code`, C.SUBMISSION_SET, 'Le code de la List doit être « submissionset » (MHDlistTypes).'));
  }
  if (sets.length !== 1) {
    const at = sets.length === 0 ? 'Bundle.entry' : `Bundle.entry[${sets[1]?.index ?? 0}]`;
    issues.push(issue(at, C.SUBMISSION_SET, 'La transaction doit contenir exactement un lot de soumission (List submissionset).'));
    return undefined;
  }
  return parseSubmissionSetList(sets[0] as Entry, ctx, issues);
}

function parseSubmissionSetList(e: Entry, ctx: ProvideBundleContext, issues: Issues): ParsedSubmissionSet | undefined {
  const l = e.resource;
  const root = `Bundle.entry[${e.index}].resource`;
  const before = issues.length;
  if (l.status !== 'current') issues.push(issue(`${root}.status`, C.SUBMISSION_SET, 'Le statut du lot de soumission doit être « current ».'));
  if (l.mode !== 'working') issues.push(issue(`${root}.mode`, C.SUBMISSION_SET, 'Le mode du lot de soumission doit être « working ».'));
  const identifiers = Array.isArray(l.identifier) ? l.identifier.filter(isObj) : [];
  const uniqueId = fhirString(identifiers.find((i) => i.use === 'usual')?.value, 256);
  if (!uniqueId) issues.push(issue(`${root}.identifier`, C.SUBMISSION_SET, 'L’identifiant unique du lot (identifier de use « usual ») est obligatoire.'));
  const entryUUID = fhirString(identifiers.find((i) => i.use === 'official')?.value, 256) ?? null;
  const subject = parseSubject(l.subject, `${root}.subject`, issues, ctx.baseUrl);
  if (l.date !== undefined && !isDateTime(l.date)) issues.push(issue(`${root}.date`, C.SUBMISSION_SET, 'Date de soumission attendue au format FHIR dateTime.'));
  if (l.title !== undefined && !fhirString(l.title, 1024)) issues.push(issue(`${root}.title`, C.SUBMISSION_SET, 'Le titre du lot doit être un texte non vide.'));
  if (!Array.isArray(l.entry) || l.entry.length === 0) issues.push(issue(`${root}.entry`, C.SUBMISSION_SET, 'Le lot de soumission doit lister ses documents (entry.item).'));
  const items = (Array.isArray(l.entry) ? l.entry : []).map((it, j) => ({ path: `${root}.entry[${j}].item.reference`, reference: isObj(it) && isObj(it.item) ? it.item.reference : undefined }));
  if (issues.length > before || !uniqueId || !subject) return undefined;
  const value: SubmissionSetInput = {
    fullUrl: e.fullUrl, uniqueId, entryUUID, sourceId: sourceIdOf(l.extension),
    title: fhirString(l.title, 1024) ?? null, date: typeof l.date === 'string' ? l.date : null, subject,
    source: isObj(l.source) ? fhirString(l.source.reference, 512) ?? null : null,
  };
  return { index: e.index, value, items };
}

function sourceIdOf(extensions: unknown): string | null {
  const ext = Array.isArray(extensions) ? extensions.find((x) => isObj(x) && typeof x.url === 'string' && x.url.endsWith('/ihe-sourceId')) : undefined;
  const id = isObj(ext) && isObj(ext.valueIdentifier) ? ext.valueIdentifier.value : undefined;
  return fhirString(id, 256) ?? null;
}

/** Every List item names a DocumentReference of the bundle, every DocumentReference is listed, one patient. */
function checkLinks(set: ParsedSubmissionSet, documents: Map<string, ParsedDocument>, issues: Issues): void {
  const listed = new Set<string>();
  for (const item of set.items) {
    const ref = typeof item.reference === 'string' ? item.reference.toLowerCase() : '';
    if (documents.has(ref)) listed.add(ref);
    else issues.push(issue(item.path, C.REFERENCE_NOT_FOUND, 'Chaque élément du lot doit désigner le fullUrl d’un DocumentReference de la transaction.'));
  }
  for (const [fullUrl, d] of documents) {
    if (!listed.has(fullUrl)) issues.push(issue(`Bundle.entry[${d.index}]`, C.DOCUMENT_UNREFERENCED, 'Ce DocumentReference n’est pas listé dans le lot de soumission.'));
    if (d.input && !sameSubject(d.input.subject, set.value.subject)) {
      issues.push(issue(`Bundle.entry[${d.index}].resource.subject`, C.SUBJECT_MISMATCH, 'Tous les documents doivent concerner le patient du lot de soumission, désigné de la même façon.'));
    }
  }
}

function sameSubject(a: DocumentSubject, b: DocumentSubject): boolean {
  if (a.kind === 'reference' && b.kind === 'reference') return a.id === b.id;
  if (a.kind === 'ins' && b.kind === 'ins') return a.system === b.system && a.value === b.value;
  return false;
}

function checkDuplicates(documents: Map<string, ParsedDocument>, issues: Issues): void {
  const seen = new Set<string>();
  for (const d of documents.values()) {
    if (!d.input) continue;
    if (seen.has(d.input.masterIdentifier)) {
      issues.push(issue(`Bundle.entry[${d.index}].resource.masterIdentifier.value`, C.DUPLICATE_DOCUMENT, 'Deux documents de la transaction ont le même identifiant unique (masterIdentifier).'));
    }
    seen.add(d.input.masterIdentifier);
  }
}

export type TransactionResult = { status: '201 Created' | '200 OK'; location: string; etag?: string; lastModified?: string };

/** The ITI-65 response: one entry per request entry, in the same order as the request. */
export function buildTransactionResponse(results: readonly TransactionResult[]): Record<string, unknown> {
  return {
    resourceType: 'Bundle',
    type: 'transaction-response',
    entry: results.map((r) => ({
      response: {
        status: r.status,
        location: r.location,
        ...(r.etag ? { etag: r.etag } : {}),
        ...(r.lastModified ? { lastModified: r.lastModified } : {}),
      },
    })),
  };
}
