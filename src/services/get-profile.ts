import type { Actor } from '../domain/actor.ts';
import { findAccountById } from '../store/account-repo.ts';
import { listDossiersActedForBy } from '../store/dossier-repo.ts';
import { loadAccessContext } from './access-context.ts';
import type { ServiceDeps } from './service-deps.ts';

export type Profile = {
  actorKind: Actor['kind'];
  displayName: string;
  givenName: string | null;
  familyName: string | null;
  rpps?: string;
  profession?: { code: string; label: string };
  dossierId?: string;
  actsFor?: { dossierId: string; relationship: string }[];
};

/** Who the caller is, for the portals' header and space switcher. Reads the caller's own account only. */
export async function getProfile(deps: ServiceDeps, actor: Actor): Promise<Profile> {
  if (actor.kind === 'app' || actor.kind === 'system') {
    return { actorKind: actor.kind, displayName: actor.kind === 'app' ? actor.displayName : actor.job, givenName: null, familyName: null };
  }
  const account = await findAccountById(deps.db, actor.accountId);
  const base: Profile = {
    actorKind: actor.kind,
    displayName: actor.displayName,
    givenName: account?.given_name ?? null,
    familyName: account?.family_name ?? null,
  };
  if (actor.kind === 'professional') return { ...base, rpps: actor.rpps, profession: { code: actor.profession, label: deps.reference.professions.get(actor.profession)?.display ?? actor.profession } };
  if (actor.kind === 'person') {
    // Only the spaces the rules let this person act for today (a child who turned 18, a carer while
    // the carer feature is off… are left out), decided like any access to them.
    const candidates = await listDossiersActedForBy(deps.db, actor.dossierId);
    const actsFor = [];
    for (const c of candidates) {
      const decision = await deps.db.transaction(async (tx) => (await loadAccessContext(tx, deps, actor, c.dossierId, deps.clock())).decide('dossier.identity.read'));
      if (decision.effect === 'allow') actsFor.push({ dossierId: c.dossierId, relationship: c.kind });
    }
    return { ...base, dossierId: actor.dossierId, actsFor };
  }
  return base;
}
