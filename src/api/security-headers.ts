import { createHash } from 'node:crypto';
import type { Config } from '../config.ts';

/**
 * The browser-side defences every response carries (set once, in build-app's onSend hook, and by the
 * OIDC server for the responses it writes itself). A route that needs another Content-Security-Policy
 * (the sign-in pages, whose forms may lead to the public URL; document bytes, sandboxed) sets its own
 * and keeps it.
 */

/**
 * The only inline code of the portals: react-dsfr writes `<style>:root { color-scheme: … }</style>`
 * when the colour scheme is known or changes. Allowed by hash, so no other inline style is.
 */
const PORTAL_INLINE_STYLES = [':root { color-scheme: light; }', ':root { color-scheme: dark; }'];

const sha256 = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The portals' policy (and every other response's): scripts and styles from the platform only. */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  `style-src 'self' ${PORTAL_INLINE_STYLES.map(sha256).join(' ')}`,
  // Documents are shown from blob: URLs made of the bytes fetched with the token (PDF in a frame, images).
  "img-src 'self' data: blob:",
  "frame-src blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** One year, subdomains included (production only: development runs over plain HTTP on loopback). */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** The headers every response carries, unless the route set its own value. */
export function securityHeaders(config: Pick<Config, 'mode'>): Readonly<Record<string, string>> {
  return {
    'content-security-policy': PAGE_CSP,
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...(config.mode === 'production' ? { 'strict-transport-security': HSTS } : {}),
  };
}
