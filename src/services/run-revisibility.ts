import type { Actor } from '../domain/actor.ts';
import { appendAudit } from '../store/audit-repo.ts';
import { claimInvisibleDocumentsDue, recordVisibilityStep, updateLabels } from '../store/document-repo.ts';
import { documentFacts, loadAccessContext } from './access-context.ts';
import { auditEntryFor } from './audit-entry.ts';
import { enqueueNotification } from './notify.ts';
import { liftedVisibilityAt } from './patient-visibility.ts';
import type { ServiceDeps } from './service-deps.ts';

const JOB: Actor = { kind: 'system', job: 'revisibility' };
const DAY = 86_400_000;

export type RevisibilityReport = { informed: number; madeVisible: number };

/**
 * SPEC §3.8, no document stays invisible forever: once the information delay has run, the patient is
 * told their record was updated and invited to see a professional; once the visibility delay has run,
 * INVISIBLE_PATIENT is lifted. Each step is decided (as the job), traced and notified once.
 */
export async function runRevisibility(deps: ServiceDeps, batchSize = 100): Promise<RevisibilityReport> {
  const report: RevisibilityReport = { informed: 0, madeVisible: 0 };
  for (const step of ['informed', 'visible'] as const) {
    for (;;) {
      const done = await deps.db.transaction(async (tx) => {
        const now = deps.clock();
        const values = deps.reference.regulatory.at(now);
        const days = step === 'informed' ? values.invisiblePatientInformAfterDays : values.invisiblePatientVisibleAfterDays;
        const due = await claimInvisibleDocumentsDue(tx, step, new Date(now.getTime() - days * DAY), batchSize);
        for (const doc of due) {
          const access = await loadAccessContext(tx, deps, JOB, doc.dossierId, now);
          const action = step === 'informed' ? 'document.visibility.inform' : 'document.visibility.expire';
          const decision = access.decide(action, { document: documentFacts(doc) });
          // Recorded either way, so a document the rule refuses (closed space…) is not retried forever.
          await recordVisibilityStep(tx, doc.dossierId, doc.documentId, step, now);
          await appendAudit(tx, auditEntryFor({ actor: JOB, requestId: null }, doc.dossierId, action, decision, { type: 'DocumentReference', id: doc.documentId }, now, { title: doc.title }));
          if (decision.effect === 'deny') continue;
          if (step === 'informed') {
            // The document says who may be told (those who will see it); the notice itself names no document.
            await enqueueNotification(tx, doc.dossierId, { type: 'record.updated_see_professional', documentId: doc.documentId }, now, now);
            report.informed++;
          } else {
            await updateLabels(tx, doc.dossierId, doc.documentId, doc.labels.filter((l) => l !== 'INVISIBLE_PATIENT'), null, now, liftedVisibilityAt(doc, now, days));
            // The re-visibility itself (SPEC §3.8); whoever already heard of the document is not told twice.
            await enqueueNotification(tx, doc.dossierId, { type: 'document.visible', documentId: doc.documentId, title: doc.title }, now, now);
            report.madeVisible++;
          }
        }
        return due.length < batchSize;
      });
      if (done) break;
    }
  }
  return report;
}
