import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import { appendAudit } from '../store/audit-repo.ts';
import { findDossierIdByIns, findDossierIdsByTraits, listDossiersActedForBy } from '../store/dossier-repo.ts';
import { carerMandateShown, type PatientView } from './read-patient.ts';
import type { Queryable } from '../store/db.ts';
import { loadAccessContext } from './access-context.ts';
import { auditEntryFor } from './audit-entry.ts';
import { deniedError } from './denied-error.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type PatientCriteria =
  | { kind: 'ins'; ins: string }
  | { kind: 'traits'; birthName: string; firstName: string; birthDate: string; sex: 'M' | 'F' | 'U' }
  | { kind: 'mine' };

const MAX_TRAIT_MATCHES = 10;

/**
 * FHIR Patient search: by INS, by the strict traits, or (patient side) the spaces the caller may act
 * for. Each candidate is decided; only allowed ones are returned, and each decision is traced on the
 * candidate's chain. A search that finds nothing visible leaves one entry on the system chain.
 */
export async function searchPatients(deps: ServiceDeps, ctx: RequestContext, criteria: PatientCriteria): Promise<PatientView[]> {
  const result = await deps.db.transaction(async (tx) => {
    const now = deps.clock();
    const ids = await candidateIds(tx, ctx, criteria);
    const visible: PatientView[] = [];
    let blocked = false;
    for (const id of ids) {
      const access = await loadAccessContext(tx, deps, ctx.actor, id, now);
      if (!access.dossier) continue;
      // Searching one's own spaces is a read of each; a professional's search is a search.
      const decision = access.decide(criteria.kind === 'mine' ? 'dossier.identity.read' : 'dossier.identity.search');
      // A denied candidate is traced on the system chain — except a blocked professional's search,
      // which the holder must see — so that a refused search does not show up as an access.
      const onDossier = decision.effect === 'allow' || decision.reason === 'POLICY_BLOCKED_PROFESSIONAL';
      await appendAudit(tx, auditEntryFor(ctx, onDossier ? id : SYSTEM_CHAIN, 'dossier.identity.search', decision, { type: 'Patient', id }, now, { criteria: criteria.kind }));
      if (decision.effect === 'allow') visible.push({ dossier: access.dossier, carerMandate: carerMandateShown(deps, ctx, access.base.relationships, now) });
      else if (decision.reason === 'POLICY_BLOCKED_PROFESSIONAL') blocked = true;
    }
    if (ids.length === 0) {
      await appendAudit(tx, auditEntryFor(ctx, SYSTEM_CHAIN, 'dossier.identity.search', { effect: 'allow', reason: 'POLICY_SEARCH_NO_MATCH' }, { type: 'Patient', id: null }, now, { criteria: criteria.kind }));
    }
    return { visible, blocked };
  });
  // SPEC §3.2: the blocked professional is told, in these words, that access was withdrawn.
  if (result.blocked && result.visible.length === 0) throw deniedError({ effect: 'deny', reason: 'POLICY_BLOCKED_PROFESSIONAL' }, true);
  return result.visible;
}

async function candidateIds(tx: Queryable, ctx: RequestContext, c: PatientCriteria): Promise<string[]> {
  switch (c.kind) {
    case 'ins': {
      const id = await findDossierIdByIns(tx, c.ins);
      return id ? [id] : [];
    }
    case 'traits':
      return findDossierIdsByTraits(tx, c, MAX_TRAIT_MATCHES);
    case 'mine': {
      if (ctx.actor.kind !== 'person') return [];
      const others = await listDossiersActedForBy(tx, ctx.actor.dossierId);
      return [ctx.actor.dossierId, ...others.map((o) => o.dossierId)];
    }
    default:
      return c satisfies never;
  }
}
