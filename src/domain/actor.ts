/**
 * Who is acting. Every token names one actor; the access decision and the audit trail both use it.
 * A person acting for someone else (legal representative, carer, protector) is a `person` whose
 * relationship to the target dossier is a fact checked by the policy, not a token claim.
 */
export type Actor =
  | { kind: 'person'; accountId: string; dossierId: string; displayName: string }
  | {
      kind: 'professional';
      accountId: string;
      displayName: string;
      rpps: string;
      profession: string; // professions catalogue key, e.g. G15:10
      specialty: string | null;
      structure: { finess: string; name: string } | null;
    }
  | { kind: 'operator'; accountId: string; displayName: string }
  | { kind: 'app'; clientId: string; displayName: string }
  | { kind: 'system'; job: string };

export type ActorKind = Actor['kind'];

/** Stable identifier of an actor, for audit rows and idempotency scoping. */
export function actorId(actor: Actor): string {
  switch (actor.kind) {
    case 'person':
    case 'professional':
    case 'operator':
      return actor.accountId;
    case 'app':
      return `app:${actor.clientId}`;
    case 'system':
      return `system:${actor.job}`;
    default:
      return actor satisfies never;
  }
}

/** What the audit trail keeps of an actor: identity as shown to the patient, never secrets. */
export function actorSnapshot(actor: Actor): Record<string, unknown> {
  switch (actor.kind) {
    case 'person':
      return { displayName: actor.displayName, dossierId: actor.dossierId };
    case 'professional':
      return {
        displayName: actor.displayName,
        rpps: actor.rpps,
        profession: actor.profession,
        specialty: actor.specialty,
        structure: actor.structure,
      };
    case 'operator':
      return { displayName: actor.displayName };
    case 'app':
      return { displayName: actor.displayName, clientId: actor.clientId };
    case 'system':
      return { displayName: `Traitement automatique (${actor.job})` };
    default:
      return actor satisfies never;
  }
}
