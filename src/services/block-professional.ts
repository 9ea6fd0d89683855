import { validateRpps } from '../domain/identity/rpps.ts';
import { findProfessionalByRpps } from '../store/professional-directory-repo.ts';
import { isBlocked, listBlocks, setBlocked } from '../store/record-facts-repo.ts';
import { directoryName } from './actor-view.ts';
import { runDossierOperation } from './dossier-operation.ts';
import type { IdempotencyRequest } from './idempotency.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type BlockResult = { rpps: string; name: string | null; blocked: boolean; blockedAt: string | null; changed: boolean };

/**
 * Blocks (or unblocks) a professional on the patient's record (SPEC §3.2): before or after their first
 * access, the professional can then neither read nor feed. Blocking names a professional of the
 * directory; unblocking also works for one who has since left it.
 */
export async function blockProfessional(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, rawRpps: string, blocked: boolean, idempotency?: IdempotencyRequest,
): Promise<BlockResult> {
  const action = blocked ? 'professional.block' : 'professional.unblock';
  return runDossierOperation<BlockResult>(deps, ctx, dossierId, { write: true, idempotency }, async ({ tx, now, access, trace, refuse, invalid }) => {
    // The policy knows one action for both directions: deciding who may access the record.
    const decision = access.decide('professional.block');
    if (!access.dossier || decision.effect === 'deny') return refuse(action, decision, { type: 'Professional', id: null });
    const rpps = validateRpps(rawRpps);
    if (!rpps.ok) return invalid(action, { type: 'Professional', id: null }, rpps.issues[0]!);
    const target = { type: 'Professional', id: rpps.value };
    const pro = await findProfessionalByRpps(tx, rpps.value);
    const wasBlocked = await isBlocked(tx, dossierId, rpps.value);
    if (!pro && !(wasBlocked && !blocked)) return invalid(action, target, UNKNOWN_PROFESSIONAL);
    const name = pro ? directoryName(pro) : (await listBlocks(tx, dossierId)).find((b) => b.rpps === rpps.value)?.displayName ?? null;
    const changed = await setBlocked(tx, dossierId, rpps.value, name ?? '', blocked, now);
    await trace(action, decision, target, { professionalName: name, changed });
    const block = blocked ? (await listBlocks(tx, dossierId)).find((b) => b.rpps === rpps.value) : undefined;
    return { ok: true, value: { rpps: rpps.value, name, blocked, blockedAt: block ? block.blockedAt.toISOString() : null, changed } };
  });
}

const UNKNOWN_PROFESSIONAL = { field: 'rpps', code: 'SETTINGS_PROFESSIONAL_UNKNOWN', message: "Aucun professionnel de l'annuaire ne porte ce numéro RPPS." };
