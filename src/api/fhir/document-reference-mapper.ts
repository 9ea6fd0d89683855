import { CONFIDENTIALITY_LABELS, type ConfidentialityLabel, type ConfidentialityLevel } from '../../domain/document.ts';
import { validateIns } from '../../domain/identity/ins.ts';
import { issue, type ValidationIssue } from '../../domain/validation-issue.ts';
import { containedById, parseAuthors } from './document-author-parser.ts';
import {
  DOCUMENT_REFERENCE_ISSUE_CODES, type DocumentContentInput, type DocumentSubject, type NewDocumentInput, type ParseDocumentContext,
  type ParseDocumentReferenceResult, type RelatedRef,
} from './document-reference-input.ts';
import { INS_SYSTEM_URIS } from './ins-systems.ts';

/**
 * FHIR DocumentReference (PDSm comprehensive profile of IHE MHD) <-> our document model. Pure: the
 * parser returns issues as values and never throws; the service checks terminology, size/hash and
 * access. DOMAIN.md §2.5, §3.3; SPEC §2, §3.8.
 */

import { canonicalSystem, FHIR_SYSTEMS, LOINC_CODE, fhirString, isDateTime, isInstant, isObj, referenceId, type Obj } from './fhir-primitives.ts';

export * from './fhir-primitives.ts';
export * from './document-reference-to-fhir.ts';
export * from './document-reference-input.ts';

const C = DOCUMENT_REFERENCE_ISSUE_CODES;


const ELEMENTS = new Set([
  'resourceType', 'id', 'meta', 'implicitRules', 'language', 'text', 'contained', 'extension', 'modifierExtension',
  'masterIdentifier', 'identifier', 'status', 'docStatus', 'type', 'category', 'subject', 'date', 'author',
  'authenticator', 'custodian', 'relatesTo', 'description', 'securityLabel', 'content', 'context',
]);
const LEVELS: ReadonlySet<string> = new Set<ConfidentialityLevel>(['N', 'R', 'V']);
const LABELS: ReadonlySet<string> = new Set(CONFIDENTIALITY_LABELS);

type Issues = ValidationIssue[];
type CodingSpec = { systems: ReadonlySet<string>; what: string };
const TYPE_SPEC: CodingSpec = { systems: new Set([FHIR_SYSTEMS.LOINC, FHIR_SYSTEMS.TRE_A05_TYPE]), what: 'le type de document (LOINC ou TRE_A05)' };
const CLASS_SPEC: CodingSpec = { systems: new Set([FHIR_SYSTEMS.TRE_A03_CLASS]), what: 'la classe de document (TRE_A03)' };
const FACILITY_SPEC: CodingSpec = { systems: new Set([FHIR_SYSTEMS.TRE_R02_SECTOR, FHIR_SYSTEMS.TRE_A00_NON_PS]), what: "le secteur d'activité (TRE_R02 ou TRE_A00)" };
const SETTING_SPEC: CodingSpec = { systems: new Set([FHIR_SYSTEMS.TRE_A01_PRACTICE, FHIR_SYSTEMS.TRE_A00_NON_PS]), what: "le cadre d'exercice (TRE_A01 ou TRE_A00)" };
const FORMAT_SPEC: CodingSpec = {
  systems: new Set([FHIR_SYSTEMS.IHE_FORMAT, FHIR_SYSTEMS.TRE_A06_FORMAT, FHIR_SYSTEMS.DICOM_UID, FHIR_SYSTEMS.RFC3986]),
  what: 'le format (TRE_A06, IHE formatCode, DICOM ou URN)',
};

