import type { DocumentMeta } from '../domain/document.ts';
import { visibleToPatientFrom } from '../domain/policy/invisibility.ts';
import type { StoredDocument } from '../store/document-repo.ts';
import type { ServiceDeps } from './service-deps.ts';

type Hidden = Pick<DocumentMeta, 'invisibleToPatientSince' | 'labels'>;

const since = (d: Hidden) => ({ invisibleToPatientSince: d.invisibleToPatientSince ? new Date(d.invisibleToPatientSince) : null });

/**
 * When a document deposited invisible to the patient became visible to them, its INVISIBLE_PATIENT
 * label being lifted at `now`: at the end of the regulatory delay when that came first (the rules let
 * the patient read it from then on, SPEC §3.8), else now.
 */
export function liftedVisibilityAt(doc: Hidden, now: Date, visibleAfterDays: number): Date {
  const from = visibleToPatientFrom(since(doc), { invisiblePatientVisibleAfterDays: visibleAfterDays });
  return from && from.getTime() < now.getTime() ? from : now;
}

/**
 * Since when the patient sees a document that was first hidden from them: recorded when the label was
 * lifted, or — label still on, the delay run, the job not yet passed — the end of the delay. Null for a
 * document never hidden, or still hidden.
 */
export function visibleToPatientSince(deps: Pick<ServiceDeps, 'reference'>, doc: Pick<StoredDocument, 'invisibleToPatientSince' | 'labels' | 'visibleToPatientAt'>, now: Date): string | null {
  if (!doc.labels.includes('INVISIBLE_PATIENT')) return doc.visibleToPatientAt;
  const from = visibleToPatientFrom(since(doc), deps.reference.regulatory.at(now));
  return from && from.getTime() <= now.getTime() ? from.toISOString() : null;
}
