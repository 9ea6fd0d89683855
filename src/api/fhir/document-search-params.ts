import { DOCUMENT_STATUSES, type DocumentStatus } from '../../domain/document.ts';
import { validateIns } from '../../domain/identity/ins.ts';
import { ID_NAT_PS_SYSTEM, RPPS_SYSTEM, validateRpps } from '../../domain/identity/rpps.ts';
import { isIsoCalendarDate, issue, type ValidationIssue } from '../../domain/validation-issue.ts';
import { canonicalSystem, isDateTime, isInstant, referenceId } from './document-reference-mapper.ts';
import { INS_SYSTEM_URIS } from './ins-systems.ts';

/**
 * ITI-67 Find Document References: query parameters -> a typed DocumentSearch. Anything not
 * understood is refused, never ignored: an ignored filter would widen the answer (SPEC §3, hidden
 * documents). Paging is keyset (opaque `_page` cursor), so no offset can probe hidden rows. Never throws.
 */

export const SEARCH_ISSUE_CODES = {
  UNSUPPORTED: 'FHIR_SEARCH_PARAM_UNSUPPORTED',
  VALUE: 'FHIR_SEARCH_PARAM_VALUE',
  REPEATED: 'FHIR_SEARCH_PARAM_REPEATED',
  PATIENT_AMBIGUOUS: 'FHIR_SEARCH_PATIENT_AMBIGUOUS',
  DATE: 'FHIR_SEARCH_DATE',
  COUNT: 'FHIR_SEARCH_COUNT',
  CURSOR: 'FHIR_SEARCH_CURSOR_INVALID',
} as const;
const C = SEARCH_ISSUE_CODES;

export const SEARCH_DEFAULT_COUNT = 50;
export const SEARCH_MAX_COUNT = 200;

/** `system|code`; system null = any system (`code`), '' = no system (`|code`). */
export type TokenValue = { system: string | null; code: string };
export type DatePrefix = 'eq' | 'ge' | 'gt' | 'le' | 'lt';
/** A date criterion with the implicit range of its precision: [start, end[ as UTC instants. */
export type DateBound = { prefix: DatePrefix; value: string; start: string; end: string };
export type PatientCriterion = { kind: 'id'; id: string } | { kind: 'ins'; system: string; value: string };
export type AuthorCriterion =
  | { kind: 'reference'; resourceType: 'Practitioner' | 'PractitionerRole' | 'Patient'; id: string }
  | { kind: 'rpps'; rpps: string };
export type DocumentSort = 'date' | '-date';
/** Keyset position: the sort key (date, id) of the last (next) or first (prev) item shown. */
export type SearchCursor = { date: string; id: string; direction: 'next' | 'prev'; sort: DocumentSort };

export type DocumentSearch = {
  patient: PatientCriterion | null;
  status: DocumentStatus[];
  type: TokenValue[];
  category: TokenValue[];
  facility: TokenValue[];
  setting: TokenValue[];
  securityLabel: TokenValue[];
  format: TokenValue[];
  /** DocumentReference.date; every bound applies (AND). */
  date: DateBound[];
  /** context.period. */
  period: DateBound[];
  author: AuthorCriterion | null;
  count: number;
  sort: DocumentSort;
  cursor: SearchCursor | null;
  summary: 'count' | null;
};

export type ParseDocumentSearchResult = { ok: true; search: DocumentSearch } | { ok: false; issues: ValidationIssue[] };

const TOKEN_PARAMS = { type: 'type', category: 'category', facility: 'facility', setting: 'setting', 'security-label': 'securityLabel', format: 'format' } as const;
const PATIENT_PARAMS = ['patient', 'subject', 'patient.identifier', 'subject.identifier'] as const;
const SINGLE = new Set<string>([...PATIENT_PARAMS, ...Object.keys(TOKEN_PARAMS), 'status', 'author', 'author.identifier', '_count', '_sort', '_page', '_summary', '_format']);
const REPEATABLE = new Set(['date', 'period']);
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json']);
const AUTHOR_TYPES = ['Practitioner', 'PractitionerRole', 'Patient'] as const;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

type Issues = ValidationIssue[];