/** Validates an incoming DocumentReference (create / ITI-65 entry) and reads it into a NewDocumentInput. */
export function parseDocumentReference(resource: unknown, ctx: ParseDocumentContext): ParseDocumentReferenceResult {
  const root = ctx.root ?? 'DocumentReference';
  if (!isObj(resource) || resource.resourceType !== 'DocumentReference') {
    return { ok: false, issues: [issue(`${root}.resourceType`, C.RESOURCE_TYPE, 'Une ressource DocumentReference est attendue.')] };
  }
  const r = resource;
  const at = (p: string) => `${root}.${p}`;
  const issues: Issues = [];
  checkElements(r, root, issues);
  if (r.status !== 'current') issues.push(issue(at('status'), C.STATUS, 'Le statut doit être « current » au dépôt d’un document.'));
  const masterIdentifier = parseMasterIdentifier(r.masterIdentifier, at('masterIdentifier'), issues);
  const type = parseCodeable(r.type, at('type'), TYPE_SPEC, issues, { required: true, single: true });
  if (type && (type.system === FHIR_SYSTEMS.LOINC) !== LOINC_CODE.test(type.code)) {
    issues.push(issue(at('type.coding[0].code'), C.CODE_SYSTEM, 'Le code du type ne correspond pas à son système (code LOINC « 11488-4 » ou code TRE_A05).'));
  }
  const category = parseCategory(r.category, at('category'), issues);
  const subject = parseSubject(r.subject, at('subject'), issues, ctx.baseUrl);
  const contained = containedById(r.contained, at('contained'), issues);
  const authors = parseAuthors(r.author, at('author'), contained, issues, ctx.baseUrl);
  const date = readDate(r.date, at('date'), issues, { required: true, instant: true });
  const description = readOptionalString(r.description, at('description'), issues);
  const security = parseSecurityLabels(r.securityLabel, at('securityLabel'), issues);
  const content = parseContent(r.content, at('content'), ctx, issues);
  const context = parseContext(r.context, at('context'), issues);
  const replaces = parseRelatesTo(r.relatesTo, at('relatesTo'), issues, ctx.baseUrl);
  if (issues.length > 0 || !masterIdentifier || !type || !subject || !date || !content || !context) return { ok: false, issues };
  return {
    ok: true,
    input: {
      masterIdentifier, status: 'current', typeCode: type.code, typeSystem: type.system, classCode: category?.code ?? null,
      title: content.title, description, subject, authors, date, creation: content.creation,
      periodStart: context.periodStart, periodEnd: context.periodEnd, facilityType: context.facilityType,
      practiceSetting: context.practiceSetting, formatCode: content.format?.code ?? null, formatSystem: content.format?.system ?? null,
      related: context.related, contentType: content.contentType, content: content.content,
      ...(content.size !== undefined ? { declaredSize: content.size } : {}),
      ...(content.hash !== undefined ? { declaredHashSha1Base64: content.hash } : {}),
      ...(replaces !== undefined ? { relatesToReplaces: replaces } : {}),
      level: security.level, labels: security.labels,
    },
  };
}

function checkElements(r: Obj, root: string, issues: Issues): void {
  for (const key of Object.keys(r)) {
    const base = key.startsWith('_') ? key.slice(1) : key;
    if (!ELEMENTS.has(base)) issues.push(issue(`${root}.${key.slice(0, 64)}`, C.UNKNOWN_ELEMENT, 'Élément inconnu dans une ressource DocumentReference (FHIR R4).'));
  }
  // A modifier changes the meaning of the resource: ignoring one would misread it (FHIR R4 §2.1.0.6).
  if (r.modifierExtension !== undefined) issues.push(issue(`${root}.modifierExtension`, C.MODIFIER, 'Les extensions modificatrices ne sont pas prises en charge.'));
  if (r.implicitRules !== undefined) issues.push(issue(`${root}.implicitRules`, C.MODIFIER, 'implicitRules n’est pas pris en charge.'));
}

function parseMasterIdentifier(v: unknown, path: string, issues: Issues): string | undefined {
  if (!isObj(v)) {
    issues.push(issue(`${path}.value`, C.REQUIRED, 'L’identifiant unique du document (masterIdentifier) est obligatoire.'));
    return undefined;
  }
  if (v.system !== undefined && v.system !== FHIR_SYSTEMS.RFC3986) {
    issues.push(issue(`${path}.system`, C.CODE_SYSTEM, 'Le système de masterIdentifier doit être urn:ietf:rfc:3986.'));
  }
  const value = fhirString(v.value, 256);
  if (!value || /\s/.test(value)) {
    issues.push(issue(`${path}.value`, C.REQUIRED, 'masterIdentifier.value est obligatoire (par exemple urn:oid:1.2.250.1.999.1^123), sans espace.'));
    return undefined;
  }
  return value;
}

