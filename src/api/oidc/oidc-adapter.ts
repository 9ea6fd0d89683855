import { errors, type Adapter, type AdapterConstructor, type AdapterPayload } from 'oidc-provider';
import { findJsonFault, textFault } from '../../domain/input-text.ts';
import type { OidcRecord, OidcStorage } from '../../services/oidc-storage.ts';

/**
 * Ids and payloads come from the browser or the client software (client_id, code, state, nonce…). What the
 * database cannot hold (U+0000, control characters, lone surrogates) names no record and is refused as a
 * bad request, instead of failing in PostgreSQL as a server error.
 */
const isStorableId = (id: string) => typeof id === 'string' && textFault(id, 'line', 4096) === null;
const UNSTORABLE = 'the request contains characters that cannot be accepted';

function toPayload(record: OidcRecord | null): AdapterPayload | undefined {
  if (!record) return undefined;
  const payload = record.payload as AdapterPayload;
  return record.consumedAt ? { ...payload, consumed: Math.floor(record.consumedAt.getTime() / 1000) } : payload;
}

/**
 * The oidc-provider adapter on table oidc_payload. Two operations are made atomic in the database rather
 * than left to read-then-write: consuming an authorization code (single use even under concurrent
 * redemption) and recording a client-assertion jti (ReplayDetection: a replayed assertion is refused).
 */
export function createOidcAdapter(storage: OidcStorage): AdapterConstructor {
  return class PostgresOidcAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      if (!isStorableId(id) || findJsonFault(payload, { maxKeyLength: 1024 })) throw new errors.InvalidRequest(UNSTORABLE);
      if (this.model === 'ReplayDetection') {
        const first = await storage.insertIfAbsent(this.model, id, payload as Record<string, unknown>, expiresIn);
        if (!first) throw new errors.InvalidClientAuth('client assertion tokens must only be used once');
        return;
      }
      await storage.upsert(this.model, id, payload as Record<string, unknown>, expiresIn);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (!isStorableId(id)) return undefined;
      return toPayload(await storage.find(this.model, id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      if (!isStorableId(uid)) return undefined;
      return toPayload(await storage.findByUid(this.model, uid));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      if (!isStorableId(userCode)) return undefined;
      return toPayload(await storage.findByUserCode(this.model, userCode));
    }

    async consume(id: string): Promise<void> {
      if (!isStorableId(id) || !(await storage.consume(this.model, id))) throw new errors.InvalidGrant('grant already consumed');
    }

    async destroy(id: string): Promise<void> {
      if (isStorableId(id)) await storage.destroy(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      if (isStorableId(grantId)) await storage.revokeByGrantId(grantId);
    }
  };
}
