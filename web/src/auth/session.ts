/** Token and pending-authorization storage (sessionStorage, one slot per portal). */
import type { PortalId } from '../router/routes.ts';

export interface StoredSession {
  accessToken: string;
  idToken?: string;
  /** Epoch milliseconds. */
  expiresAt?: number;
}

export interface PendingAuthorization {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUri: string;
  returnTo: string;
}

export type SessionChangeReason = 'signed-in' | 'signed-out' | 'expired';

export const SESSION_CHANGE_EVENT = 'openmes:session-change';

export interface SessionChangeDetail {
  portal: PortalId;
  reason: SessionChangeReason;
}

const sessionKey = (portal: PortalId) => `openmes.${portal}.session`;
const pendingKey = (portal: PortalId) => `openmes.${portal}.pending-authorization`;

function readJson(key: string): unknown {
  try {
    const raw = window.sessionStorage.getItem(key);
    return raw === null ? undefined : (JSON.parse(raw) as unknown);
  } catch {
    return undefined;
  }
}

function notify(portal: PortalId, reason: SessionChangeReason): void {
  const detail: SessionChangeDetail = { portal, reason };
  window.dispatchEvent(new CustomEvent(SESSION_CHANGE_EVENT, { detail }));
}

export function readSession(portal: PortalId): StoredSession | undefined {
  const value = readJson(sessionKey(portal)) as Partial<StoredSession> | undefined;
  if (typeof value?.accessToken !== 'string') return undefined;
  if (typeof value.expiresAt === 'number' && value.expiresAt <= Date.now()) {
    window.sessionStorage.removeItem(sessionKey(portal));
    return undefined;
  }
  return value as StoredSession;
}

export function writeSession(portal: PortalId, session: StoredSession): void {
  window.sessionStorage.setItem(sessionKey(portal), JSON.stringify(session));
  notify(portal, 'signed-in');
}

export function clearSession(portal: PortalId, reason: Exclude<SessionChangeReason, 'signed-in'>): void {
  const had = window.sessionStorage.getItem(sessionKey(portal)) !== null;
  window.sessionStorage.removeItem(sessionKey(portal));
  if (had) notify(portal, reason);
}

export function savePendingAuthorization(portal: PortalId, pending: PendingAuthorization): void {
  window.sessionStorage.setItem(pendingKey(portal), JSON.stringify(pending));
}

/** Reads and removes the pending authorization (single use). */
export function takePendingAuthorization(portal: PortalId): PendingAuthorization | undefined {
  const value = readJson(pendingKey(portal)) as Partial<PendingAuthorization> | undefined;
  window.sessionStorage.removeItem(pendingKey(portal));
  if (typeof value?.state !== 'string' || typeof value.codeVerifier !== 'string') return undefined;
  return value as PendingAuthorization;
}