/** Parses a query map (`?a=1&a=2` arrives as an array) into a DocumentSearch, or the issues. */
export function parseDocumentSearch(query: Readonly<Record<string, unknown>>, opts: { baseUrl?: string } = {}): ParseDocumentSearchResult {
  const issues: Issues = [];
  const search: DocumentSearch = {
    patient: null, status: ['current'], type: [], category: [], facility: [], setting: [], securityLabel: [], format: [],
    date: [], period: [], author: null, count: SEARCH_DEFAULT_COUNT, sort: '-date', cursor: null, summary: null,
  };
  let cursorToken: string | undefined;
  const patientParams: string[] = [];
  for (const [name, raw] of Object.entries(query)) {
    const values = readValues(name, raw, issues);
    if (!values) continue;
    for (const value of values) {
      if (name === '_page') cursorToken = value;
      else applyParam(search, name, value, issues, opts.baseUrl);
    }
    if ((PATIENT_PARAMS as readonly string[]).includes(name)) patientParams.push(name);
  }
  if (patientParams.length > 1) issues.push(issue(patientParams.join(','), C.PATIENT_AMBIGUOUS, 'Désignez le patient par un seul paramètre (patient, subject, patient.identifier ou subject.identifier).'));
  if (cursorToken !== undefined) {
    const cursor = decodeCursor(cursorToken);
    if (!cursor || cursor.sort !== search.sort) issues.push(issue('_page', C.CURSOR, 'Le curseur de pagination est invalide ou ne correspond pas au tri demandé.'));
    else search.cursor = cursor;
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, search };
}

/** The values of one parameter, or undefined after recording why it is refused. */
function readValues(name: string, raw: unknown, issues: Issues): string[] | undefined {
  const field = name.slice(0, 64);
  if (!SINGLE.has(name) && !REPEATABLE.has(name)) {
    const why = name.includes(':') ? 'les modificateurs de recherche ne sont pas pris en charge' : 'paramètre de recherche non pris en charge';
    issues.push(issue(field, C.UNSUPPORTED, `« ${field} » : ${why}.`));
    return undefined;
  }
  const values = Array.isArray(raw) ? raw : [raw];
  if (values.length === 0 || !values.every((v): v is string => typeof v === 'string' && v !== '')) {
    issues.push(issue(field, C.VALUE, `« ${field} » : valeur vide ou invalide.`));
    return undefined;
  }
  if (values.length > 1 && !REPEATABLE.has(name)) {
    issues.push(issue(field, C.REPEATED, `« ${field} » ne peut apparaître qu’une fois (utilisez des valeurs séparées par des virgules).`));
    return undefined;
  }
  return values;
}

function applyParam(s: DocumentSearch, name: string, value: string, issues: Issues, baseUrl?: string): void {
  if (Object.hasOwn(TOKEN_PARAMS, name)) {
    const tokens = parseTokens(value, name, issues);
    if (tokens) s[TOKEN_PARAMS[name as keyof typeof TOKEN_PARAMS]] = tokens;
    return;
  }
  switch (name) {
    case 'patient':
    case 'subject': return setIfDefined(parsePatientRef(value, name, issues, baseUrl), (p) => { s.patient = p; });
    case 'patient.identifier':
    case 'subject.identifier': return setIfDefined(parseInsToken(value, name, issues), (p) => { s.patient = p; });
    case 'status': return setIfDefined(parseStatus(value, issues), (v) => { s.status = v; });
    case 'date':
    case 'period': return setIfDefined(parseDateBound(value, name, issues), (b) => { s[name].push(b); });
    case 'author': return setIfDefined(parseAuthorRef(value, issues, baseUrl), (a) => { s.author = a; });
    case 'author.identifier': return setIfDefined(parseRppsToken(value, issues), (a) => { s.author = a; });
    case '_count': return setIfDefined(parseCount(value, issues), (n) => { s.count = n; });
    case '_sort':
      if (value === 'date' || value === '-date') s.sort = value;
      else issues.push(issue('_sort', C.UNSUPPORTED, 'Seul le tri par date est pris en charge : _sort=date ou _sort=-date.'));
      return;
    case '_summary':
      if (value === 'count') s.summary = 'count';
      else if (value !== 'false') issues.push(issue('_summary', C.UNSUPPORTED, 'Seul _summary=count est pris en charge.'));
      return;
    case '_format':
      if (!JSON_FORMATS.has(value)) issues.push(issue('_format', C.UNSUPPORTED, 'Seul le format JSON est pris en charge.'));
      return;
    default:
      issues.push(issue(name, C.UNSUPPORTED, `« ${name} » : paramètre de recherche non pris en charge.`));
  }
}

function setIfDefined<T>(v: T | undefined, set: (v: T) => void): void {
  if (v !== undefined) set(v);
}

/** Splits on unescaped commas and removes FHIR escapes (`\,` `\|` `\$` `\\`). */
function splitList(value: string): string[] {
  return value.split(/(?<!\\),/);
}
function unescape(v: string): string {
  return v.replace(/\\([\\,|$])/g, '$1');
}
function firstUnescapedPipe(v: string): number {
  for (let i = 0; i < v.length; i++) {
    if (v[i] === '\\') i++;
    else if (v[i] === '|') return i;
  }
  return -1;
}

