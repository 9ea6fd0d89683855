import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import { AppError } from '../domain/errors.ts';
import { validateFiness } from '../domain/identity/finess.ts';
import { decideAccess } from '../domain/policy/decide-access.ts';
import { appendAudit } from '../store/audit-repo.ts';
import { deleteRegulationCentre, listRegulationCentres, upsertRegulationCentre, type RegulationCentre } from '../store/regulation-centre-repo.ts';
import { auditEntryFor } from './audit-entry.ts';
import { deniedError } from './denied-error.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type RegulationCentreChange = { op: 'add'; finess: string; name: string } | { op: 'remove'; finess: string };

/** Part of the directory of structures: the operator's, like loading the directory of professionals. */
const ACTION = 'directory.import';

/**
 * Lists or unlists a SAMU regulation centre (centre 15) by its FINESS: the data that opens the SAMU
 * regulation mode to the physicians practising there. The operator's alone, traced on the system chain.
 * Returns whether anything changed.
 */
export async function changeRegulationCentre(deps: Pick<ServiceDeps, 'db' | 'clock' | 'settings'>, ctx: RequestContext, change: RegulationCentreChange): Promise<boolean> {
  const checked = validateFiness(change.finess);
  if (!checked.ok) throw new AppError('VALIDATION_FAILED', checked.issues[0]?.message, checked.issues);
  if (change.op === 'add' && change.name.trim() === '') {
    throw new AppError('VALIDATION_FAILED', 'Indiquez le nom du centre de régulation.', [{ field: 'name', code: 'REGULATION_CENTRE_NAME_REQUIRED', message: 'Indiquez le nom du centre de régulation.' }]);
  }
  const finess = checked.value;
  return deps.db.transaction(async (tx) => {
    const now = deps.clock();
    const decision = decideAccess({ actor: ctx.actor, action: ACTION, dossier: null, relationships: [], now, settings: deps.settings });
    const target = { type: 'RegulationCentre', id: finess };
    if (decision.effect === 'deny') {
      await appendAudit(tx, auditEntryFor(ctx, SYSTEM_CHAIN, `regulation_centre.${change.op}`, decision, target, now));
      throw deniedError(decision, true);
    }
    const changed = change.op === 'add' ? await upsertRegulationCentre(tx, finess, change.name.trim(), now) : await deleteRegulationCentre(tx, finess);
    await appendAudit(tx, auditEntryFor(ctx, SYSTEM_CHAIN, `regulation_centre.${change.op}`, decision, target, now,
      { ...(change.op === 'add' ? { name: change.name.trim() } : {}), changed }));
    return changed;
  });
}

/** The listed regulation centres (reference data about structures, no patient data). */
export function regulationCentres(deps: Pick<ServiceDeps, 'db'>): Promise<RegulationCentre[]> {
  return listRegulationCentres(deps.db);
}
