/**
 * The live notification feed of the patient portal: one stream per tab, shared by the header bell, the
 * notification centre and the home page. Keeps the unread count and hands new notifications to listeners.
 */
import { useSyncExternalStore } from 'react';
import { readNotificationStream, StreamRefused, type NotificationItem } from '../api/notifications-api.ts';
import type { PortalId } from '../router/routes.ts';

type FeedState = { unread: number | null };
type Arrival = (item: NotificationItem) => void;

let state: FeedState = { unread: null };
const watchers = new Set<() => void>();
const arrivals = new Set<Arrival>();
let running: { portal: PortalId; controller: AbortController; users: number } | null = null;

function setState(next: FeedState): void {
  state = next;
  for (const w of watchers) w();
}

/** The unread count as last told by the server (null before the stream answered). */
export function setUnread(unread: number): void {
  setState({ unread });
}

export function useNotificationFeed(): FeedState {
  return useSyncExternalStore(
    (w) => { watchers.add(w); return () => { watchers.delete(w); }; },
    () => state,
  );
}

/** Calls `listener` with each notification that arrives live; returns the unsubscribe function. */
export function onNotificationArrival(listener: Arrival): () => void {
  arrivals.add(listener);
  return () => { arrivals.delete(listener); };
}

/** Opens the stream (once per tab, counted); the returned function releases it. */
export function useFeedConnection(portal: PortalId): () => void {
  if (running && running.portal === portal) {
    running.users++;
  } else {
    running?.controller.abort();
    running = { portal, controller: new AbortController(), users: 1 };
    void connect(portal, running.controller.signal);
  }
  const mine = running;
  return () => {
    if (running !== mine) return;
    mine.users--;
    if (mine.users === 0) {
      mine.controller.abort();
      running = null;
      setState({ unread: null });
    }
  };
}

/** Reads the stream, reconnecting after an end or a network failure (the server closes it when the token expires). */
async function connect(portal: PortalId, signal: AbortSignal): Promise<void> {
  let delay = 1_000;
  while (!signal.aborted) {
    try {
      await readNotificationStream(portal, (event) => {
        delay = 1_000;
        if (event.type === 'unread') setUnread(event.unread);
        else for (const a of arrivals) a(event.item);
      }, signal);
    } catch (error) {
      // Signed out or not a person's account: no centre to follow.
      if (error instanceof StreamRefused && (error.status === 401 || error.status === 403)) return;
    }
    if (signal.aborted) return;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 30_000);
  }
}