function parseTokens(value: string, name: string, issues: Issues): TokenValue[] | undefined {
  const out: TokenValue[] = [];
  for (const part of splitList(value)) {
    const pipe = firstUnescapedPipe(part);
    const system = pipe < 0 ? null : unescape(part.slice(0, pipe));
    const code = unescape(pipe < 0 ? part : part.slice(pipe + 1));
    if (code === '' || code.length > 256 || (system !== null && system.length > 512)) {
      issues.push(issue(name, C.VALUE, `« ${name} » : jeton attendu sous la forme code, |code ou système|code.`));
      return undefined;
    }
    out.push({ system: system ? canonicalSystem(system) : system, code });
  }
  return out;
}

function parsePatientRef(value: string, name: string, issues: Issues, baseUrl?: string): PatientCriterion | undefined {
  const id = ID.test(value) ? value : referenceId(value, 'Patient', baseUrl);
  if (id) return { kind: 'id', id };
  issues.push(issue(name, C.VALUE, `« ${name} » : référence Patient/<id> attendue.`));
  return undefined;
}

function parseInsToken(value: string, name: string, issues: Issues): PatientCriterion | undefined {
  const [system, matricule] = value.split('|', 2);
  if (matricule === undefined || !INS_SYSTEM_URIS.has(system ?? '')) {
    issues.push(issue(name, C.VALUE, `« ${name} » : seul l’INS est accepté (urn:oid:1.2.250.1.213.1.4.8|<NIR>, ou NIA, test, démo).`));
    return undefined;
  }
  const ins = validateIns(matricule, { field: name });
  if (!ins.ok) {
    issues.push(...ins.issues);
    return undefined;
  }
  return { kind: 'ins', system: system as string, value: ins.value };
}

function parseStatus(value: string, issues: Issues): DocumentStatus[] | undefined {
  const statuses = splitList(value);
  if (statuses.every((v): v is DocumentStatus => (DOCUMENT_STATUSES as readonly string[]).includes(v))) return [...new Set(statuses)];
  issues.push(issue('status', C.VALUE, '« status » : valeurs possibles current, superseded, entered-in-error.'));
  return undefined;
}

function parseAuthorRef(value: string, issues: Issues, baseUrl?: string): AuthorCriterion | undefined {
  for (const resourceType of AUTHOR_TYPES) {
    const id = referenceId(value, resourceType, baseUrl);
    if (id) return { kind: 'reference', resourceType, id };
  }
  issues.push(issue('author', C.VALUE, '« author » : référence Practitioner/<id>, PractitionerRole/<id> ou Patient/<id> attendue.'));
  return undefined;
}

function parseRppsToken(value: string, issues: Issues): AuthorCriterion | undefined {
  const [system, id] = value.split('|', 2);
  const rpps = system === RPPS_SYSTEM ? id : system === ID_NAT_PS_SYSTEM && id?.startsWith('8') ? id.slice(1) : undefined;
  const valid = rpps === undefined ? undefined : validateRpps(rpps, { field: 'author.identifier' });
  if (valid?.ok) return { kind: 'rpps', rpps: valid.value };
  issues.push(issue('author.identifier', C.VALUE, '« author.identifier » : RPPS attendu (https://rpps.esante.gouv.fr|<11 chiffres>).'));
  return undefined;
}

function parseCount(value: string, issues: Issues): number | undefined {
  const n = /^\d{1,6}$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1)) {
    issues.push(issue('_count', C.COUNT, `« _count » : entier entre 1 et ${SEARCH_MAX_COUNT} attendu.`));
    return undefined;
  }
  // Larger pages are served at the maximum; the self link shows the count applied.
  return Math.min(n, SEARCH_MAX_COUNT);
}

const MINUTE = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(Z|[+-](0\d|1[0-4]):[0-5]\d)$/;

function parseDateBound(raw: string, name: 'date' | 'period', issues: Issues): DateBound | undefined {
  const m = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(.*)$/.exec(raw);
  const prefix = (m?.[1] ?? 'eq') as DatePrefix | 'ne' | 'sa' | 'eb' | 'ap';
  const value = m?.[2] ?? '';
  if (prefix === 'ne' || prefix === 'sa' || prefix === 'eb' || prefix === 'ap') {
    issues.push(issue(name, C.UNSUPPORTED, `« ${name} » : préfixes pris en charge : eq, ge, gt, le, lt.`));
    return undefined;
  }
  const range = dateRange(value);
  if (!range) {
    issues.push(issue(name, C.DATE, `« ${name} » : date attendue (AAAA, AAAA-MM, AAAA-MM-JJ ou AAAA-MM-JJThh:mm[:ss]+01:00).`));
    return undefined;
  }
  return { prefix, value, start: range.start.toISOString(), end: range.end.toISOString() };
}

