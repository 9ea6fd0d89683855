import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

/** One-time sign-in codes: 6 digits, valid 10 minutes, 5 attempts, single use. */
export const ONE_TIME_CODE = { digits: 6, validityMs: 10 * 60_000, maxAttempts: 5 } as const;

/** A fresh uniformly random 6-digit code (leading zeros kept). */
export function generateOneTimeCode(): string {
  return String(randomInt(0, 10 ** ONE_TIME_CODE.digits)).padStart(ONE_TIME_CODE.digits, '0');
}

/** The stored form of a code: SHA-256 bound to its challenge, so equal codes never share a hash. */
export function hashOneTimeCode(challengeId: string, code: string): string {
  return createHash('sha256').update(`openmes-otp|${challengeId}|${code}`).digest('hex');
}

/** Constant-time check of a typed code against the stored hash. */
export function oneTimeCodeMatches(challengeId: string, typed: string, storedHash: string): boolean {
  const normalised = typed.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(normalised)) return false;
  const a = Buffer.from(hashOneTimeCode(challengeId, normalised), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
