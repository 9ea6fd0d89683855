import { findAccountById, listDemoAccounts, type AccountRow } from '../store/account-repo.ts';
import { isRefusedDemoAccount } from './demo-account-policy.ts';
import type { ServiceDeps } from './service-deps.ts';
import { recordSignIn, SIGN_IN_REASONS, type SignInContext } from './sign-in-audit.ts';
import { isUsable } from './sign-in-with-password.ts';

/** A demonstration professional card (stands in for Pro Santé Connect / e-CPS). */
export type DemoCard = { accountId: string; displayName: string; professionLabel: string; rpps: string; structureName: string | null };

/** Labels of the professions of the demo cards (TRE_G15, TRE_R94). */
export const PROFESSION_LABELS: Readonly<Record<string, string>> = {
  'G15:10': 'Médecin',
  'G15:21': 'Pharmacien',
  'G15:60': 'Infirmier',
  'R94:41': 'Assistant de service social',
};

const SPECIALTY_LABELS: Readonly<Record<string, string>> = { SM54: 'médecine générale' };

export function professionLabel(a: Pick<AccountRow, 'profession' | 'specialty'>): string {
  const base = (a.profession && PROFESSION_LABELS[a.profession]) ?? a.profession ?? 'Professionnel';
  const specialty = a.specialty ? SPECIALTY_LABELS[a.specialty] : undefined;
  return specialty ? `${base} — ${specialty}` : base;
}

/** The demo professional accounts, for the card chooser (none where demo accounts are refused). */
export async function listDemoCards(deps: ServiceDeps): Promise<DemoCard[]> {
  const accounts = await listDemoAccounts(deps.db);
  return accounts
    .filter((a) => a.kind === 'professional' && a.rpps && !isRefusedDemoAccount(deps, a))
    .map((a) => ({
      accountId: a.account_id, displayName: `${a.given_name} ${a.family_name}`, professionLabel: professionLabel(a),
      rpps: a.rpps!, structureName: a.structure_name,
    }));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type CardStep = { ok: true; account: AccountRow } | { ok: false; reason: typeof SIGN_IN_REASONS.UNKNOWN_CARD | typeof SIGN_IN_REASONS.ACCOUNT_UNUSABLE };

/** Signs in with a demo card: only demo professional accounts qualify, and never in production. Audited either way. */
export async function signInWithDemoCard(deps: ServiceDeps, ctx: SignInContext, accountId: string): Promise<CardStep> {
  return deps.db.transaction(async (tx): Promise<CardStep> => {
    const now = deps.clock();
    const account = UUID.test(accountId) ? await findAccountById(tx, accountId) : null;
    const card = account && account.kind === 'professional' && account.demo && !isRefusedDemoAccount(deps, account) ? account : null;
    const reason = !card ? SIGN_IN_REASONS.UNKNOWN_CARD : !isUsable(card) ? SIGN_IN_REASONS.ACCOUNT_UNUSABLE : SIGN_IN_REASONS.OK;
    const outcome = reason === SIGN_IN_REASONS.OK ? 'allowed' : 'denied';
    await recordSignIn(tx, ctx, { account: card, identified: card !== null, outcome, reason, method: 'demo_card', now });
    if (!card || reason !== SIGN_IN_REASONS.OK) return { ok: false, reason: reason === SIGN_IN_REASONS.OK ? SIGN_IN_REASONS.UNKNOWN_CARD : reason };
    return { ok: true, account: card };
  });
}
