import { createHash } from 'node:crypto';
import { clientAddressKey, SIGN_IN_LIMITS, type SignInLimit } from '../domain/sign-in-limits.ts';
import { recordHit, refundHit, waitMs, type ThrottleState } from '../domain/throttle.ts';
import type { Db, Queryable } from '../store/db.ts';
import { lockThrottles, purgeThrottles, saveThrottles } from '../store/throttle-repo.ts';

/**
 * The keys sign-in attempts are limited under. The typed e-mail address (not the account) names the
 * password limit, so an unknown address is throttled exactly like a known one; only its hash is stored.
 */
export const limitKeys = {
  password: (email: string) => `password:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`,
  code: (accountId: string) => `code:${accountId}`,
  codesSent: (accountId: string) => `codes-sent:${accountId}`,
  address: (address: string) => `address:${clientAddressKey(address)}`,
};

/** One limit applied to one key. */
export type LimitCheck = { key: string; limit: SignInLimit };

/** The keys of an attempt, locked for the caller's transaction, with what each stands at. */
export type LockedLimits = {
  /** The longest wait imposed at lock time by the keys (all by default; 0: the attempt may go on), and its limit. */
  wait(keys?: readonly string[]): { ms: number; limit: SignInLimit | null };
  /** Counts one hit (failure or use) under the key. */
  hit(key: string): void;
  /** The key's hits are forgotten (success). */
  clear(key: string): void;
  /** Takes back a hit counted ahead of a check that succeeded. */
  refund(key: string): void;
  /** The state of a key after the changes above (null if untouched since the lock). */
  state(key: string): ThrottleState | null;
  /** Writes the changes. */
  save(): Promise<void>;
};

/** Locks the keys of `checks` (rows shared by every server process) and tells how long the attempt must wait. */
export async function lockLimits(tx: Queryable, checks: readonly LimitCheck[], now: Date): Promise<LockedLimits> {
  const states = await lockThrottles(tx, checks.map((c) => c.key), now);
  const ruleOf = new Map(checks.map((c) => [c.key, SIGN_IN_LIMITS[c.limit]]));
  const changed = new Map<string, ThrottleState>();
  const current = (key: string) => changed.get(key) ?? states.get(key) ?? null;
  return {
    wait(keys) {
      let longest: { ms: number; limit: SignInLimit | null } = { ms: 0, limit: null };
      for (const c of checks) {
        if (keys && !keys.includes(c.key)) continue;
        const ms = waitMs(SIGN_IN_LIMITS[c.limit], states.get(c.key) ?? null, now);
        if (ms > longest.ms) longest = { ms, limit: c.limit };
      }
      return longest;
    },
    hit: (key) => changed.set(key, recordHit(ruleOf.get(key)!, current(key), now)),
    clear: (key) => changed.set(key, { ...(current(key) ?? { windowStart: now, lastHit: now, blockedUntil: null }), hits: 0 }),
    refund: (key) => {
      const s = current(key);
      if (s) changed.set(key, refundHit(s));
    },
    state: (key) => changed.get(key) ?? null,
    save: () => saveThrottles(tx, changed),
  };
}

/**
 * Checks the keys and, if no wait is imposed, counts the attempt as a failure under each at once: the
 * caller then runs its slow check outside any lock and refunds or clears on success. Parallel guesses
 * are therefore counted before any of them is checked.
 */
export async function reserveAttempt(db: Db, checks: readonly LimitCheck[], now: Date): Promise<{ waitMs: number; blockedUntil: Date | null }> {
  return db.transaction(async (tx) => {
    const locked = await lockLimits(tx, checks, now);
    const wait = locked.wait();
    if (wait.ms > 0) return { waitMs: wait.ms, blockedUntil: null };
    for (const c of checks) locked.hit(c.key);
    await locked.save();
    const blocks = checks.map((c) => locked.state(c.key)?.blockedUntil?.getTime() ?? 0);
    const latest = Math.max(0, ...blocks);
    return { waitMs: 0, blockedUntil: latest > 0 ? new Date(latest) : null };
  });
}

/** Drops limit rows unused for a day and no longer blocking (housekeeping; called with the OIDC purge). */
export function purgeSignInLimits(deps: { db: Queryable; clock: () => Date }): Promise<number> {
  const now = deps.clock();
  return purgeThrottles(deps.db, new Date(now.getTime() - 24 * 3600_000), now);
}
