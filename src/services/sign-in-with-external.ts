import { mapExternalClaims, type IdentitySource } from '../domain/external-identity.ts';
import { findAccountByEmail, findAccountByRpps, type AccountRow } from '../store/account-repo.ts';
import { isRefusedDemoAccount } from './demo-account-policy.ts';
import type { ServiceDeps } from './service-deps.ts';
import { recordSignIn, SIGN_IN_REASONS, type SignInContext, type SignInReason } from './sign-in-audit.ts';
import { isUsable } from './sign-in-with-password.ts';

export type ExternalStep = { ok: true; account: AccountRow } | { ok: false; reason: SignInReason };

const KINDS: Record<IdentitySource, ReadonlySet<AccountRow['kind']>> = {
  professional: new Set(['professional']),
  patient: new Set(['patient', 'operator']),
};

/**
 * Completes a sign-in delegated to an external OpenID provider: its verified claims designate an
 * account (RPPS for professionals, e-mail for patients), which must exist and be of the right kind.
 */
export async function signInWithExternalIdentity(
  deps: ServiceDeps, ctx: SignInContext, source: IdentitySource, claims: Record<string, unknown>,
): Promise<ExternalStep> {
  const identity = mapExternalClaims(source, claims);
  return deps.db.transaction(async (tx): Promise<ExternalStep> => {
    const now = deps.clock();
    const found = !identity ? null : identity.kind === 'rpps' ? await findAccountByRpps(tx, identity.rpps) : await findAccountByEmail(tx, identity.email);
    const account = found && KINDS[source].has(found.kind) ? found : null;
    const reason: SignInReason = !identity ? SIGN_IN_REASONS.EXTERNAL_UNMAPPED
      : !account ? SIGN_IN_REASONS.EXTERNAL_UNKNOWN_ACCOUNT
        : !isUsable(account) || isRefusedDemoAccount(deps, account) ? SIGN_IN_REASONS.ACCOUNT_UNUSABLE : SIGN_IN_REASONS.OK;
    const ok = reason === SIGN_IN_REASONS.OK;
    await recordSignIn(tx, ctx, { account, identified: account !== null, outcome: ok ? 'allowed' : 'denied', reason, method: 'external', now, details: { source } });
    return ok && account ? { ok: true, account } : { ok: false, reason };
  });
}

/** Records an external sign-in that failed before any claim came back (provider error, bad state…). */
export async function recordExternalSignInFailure(deps: ServiceDeps, ctx: SignInContext, source: IdentitySource): Promise<void> {
  await deps.db.transaction((tx) => recordSignIn(tx, ctx, {
    account: null, identified: false, outcome: 'denied', reason: SIGN_IN_REASONS.EXTERNAL_FAILED, method: 'external', now: deps.clock(), details: { source },
  }));
}
