import { validateRpps } from '../domain/identity/rpps.ts';
import { findProfessionalByRpps } from '../store/professional-directory-repo.ts';
import { saveSettings, type StoredSettings } from '../store/record-facts-repo.ts';
import { directoryName } from './actor-view.ts';
import { runDossierOperation } from './dossier-operation.ts';
import type { IdempotencyRequest } from './idempotency.ts';
import { enqueueNotification } from './notify.ts';
import { settingsView, type SettingsView } from './read-settings.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

/** A change of settings: any subset; `medecinTraitant: null` removes the declared médecin traitant. */
export type SettingsChange = {
  maskAll?: boolean;
  blockSamu?: boolean;
  blockEmergency?: boolean;
  blockMaskedInEmergency?: boolean;
  medecinTraitant?: { rpps: string } | null;
};

const FLAGS = ['maskAll', 'blockSamu', 'blockEmergency', 'blockMaskedInEmergency'] as const;
/** The profession a médecin traitant must have (TRE_G15 10, médecin). */
const MEDECIN = 'G15:10';

/**
 * Changes the patient's confidentiality settings (SPEC §3.3, §3.6, §3.7). The audit entry lists what
 * changed (from → to), never health data; a change made by someone acting for the holder is notified
 * to the holder.
 */
export async function updateSettings(
  deps: ServiceDeps, ctx: RequestContext, dossierId: string, change: SettingsChange, idempotency?: IdempotencyRequest,
): Promise<SettingsView> {
  return runDossierOperation<SettingsView>(deps, ctx, dossierId, { write: true, idempotency }, async ({ tx, now, access, trace, refuse, invalid }) => {
    const target = { type: 'DossierSettings', id: dossierId };
    const decision = access.decide('settings.update');
    if (!access.dossier || decision.effect === 'deny') return refuse('settings.update', decision, target);
    const before = access.settings;
    const after: StoredSettings = { ...before };
    for (const flag of FLAGS) after[flag] = change[flag] ?? before[flag];
    if (change.medecinTraitant === null) {
      after.medecinTraitantRpps = null;
      after.medecinTraitantName = null;
    } else if (change.medecinTraitant) {
      const rpps = validateRpps(change.medecinTraitant.rpps, { field: 'medecinTraitant.rpps' });
      if (!rpps.ok) return invalid('settings.update', target, rpps.issues[0]!);
      const pro = await findProfessionalByRpps(tx, rpps.value);
      if (!pro) return invalid('settings.update', target, UNKNOWN_MEDECIN);
      if (pro.profession !== MEDECIN) return invalid('settings.update', target, NOT_A_MEDECIN);
      after.medecinTraitantRpps = pro.rpps;
      after.medecinTraitantName = directoryName(pro);
    }
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const flag of FLAGS) if (after[flag] !== before[flag]) changes[flag] = { from: before[flag], to: after[flag] };
    if (after.medecinTraitantRpps !== before.medecinTraitantRpps) changes.medecinTraitant = { from: before.medecinTraitantRpps, to: after.medecinTraitantRpps };
    const changed = Object.keys(changes);
    if (changed.length) await saveSettings(tx, dossierId, after, now);
    await trace('settings.update', decision, target, { changes });
    // The holder hears of a change made for them by a representative or protector.
    const role = decision.effect === 'allow' ? decision.role : undefined;
    if (changed.length && role !== 'holder') {
      await enqueueNotification(tx, dossierId, {
        type: 'settings.changed_by_other', recipient: 'holder', by: ctx.actor.kind === 'person' ? ctx.actor.displayName : null,
        byDossierId: ctx.actor.kind === 'person' ? ctx.actor.dossierId : null, role: role ?? null, changed,
      }, now, now);
    }
    return { ok: true, value: await settingsView(tx, deps, dossierId, after) };
  });
}

const UNKNOWN_MEDECIN = {
  field: 'medecinTraitant.rpps', code: 'SETTINGS_PROFESSIONAL_UNKNOWN',
  message: "Aucun professionnel de l'annuaire ne porte ce numéro RPPS.",
};
const NOT_A_MEDECIN = {
  field: 'medecinTraitant.rpps', code: 'SETTINGS_MEDECIN_TRAITANT_NOT_A_PHYSICIAN',
  message: 'Le médecin traitant doit être un médecin.',
};
