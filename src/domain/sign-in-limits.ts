import type { ThrottleRule } from './throttle.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Limits on signing in with a password and an e-mailed code (rules are data). Per account, a guesser gets
 * 5 free tries, then waits 1, 2, 4, 8, 15, 15… minutes: about a hundred guesses a day, password or code.
 * Per client address (all accounts together, only failures count) the allowance is wider, for shared NATs.
 * Codes e-mailed to one account are capped per hour (they are sent only after the right password).
 */
export const SIGN_IN_LIMITS = {
  passwordPerAccount: { kind: 'backoff', freeFailures: 5, firstDelayMs: MINUTE, maxDelayMs: 15 * MINUTE, forgetAfterMs: 24 * HOUR },
  codePerAccount: { kind: 'backoff', freeFailures: 5, firstDelayMs: MINUTE, maxDelayMs: 15 * MINUTE, forgetAfterMs: 24 * HOUR },
  failuresPerAddress: { kind: 'backoff', freeFailures: 20, firstDelayMs: MINUTE, maxDelayMs: HOUR, forgetAfterMs: 24 * HOUR },
  codesSentPerAccount: { kind: 'quota', max: 10, windowMs: HOUR },
} as const satisfies Record<string, ThrottleRule>;

export type SignInLimit = keyof typeof SIGN_IN_LIMITS;

/**
 * The part of a client address that names one client: an IPv4 address, or the /64 prefix of an IPv6
 * address (one subscriber usually holds a whole /64). IPv4-mapped IPv6 addresses count as IPv4.
 */
export function clientAddressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const groups = expandIpv6(address.split('%')[0]!);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : address.toLowerCase();
}

/** The eight hextets of an IPv6 address (lower case, no leading zeros), or null if it is not one. */
function expandIpv6(address: string): string[] | null {
  const halves = address.toLowerCase().split('::');
  if (halves.length > 2) return null;
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  const head = part(halves[0]);
  const tail = part(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => g.replace(/^0+(?=.)/, ''));
}
