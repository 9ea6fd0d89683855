import { hash } from 'node:crypto';

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
  /** Our own id of the HTTP request (never the client's). */
  requestId: string | null;
  details: Record<string, unknown>;
  /** The calling software (OAuth client of the access token), when the action came through the API. */
  clientId?: string | null;
  /** The client's network address: for the operator, never shown to the patient side. */
  clientAddress?: string | null;
  /** The X-Request-Id the client sent, once validated (bounded charset and length). */
  clientRequestId?: string | null;
};

/** JSON with keys sorted at every level, so a value stored as jsonb hashes the same when read back. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  // Plain loops and concatenation: this runs for every audit entry (bulk imports hash millions).
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + stableStringify(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort(); // default order = UTF-16 code units, as a < b
  let out = '{';
  let first = true;
  for (const key of keys) {
    const v = record[key];
    if (v === undefined) continue;
    out += (first ? '' : ',') + JSON.stringify(key) + ':' + stableStringify(v);
    first = false;
  }
  return `${out}}`;
}

/** The exact bytes an entry contributes to the chain. */
export function canonicalAuditPayload(e: AuditEntry): string {
  const fields: unknown[] = [
    e.dossierId, e.occurredAt.toISOString(), e.action, e.outcome, e.reason, e.mode,
    e.actorKind, e.actorId, e.actor, e.targetType, e.targetId, e.requestId, e.details,
  ];
  // The client fields came later (migration 0009): hashed only when one is set, so that the entries
  // written before them (all null) keep the bytes they were chained with.
  const client = { id: e.clientId ?? undefined, address: e.clientAddress ?? undefined, requestId: e.clientRequestId ?? undefined };
  if (client.id !== undefined || client.address !== undefined || client.requestId !== undefined) fields.push(client);
  return stableStringify(fields);
}

export function genesisHash(dossierId: string): string {
  return sha256Hex(`openmes-audit-genesis|${dossierId}`);
}

/** hash_n = SHA-256(hash_{n-1} | n | canonical_n); the SQL append computes the same formula. */
export function chainHash(previousHash: string, seq: number, canonical: string): string {
  return sha256Hex(`${previousHash}|${seq}|${canonical}`);
}

/**
 * The name an entry is shown by outside the chain (history entries, AuditEvent ids, page cursors): derived
 * from its hash, so it tells neither its position nor how many entries came between two of them — a
 * reader from whom some entries are hidden (SPEC §3.10) learns nothing from the names of the others.
 * `AUDIT_PUBLIC_ID_SQL` computes the same in SQL.
 */
export function auditPublicId(entryHash: string): string {
  return sha256Hex(`openmes-audit-entry|${entryHash}`).slice(0, 32);
}

/** `auditPublicId` of the row aliased `alias`, as an SQL expression. */
export const auditPublicIdSql = (alias: string) => `left(encode(sha256(convert_to('openmes-audit-entry|' || ${alias}.hash, 'UTF8')), 'hex'), 32)`;

export const AUDIT_PUBLIC_ID_PATTERN = '^[0-9a-f]{32}$';

function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}