function utc(year: number, monthIndex: number, day: number): Date {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  return d;
}

/** The implicit range of a FHIR date at its precision (dates without time zone read as UTC). */
function dateRange(v: string): { start: Date; end: Date } | undefined {
  if (v.startsWith('0000')) return undefined;
  const fraction = v.includes('.');
  const [y, mo, d] = v.slice(0, 10).split('-').map(Number) as [number, number?, number?];
  if (/^\d{4}$/.test(v)) return { start: utc(y, 0, 1), end: utc(y + 1, 0, 1) };
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) return { start: utc(y, (mo ?? 1) - 1, 1), end: utc(y, mo ?? 1, 1) };
  if (isIsoCalendarDate(v)) return { start: utc(y, (mo ?? 1) - 1, d ?? 1), end: utc(y, (mo ?? 1) - 1, (d ?? 1) + 1) };
  const minute = MINUTE.exec(v);
  if (!isInstant(v) && !(minute && isIsoCalendarDate(minute[1]))) return undefined;
  const start = new Date(v);
  if (Number.isNaN(start.getTime())) return undefined;
  const step = minute ? 60_000 : fraction ? 1 : 1000;
  return { start, end: new Date(start.getTime() + step) };
}

/**
 * The intersection of date bounds as one half-open range [from, before[ (ISO instants); `empty` when
 * no instant can match. ge/gt/le/lt/eq follow the implicit range of each value's precision.
 */
export function boundsToRange(bounds: readonly DateBound[]): { from?: string; before?: string; empty: boolean } {
  let from: string | undefined;
  let before: string | undefined;
  const lower = (v: string) => { if (from === undefined || Date.parse(v) > Date.parse(from)) from = v; };
  const upper = (v: string) => { if (before === undefined || Date.parse(v) < Date.parse(before)) before = v; };
  for (const b of bounds) {
    if (b.prefix === 'ge' || b.prefix === 'eq') lower(b.start);
    if (b.prefix === 'gt') lower(b.end);
    if (b.prefix === 'lt') upper(b.start);
    if (b.prefix === 'le' || b.prefix === 'eq') upper(b.end);
  }
  const empty = from !== undefined && before !== undefined && Date.parse(from) >= Date.parse(before);
  return { ...(from !== undefined ? { from } : {}), ...(before !== undefined ? { before } : {}), empty };
}

/** Opaque keyset cursor: base64url of a small JSON. */
export function encodeCursor(c: SearchCursor): string {
  return Buffer.from(JSON.stringify({ d: c.date, i: c.id, k: c.direction, s: c.sort }), 'utf8').toString('base64url');
}

export function decodeCursor(token: string): SearchCursor | undefined {
  if (token.length > 512 || !/^[A-Za-z0-9_-]+$/.test(token)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const { d, i, k, s } = v as Record<string, unknown>;
  if (!isDateTime(d) || typeof i !== 'string' || !ID.test(i) || (k !== 'next' && k !== 'prev') || (s !== 'date' && s !== '-date')) return undefined;
  return { date: d, id: i, direction: k, sort: s };
}

function escapeToken(v: string): string {
  return v.replace(/[\\,|$]/g, (c) => `\\${c}`);
}
function tokenText(t: TokenValue): string {
  return t.system === null ? escapeToken(t.code) : `${escapeToken(t.system)}|${escapeToken(t.code)}`;
}

/** The search as normalised query parameters (no cursor): what links echo, never the raw query. */
export function documentSearchToParams(s: DocumentSearch): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (s.patient?.kind === 'id') out.push(['patient', `Patient/${s.patient.id}`]);
  if (s.patient?.kind === 'ins') out.push(['patient.identifier', `${s.patient.system}|${s.patient.value}`]);
  out.push(['status', s.status.join(',')]);
  for (const [param, key] of Object.entries(TOKEN_PARAMS)) {
    const tokens = s[key];
    if (tokens.length) out.push([param, tokens.map(tokenText).join(',')]);
  }
  for (const b of s.date) out.push(['date', `${b.prefix}${b.value}`]);
  for (const b of s.period) out.push(['period', `${b.prefix}${b.value}`]);
  if (s.author?.kind === 'reference') out.push(['author', `${s.author.resourceType}/${s.author.id}`]);
  if (s.author?.kind === 'rpps') out.push(['author.identifier', `${RPPS_SYSTEM}|${s.author.rpps}`]);
  out.push(['_sort', s.sort]);
  out.push(['_count', String(s.count)]);
  if (s.summary) out.push(['_summary', s.summary]);
  return out;
}
