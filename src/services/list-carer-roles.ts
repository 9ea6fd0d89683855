import type { Actor } from '../domain/actor.ts';
import { listInvitationsReceived } from '../store/carer-invitation-repo.ts';
import { findPersonName, listMandatesHeldBy } from '../store/relationship-repo.ts';
import { loadAccessContext } from './access-context.ts';
import type { ServiceDeps } from './service-deps.ts';

/** An invitation addressed to the caller: whose carer they would become, and who asked. */
export type ReceivedInvitationView = { invitationId: string; dossierId: string; holderName: string; invitedBy: string; sentAt: string; expiresAt: string };
/** A space the caller helps as a carer. */
export type HelpedSpaceView = { dossierId: string; name: string; since: string };
export type CarerRolesView = { received: ReceivedInvitationView[]; helping: HelpedSpaceView[] };

/**
 * The caller's side of carer mandates (issue 8, item 6): « Invitations reçues » (those they may answer
 * now, decided like the answer itself) and « Les personnes que j'aide » (mandates the rules let them use
 * today). About the caller only, like /api/me: nothing of anyone else's space beyond the name they chose
 * to share by inviting them.
 */
export async function listCarerRoles(deps: ServiceDeps, actor: Actor): Promise<CarerRolesView> {
  if (actor.kind !== 'person') return { received: [], helping: [] };
  const now = deps.clock();
  const received: ReceivedInvitationView[] = [];
  for (const i of await listInvitationsReceived(deps.db, actor.dossierId, now)) {
    const access = await loadAccessContext(deps.db, deps, actor, i.dossierId, now);
    if (access.decide('delegation.accept', { invitation: { inviteeDossierId: i.inviteeDossierId, pending: true } }).effect !== 'allow') continue;
    received.push({
      invitationId: i.invitationId, dossierId: i.dossierId, holderName: (await findPersonName(deps.db, i.dossierId)) ?? i.invitedByName,
      invitedBy: i.invitedByName, sentAt: i.createdAt.toISOString(), expiresAt: i.expiresAt.toISOString(),
    });
  }
  const helping: HelpedSpaceView[] = [];
  for (const m of await listMandatesHeldBy(deps.db, actor.dossierId, now)) {
    const access = await loadAccessContext(deps.db, deps, actor, m.dossierId, now);
    if (access.decide('delegation.give_up').effect !== 'allow') continue;
    helping.push({ dossierId: m.dossierId, name: (await findPersonName(deps.db, m.dossierId)) ?? 'Personne aidée', since: m.grantedAt.toISOString() });
  }
  return { received, helping };
}
