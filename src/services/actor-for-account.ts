import type { Actor } from '../domain/actor.ts';
import type { AccountRow } from '../store/account-repo.ts';

/** The actor an account acts as once signed in: what its access tokens name. */
export function actorForAccount(a: AccountRow): Actor {
  const displayName = `${a.given_name} ${a.family_name}`;
  switch (a.kind) {
    case 'patient':
      if (!a.dossier_id) throw new Error(`patient account ${a.account_id} has no dossier`);
      return { kind: 'person', accountId: a.account_id, dossierId: a.dossier_id, displayName };
    case 'professional':
      if (!a.rpps || !a.profession) throw new Error(`professional account ${a.account_id} lacks RPPS or profession`);
      // A professional the directory no longer lists has ended their activity: no sign-in, no new token.
      if (a.ended_at) throw new Error(`professional account ${a.account_id} has ended its activity`);
      return {
        kind: 'professional', accountId: a.account_id, displayName: professionalDisplayName(a), rpps: a.rpps,
        profession: a.profession, specialty: a.specialty,
        structure: a.structure_finess ? { finess: a.structure_finess, name: a.structure_name ?? '' } : null,
      };
    case 'operator':
      return { kind: 'operator', accountId: a.account_id, displayName };
    default:
      return a.kind satisfies never;
  }
}

function professionalDisplayName(a: AccountRow): string {
  // Physicians are shown as "Dr" in the patient's history, as in the source screens.
  const title = a.profession === 'G15:10' ? 'Dr ' : '';
  return `${title}${a.given_name} ${a.family_name}`;
}
