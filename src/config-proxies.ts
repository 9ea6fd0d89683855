import { isIP } from 'node:net';

/**
 * OPENMES_TRUSTED_PROXIES: the reverse proxies (IP addresses or CIDR ranges, comma-separated) whose
 * X-Forwarded-For / -Proto / -Host headers are believed. Anyone else may write those headers.
 */
export function parseTrustedProxies(value: string): { ok: true; proxies: string[] } | { ok: false; invalid: string } {
  const proxies = value.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  for (const proxy of proxies) {
    if (!isAddressOrRange(proxy)) return { ok: false, invalid: proxy };
  }
  return { ok: true, proxies };
}

function isAddressOrRange(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}
