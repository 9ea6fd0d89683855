import { ID_NAT_PS_SYSTEM, RPPS_SYSTEM } from '../../domain/identity/rpps.ts';
import { issue, type ValidationIssue } from '../../domain/validation-issue.ts';
import { DOCUMENT_REFERENCE_ISSUE_CODES as C, type AuthorResourceType, type DeclaredAuthor, type ParsedSpecialty } from './document-reference-input.ts';
import { canonicalSystem, FHIR_SYSTEMS, fhirString, isObj, referenceId, type Obj } from './fhir-primitives.ts';

/**
 * DocumentReference.author and the contained resources it points to: who the producer declares (informative,
 * except the caller's own XDS authorSpecialty — see DeclaredAuthor).
 */

type Issues = ValidationIssue[];
const AUTHOR_TYPES: ReadonlySet<string> = new Set<AuthorResourceType>(['Practitioner', 'PractitionerRole', 'Patient', 'Device']);

export function containedById(v: unknown, path: string, issues: Issues): Map<string, Obj> {
  const byId = new Map<string, Obj>();
  if (v === undefined) return byId;
  if (!Array.isArray(v)) {
    issues.push(issue(path, C.DATATYPE, 'contained doit être une liste de ressources.'));
    return byId;
  }
  v.forEach((res, i) => {
    const id = isObj(res) ? fhirString(res.id, 64) : undefined;
    if (!isObj(res) || typeof res.resourceType !== 'string' || !id) issues.push(issue(`${path}[${i}]`, C.DATATYPE, 'Chaque ressource contenue doit avoir un resourceType et un id.'));
    else byId.set(id, res);
  });
  return byId;
}

export function parseAuthors(v: unknown, path: string, contained: Map<string, Obj>, issues: Issues, baseUrl?: string): DeclaredAuthor[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    issues.push(issue(path, C.DATATYPE, 'author doit être une liste de références.'));
    return [];
  }
  const authors: DeclaredAuthor[] = [];
  v.forEach((a, i) => {
    const author = isObj(a) ? readAuthor(a, contained, baseUrl) : undefined;
    if (!author) {
      issues.push(issue(`${path}[${i}]`, C.AUTHOR, 'L’auteur doit référencer un Practitioner, PractitionerRole, Patient ou Device (ressource contenue « #id » ou Type/id).'));
      return;
    }
    const role = author.resourceType === 'PractitionerRole' && author.reference?.startsWith('#') ? contained.get(author.reference.slice(1)) : undefined;
    const specialty = role ? readSpecialty(role.specialty, `${path}[${i}].specialty`, issues) : null;
    authors.push({ ...author, specialty: specialty ?? null });
  });
  return authors;
}

/**
 * The XDS authorSpecialty (JDV_J01) of a contained PractitionerRole: at most one coding besides the
 * ordinal specialty (TRE_R38) that the server itself writes there, informative only. The code is
 * checked against J01 by the service.
 */
function readSpecialty(v: unknown, path: string, issues: Issues): ParsedSpecialty | null | undefined {
  if (v === undefined) return null;
  if (!Array.isArray(v)) {
    issues.push(issue(path, C.DATATYPE, 'specialty doit être une liste de codages.'));
    return undefined;
  }
  const declared: ParsedSpecialty[] = [];
  let malformed = false;
  v.forEach((cc) => {
    const codings = isObj(cc) && Array.isArray(cc.coding) ? cc.coding : [];
    if (codings.length === 0) malformed = true;
    for (const c of codings) {
      const system = isObj(c) ? fhirString(c.system, 512) : undefined;
      const code = isObj(c) ? fhirString(c.code, 256) : undefined;
      if (!system || !code) malformed = true;
      else if (canonicalSystem(system) !== FHIR_SYSTEMS.TRE_R38_SPECIALTY) declared.push({ system: canonicalSystem(system), code });
    }
  });
  if (malformed) issues.push(issue(path, C.CODING, 'Chaque spécialité de l’auteur doit porter un codage (system et code).'));
  else if (declared.length > 1) issues.push(issue(path, C.CODING, 'Une seule spécialité de l’auteur (JDV_J01) est attendue.'));
  return malformed || declared.length > 1 ? undefined : declared[0] ?? null;
}

function readAuthor(a: Obj, contained: Map<string, Obj>, baseUrl?: string): DeclaredAuthor | undefined {
  const display = fhirString(a.display, 256) ?? null;
  const ref = fhirString(a.reference, 512);
  if (ref?.startsWith('#')) {
    const res = contained.get(ref.slice(1));
    if (!res || !AUTHOR_TYPES.has(String(res.resourceType))) return undefined;
    return { reference: ref, resourceType: res.resourceType as AuthorResourceType, rpps: rppsOf(res, contained), display, specialty: null };
  }
  if (ref) {
    const type = [...AUTHOR_TYPES].find((t) => referenceId(ref, t, baseUrl) !== undefined) as AuthorResourceType | undefined;
    return type ? { reference: ref, resourceType: type, rpps: null, display, specialty: null } : undefined;
  }
  const rpps = rppsOfIdentifiers([a.identifier]);
  if (!rpps) return undefined;
  const type = typeof a.type === 'string' && AUTHOR_TYPES.has(a.type) ? (a.type as AuthorResourceType) : 'Practitioner';
  return { reference: null, resourceType: type, rpps, display, specialty: null };
}

/** RPPS of a contained Practitioner, or of the Practitioner a contained PractitionerRole points to. */
function rppsOf(res: Obj, contained: Map<string, Obj>): string | null {
  if (res.resourceType === 'Practitioner') return rppsOfIdentifiers(Array.isArray(res.identifier) ? res.identifier : []);
  if (res.resourceType === 'PractitionerRole' && isObj(res.practitioner)) {
    const ref = fhirString(res.practitioner.reference, 512);
    const p = ref?.startsWith('#') ? contained.get(ref.slice(1)) : undefined;
    if (p?.resourceType === 'Practitioner') return rppsOfIdentifiers(Array.isArray(p.identifier) ? p.identifier : []);
  }
  return null;
}

function rppsOfIdentifiers(identifiers: unknown[]): string | null {
  for (const id of identifiers) {
    if (!isObj(id) || typeof id.value !== 'string') continue;
    if (id.system === RPPS_SYSTEM && /^\d{11}$/.test(id.value)) return id.value;
    // idNatPs of type RPPS: "8" + the 11-digit RPPS (TRE_G08).
    if (id.system === ID_NAT_PS_SYSTEM && /^8\d{11}$/.test(id.value)) return id.value.slice(1);
  }
  return null;
}