type ParsedCoding = { system: string; code: string };

/** A Coding whose system is one of `spec.systems` (after alias resolution). */
function parseCoding(v: unknown, path: string, spec: CodingSpec, issues: Issues): ParsedCoding | undefined {
  if (!isObj(v)) {
    issues.push(issue(path, C.CODING, `Un codage (system et code) est attendu pour ${spec.what}.`));
    return undefined;
  }
  const system = fhirString(v.system, 512);
  const code = fhirString(v.code, 256);
  if (!system) issues.push(issue(`${path}.system`, C.REQUIRED, `Le système est obligatoire pour ${spec.what}.`));
  if (!code || !/^[^\s]+( [^\s]+)*$/.test(code)) issues.push(issue(`${path}.code`, C.REQUIRED, `Le code est obligatoire pour ${spec.what}.`));
  if (!system || !code) return undefined;
  const canonical = canonicalSystem(system);
  if (!spec.systems.has(canonical)) {
    issues.push(issue(`${path}.system`, C.CODE_SYSTEM, `Système de codage non accepté pour ${spec.what}.`));
    return undefined;
  }
  return { system: canonical, code };
}

function parseCodeable(v: unknown, path: string, spec: CodingSpec, issues: Issues, o: { required: boolean; single: boolean }): ParsedCoding | null | undefined {
  if (v === undefined) {
    if (o.required) issues.push(issue(`${path}.coding`, C.REQUIRED, `${capitalise(spec.what)} est obligatoire.`));
    return o.required ? undefined : null;
  }
  const codings = isObj(v) ? v.coding : undefined;
  if (!Array.isArray(codings) || codings.length === 0 || (o.single && codings.length > 1)) {
    issues.push(issue(`${path}.coding`, C.CODING, `Un seul codage est attendu pour ${spec.what}.`));
    return undefined;
  }
  return parseCoding(codings[0], `${path}.coding[0]`, spec, issues);
}

function parseCategory(v: unknown, path: string, issues: Issues): ParsedCoding | null | undefined {
  if (v === undefined) return null;
  if (!Array.isArray(v) || v.length !== 1) {
    issues.push(issue(path, C.CODING, 'Une seule classe de document (category) est attendue.'));
    return undefined;
  }
  return parseCodeable(v[0], `${path}[0]`, CLASS_SPEC, issues, { required: true, single: true });
}

/** `Patient/<id>` (or under the server base) or an INS identifier; both at once is ambiguous. */
export function parseSubject(v: unknown, path: string, issues: Issues, baseUrl?: string): DocumentSubject | undefined {
  if (!isObj(v)) {
    issues.push(issue(path, C.REQUIRED, 'Le patient (subject) est obligatoire : Patient/<id> ou identifiant INS.'));
    return undefined;
  }
  if (v.reference !== undefined && v.identifier !== undefined) {
    issues.push(issue(path, C.SUBJECT, 'Indiquez le patient soit par référence, soit par identifiant INS, pas les deux.'));
    return undefined;
  }
  if (v.reference !== undefined) {
    const id = referenceId(v.reference, 'Patient', baseUrl);
    if (id) return { kind: 'reference', id };
    issues.push(issue(`${path}.reference`, C.SUBJECT, 'La référence au patient doit être de la forme Patient/<id>.'));
    return undefined;
  }
  const ident = v.identifier;
  const system = isObj(ident) ? fhirString(ident.system, 64) : undefined;
  if (!isObj(ident) || !system || !INS_SYSTEM_URIS.has(system)) {
    issues.push(issue(`${path}.identifier.system`, C.SUBJECT, 'Le patient doit être désigné par Patient/<id> ou par son INS (système urn:oid:1.2.250.1.213.1.4.8, .9, .10 ou .11).'));
    return undefined;
  }
  const ins = validateIns(typeof ident.value === 'string' ? ident.value : '', { field: `${path}.identifier.value` });
  if (!ins.ok) {
    issues.push(...ins.issues);
    return undefined;
  }
  return { kind: 'ins', system, value: ins.value };
}


