/**
 * The dossier lifecycle of SPEC §1: created -> active -> closed, opposition during the window,
 * reopening within the retention period. Pure: the clock and the regulatory parameters are inputs.
 */
export const DOSSIER_STATES = ['created', 'active', 'closed', 'opposed'] as const;
export type DossierState = (typeof DOSSIER_STATES)[number];

export const LIFECYCLE_ACTIONS = ['oppose', 'activate', 'close', 'reopen'] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

export type LifecycleParams = { oppositionWindowDays: number; retentionYears: number };

export type DossierLifecycleFacts = {
  state: DossierState;
  oppositionDeadline: Date;
  retentionUntil: Date | null;
  /** Something was added to the space (document, message…): opposing then means closing instead. */
  hasContent: boolean;
};

export type LifecycleChange = {
  state: DossierState;
  activatedAt?: Date;
  closedAt?: Date | null;
  retentionUntil?: Date | null;
  opposedAt?: Date;
};

export type TransitionResult =
  | { ok: true; change: LifecycleChange; reason: string }
  | { ok: false; reason: LifecycleRefusal };

export const LIFECYCLE_REFUSALS = {
  DOSSIER_ALREADY_ACTIVE: "L'espace est déjà activé.",
  DOSSIER_CLOSED: "L'espace est clôturé.",
  DOSSIER_OPPOSED: "La personne s'est opposée à la création de son espace.",
  DOSSIER_NOT_CLOSED: "L'espace n'est pas clôturé.",
  DOSSIER_OPPOSITION_WINDOW_ELAPSED: "Le délai d'opposition est écoulé : l'espace peut être clôturé à la place.",
  DOSSIER_OPPOSITION_AFTER_ACTIVATION: "L'espace a été activé : il peut être clôturé, l'opposition n'est plus possible.",
  DOSSIER_HAS_CONTENT: "Des éléments ont déjà été ajoutés à l'espace : il peut être clôturé, pas supprimé par opposition.",
  DOSSIER_RETENTION_ELAPSED: 'La durée de conservation est écoulée : les données ont été détruites.',
} as const;
export type LifecycleRefusal = keyof typeof LIFECYCLE_REFUSALS;

/** When the opposition window of a space created at `createdAt` ends. */
export function oppositionDeadline(createdAt: Date, params: LifecycleParams): Date {
  return new Date(createdAt.getTime() + params.oppositionWindowDays * 86_400_000);
}

/** End of the legal retention after closure (10 years by default, R.1111-36). */
export function retentionEnd(closedAt: Date, params: LifecycleParams): Date {
  const end = new Date(closedAt.getTime());
  end.setUTCFullYear(end.getUTCFullYear() + params.retentionYears);
  return end;
}

/** Decides one lifecycle transition from the dossier's facts and the time. */
export function transition(
  action: LifecycleAction,
  facts: DossierLifecycleFacts,
  now: Date,
  params: LifecycleParams,
): TransitionResult {
  const { state } = facts;
  if (state === 'opposed') return { ok: false, reason: 'DOSSIER_OPPOSED' };
  switch (action) {
    case 'oppose':
      if (state === 'closed') return { ok: false, reason: 'DOSSIER_CLOSED' };
      if (state === 'active') return { ok: false, reason: 'DOSSIER_OPPOSITION_AFTER_ACTIVATION' };
      if (now.getTime() > facts.oppositionDeadline.getTime()) return { ok: false, reason: 'DOSSIER_OPPOSITION_WINDOW_ELAPSED' };
      if (facts.hasContent) return { ok: false, reason: 'DOSSIER_HAS_CONTENT' };
      return { ok: true, change: { state: 'opposed', opposedAt: now }, reason: 'DOSSIER_OPPOSED_IN_WINDOW' };
    case 'activate':
      if (state === 'active') return { ok: false, reason: 'DOSSIER_ALREADY_ACTIVE' };
      if (state === 'closed') return { ok: false, reason: 'DOSSIER_CLOSED' };
      return { ok: true, change: { state: 'active', activatedAt: now }, reason: 'DOSSIER_ACTIVATED' };
    case 'close':
      if (state === 'closed') return { ok: false, reason: 'DOSSIER_CLOSED' };
      return {
        ok: true,
        change: { state: 'closed', closedAt: now, retentionUntil: retentionEnd(now, params) },
        reason: 'DOSSIER_CLOSED_BY_REQUEST',
      };
    case 'reopen':
      if (state !== 'closed') return { ok: false, reason: 'DOSSIER_NOT_CLOSED' };
      if (facts.retentionUntil && now.getTime() >= facts.retentionUntil.getTime()) {
        return { ok: false, reason: 'DOSSIER_RETENTION_ELAPSED' };
      }
      return {
        ok: true,
        change: { state: 'active', activatedAt: now, closedAt: null, retentionUntil: null },
        reason: 'DOSSIER_REOPENED',
      };
    default:
      return action satisfies never;
  }
}
