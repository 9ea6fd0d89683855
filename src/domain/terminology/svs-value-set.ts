import { isIsoCalendarDate, issue, type ValidationIssue } from '../validation-issue.ts';

/**
 * ANS value sets (JDV_*) as shipped in IHE SVS XML (`RetrieveValueSetResponse` → `ValueSet` →
 * `ConceptList` → `<Concept code codeSystem displayName/>`). Parsed with a small tag/attribute
 * scanner: the files are flat lists, and refusing any DTD / entity declaration keeps the parser safe
 * (no external entity, no expansion). Pure: the caller reads the file.
 */

export const NOS_BASE_URL = 'https://mos.esante.gouv.fr/NOS/';

export type ValueSetConcept = { code: string; codeSystem: string; display: string };

export type ValueSetInfo = {
  /** NOS id, e.g. `JDV_J07-XdsTypeCode-CISIS`. */
  id: string;
  /** OID of the value set; null when not known (JDV_J66 as derived from ASS_X16, see value-sets.ts). */
  oid: string | null;
  /** Revision date of the content, YYYY-MM-DD. */
  version: string;
  /** FHIR canonical: `https://mos.esante.gouv.fr/NOS/<id>/FHIR/<id with '-' for '_'>`. */
  canonical: string;
};

export type ValueSet = ValueSetInfo & {
  concepts: readonly ValueSetConcept[];
  get(code: string): ValueSetConcept | undefined;
  has(code: string): boolean;
};

export const SVS_ISSUE_CODES = {
  XML: 'TERMINOLOGY_VALUE_SET_XML',
  DTD: 'TERMINOLOGY_VALUE_SET_DTD',
  ENTITY: 'TERMINOLOGY_VALUE_SET_ENTITY',
  HEADER: 'TERMINOLOGY_VALUE_SET_HEADER',
  OID: 'TERMINOLOGY_VALUE_SET_OID',
  CONCEPT: 'TERMINOLOGY_VALUE_SET_CONCEPT',
  DUPLICATE: 'TERMINOLOGY_VALUE_SET_DUPLICATE',
  EMPTY: 'TERMINOLOGY_VALUE_SET_EMPTY',
} as const;

/** FHIR canonical of a NOS resource id (`JDV_J07-XdsTypeCode-CISIS` → `…/FHIR/JDV-J07-XdsTypeCode-CISIS`). */
export function nosCanonical(id: string): string {
  return `${NOS_BASE_URL}${id}/FHIR/${id.replaceAll('_', '-')}`;
}

/**
 * Code systems met in DMP metadata, with the FHIR `system` URI we emit. HL7 and LOINC have official
 * FHIR URIs. For ANS terminologies (TRE_*) we emit `urn:oid:<oid>` — the form the XDS metadata carries
 * and that every FHIR server accepts — and also accept on input the ANS canonical of the terminology
 * (e.g. `https://mos.esante.gouv.fr/NOS/TRE_A05-TypeDocComplementaire/FHIR/TRE-A05-TypeDocComplementaire`,
 * the URL the ANS terminology server publishes).
 */
export const CODE_SYSTEMS = {
  LOINC: { oid: '2.16.840.1.113883.6.1', system: 'http://loinc.org', ansId: null },
  HL7_CONFIDENTIALITY: {
    oid: '2.16.840.1.113883.5.25',
    system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality',
    ansId: null,
  },
  TRE_A05: { oid: '1.2.250.1.213.1.1.4.12', system: 'urn:oid:1.2.250.1.213.1.1.4.12', ansId: 'TRE_A05-TypeDocComplementaire' },
  TRE_A07: { oid: '1.2.250.1.213.1.1.4.13', system: 'urn:oid:1.2.250.1.213.1.1.4.13', ansId: 'TRE_A07-StatutVisibiliteDocument' },
} as const;

/** The FHIR system URI we emit for a code-system OID: the official URI when there is one, else `urn:oid:`. */
export function fhirSystemForOid(oid: string): string {
  const known = Object.values(CODE_SYSTEMS).find((s) => s.oid === oid);
  if (known !== undefined) return known.system;
  return OID_PATTERN.test(oid) ? `urn:oid:${oid}` : oid;
}

