import { describe, expect, it } from 'vitest';
import { clientAddressKey, SIGN_IN_LIMITS } from './sign-in-limits.ts';
import { backoffDelayMs, recordHit, refundHit, waitMs, type ThrottleState } from './throttle.ts';

const t0 = new Date('2026-01-15T10:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const MIN = 60_000;

describe('exponential back-off', () => {
  const rule = SIGN_IN_LIMITS.passwordPerAccount;

  it('lets 5 failures pass, then waits 1, 2, 4, 8, 15, 15 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 40].map((hits) => backoffDelayMs(rule, hits) / MIN)).toEqual([0, 0, 0, 0, 0, 1, 2, 4, 8, 15, 15, 15]);
  });

  it('blocks after the 6th failure until the delay has passed, measured on the clock given', () => {
    let state: ThrottleState | null = null;
    for (let i = 0; i < 6; i++) {
      expect(waitMs(rule, state, t0)).toBe(0);
      state = recordHit(rule, state, t0);
    }
    expect(state!.hits).toBe(6);
    expect(waitMs(rule, state, t0)).toBe(MIN);
    expect(waitMs(rule, state, at(MIN - 1))).toBe(1);
    expect(waitMs(rule, state, at(MIN))).toBe(0);
    // The next failure after the wait doubles it.
    state = recordHit(rule, state, at(MIN));
    expect(waitMs(rule, state, at(MIN))).toBe(2 * MIN);
  });

  it('forgets failures a day after the last one, never while a wait runs', () => {
    let state: ThrottleState | null = null;
    for (let i = 0; i < 12; i++) state = recordHit(rule, state, t0);
    expect(waitMs(rule, state, at(14 * MIN))).toBeGreaterThan(0);
    const nextDay = at(24 * 60 * MIN);
    expect(waitMs(rule, state, nextDay)).toBe(0);
    expect(recordHit(rule, state, nextDay).hits).toBe(1);
  });

  it('a refunded hit leaves no wait behind', () => {
    let state: ThrottleState | null = null;
    for (let i = 0; i < 6; i++) state = recordHit(rule, state, t0);
    const refunded = refundHit(state!);
    expect(refunded.hits).toBe(5);
    expect(waitMs(rule, refunded, t0)).toBe(0);
  });
});

describe('quota per window', () => {
  const rule = SIGN_IN_LIMITS.codesSentPerAccount;

  it('allows 10 uses an hour, then says when the window ends', () => {
    let state: ThrottleState | null = null;
    for (let i = 0; i < 10; i++) {
      expect(waitMs(rule, state, at(i * MIN))).toBe(0);
      state = recordHit(rule, state, at(i * MIN));
    }
    expect(waitMs(rule, state, at(10 * MIN))).toBe(50 * MIN);
    expect(waitMs(rule, state, at(60 * MIN))).toBe(0);
    expect(recordHit(rule, state, at(60 * MIN)).hits).toBe(1);
  });
});

describe('client address key', () => {
  it('names an IPv4 address, an IPv4-mapped one alike, and the /64 of an IPv6 address', () => {
    expect(clientAddressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressKey('2001:db8:0:12:abcd::1')).toBe('2001:db8:0:12::/64');
    expect(clientAddressKey('2001:0DB8:0000:0012:ffff:1:2:3')).toBe('2001:db8:0:12::/64');
    expect(clientAddressKey('::1')).toBe('0:0:0:0::/64');
    expect(clientAddressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientAddressKey('not an address')).toBe('not an address');
  });
});
