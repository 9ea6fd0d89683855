import { describe, expect, it } from 'vitest';
import { consentLine, informationLine, type ProfessionalStatus } from './professional-status.ts';

const nothing: ProfessionalStatus = { patientInformed: null, consent: null, session: null };
const recorded: ProfessionalStatus = {
  patientInformed: { at: '2026-02-03T09:30:00.000Z', by: { name: 'Dr Claire Lambert' } },
  consent: { scope: 'structure', recordedAt: '2026-02-03T09:45:00.000Z' },
  session: null,
};

describe('the professional’s status on arrival in a patient’s record', () => {
  it('says who informed the patient and when, and the consent that covers the professional, in French time', () => {
    expect(informationLine(recorded, {})).toEqual({ recorded: true, text: 'Patient informé le 3 février 2026 à 10:30 par Dr Claire Lambert.' });
    expect(informationLine({ ...recorded, patientInformed: { at: '2026-07-01T22:15:00.000Z', by: null } }, {}))
      .toEqual({ recorded: true, text: 'Patient informé le 2 juillet 2026 à 00:15.' });
    expect(consentLine(recorded, {})).toEqual({ recorded: true, text: 'Consentement enregistré le 3 février 2026 à 10:45, pour l’équipe de soins de votre structure.' });
    expect(consentLine({ ...recorded, consent: { scope: 'professional', recordedAt: '2026-02-03T09:45:00.000Z' } }, {})?.text).toBe('Consentement enregistré le 3 février 2026 à 10:45, pour vous-même.');
  });

  it('says what is missing, shows nothing while loading, and gives way to what this visit recorded', () => {
    expect(informationLine(nothing, {})).toEqual({ recorded: false, text: 'Aucune information du patient n’est enregistrée pour l’instant.' });
    expect(consentLine(nothing, {})).toEqual({ recorded: false, text: 'Aucun consentement ne vous couvre pour ce patient.' });
    expect(informationLine(null, {})).toBeNull();
    expect(consentLine(null, {})).toBeNull();
    const justRecorded = { consent: { scope: 'professional' as const, recordedAt: '2026-02-05T10:00:00.000Z' }, information: { informedAt: '2026-02-05T10:00:00.000Z', informedBy: 'Dr Claire Lambert' } };
    expect(informationLine(nothing, justRecorded)).toBeNull();
    expect(consentLine(nothing, justRecorded)).toBeNull();
  });
});
