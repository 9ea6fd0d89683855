import { randomUUID } from 'node:crypto';
import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import { findAccountByEmail, findAccountById, type AccountRow } from '../store/account-repo.ts';
import {
  closeChallenge, findOpenChallenge, findOpenChallengeForUpdate, insertLoginChallenge, recordChallengeAttempt,
} from '../store/login-challenge-repo.ts';
import { actorForAccount } from './actor-for-account.ts';
import { isRefusedDemoAccount } from './demo-account-policy.ts';
import { generateOneTimeCode, hashOneTimeCode, ONE_TIME_CODE, oneTimeCodeMatches } from './one-time-code.ts';
import { verifyPassword } from './password.ts';
import { sendMail } from './send-mail.ts';
import { limitKeys, lockLimits, reserveAttempt } from './sign-in-limits.ts';
import type { ServiceDeps } from './service-deps.ts';
import { recordSignIn, SIGN_IN_REASONS, type SignInContext } from './sign-in-audit.ts';

/** Sign-in services may wake the outbox dispatcher once the code e-mail is committed. */
export type SignInDeps = ServiceDeps & { wakeOutbox?: () => void };

/** Account kinds that sign in with e-mail, password and one-time code (the patient client). */
const PASSWORD_KINDS: ReadonlySet<AccountRow['kind']> = new Set(['patient', 'operator']);

/** Too many attempts: nothing was checked or sent; the person may try again after `retryAfterMs`. */
export type Throttled = { ok: false; reason: typeof SIGN_IN_REASONS.THROTTLED; retryAfterMs: number; codesCapped: boolean };

export type PasswordStep = { ok: true } | { ok: false; reason: typeof SIGN_IN_REASONS.BAD_CREDENTIALS } | Throttled;

/**
 * First step: e-mail and password. On success a 6-digit code is e-mailed (outbox, same transaction) and
 * bound to the interaction. Every failure looks the same to the user (no account enumeration) but the
 * audit entry says what happened. Attempts are limited per typed address and per client address
 * (exponential back-off, shared by every server process): while a wait runs, nothing is checked.
 */
export async function startPasswordSignIn(deps: SignInDeps, ctx: SignInContext, email: string, password: string): Promise<PasswordStep> {
  const keys = { password: limitKeys.password(email), address: limitKeys.address(ctx.clientAddress ?? 'unknown') };
  const reserved = await reserveAttempt(deps.db, [
    { key: keys.password, limit: 'passwordPerAccount' }, { key: keys.address, limit: 'failuresPerAddress' },
  ], deps.clock());
  if (reserved.waitMs > 0) return { ok: false, reason: SIGN_IN_REASONS.THROTTLED, retryAfterMs: reserved.waitMs, codesCapped: false };
  const account = email.trim() ? await findAccountByEmail(deps.db, email.trim()) : null;
  // The hash runs even for an unknown address, so timing reveals nothing either.
  const passwordOk = await verifyPassword(password, account?.password_hash ?? null);
  // A demo account in production: the published demo password must not open it.
  const allowed = account !== null && passwordOk && PASSWORD_KINDS.has(account.kind) && !isRefusedDemoAccount(deps, account);
  const now = deps.clock();
  if (!allowed) {
    await deps.db.transaction((tx) => recordSignIn(tx, ctx, {
      account, identified: passwordOk, outcome: 'denied', method: 'password', now,
      reason: passwordOk ? SIGN_IN_REASONS.ACCOUNT_NOT_ALLOWED : SIGN_IN_REASONS.BAD_CREDENTIALS,
      ...(reserved.blockedUntil ? { details: { blockedUntil: reserved.blockedUntil.toISOString() } } : {}),
    }));
    return { ok: false, reason: SIGN_IN_REASONS.BAD_CREDENTIALS };
  }
  const code = generateOneTimeCode();
  const challengeId = randomUUID();
  const sent = await deps.db.transaction(async (tx): Promise<PasswordStep> => {
    const codeKey = limitKeys.code(account.account_id);
    const sentKey = limitKeys.codesSent(account.account_id);
    const limits = await lockLimits(tx, [
      { key: keys.password, limit: 'passwordPerAccount' }, { key: keys.address, limit: 'failuresPerAddress' },
      { key: codeKey, limit: 'codePerAccount' }, { key: sentKey, limit: 'codesSentPerAccount' },
    ], now);
    // The right password: its attempt was no failure. The code limits still stand (they outlive re-issued codes).
    limits.clear(keys.password);
    limits.refund(keys.address);
    const wait = limits.wait([codeKey, sentKey]);
    if (wait.ms > 0) {
      await limits.save();
      await recordSignIn(tx, ctx, {
        account, identified: true, outcome: 'denied', reason: SIGN_IN_REASONS.THROTTLED, method: 'password', now, details: { limit: wait.limit },
      });
      return { ok: false, reason: SIGN_IN_REASONS.THROTTLED, retryAfterMs: wait.ms, codesCapped: wait.limit === 'codesSentPerAccount' };
    }
    limits.hit(sentKey);
    await limits.save();
    await insertLoginChallenge(tx, {
      challenge_id: challengeId, account_id: account.account_id, interaction_uid: ctx.interactionUid,
      code_hash: hashOneTimeCode(challengeId, code), expires_at: new Date(now.getTime() + ONE_TIME_CODE.validityMs),
    }, now);
    await sendMail(tx, account.dossier_id ?? SYSTEM_CHAIN, oneTimeCodeMail(account.email!, code), now);
    return { ok: true };
  });
  if (sent.ok) deps.wakeOutbox?.();
  return sent;
}

