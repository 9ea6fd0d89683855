import { OPENMES_CANONICAL } from './fhir-primitives.ts';
import { INS_SYSTEMS } from './ins-systems.ts';
import type { DossierRow } from '../../store/dossier-repo.ts';

const CS_0203 = 'https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203';
const GENDER = { M: 'male', F: 'female', U: 'unknown' } as const;

/** A dossier's holder as an FR Core Patient-INS (identity only; Patient.active = the space is open). */
export function toFhirPatient(d: DossierRow, carerMandate = false): Record<string, unknown> {
  const insType = Object.entries(INS_SYSTEMS).find(([, v]) => v.oid === d.ins_oid)?.[0] ?? 'INS-NIR';
  const firstNames = (d.first_names ?? '').split(' ').filter(Boolean);
  return {
    resourceType: 'Patient',
    id: d.dossier_id,
    meta: { profile: ['https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-patient-ins'] },
    identifier: [{
      use: 'official',
      type: { coding: [{ system: CS_0203, code: insType }] },
      system: `urn:oid:${d.ins_oid}`,
      value: d.ins,
    }],
    active: d.state === 'created' || d.state === 'active',
    name: d.birth_name ? [{
      use: 'official',
      family: d.birth_name,
      given: firstNames.slice(0, 1),
      extension: firstNames.length ? [{ url: 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-birth-list-given-name', valueString: firstNames.join(' ') }] : undefined,
    }] : undefined,
    gender: d.sex ? GENDER[d.sex] : undefined,
    birthDate: d.birth_date ?? undefined,
    extension: [
      ...(d.birth_place ? [{
        url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace',
        valueAddress: { extension: [{ url: 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-address-insee-code', valueCoding: { code: d.birth_place } }] },
      }] : []),
      // SPEC §1: professionals see that a carer mandate exists.
      ...(carerMandate ? [{ url: `${OPENMES_CANONICAL}/StructureDefinition/carer-mandate`, valueBoolean: true }] : []),
    ],
  };
}
