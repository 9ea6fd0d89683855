import { actorId, actorSnapshot } from '../domain/actor.ts';
import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import { appendAudit } from '../store/audit-repo.ts';
import type { AccountRow } from '../store/account-repo.ts';
import type { Queryable } from '../store/db.ts';
import { actorForAccount } from './actor-for-account.ts';

/** Reason codes of sign-in audit entries (action `auth.sign_in`). */
export const SIGN_IN_REASONS = {
  OK: 'AUTH_SIGN_IN_OK',
  BAD_CREDENTIALS: 'AUTH_BAD_CREDENTIALS',
  OTP_INVALID: 'AUTH_OTP_INVALID',
  OTP_EXPIRED: 'AUTH_OTP_EXPIRED',
  OTP_LOCKED: 'AUTH_OTP_LOCKED',
  OTP_MISSING: 'AUTH_OTP_MISSING',
  THROTTLED: 'AUTH_THROTTLED',
  ACCOUNT_NOT_ALLOWED: 'AUTH_ACCOUNT_NOT_ALLOWED',
  ACCOUNT_UNUSABLE: 'AUTH_ACCOUNT_UNUSABLE',
  UNKNOWN_CARD: 'AUTH_UNKNOWN_CARD',
  EXTERNAL_UNMAPPED: 'AUTH_EXTERNAL_UNMAPPED',
  EXTERNAL_UNKNOWN_ACCOUNT: 'AUTH_EXTERNAL_UNKNOWN_ACCOUNT',
  EXTERNAL_FAILED: 'AUTH_EXTERNAL_FAILED',
} as const;
export type SignInReason = (typeof SIGN_IN_REASONS)[keyof typeof SIGN_IN_REASONS];

export const SIGN_IN_ACTION = 'auth.sign_in';

export type SignInMethod = 'password' | 'one_time_code' | 'demo_card' | 'external';

/** Where a sign-in attempt comes from: the authorization request (client) and the HTTP request id. */
/** `clientAddress`: the browser's network address, recorded for the operator (never shown to the patient side). */
export type SignInContext = { interactionUid: string; clientId: string; requestId: string | null; clientAddress?: string | null };

/**
 * Appends the `auth.sign_in` entry of one attempt to the system chain, in the caller's transaction.
 * Holds who (when known) and how; never the e-mail address, password or code typed.
 */
export async function recordSignIn(
  tx: Queryable,
  ctx: SignInContext,
  attempt: {
    /** The account concerned (the target), when one is known. */
    account: AccountRow | null;
    /** Whether the person proved to be that account (at least its password); otherwise the actor is anonymous. */
    identified: boolean;
    outcome: 'allowed' | 'denied';
    reason: SignInReason;
    method: SignInMethod;
    now: Date;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  const who = describe(attempt.identified ? attempt.account : null);
  await appendAudit(tx, {
    dossierId: SYSTEM_CHAIN,
    occurredAt: attempt.now,
    action: SIGN_IN_ACTION,
    outcome: attempt.outcome,
    reason: attempt.reason,
    mode: 'normal',
    actorKind: who.kind,
    actorId: who.id,
    actor: who.snapshot,
    targetType: 'Account',
    targetId: attempt.account?.account_id ?? null,
    requestId: ctx.requestId,
    details: { method: attempt.method, clientId: ctx.clientId, ...attempt.details },
    clientId: ctx.clientId || null,
    clientAddress: ctx.clientAddress ?? null,
  });
}

function describe(account: AccountRow | null): { kind: string; id: string; snapshot: Record<string, unknown> } {
  if (!account) return { kind: 'anonymous', id: 'anonymous', snapshot: { displayName: 'Personne non identifiée' } };
  try {
    const actor = actorForAccount(account);
    return { kind: actor.kind, id: actorId(actor), snapshot: actorSnapshot(actor) };
  } catch {
    // An incomplete account (patient without dossier…) is still named in the trail.
    return { kind: account.kind, id: account.account_id, snapshot: { displayName: `${account.given_name} ${account.family_name}` } };
  }
}
