import type { HabilitationMatrix } from '../domain/terminology/habilitation-matrix.ts';
import type { ProfessionCatalog } from '../domain/terminology/professions.ts';
import type { RegulatoryValues } from '../domain/terminology/regulatory-parameters.ts';
import type { DocumentTerminology } from '../domain/terminology/value-sets.ts';
import {
  isoDay,
  loadDocumentTerminology,
  loadHabilitationMatrix,
  loadProfessionCatalog,
  loadRegulatoryParameters,
} from '../store/reference-data.ts';

/** Versioned reference data (rules are data, invariant 5), validated at start: a bad file stops the start. */
export type ReferenceData = {
  professions: ProfessionCatalog;
  /** DMP document types and classes, confidentiality codes, practice settings, facility types, author specialties. */
  documents: DocumentTerminology;
  /** The habilitation matrix in force on the start date. */
  matrix: HabilitationMatrix;
  /** Regulatory durations in force at a date; throws when no version covers the date (never guesses). */
  regulatory: { at(date: Date): RegulatoryValues };
};

/**
 * Loads and checks every dataset for a process started at `date` (terminologies: latest versions;
 * matrix and professions: in force at `date`). Throws an Error listing the issues.
 */
export function loadReferenceData(date: Date, dir?: string | URL): ReferenceData {
  const day = isoDay(date);
  const professions = loadProfessionCatalog(dir, { date: day });
  const documents = loadDocumentTerminology(dir);
  const matrix = loadHabilitationMatrix(day, { ...(dir !== undefined ? { dir } : {}), documents, professions });
  const parameters = loadRegulatoryParameters(dir);
  if (parameters.at(day) === undefined) {
    throw new Error(`Données de référence invalides : aucun paramètre réglementaire en vigueur le ${day}.`);
  }
  const at = (when: Date): RegulatoryValues => {
    const version = parameters.at(isoDay(when));
    if (version === undefined) throw new Error(`Aucun paramètre réglementaire en vigueur le ${isoDay(when)}.`);
    return version.values;
  };
  return { professions, documents, matrix, regulatory: { at } };
}
