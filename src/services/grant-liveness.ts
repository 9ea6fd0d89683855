import { findOidcPayload } from '../store/oidc-payload-repo.ts';
import type { ServiceDeps } from './service-deps.ts';

/** The authorization server's model name of grants (what a browser sign-in to one portal creates). */
export const GRANT_MODEL = 'Grant';

/**
 * Whether the grant an access token was issued under still stands. Signing out revokes the session's
 * grants (oidc-provider deletes them from oidc_payload); a token naming a revoked grant is refused.
 *
 * The answer is cached per grant for `cacheMs` so that the hot path costs a map lookup, not a query:
 * a revocation made by this process is seen at once (`forget`), one made by another process within
 * `cacheMs`. A revoked grant stays revoked (ids are never reused), so that answer is kept.
 */
export type GrantLiveness = {
  isLive(grantId: string): Promise<boolean>;
  /** A grant was revoked here: refuse its tokens from now on. */
  forget(grantId: string): void;
};

const DEFAULT_CACHE_MS = 1000;
const MAX_ENTRIES = 50_000;

export function createGrantLiveness(deps: Pick<ServiceDeps, 'db' | 'clock'>, cacheMs = DEFAULT_CACHE_MS): GrantLiveness {
  const cache = new Map<string, { live: boolean; checkedAt: number }>();
  const remember = (grantId: string, live: boolean, checkedAt: number) => {
    // Crude bound: forgetting everything only costs one query per active grant.
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(grantId, { live, checkedAt });
  };
  return {
    async isLive(grantId) {
      const now = deps.clock();
      const known = cache.get(grantId);
      if (known && (!known.live || now.getTime() - known.checkedAt < cacheMs)) return known.live;
      const live = (await findOidcPayload(deps.db, GRANT_MODEL, grantId, now)) !== null;
      // Revoked here while the query ran: that answer wins.
      if (cache.get(grantId)?.live === false) return false;
      remember(grantId, live, now.getTime());
      return live;
    },
    forget(grantId) {
      remember(grantId, false, deps.clock().getTime());
    },
  };
}
