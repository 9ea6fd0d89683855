import { fr } from '@codegouvfr/react-dsfr';
import { Badge } from '@codegouvfr/react-dsfr/Badge.js';
import { frPro as tp } from '../i18n/fr-pro.ts';
import { FactList } from './fact-list.tsx';
import { formatDay, todayInFrance } from './format.ts';
import { formatIns, isMinorOn, type PatientIdentity } from './patient-identity.ts';

/** The identity of a patient, and nothing of their record: the traits that identify the person. */
export function IdentitySummary({ patient }: { patient: PatientIdentity }) {
  const items: [string, string][] = [
    [tp.identity.birthName, patient.birthName.toUpperCase()],
    [tp.identity.firstNames, patient.firstNames],
    [tp.identity.birthDate, patient.birthDate ? formatDay(patient.birthDate) : '—'],
    [tp.identity.sex, patient.sex ? tp.identity.sexes[patient.sex] : '—'],
    [tp.identity.ins, formatIns(patient.ins)],
  ];
  return (
    <>
      <FactList items={items} />
      {(isMinorOn(patient, todayInFrance()) || patient.carerMandate) && (
        <ul className={fr.cx('fr-badges-group', 'fr-mb-1w')}>
          {isMinorOn(patient, todayInFrance()) && (
            <li>
              <Badge severity="info" as="span">
                {tp.identity.minor}
              </Badge>
            </li>
          )}
          {patient.carerMandate && (
            <li>
              <Badge severity="new" as="span">
                {tp.identity.carerMandate}
              </Badge>
            </li>
          )}
        </ul>
      )}
    </>
  );
}
