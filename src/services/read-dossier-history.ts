import { auditPublicId } from '../domain/audit-chain.ts';
import type { PatientSideRole } from '../domain/policy/decide-access.ts';
import type { StoredAuditRow } from '../store/audit-repo.ts';
import { listDossierHistory, type HistoryFilter } from '../store/dossier-history-repo.ts';
import { actorView, type ActorView } from './actor-view.ts';
import { runDossierOperation } from './dossier-operation.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type HistoryEntry = {
  /** The entry's public id (`auditPublicId`): neither its position nor a count of what lies between. */
  id: string;
  /** Its position in the chain: for the operator only (a gap would tell the patient side of hidden entries). */
  seq?: number;
  occurredAt: string;
  action: string;
  outcome: string;
  reason: string;
  mode: string;
  actor: ActorView;
  target: { type: string; id: string | null; title?: string };
};

/** A page of the history; each entry comes with its stored row, which the edge words in French (describeForPatient). */
export type HistoryPage = {
  entries: { entry: HistoryEntry; row: StoredAuditRow }[];
  /** The public id of the page's last entry, when there may be more: the `before` of the next page. */
  nextBefore: string | null;
  /** Whether the reader is the operator, who may see the chain itself (positions, hashes, client addresses). */
  forOperator: boolean;
};

export const HISTORY_MAX_LIMIT = 100;
const DAY = 86_400_000;
const EARLIEST = new Date('0001-01-01T00:00:00Z');

/**
 * The dossier's activity history, newest first (SPEC §4), in plain words. What the reader may not know
 * is left out of the page itself (SPEC §3.8–§3.10): secret-connection entries and entries about
 * documents hidden from the representatives, for those acting as parents; entries about documents
 * still invisible to the patient, for the whole patient side. The read is traced after the page.
 */
export async function readDossierHistory(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, page: { limit: number; before: string | null },
): Promise<HistoryPage> {
  return runDossierOperation<HistoryPage>(deps, ctx, dossierId, { write: false }, async ({ tx, now, access, trace, refuse }) => {
    const target = { type: 'AuditTrail', id: dossierId };
    const details = { limit: page.limit, ...(page.before !== null ? { before: page.before } : {}) };
    const decision = access.decide('dossier.audit.read');
    if (!access.dossier || decision.effect === 'deny') return refuse('dossier.audit.read', decision, target, details);
    const limit = Math.min(Math.max(1, page.limit), HISTORY_MAX_LIMIT);
    const rows = await listDossierHistory(tx, dossierId, historyFilter(decision.role, now, access.base.rules?.invisiblePatientVisibleAfterDays), { limit, before: page.before });
    await trace('dossier.audit.read', decision, target, details);
    const forOperator = ctx.actor.kind === 'operator';
    return {
      ok: true,
      value: {
        entries: rows.map((row) => ({ entry: historyEntry(deps, row, forOperator), row })),
        nextBefore: rows.length === limit ? auditPublicId(rows[rows.length - 1]!.hash) : null,
        forOperator,
      },
    };
  });
}

/**
 * What this reader must not see. `role` is undefined for the operator, who sees everything (SPEC §3.10:
 * the secret connection is still recorded for the operator).
 */
export function historyFilter(role: PatientSideRole | undefined, now: Date, visibleAfterDays: number | undefined): HistoryFilter {
  if (!role) return { hideSecret: false, hideInvisibleToRepresentatives: false, invisibleToPatientSinceAfter: null };
  // The same roles the document rule keeps INVISIBLE_REPRESENTANTS_LEGAUX documents from (patient-side-rules.ts).
  const actsAsParent = role === 'legal_representative' || role === 'carer';
  return {
    hideSecret: actsAsParent,
    hideInvisibleToRepresentatives: actsAsParent,
    // isVisibleToPatientAt: visible once now ≥ since + delay, i.e. hidden while since > now − delay.
    // Without the delay in force, every invisible document stays hidden (fail closed).
    invisibleToPatientSinceAfter: visibleAfterDays === undefined ? EARLIEST : new Date(now.getTime() - visibleAfterDays * DAY),
  };
}

function historyEntry(deps: ServiceDeps, r: StoredAuditRow, forOperator: boolean): HistoryEntry {
  const actor = actorView(deps, r.actor_kind, r.actor);
  const title = typeof r.details.title === 'string' ? r.details.title : undefined;
  return {
    id: auditPublicId(r.hash),
    ...(forOperator ? { seq: r.seq } : {}),
    occurredAt: r.occurred_at.toISOString(),
    action: r.action,
    outcome: r.outcome,
    reason: r.reason,
    mode: r.mode,
    actor,
    target: { type: r.target_type, id: r.target_id, ...(title ? { title } : {}) },
  };
}