/** True when a FHIR `system` designates the code system of `oid` (official URI, `urn:oid:` or ANS canonical). */
export function isSystemForOid(system: string, oid: string): boolean {
  if (system === `urn:oid:${oid}`) return true;
  const known = Object.values(CODE_SYSTEMS).find((s) => s.oid === oid);
  if (known === undefined) return false;
  return system === known.system || (known.ansId !== null && system === nosCanonical(known.ansId));
}

export type ParseValueSetResult = { ok: true; valueSet: ValueSet } | { ok: false; issues: ValidationIssue[] };

const TAG = /<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/g;
const ATTRIBUTE = /([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const OID_PATTERN = /^[0-2](\.(0|[1-9]\d*))+$/;
const NAMED_ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Parses one SVS value set. Checks: no DTD, a `ValueSet` element with an OID `id` (equal to
 * `expectedOid` when given), a revision date, a NOS id (from `urlFichier`, else the `displayName` file
 * name), at least one concept, each with a code, an OID code system and a display, no duplicate code.
 */
export function parseSvsValueSet(xml: string, options: { expectedOid?: string } = {}): ParseValueSetResult {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    const message = 'Le jeu de valeurs ne doit pas contenir de DTD ni de déclaration d’entité.';
    return { ok: false, issues: [issue('xml', SVS_ISSUE_CODES.DTD, message)] };
  }
  const issues: ValidationIssue[] = [];
  let header: Map<string, string> | undefined;
  const concepts: ValueSetConcept[] = [];
  const seen = new Set<string>();
  const withoutComments = xml.replace(/<!--[\s\S]*?-->/g, '');
  for (const match of withoutComments.matchAll(TAG)) {
    const [, name, rawAttributes = ''] = match;
    if (name !== 'ValueSet' && name !== 'Concept') continue;
    const attributes = readAttributes(rawAttributes, issues);
    if (name === 'ValueSet') {
      if (header !== undefined) issues.push(issue('ValueSet', SVS_ISSUE_CODES.HEADER, 'Le fichier contient plusieurs éléments ValueSet.'));
      header = attributes;
      continue;
    }
    const concept = checkConcept(attributes, concepts.length, issues);
    if (concept === undefined) continue;
    if (seen.has(concept.code)) {
      issues.push(issue(`concept[${concepts.length}].code`, SVS_ISSUE_CODES.DUPLICATE, `Le code « ${concept.code} » figure deux fois.`));
      continue;
    }
    seen.add(concept.code);
    concepts.push(concept);
  }
  if (header === undefined) {
    return { ok: false, issues: [...issues, issue('ValueSet', SVS_ISSUE_CODES.XML, 'Aucun élément ValueSet trouvé.')] };
  }
  const info = checkHeader(header, options.expectedOid, issues);
  if (concepts.length === 0) issues.push(issue('ConceptList', SVS_ISSUE_CODES.EMPTY, 'Le jeu de valeurs ne contient aucun concept.'));
  if (issues.length > 0 || info === undefined) return { ok: false, issues };
  return { ok: true, valueSet: buildValueSet(info, concepts) };
}

function readAttributes(raw: string, issues: ValidationIssue[]): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const [, name = '', double, single] of raw.matchAll(ATTRIBUTE)) {
    attributes.set(name, decodeEntities(double ?? single ?? '', name, issues));
  }
  return attributes;
}

function decodeEntities(value: string, field: string, issues: ValidationIssue[]): string {
  return value.replace(/&(#x[0-9A-Fa-f]+|#\d+|[A-Za-z]+);|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) {
      issues.push(issue(field, SVS_ISSUE_CODES.ENTITY, `« & » isolé dans la valeur de ${field}.`));
      return whole;
    }
    if (ref.startsWith('#')) {
      const point = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (point > 0 && point <= 0x10ffff) return String.fromCodePoint(point);
    } else {
      const named = NAMED_ENTITIES[ref];
      if (named !== undefined) return named;
    }
    issues.push(issue(field, SVS_ISSUE_CODES.ENTITY, `Entité « ${whole} » inconnue dans la valeur de ${field}.`));
    return whole;
  });
}

