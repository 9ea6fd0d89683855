import type { Queryable } from '../store/db.ts';
import { listBlocks, listConsents, type StoredSettings } from '../store/record-facts-repo.ts';
import { actorView, type ActorView } from './actor-view.ts';
import { runDossierOperation } from './dossier-operation.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

/** The patient's confidentiality settings and the access rights recorded on their record (SPEC §3.2, §3.5–§3.7). */
export type SettingsView = {
  maskAll: boolean;
  blockSamu: boolean;
  blockEmergency: boolean;
  blockMaskedInEmergency: boolean;
  medecinTraitant: { rpps: string; name: string } | null;
  blockedProfessionals: { rpps: string; name: string; blockedAt: string }[];
  feedingInformation: { informedAt: string; informedBy: ActorView | null } | null;
  consents: {
    consentId: string;
    scope: 'professional' | 'structure';
    /** Whom it covers: the professional (RPPS) or the structure's care team (FINESS). */
    rpps: string | null;
    finess: string | null;
    structureName: string | null;
    recordedBy: ActorView;
    recordedAt: string;
    revokedAt: string | null;
  }[];
};

/**
 * Shows the patient side (holder, legal representative, protector; carers per the policy) the
 * record's settings and who may access it — "the list of access rights" of the patient's history.
 */
export async function readSettings(deps: ServiceDeps, ctx: RequestContext, dossierId: string): Promise<SettingsView> {
  return runDossierOperation<SettingsView>(deps, ctx, dossierId, { write: false }, async ({ tx, access, trace, refuse }) => {
    const target = { type: 'DossierSettings', id: dossierId };
    const decision = access.decide('settings.read');
    if (!access.dossier || decision.effect === 'deny') return refuse('settings.read', decision, target);
    const view = await settingsView(tx, deps, dossierId, access.settings);
    await trace('settings.read', decision, target);
    return { ok: true, value: view };
  });
}

/** The settings as the patient side sees them (also the answer of a settings change). */
export async function settingsView(tx: Queryable, deps: ServiceDeps, dossierId: string, s: StoredSettings): Promise<SettingsView> {
  // One after the other: a transaction is one connection (pg deprecates concurrent queries on a client).
  const blocks = await listBlocks(tx, dossierId);
  const consents = await listConsents(tx, dossierId);
  return {
    maskAll: s.maskAll,
    blockSamu: s.blockSamu,
    blockEmergency: s.blockEmergency,
    blockMaskedInEmergency: s.blockMaskedInEmergency,
    medecinTraitant: s.medecinTraitantRpps ? { rpps: s.medecinTraitantRpps, name: s.medecinTraitantName ?? '' } : null,
    blockedProfessionals: blocks.map((b) => ({ rpps: b.rpps, name: b.displayName, blockedAt: b.blockedAt.toISOString() })),
    feedingInformation: s.patientInformedAt
      ? { informedAt: s.patientInformedAt.toISOString(), informedBy: s.patientInformedBy ? actorView(deps, 'professional', s.patientInformedBy) : null }
      : null,
    consents: consents.map((c) => {
      const structure = c.recordedBy.structure as { name?: unknown } | null | undefined;
      return {
        consentId: c.consentId, scope: c.scope, rpps: c.rpps, finess: c.finess,
        structureName: c.scope === 'structure' && typeof structure?.name === 'string' ? structure.name : null,
        recordedBy: actorView(deps, 'professional', c.recordedBy),
        recordedAt: c.recordedAt.toISOString(),
        revokedAt: c.revokedAt ? c.revokedAt.toISOString() : null,
      };
    }),
  };
}