function readDate(v: unknown, path: string, issues: Issues, o: { required: boolean; instant: boolean }): string | null | undefined {
  if (v === undefined) {
    if (o.required) issues.push(issue(path, C.REQUIRED, 'Cette date est obligatoire.'));
    return o.required ? undefined : null;
  }
  if (o.instant ? isInstant(v) : isDateTime(v)) return v as string;
  issues.push(issue(path, C.DATATYPE, o.instant
    ? 'Date attendue au format instant FHIR, avec fuseau horaire (AAAA-MM-JJThh:mm:ss+01:00).'
    : 'Date attendue au format FHIR (AAAA, AAAA-MM, AAAA-MM-JJ ou AAAA-MM-JJThh:mm:ss avec fuseau horaire).'));
  return undefined;
}

function readOptionalString(v: unknown, path: string, issues: Issues, max = 4096): string | null {
  if (v === undefined) return null;
  const s = fhirString(v, max);
  if (s === undefined) issues.push(issue(path, C.DATATYPE, `Texte non vide attendu (au plus ${max} caractères).`));
  return s ?? null;
}

/** Level (J08 N/R/V, default N as in PDSm) and visibility labels; any other label is refused, never dropped. */
function parseSecurityLabels(v: unknown, path: string, issues: Issues): { level: ConfidentialityLevel; labels: ConfidentialityLabel[] } {
  const levels: ConfidentialityLevel[] = [];
  const labels = new Set<ConfidentialityLabel>();
  if (v !== undefined && !Array.isArray(v)) issues.push(issue(path, C.DATATYPE, 'securityLabel doit être une liste.'));
  (Array.isArray(v) ? v : []).forEach((cc, i) => {
    const codings = isObj(cc) && Array.isArray(cc.coding) ? cc.coding : [];
    if (codings.length === 0) issues.push(issue(`${path}[${i}].coding`, C.SECURITY_LABEL, 'Chaque securityLabel doit porter un codage.'));
    codings.forEach((c, j) => {
      const system = isObj(c) && typeof c.system === 'string' ? canonicalSystem(c.system) : '';
      const code = isObj(c) && typeof c.code === 'string' ? c.code : '';
      if (system === FHIR_SYSTEMS.V3_CONFIDENTIALITY && LEVELS.has(code)) levels.push(code as ConfidentialityLevel);
      else if (system === FHIR_SYSTEMS.TRE_A07_VISIBILITY && LABELS.has(code)) labels.add(code as ConfidentialityLabel);
      else issues.push(issue(`${path}[${i}].coding[${j}]`, C.SECURITY_LABEL, 'Label de confidentialité inconnu : N, R, V (v3-Confidentiality) ou MASQUE_PS, INVISIBLE_PATIENT, INVISIBLE_REPRESENTANTS_LEGAUX (urn:oid:1.2.250.1.213.1.1.4.13).'));
    });
  });
  if (new Set(levels).size > 1) issues.push(issue(path, C.SECURITY_LABEL, 'Un seul niveau de confidentialité (N, R ou V) est attendu.'));
  return { level: levels[0] ?? 'N', labels: CONFIDENTIALITY_LABELS.filter((l) => labels.has(l)) };
}

type ParsedContent = {
  contentType: string; content: DocumentContentInput; title: string; creation: string | null;
  size?: number; hash?: string; format: ParsedCoding | null;
};

