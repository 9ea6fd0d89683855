/**
 * The identity of a patient as a professional sees it when searching (pure helpers): names, birth
 * date, sex and INS — what identifies the person, nothing of their record.
 */

export type Sex = 'female' | 'male' | 'unknown';

export interface PatientIdentity {
  /** FHIR Patient id (the dossier id). */
  id: string;
  birthName: string;
  /** Every first name, in civil-status order. */
  firstNames: string;
  birthDate: string | null;
  sex: Sex | null;
  ins: string;
  insSystem: string;
  /** The space is open (created or active). */
  active: boolean;
  /** A carer holds a mandate on this space (SPEC §1: professionals see that one exists). */
  carerMandate: boolean;
}

const BIRTH_LIST_GIVEN = 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-birth-list-given-name';
const CARER_MANDATE = 'https://openmes.example/fhir/StructureDefinition/carer-mandate';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Reads an FR Core Patient-INS resource; undefined when it is not one (no id or no INS). */
export function identityOf(resource: unknown): PatientIdentity | undefined {
  const r = obj(resource);
  const id = str(r.id);
  const identifier = obj(list(r.identifier).find((i) => str(obj(i).value)));
  const ins = str(identifier.value);
  if (r.resourceType !== 'Patient' || !id || !ins) return undefined;
  const name = obj(list(r.name)[0]);
  const birthList = list(name.extension).map(obj).find((e) => e.url === BIRTH_LIST_GIVEN);
  const firstNames = str(birthList?.valueString) ?? list(name.given).filter((g): g is string => typeof g === 'string').join(' ');
  const gender = str(r.gender);
  return {
    id,
    birthName: str(name.family) ?? '',
    firstNames,
    birthDate: str(r.birthDate) ?? null,
    sex: gender === 'female' || gender === 'male' || gender === 'unknown' ? gender : null,
    ins,
    insSystem: str(identifier.system) ?? '',
    active: r.active !== false,
    carerMandate: list(r.extension).some((e) => obj(e).url === CARER_MANDATE && obj(e).valueBoolean === true),
  };
}

/** The Patient resources of a searchset Bundle, as identities. */
export function identitiesOf(bundle: unknown): PatientIdentity[] {
  return list(obj(bundle).entry).flatMap((e) => {
    const identity = identityOf(obj(e).resource);
    return identity ? [identity] : [];
  });
}

/** "DURAND Camille Marie": birth name in capitals first, as identity-vigilance rules write it. */
export function displayName(p: Pick<PatientIdentity, 'birthName' | 'firstNames'>): string {
  return [p.birthName.toUpperCase(), p.firstNames].filter(Boolean).join(' ');
}

/** Age in whole years on `today` (YYYY-MM-DD), from a birth date YYYY-MM-DD. */
export function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** A minor on `today`: the secret connection and the "invisible to the representatives" label apply. */
export function isMinorOn(p: Pick<PatientIdentity, 'birthDate'>, today: string): boolean {
  return p.birthDate !== null && ageOn(p.birthDate, today) < 18;
}

/** INS in groups (1 85 05 75 123 456 78) so it can be read back to the patient. */
export function formatIns(ins: string): string {
  const m = /^([12])(\d{2})(\d{2})(\w{2})(\d{3})(\d{3})(\d{2})$/.exec(ins.replace(/\s/g, ''));
  return m ? m.slice(1).join(' ') : ins;
}

export type SearchCriteria =
  | { kind: 'ins'; ins: string }
  | { kind: 'traits'; birthName: string; firstName: string; birthDate: string; sex: Sex | '' };

/** The FHIR Patient search query for the criteria (INS alone, or all four strict traits). */
export function patientSearchQuery(c: SearchCriteria): string {
  const params = new URLSearchParams();
  if (c.kind === 'ins') params.set('identifier', c.ins.replace(/\s/g, '').toUpperCase());
  else {
    params.set('family', c.birthName.trim());
    params.set('given', c.firstName.trim());
    params.set('birthdate', c.birthDate);
    params.set('gender', c.sex);
  }
  return params.toString();
}
