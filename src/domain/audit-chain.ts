import { createHash } from 'node:crypto';

/** The dossier id of the chain that holds actions on no particular dossier (sign-in, imports…). */
export const SYSTEM_CHAIN = '00000000-0000-0000-0000-000000000000';

export type AuditOutcome = 'allowed' | 'denied' | 'failed';

/** One audit entry before it is chained: everything the patient and the operator will see. */
export type AuditEntry = {
  dossierId: string;
  occurredAt: Date;
  action: string;
  outcome: AuditOutcome;
  reason: string;
  mode: string;
  actorKind: string;
  actorId: string;
  actor: Record<string, unknown>;
  targetType: string;
  targetId: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
};

/** JSON with keys sorted at every level, so a value stored as jsonb hashes the same when read back. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/** The exact bytes an entry contributes to the chain. */
export function canonicalAuditPayload(e: AuditEntry): string {
  return stableStringify([
    e.dossierId, e.occurredAt.toISOString(), e.action, e.outcome, e.reason, e.mode,
    e.actorKind, e.actorId, e.actor, e.targetType, e.targetId, e.requestId, e.details,
  ]);
}

export function genesisHash(dossierId: string): string {
  return sha256Hex(`openmes-audit-genesis|${dossierId}`);
}

/** hash_n = SHA-256(hash_{n-1} | n | canonical_n); the SQL append computes the same formula. */
export function chainHash(previousHash: string, seq: number, canonical: string): string {
  return sha256Hex(`${previousHash}|${seq}|${canonical}`);
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
