/** The notification centre of the signed-in person (/api/notifications…). */
import { clearSession, readSession } from '../auth/session.ts';
import type { PortalId } from '../router/routes.ts';
import { apiFetch } from './client.ts';

export interface NotificationItem {
  id: string;
  kind: string;
  dossierId: string;
  title: string;
  createdAt: string;
  readAt: string | null;
  link: string;
}

export interface NotificationPage {
  items: NotificationItem[];
  unread: number;
  next?: string;
}

export interface NotificationPreferences {
  kinds: { kind: string; label: string; email: boolean }[];
}

export function fetchNotifications(portal: PortalId, options: { limit?: number; before?: string } = {}): Promise<NotificationPage> {
  const query = new URLSearchParams({ limit: String(options.limit ?? 20), ...(options.before ? { before: options.before } : {}) });
  return apiFetch<NotificationPage>(portal, `/api/notifications?${query.toString()}`);
}

export function markNotificationRead(portal: PortalId, id: string): Promise<{ id: string; readAt: string; unread: number }> {
  return apiFetch(portal, `/api/notifications/${encodeURIComponent(id)}/read`, { method: 'POST' });
}

export function markAllNotificationsRead(portal: PortalId): Promise<{ marked: number; unread: number }> {
  return apiFetch(portal, '/api/notifications/read-all', { method: 'POST' });
}

export function fetchNotificationPreferences(portal: PortalId): Promise<NotificationPreferences> {
  return apiFetch(portal, '/api/notification-preferences');
}

export function saveNotificationPreferences(portal: PortalId, kinds: { kind: string; email: boolean }[]): Promise<NotificationPreferences> {
  return apiFetch(portal, '/api/notification-preferences', {
    method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ kinds }),
  });
}

export type StreamEvent = { type: 'notification'; item: NotificationItem } | { type: 'unread'; unread: number };

/**
 * Reads the live stream (Server-Sent Events) with fetch, not EventSource: EventSource cannot send the
 * bearer token, and putting the token in the URL would leave it in proxy and server logs and in the
 * browser history. Resolves when the stream ends (server shutdown, token expiry, network); the caller
 * reconnects. Rejects with the HTTP status on a refusal.
 */
export async function readNotificationStream(portal: PortalId, onEvent: (event: StreamEvent) => void, signal: AbortSignal): Promise<void> {
  const session = readSession(portal);
  if (!session) throw new StreamRefused(401);
  const response = await fetch('/api/notifications/stream', {
    headers: { Accept: 'text/event-stream', Authorization: `Bearer ${session.accessToken}` }, signal, cache: 'no-store',
  });
  if (response.status === 401) clearSession(portal, 'expired');
  if (!response.ok || !response.body) throw new StreamRefused(response.status);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = parseEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (event) onEvent(event);
    }
  }
}

export class StreamRefused extends Error {
  constructor(readonly status: number) {
    super(`stream refused (${status})`);
  }
}

/** One SSE block (`event:` + `data:` lines); comments (heartbeats) and unknown events give null. */
export function parseEvent(block: string): StreamEvent | null {
  let name = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length === 0) return null;
  try {
    const parsed = JSON.parse(data.join('\n')) as Record<string, unknown>;
    if (name === 'notification') return { type: 'notification', item: parsed as unknown as NotificationItem };
    if (name === 'unread' && typeof parsed.unread === 'number') return { type: 'unread', unread: parsed.unread };
  } catch {
    return null;
  }
  return null;
}
