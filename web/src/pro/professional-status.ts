/**
 * What a professional sees on arrival in a patient's record (GET /api/dossiers/:id/professional-status):
 * the patient already informed of feeding (when, by whom), a consent covering them, their session in
 * force. Pure helpers: the wording of each panel's status line.
 */
import { frPro as tp } from '../i18n/fr-pro.ts';
import { formatDateTime } from './format.ts';
import type { AccessSession, PatientRecords } from './pro-patient-context.tsx';

export interface ProfessionalStatus {
  patientInformed: { at: string; by: { name: string } | null } | null;
  consent: { scope: 'professional' | 'structure'; recordedAt: string } | null;
  session: AccessSession | null;
}

/** A status line: `recorded` when something is on record (a success), else what is missing (information). */
export type StatusLine = { recorded: boolean; text: string };

/**
 * The information panel's line on arrival: « Patient informé le … par … », or that nothing is recorded.
 * None while loading, nor once this visit recorded it (the panel shows that answer instead).
 */
export function informationLine(status: ProfessionalStatus | null, records: PatientRecords): StatusLine | null {
  if (!status || records.information) return null;
  const informed = status.patientInformed;
  if (!informed) return { recorded: false, text: tp.patient.notInformed };
  const date = formatDateTime(informed.at);
  return { recorded: true, text: informed.by ? tp.patient.informedOnBy(date, informed.by.name) : tp.patient.informedOn(date) };
}

/** The consent panel's line on arrival: « Consentement enregistré le … », or that no consent covers the caller. */
export function consentLine(status: ProfessionalStatus | null, records: PatientRecords): StatusLine | null {
  if (!status || records.consent) return null;
  const consent = status.consent;
  return consent
    ? { recorded: true, text: tp.patient.consentRecorded(formatDateTime(consent.recordedAt), consent.scope) }
    : { recorded: false, text: tp.patient.noConsent };
}