function parseContent(v: unknown, path: string, ctx: ParseDocumentContext, issues: Issues): ParsedContent | undefined {
  if (!Array.isArray(v) || v.length !== 1 || !isObj(v[0]) || !isObj(v[0].attachment)) {
    issues.push(issue(`${path}[0].attachment`, C.CONTENT, 'Un seul contenu (content[0].attachment) est attendu par document.'));
    return undefined;
  }
  const a = v[0].attachment;
  const at = (p: string) => `${path}[0].attachment.${p}`;
  const contentType = fhirString(a.contentType, 256);
  if (!contentType || !/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(\s*;.*)?$/.test(contentType)) issues.push(issue(at('contentType'), C.REQUIRED, 'Le type MIME (contentType) est obligatoire.'));
  const title = fhirString(a.title, 1024);
  if (!title) issues.push(issue(at('title'), C.REQUIRED, 'Le titre du document (attachment.title) est obligatoire (PDSm).'));
  const content = readAttachmentContent(a, at, ctx, issues);
  const size = a.size === undefined ? undefined : readSize(a.size, at('size'), ctx.maxBytes, issues);
  const hash = a.hash === undefined ? undefined : readSha1(a.hash, at('hash'), issues);
  const creation = readDate(a.creation, at('creation'), issues, { required: false, instant: false });
  const format = v[0].format === undefined ? null : parseCoding(v[0].format, `${path}[0].format`, FORMAT_SPEC, issues);
  if (!contentType || !title || !content || creation === undefined || format === undefined) return undefined;
  return { contentType, content, title, creation, format, ...(size !== undefined ? { size } : {}), ...(hash !== undefined ? { hash } : {}) };
}

function readAttachmentContent(a: Obj, at: (p: string) => string, ctx: ParseDocumentContext, issues: Issues): DocumentContentInput | undefined {
  if ((a.data === undefined) === (a.url === undefined)) {
    issues.push(issue(at('data'), C.CONTENT, 'Le contenu doit être fourni soit en ligne (data), soit par référence à un Binary (url).'));
    return undefined;
  }
  if (a.data !== undefined) {
    const base64 = readBase64(a.data, at('data'), ctx.maxBytes, issues);
    return base64 === undefined ? undefined : { kind: 'inline', base64 };
  }
  const url = typeof a.url === 'string' ? a.url : '';
  if (ctx.inBundle && /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(url)) return { kind: 'binary', reference: url.toLowerCase() };
  const id = referenceId(url, 'Binary', ctx.baseUrl);
  if (id) return { kind: 'binary', reference: `Binary/${id}` };
  issues.push(issue(at('url'), C.ATTACHMENT_URL, ctx.inBundle
    ? 'attachment.url doit désigner une ressource Binary : Binary/<id> ou l’urn:uuid d’une entrée Binary de la transaction.'
    : 'attachment.url doit désigner une ressource Binary (Binary/<id>).'));
  return undefined;
}

/** Strict base64 (whitespace removed); its decoded size must fit `maxBytes`. Exported for Binary entries. */
export function readBase64(v: unknown, path: string, maxBytes: number, issues: Issues): string | undefined {
  const s = typeof v === 'string' ? v.replace(/\s+/g, '') : '';
  if (s === '' || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) {
    issues.push(issue(path, C.BASE64, 'Contenu attendu encodé en base64 (RFC 4648), non vide.'));
    return undefined;
  }
  const bytes = (s.length / 4) * 3 - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0);
  if (bytes > maxBytes) {
    issues.push(issue(path, C.TOO_LARGE, `Le document dépasse la taille maximale acceptée (${maxBytes} octets).`));
    return undefined;
  }
  return s;
}

function readSize(v: unknown, path: string, maxBytes: number, issues: Issues): number | undefined {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    issues.push(issue(path, C.DATATYPE, 'La taille doit être un entier positif (octets).'));
    return undefined;
  }
  if (v > maxBytes) issues.push(issue(path, C.TOO_LARGE, `Le document dépasse la taille maximale acceptée (${maxBytes} octets).`));
  return v;
}

