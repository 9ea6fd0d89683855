import { describe, expect, it } from 'vitest';
import { ageOn, displayName, formatIns, identitiesOf, identityOf, isMinorOn, patientSearchQuery } from './patient-identity.ts';

const patient = {
  resourceType: 'Patient',
  id: '5d0c0f8e-1111-4222-8333-444455556666',
  identifier: [{ use: 'official', system: 'urn:oid:1.2.250.1.213.1.4.8', value: '285057512345678' }],
  active: true,
  name: [{ use: 'official', family: 'DURAND', given: ['Camille'], extension: [{ url: 'https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-birth-list-given-name', valueString: 'Camille Marie' }] }],
  gender: 'female',
  birthDate: '1985-05-12',
  extension: [{ url: 'https://openmes.example/fhir/StructureDefinition/carer-mandate', valueBoolean: true }],
};

describe('patient identity in the professional search', () => {
  it('reads only what identifies the person from an FR Core Patient-INS', () => {
    expect(identityOf(patient)).toEqual({
      id: patient.id, birthName: 'DURAND', firstNames: 'Camille Marie', birthDate: '1985-05-12', sex: 'female',
      ins: '285057512345678', insSystem: 'urn:oid:1.2.250.1.213.1.4.8', active: true, carerMandate: true,
    });
    expect(identityOf({ ...patient, identifier: [] })).toBeUndefined();
    expect(identityOf({ resourceType: 'Practitioner', id: 'x' })).toBeUndefined();
    expect(identitiesOf({ resourceType: 'Bundle', entry: [{ resource: patient }, { resource: { resourceType: 'OperationOutcome' } }] })).toHaveLength(1);
  });

  it('writes the name and the INS the way identity vigilance reads them back', () => {
    expect(displayName({ birthName: 'Durand', firstNames: 'Camille Marie' })).toBe('DURAND Camille Marie');
    expect(formatIns('285057512345678')).toBe('2 85 05 75 123 456 78');
    expect(formatIns('2850' + '52A' + '12345678')).toBe('2 85 05 2A 123 456 78');
    expect(formatIns('abc')).toBe('abc');
  });

  it('tells a minor from an adult on a given day (the day of the 18th birthday is majority)', () => {
    expect(ageOn('2008-03-10', '2026-03-09')).toBe(17);
    expect(ageOn('2008-03-10', '2026-03-10')).toBe(18);
    expect(isMinorOn({ birthDate: '2008-03-10' }, '2026-03-09')).toBe(true);
    expect(isMinorOn({ birthDate: '2008-03-10' }, '2026-03-10')).toBe(false);
    expect(isMinorOn({ birthDate: null }, '2026-03-10')).toBe(false);
  });

  it('searches by INS alone, or by the four strict traits', () => {
    expect(patientSearchQuery({ kind: 'ins', ins: ' 2 85 05 75 123 456 78 ' })).toBe('identifier=285057512345678');
    expect(patientSearchQuery({ kind: 'traits', birthName: ' Durand ', firstName: 'Camille', birthDate: '1985-05-12', sex: 'female' }))
      .toBe('family=Durand&given=Camille&birthdate=1985-05-12&gender=female');
  });
});
