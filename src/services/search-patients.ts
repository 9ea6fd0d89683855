import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import { decideAccess } from '../domain/policy/decide-access.ts';
import { appendAudit } from '../store/audit-repo.ts';
import { findDossier, findDossierIdByIns, findDossierIdsByTraits, listDossiersActedForBy, listRelationshipsOf, type DossierRow } from '../store/dossier-repo.ts';
import { auditEntryFor } from './decide-and-record.ts';
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
export async function searchPatients(deps: ServiceDeps, ctx: RequestContext, criteria: PatientCriteria): Promise<DossierRow[]> {
  return deps.db.transaction(async (tx) => {
    const now = deps.clock();
    const ids = await candidateIds(tx, ctx, criteria);
    const visible: DossierRow[] = [];
    for (const id of ids) {
      const dossier = await findDossier(tx, id);
      if (!dossier) continue;
      const relationships = await listRelationshipsOf(tx, id);
      const decision = decideAccess({
        actor: ctx.actor, action: 'dossier.identity.search', now, relationships, settings: deps.settings,
        dossier: { dossierId: id, state: dossier.state, birthDate: dossier.birth_date },
      });
      // Searching one's own spaces is a read of each; a professional's search is a search.
      const effective = criteria.kind === 'mine'
        ? decideAccess({ actor: ctx.actor, action: 'dossier.identity.read', now, relationships, settings: deps.settings, dossier: { dossierId: id, state: dossier.state, birthDate: dossier.birth_date } })
        : decision;
      // A denied candidate is traced on the system chain: writing it on the dossier's own chain
      // would show its holder a search by someone who was refused and learnt nothing.
      await appendAudit(tx, auditEntryFor(ctx, effective.effect === 'allow' ? id : SYSTEM_CHAIN, 'dossier.identity.search', effective, { type: 'Patient', id }, now, { criteria: criteria.kind }));
      if (effective.effect === 'allow') visible.push(dossier);
    }
    if (ids.length === 0) {
      await appendAudit(tx, auditEntryFor(ctx, SYSTEM_CHAIN, 'dossier.identity.search', { effect: 'allow', reason: 'POLICY_SEARCH_NO_MATCH' }, { type: 'Patient', id: null }, now, { criteria: criteria.kind }));
    }
    return visible;
  });
}

async function candidateIds(tx: Parameters<typeof findDossier>[0], ctx: RequestContext, c: PatientCriteria): Promise<string[]> {
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