function readSha1(v: unknown, path: string, issues: Issues): string | undefined {
  // SHA-1 = 20 bytes = 28 base64 characters ending with one "=".
  if (typeof v === 'string' && /^[A-Za-z0-9+/]{27}=$/.test(v)) return v;
  issues.push(issue(path, C.HASH, 'L’empreinte (hash) doit être un SHA-1 encodé en base64 (28 caractères).'));
  return undefined;
}

type ParsedContext = { periodStart: string | null; periodEnd: string | null; facilityType: string | null; practiceSetting: string | null; related: RelatedRef[] };

function parseContext(v: unknown, path: string, issues: Issues): ParsedContext | undefined {
  const empty: ParsedContext = { periodStart: null, periodEnd: null, facilityType: null, practiceSetting: null, related: [] };
  if (v === undefined) return empty;
  if (!isObj(v)) {
    issues.push(issue(path, C.DATATYPE, 'context doit être un objet.'));
    return undefined;
  }
  const period = v.period === undefined ? {} : isObj(v.period) ? v.period : undefined;
  if (!period) issues.push(issue(`${path}.period`, C.DATATYPE, 'period doit être un objet (start, end).'));
  const start = readDate(period?.start, `${path}.period.start`, issues, { required: false, instant: false });
  const end = readDate(period?.end, `${path}.period.end`, issues, { required: false, instant: false });
  if (start && end && end.length === start.length && Date.parse(end) < Date.parse(start)) {
    issues.push(issue(`${path}.period.end`, C.PERIOD, 'La fin de l’acte précède son début.'));
  }
  const facility = parseCodeable(v.facilityType, `${path}.facilityType`, FACILITY_SPEC, issues, { required: false, single: false });
  const setting = parseCodeable(v.practiceSetting, `${path}.practiceSetting`, SETTING_SPEC, issues, { required: false, single: false });
  const related = parseRelated(v.related, `${path}.related`, issues);
  if (!period || start === undefined || end === undefined || facility === undefined || setting === undefined) return undefined;
  return { periodStart: start, periodEnd: end, facilityType: facility?.code ?? null, practiceSetting: setting?.code ?? null, related };
}

function parseRelated(v: unknown, path: string, issues: Issues): RelatedRef[] {
  if (v === undefined) return [];
  const out: RelatedRef[] = [];
  (Array.isArray(v) ? v : [v]).forEach((r, i) => {
    const ident = isObj(r) && isObj(r.identifier) ? r.identifier : undefined;
    const value = fhirString(ident?.value, 256);
    const reference = isObj(r) ? fhirString(r.reference, 512) : undefined;
    const typeCoding = isObj(ident?.type) && Array.isArray(ident.type.coding) ? ident.type.coding[0] : undefined;
    if (value) {
      out.push({ kind: 'identifier', system: fhirString(ident?.system, 512) ?? null, value, typeCode: isObj(typeCoding) ? fhirString(typeCoding.code, 256) ?? null : null });
    } else if (reference) {
      out.push({ kind: 'reference', reference });
    } else {
      issues.push(issue(Array.isArray(v) ? `${path}[${i}]` : path, C.DATATYPE, 'Chaque élément de context.related doit porter un identifiant (identifier.value) ou une référence.'));
    }
  });
  return out;
}

/** Only `replaces` of an existing DocumentReference (PDSm: 1..1 when replacing). */
function parseRelatesTo(v: unknown, path: string, issues: Issues, baseUrl?: string): string | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.length !== 1 || !isObj(v[0])) {
    issues.push(issue(path, C.RELATES_TO, 'Un seul relatesTo est accepté (remplacement d’un document).'));
    return undefined;
  }
  if (v[0].code !== 'replaces') {
    issues.push(issue(`${path}[0].code`, C.RELATES_TO, 'Seule la relation « replaces » (remplacement) est prise en charge.'));
    return undefined;
  }
  const id = isObj(v[0].target) ? referenceId(v[0].target.reference, 'DocumentReference', baseUrl) : undefined;
  if (!id) issues.push(issue(`${path}[0].target.reference`, C.RELATES_TO, 'Le document remplacé doit être désigné par DocumentReference/<id>.'));
  return id;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

