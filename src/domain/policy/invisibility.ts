import type { DocumentFacts, RuleData } from './access-facts.ts';

const DAY = 86_400_000;

/**
 * When a document deposited invisible to the patient becomes visible by itself (SPEC §3.8: no document
 * stays invisible forever). Computed from the deposit time and the delay in force: no job is needed for
 * the rule to hold; the re-visibility job only informs the patient and records the event.
 */
export function visibleToPatientFrom(doc: Pick<DocumentFacts, 'invisibleToPatientSince'>, rules: Pick<RuleData, 'invisiblePatientVisibleAfterDays'>): Date | null {
  if (!doc.invisibleToPatientSince) return null;
  return new Date(doc.invisibleToPatientSince.getTime() + rules.invisiblePatientVisibleAfterDays * DAY);
}

export function isVisibleToPatientAt(doc: Pick<DocumentFacts, 'invisibleToPatientSince' | 'labels'>, now: Date, rules: Pick<RuleData, 'invisiblePatientVisibleAfterDays'>): boolean {
  if (!doc.labels.includes('INVISIBLE_PATIENT')) return true;
  const from = visibleToPatientFrom(doc, rules);
  // A label without its start date never expires by itself: keep it hidden (fail closed).
  return from !== null && now.getTime() >= from.getTime();
}
