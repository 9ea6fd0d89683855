import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import { findDossier, listRelationshipsOf, type DossierRow } from '../store/dossier-repo.ts';
import { decideAndRecord } from './decide-and-record.ts';
import { deniedError } from './denied-error.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

/** Reads a dossier's identity (FHIR Patient read), decided and traced; hidden dossiers look absent. */
export async function readPatient(deps: ServiceDeps, ctx: RequestContext, dossierId: string): Promise<DossierRow> {
  const result = await deps.db.transaction(async (tx) => {
    const now = deps.clock();
    const dossier = await findDossier(tx, dossierId);
    const relationships = dossier ? await listRelationshipsOf(tx, dossierId) : [];
    const decision = await decideAndRecord(
      tx, ctx,
      { action: 'dossier.identity.read', now, relationships, settings: deps.settings, dossier: dossier && { dossierId, state: dossier.state, birthDate: dossier.birth_date } },
      dossier ? dossierId : SYSTEM_CHAIN,
      { type: 'Patient', id: dossierId },
    );
    return { dossier, decision };
  });
  if (!result.dossier || result.decision.effect === 'deny') throw deniedError(result.decision, result.dossier !== null);
  return result.dossier;
}
