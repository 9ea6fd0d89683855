import type { Queryable } from '../store/db.ts';
import { isPresentSince, removePresence, touchPresence } from '../store/notification-repo.ts';
import type { ServiceDeps } from './service-deps.ts';

/** A live stream sends a heartbeat this often, and refreshes its presence row with it. */
export const HEARTBEAT_MS = 20_000;
/**
 * "In the portal now": a live stream of the person refreshed within this window (three heartbeats).
 * A crashed node's rows simply stop being refreshed and stop counting after it.
 */
export const PRESENCE_WINDOW_MS = 60_000;

/** Marks (or refreshes) an open live stream: the person is looking at the portal. */
export async function notePresence(deps: Pick<ServiceDeps, 'db' | 'clock'>, recipient: string, streamId: string): Promise<void> {
  await touchPresence(deps.db, recipient, streamId, deps.clock());
}

/** Forgets a closed stream (and the recipient's streams whose node stopped refreshing them long ago). */
export async function endPresence(deps: Pick<ServiceDeps, 'db' | 'clock'>, recipient: string, streamId: string): Promise<void> {
  await removePresence(deps.db, recipient, streamId, new Date(deps.clock().getTime() - 24 * 3_600_000));
}

/** Is the recipient looking at the portal at `now` (a live stream refreshed within PRESENCE_WINDOW_MS)? */
export async function isInPortalNow(db: Queryable, recipient: string, now: Date): Promise<boolean> {
  return isPresentSince(db, recipient, new Date(now.getTime() - PRESENCE_WINDOW_MS));
}
