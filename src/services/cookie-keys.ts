import { createHmac } from 'node:crypto';

/**
 * Keys that sign the authorization server's cookies: OPENMES_COOKIE_SECRET when set (required in
 * production), otherwise a secret derived from the platform's private signing key — stable for one
 * data directory / database, different for every other, and never written anywhere.
 */
export function cookieKeysFor(config: { mode: string; cookieSecret: string | undefined }, signingJwk: { d?: string }): string[] {
  if (config.cookieSecret) return [config.cookieSecret];
  if (config.mode === 'production') throw new Error('OPENMES_COOKIE_SECRET is required in production');
  if (!signingJwk.d) throw new Error('the signing key has no private part');
  return [createHmac('sha256', signingJwk.d).update('openmes-cookie-keys|v1').digest('base64url')];
}
