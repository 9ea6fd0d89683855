import type { ProfessionCatalog } from '../domain/terminology/professions.ts';
import { loadProfessionCatalog } from '../store/reference-data.ts';

/** Versioned reference data (rules are data, invariant 5), validated at start: a bad file stops the start. */
export type ReferenceData = { professions: ProfessionCatalog };

export function loadReferenceData(date: Date): ReferenceData {
  return { professions: loadProfessionCatalog(undefined, { date: date.toISOString().slice(0, 10) }) };
}