function checkConcept(attributes: Map<string, string>, index: number, issues: ValidationIssue[]): ValueSetConcept | undefined {
  const code = attributes.get('code')?.trim() ?? '';
  const codeSystem = attributes.get('codeSystem')?.trim() ?? '';
  const display = attributes.get('displayName')?.trim() ?? '';
  const at = `concept[${index}]`;
  const before = issues.length;
  if (code === '') issues.push(issue(`${at}.code`, SVS_ISSUE_CODES.CONCEPT, `Concept n°${index + 1} : code manquant.`));
  // CI-SIS writes "ASTM" for the ASTM nomenclature (E1762), not an OID.
  if (!OID_PATTERN.test(codeSystem) && !/^[A-Z][A-Z0-9_-]*$/.test(codeSystem)) {
    issues.push(issue(`${at}.codeSystem`, SVS_ISSUE_CODES.CONCEPT, `Concept « ${code} » : codeSystem doit être un OID.`));
  }
  if (display === '') issues.push(issue(`${at}.displayName`, SVS_ISSUE_CODES.CONCEPT, `Concept « ${code} » : libellé manquant.`));
  return issues.length > before ? undefined : { code, codeSystem, display };
}

function checkHeader(header: Map<string, string>, expectedOid: string | undefined, issues: ValidationIssue[]): ValueSetInfo | undefined {
  const oid = header.get('id') ?? '';
  if (!OID_PATTERN.test(oid)) {
    issues.push(issue('ValueSet.id', SVS_ISSUE_CODES.OID, 'L’attribut id du ValueSet doit être un OID.'));
  } else if (expectedOid !== undefined && oid !== expectedOid) {
    issues.push(issue('ValueSet.id', SVS_ISSUE_CODES.OID, `OID ${oid} reçu, ${expectedOid} attendu.`));
  }
  const version = (header.get('revisionDate') ?? '').slice(0, 10);
  if (!isIsoCalendarDate(version)) {
    issues.push(issue('ValueSet.revisionDate', SVS_ISSUE_CODES.HEADER, 'revisionDate doit commencer par une date AAAA-MM-JJ.'));
  }
  const id = nosIdOf(header);
  if (id === undefined) {
    const message = 'Impossible de déterminer l’identifiant NOS (attributs urlFichier ou displayName).';
    issues.push(issue('ValueSet.urlFichier', SVS_ISSUE_CODES.HEADER, message));
  }
  if (id === undefined || !OID_PATTERN.test(oid) || !isIsoCalendarDate(version)) return undefined;
  return { id, oid, version, canonical: nosCanonical(id) };
}

/** `urlFichier="https://mos.esante.gouv.fr/NOS/JDV_J07-XdsTypeCode-CISIS"`, else `displayName="JDV_J07_XdsTypeCode_CISIS.tabs"`. */
function nosIdOf(header: Map<string, string>): string | undefined {
  const url = header.get('urlFichier') ?? '';
  if (url.startsWith(NOS_BASE_URL)) {
    const id = url.slice(NOS_BASE_URL.length).replace(/\/+$/, '');
    if (/^[A-Z]+_[A-Za-z0-9]+(-[A-Za-z0-9]+)*$/.test(id)) return id;
  }
  const file = /^([A-Z]+_[A-Za-z0-9]+)((?:_[A-Za-z0-9]+)*)(?:\.tabs)?$/.exec(header.get('displayName') ?? '');
  if (file === null) return undefined;
  return `${file[1]}${(file[2] ?? '').replaceAll('_', '-')}`;
}

function buildValueSet(info: ValueSetInfo, concepts: readonly ValueSetConcept[]): ValueSet {
  const byCode = new Map(concepts.map((c) => [c.code, Object.freeze({ ...c })]));
  const frozen = Object.freeze([...byCode.values()]);
  return Object.freeze({
    ...info,
    concepts: frozen,
    get: (code: string) => byCode.get(code),
    has: (code: string) => byCode.has(code),
  });
}
