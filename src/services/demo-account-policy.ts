import type { AccountRow } from '../store/account-repo.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * Demo accounts (seeded by `openmes seed-demo`, flagged `demo`, with a published password and cards
 * anyone may pick) act only where the platform allows them — never in production, even when a
 * production database holds some: they neither sign in nor receive tokens.
 */
export function isRefusedDemoAccount(deps: Pick<ServiceDeps, 'settings'>, account: Pick<AccountRow, 'demo'>): boolean {
  return account.demo && deps.settings.demoAccountsEnabled !== true;
}
