import type { Actor } from '../domain/actor.ts';
import { findAccountById } from '../store/account-repo.ts';
import { actorForAccount } from './actor-for-account.ts';
import { isRefusedDemoAccount } from './demo-account-policy.ts';
import type { ServiceDeps } from './service-deps.ts';

/** What the authorization server needs of an account: its OpenID claims and the actor its tokens name. */
export type TokenSubject = {
  accountId: string;
  claims: { sub: string; given_name: string; family_name: string; name: string; email?: string };
  actor: Actor;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Null when the account does not exist, cannot act (no dossier, no RPPS) or is a demo account the
 * platform refuses (production): no token is issued then.
 */
export async function loadTokenSubject(deps: Pick<ServiceDeps, 'db' | 'settings'>, accountId: string): Promise<TokenSubject | null> {
  if (!UUID.test(accountId)) return null;
  const account = await findAccountById(deps.db, accountId);
  if (!account || isRefusedDemoAccount(deps, account)) return null;
  let actor: Actor;
  try {
    actor = actorForAccount(account);
  } catch {
    return null;
  }
  return {
    accountId,
    claims: {
      sub: accountId,
      given_name: account.given_name,
      family_name: account.family_name,
      name: `${account.given_name} ${account.family_name}`,
      ...(account.email ? { email: account.email } : {}),
    },
    actor,
  };
}
