import { findAccountByEmail, findAccountById, findAccountByRpps, type AccountRow } from '../store/account-repo.ts';
import type { ServiceDeps } from './service-deps.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A demo account designated by its e-mail address, RPPS or account id (for `openmes token --as`). */
export async function findDemoAccount(deps: Pick<ServiceDeps, 'db'>, ref: string): Promise<AccountRow | null> {
  const value = ref.trim();
  const account = UUID.test(value) ? await findAccountById(deps.db, value)
    : /^\d{11}$/.test(value) ? await findAccountByRpps(deps.db, value)
      : value.includes('@') ? await findAccountByEmail(deps.db, value) : null;
  return account?.demo ? account : null;
}
