import { loadOrCreateSigningKey, type SigningJwk } from '../store/signing-key-repo.ts';
import {
  consumeOidcPayload, deleteOidcPayload, deleteOidcPayloadsByGrant, findOidcPayload, findOidcPayloadByUid,
  findOidcPayloadByUserCode, insertOidcPayloadIfAbsent, purgeExpiredOidcPayloads, upsertOidcPayload, type OidcRecord,
} from '../store/oidc-payload-repo.ts';
import { GRANT_MODEL } from './grant-liveness.ts';
import type { ServiceDeps } from './service-deps.ts';

export type { OidcRecord };

/**
 * Persistence of the authorization server's records (table oidc_payload), for the oidc-provider adapter.
 * Time-to-live is in seconds from now; undefined means no expiry.
 */
export type OidcStorage = {
  find(model: string, id: string): Promise<OidcRecord | null>;
  findByUid(model: string, uid: string): Promise<OidcRecord | null>;
  findByUserCode(model: string, userCode: string): Promise<OidcRecord | null>;
  upsert(model: string, id: string, payload: Record<string, unknown>, ttlSeconds: number | undefined): Promise<void>;
  /** First writer wins: false when a live record already exists (replay). */
  insertIfAbsent(model: string, id: string, payload: Record<string, unknown>, ttlSeconds: number | undefined): Promise<boolean>;
  /** Single use: false when already consumed. */
  consume(model: string, id: string): Promise<boolean>;
  destroy(model: string, id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
  purgeExpired(): Promise<number>;
};

/**
 * `onGrantRevoked` hears of every grant revoked through this storage (signing out revokes the session's
 * grants): the access-token check of this process then refuses their tokens at once.
 */
export function createOidcStorage(deps: Pick<ServiceDeps, 'db' | 'clock'>, options: { onGrantRevoked?: (grantId: string) => void } = {}): OidcStorage {
  const { db, clock } = deps;
  const revoked = (grantId: string) => options.onGrantRevoked?.(grantId);
  const expiry = (ttl: number | undefined) => (typeof ttl === 'number' ? new Date(clock().getTime() + ttl * 1000) : null);
  return {
    find: (model, id) => findOidcPayload(db, model, id, clock()),
    findByUid: (model, uid) => findOidcPayloadByUid(db, model, uid, clock()),
    findByUserCode: (model, userCode) => findOidcPayloadByUserCode(db, model, userCode, clock()),
    upsert: (model, id, payload, ttl) => upsertOidcPayload(db, model, id, payload, expiry(ttl)),
    insertIfAbsent: (model, id, payload, ttl) => insertOidcPayloadIfAbsent(db, model, id, payload, expiry(ttl), clock()),
    consume: (model, id) => consumeOidcPayload(db, model, id, clock()),
    destroy: async (model, id) => {
      await deleteOidcPayload(db, model, id);
      if (model === GRANT_MODEL) revoked(id);
    },
    revokeByGrantId: async (grantId) => {
      await deleteOidcPayloadsByGrant(db, grantId);
      revoked(grantId);
    },
    purgeExpired: () => purgeExpiredOidcPayloads(db, clock()),
  };
}

/** The RS256 key that signs ID and access tokens (the same one `platform.tokenKeys` verifies with). */
export function loadSigningJwk(deps: Pick<ServiceDeps, 'db' | 'clock'>): Promise<SigningJwk> {
  return loadOrCreateSigningKey(deps.db, deps.clock());
}

/** Model name under which software clients (private_key_jwt, client_credentials) are registered. */
export const CLIENT_MODEL = 'Client';

/** Registers (or replaces) a software client's metadata: it is found by the authorization server at once. */
export async function registerSoftwareClient(deps: Pick<ServiceDeps, 'db'>, metadata: { client_id: string } & Record<string, unknown>): Promise<void> {
  await upsertOidcPayload(deps.db, CLIENT_MODEL, metadata.client_id, metadata, null);
}
