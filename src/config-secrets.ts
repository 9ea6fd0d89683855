/**
 * A rough check that a secret was drawn at random, not typed: a secret of 32 × "a", a repeated word or
 * the alphabet signs cookies that anyone can forge. It cannot prove randomness; it refuses the obvious.
 */

/** Estimated bits a secret must carry (a random 32-character hex string estimates 95 to 128). */
export const MIN_SECRET_BITS = 90;
export const MIN_SECRET_LENGTH = 32;

const ADVICE = 'generate one with `openssl rand -base64 48`';

/** Why `secret` is too weak to sign anything, or null when it looks random enough. */
export function weakSecretReason(secret: string): string | null {
  const chars = [...secret];
  if (chars.length < MIN_SECRET_LENGTH) return `must be at least ${MIN_SECRET_LENGTH} characters long (${ADVICE})`;
  if (hasPeriod(chars)) return `is a repeated pattern, not a random secret (${ADVICE})`;
  if (sequentialShare(chars) > 0.5) return `is a sequence of characters, not a random secret (${ADVICE})`;
  const bits = estimatedBits(chars);
  if (bits < MIN_SECRET_BITS) return `is too predictable (about ${Math.floor(bits)} bits of entropy, ${MIN_SECRET_BITS} needed: ${ADVICE})`;
  return null;
}

/** Shannon entropy of the characters' distribution times the length: an upper bound, good enough to refuse. */
export function estimatedBits(chars: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * chars.length;
}

/** Is the secret one block written again and again ("abc123abc123…")? */
function hasPeriod(chars: readonly string[]): boolean {
  for (let period = 1; period <= chars.length / 2; period++) {
    if (chars.every((c, i) => i < period || c === chars[i - period])) return true;
  }
  return false;
}

/** Share of characters continuing an arithmetic run of code points ("abcdef", "13579", "zyxw"). */
function sequentialShare(chars: readonly string[]): number {
  const codes = chars.map((c) => c.codePointAt(0)!);
  let inRun = 0;
  for (let i = 2; i < codes.length; i++) {
    if (codes[i]! - codes[i - 1]! === codes[i - 1]! - codes[i - 2]!) inRun++;
  }
  return inRun / codes.length;
}