function oneTimeCodeMail(to: string, code: string) {
  return {
    to,
    subject: 'Votre code de connexion à Mon espace santé',
    text: [
      'Bonjour,',
      '',
      `Votre code de connexion à Mon espace santé est : ${code}`,
      '',
      'Ce code est valable 10 minutes et ne peut servir qu’une fois.',
      'Si vous n’êtes pas à l’origine de cette demande, ignorez ce message et ne communiquez ce code à personne.',
      '',
      'Mon espace santé',
    ].join('\n'),
  };
}

/** Is a code awaited for this interaction (the password step succeeded)? */
export async function hasPendingOneTimeCode(deps: ServiceDeps, interactionUid: string): Promise<boolean> {
  return (await findOpenChallenge(deps.db, interactionUid)) !== null;
}

type CodeFailure =
  | typeof SIGN_IN_REASONS.OTP_INVALID | typeof SIGN_IN_REASONS.OTP_EXPIRED | typeof SIGN_IN_REASONS.OTP_LOCKED
  | typeof SIGN_IN_REASONS.OTP_MISSING | typeof SIGN_IN_REASONS.ACCOUNT_UNUSABLE;

export type CodeStep = { ok: true; account: AccountRow } | { ok: false; reason: CodeFailure; attemptsLeft: number } | Throttled;

/**
 * Second step: the code. Wrong codes count (5 at most, then the challenge is locked); a right code
 * closes the challenge (single use) and completes the sign-in. Each outcome is audited. Wrong codes also
 * count per account, across every code issued to it (a new code does not wipe them), and per client
 * address; while a back-off runs the code is not even compared.
 */
export async function verifyOneTimeCodeSignIn(deps: ServiceDeps, ctx: SignInContext, typed: string): Promise<CodeStep> {
  return deps.db.transaction(async (tx): Promise<CodeStep> => {
    const now = deps.clock();
    const challenge = await findOpenChallengeForUpdate(tx, ctx.interactionUid);
    const account = challenge ? await findAccountById(tx, challenge.account_id) : null;
    const deny = async (reason: CodeFailure, attemptsLeft: number): Promise<CodeStep> => {
      await recordSignIn(tx, ctx, { account, identified: true, outcome: 'denied', reason, method: 'one_time_code', now });
      return { ok: false, reason, attemptsLeft };
    };
    if (!challenge || !account) return deny(SIGN_IN_REASONS.OTP_MISSING, 0);
    if (challenge.attempts >= ONE_TIME_CODE.maxAttempts) return deny(SIGN_IN_REASONS.OTP_LOCKED, 0);
    if (challenge.expires_at.getTime() <= now.getTime()) return deny(SIGN_IN_REASONS.OTP_EXPIRED, 0);
    const codeKey = limitKeys.code(account.account_id);
    const addressKey = limitKeys.address(ctx.clientAddress ?? 'unknown');
    const limits = await lockLimits(tx, [{ key: codeKey, limit: 'codePerAccount' }, { key: addressKey, limit: 'failuresPerAddress' }], now);
    const wait = limits.wait();
    if (wait.ms > 0) return { ok: false, reason: SIGN_IN_REASONS.THROTTLED, retryAfterMs: wait.ms, codesCapped: false };
    if (!oneTimeCodeMatches(challenge.challenge_id, typed, challenge.code_hash)) {
      limits.hit(codeKey);
      limits.hit(addressKey);
      await limits.save();
      const attempts = await recordChallengeAttempt(tx, challenge.challenge_id);
      const left = Math.max(0, ONE_TIME_CODE.maxAttempts - attempts);
      return deny(left === 0 ? SIGN_IN_REASONS.OTP_LOCKED : SIGN_IN_REASONS.OTP_INVALID, left);
    }
    limits.clear(codeKey);
    await limits.save();
    await closeChallenge(tx, challenge.challenge_id, now);
    if (!isUsable(account) || isRefusedDemoAccount(deps, account)) return deny(SIGN_IN_REASONS.ACCOUNT_UNUSABLE, 0);
    await recordSignIn(tx, ctx, { account, identified: true, outcome: 'allowed', reason: SIGN_IN_REASONS.OK, method: 'one_time_code', now });
    return { ok: true, account };
  });
}

/** Can this account act once signed in (a patient needs a dossier, a professional an RPPS)? */
export function isUsable(account: AccountRow): boolean {
  try {
    actorForAccount(account);
    return true;
  } catch {
    return false;
  }
}
