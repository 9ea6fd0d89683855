/**
 * Attempt limits as pure functions of (rule, stored state, now): the store keeps one state per key, the
 * services lock it, ask here, and write back what these functions return. No clock, no I/O.
 */

/**
 * `backoff`: the first `freeFailures` failures cost nothing; each further one blocks the key for
 * `firstDelayMs`, doubling up to `maxDelayMs`; the count is forgotten `forgetAfterMs` after the last failure.
 * `quota`: at most `max` hits per fixed window of `windowMs` opened by the first hit.
 */
export type ThrottleRule =
  | { kind: 'backoff'; freeFailures: number; firstDelayMs: number; maxDelayMs: number; forgetAfterMs: number }
  | { kind: 'quota'; max: number; windowMs: number };

/** What is stored per key. `hits` counts failures (backoff) or uses (quota). */
export type ThrottleState = { hits: number; windowStart: Date; lastHit: Date; blockedUntil: Date | null };

/** The state of a key that has never been hit (or whose hits are forgotten). */
export function freshState(now: Date): ThrottleState {
  return { hits: 0, windowStart: now, lastHit: now, blockedUntil: null };
}

/** The delay a backoff rule imposes once `hits` failures are counted (0 while they are free). */
export function backoffDelayMs(rule: Extract<ThrottleRule, { kind: 'backoff' }>, hits: number): number {
  const extra = hits - rule.freeFailures;
  if (extra <= 0) return 0;
  // 2^30 already exceeds any sensible cap; keeps the power finite for absurd counts.
  return Math.min(rule.maxDelayMs, rule.firstDelayMs * 2 ** Math.min(extra - 1, 30));
}

/** The state as it stands at `now`: forgotten hits are dropped. */
export function currentState(rule: ThrottleRule, state: ThrottleState | null, now: Date): ThrottleState {
  if (!state || state.hits <= 0) return freshState(now);
  const age = rule.kind === 'backoff' ? now.getTime() - state.lastHit.getTime() : now.getTime() - state.windowStart.getTime();
  const keep = rule.kind === 'backoff' ? rule.forgetAfterMs : rule.windowMs;
  const stillBlocked = state.blockedUntil !== null && state.blockedUntil.getTime() > now.getTime();
  return age >= keep && !stillBlocked ? freshState(now) : state;
}

/** Milliseconds to wait before an attempt under this key is allowed (0: allowed now). Counts nothing. */
export function waitMs(rule: ThrottleRule, state: ThrottleState | null, now: Date): number {
  const s = currentState(rule, state, now);
  if (rule.kind === 'quota' && s.hits >= rule.max) return Math.max(1, s.windowStart.getTime() + rule.windowMs - now.getTime());
  return s.blockedUntil ? Math.max(0, s.blockedUntil.getTime() - now.getTime()) : 0;
}

/** The state after one more hit at `now` (a failure for backoff, a use for quota). */
export function recordHit(rule: ThrottleRule, state: ThrottleState | null, now: Date): ThrottleState {
  const s = currentState(rule, state, now);
  const hits = s.hits + 1;
  if (rule.kind === 'quota') {
    const blockedUntil = hits >= rule.max ? new Date(s.windowStart.getTime() + rule.windowMs) : null;
    return { hits, windowStart: s.windowStart, lastHit: now, blockedUntil };
  }
  const delay = backoffDelayMs(rule, hits);
  return { hits, windowStart: s.windowStart, lastHit: now, blockedUntil: delay > 0 ? new Date(now.getTime() + delay) : null };
}

/**
 * Takes back a hit counted ahead of a check that then succeeded (the password step counts before the slow
 * hash so that parallel guesses cannot all slip through). The attempt was allowed, so no block stands.
 */
export function refundHit(state: ThrottleState): ThrottleState {
  return { ...state, hits: Math.max(0, state.hits - 1), blockedUntil: null };
}
