import { errors, type Adapter, type AdapterConstructor, type AdapterPayload } from 'oidc-provider';
import type { OidcRecord, OidcStorage } from '../../services/oidc-storage.ts';

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
      if (this.model === 'ReplayDetection') {
        const first = await storage.insertIfAbsent(this.model, id, payload as Record<string, unknown>, expiresIn);
        if (!first) throw new errors.InvalidClientAuth('client assertion tokens must only be used once');
        return;
      }
      await storage.upsert(this.model, id, payload as Record<string, unknown>, expiresIn);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return toPayload(await storage.find(this.model, id));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return toPayload(await storage.findByUid(this.model, uid));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return toPayload(await storage.findByUserCode(this.model, userCode));
    }

    async consume(id: string): Promise<void> {
      if (!(await storage.consume(this.model, id))) throw new errors.InvalidGrant('grant already consumed');
    }

    async destroy(id: string): Promise<void> {
      await storage.destroy(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await storage.revokeByGrantId(grantId);
    }
  };
}
