import { EventEmitter } from 'node:events';

/** What a live stream is told: a new notification (by id: the stream renders it for its reader), or new counts. */
export type NotificationSignal = { type: 'created'; notificationId: string } | { type: 'read' };

/**
 * In-process fan-out from the dispatcher (and mark-read requests) to the open live streams of a recipient.
 * One node only: with several nodes, the dispatcher would publish the same signal with PostgreSQL
 * `NOTIFY notification, '<recipient> <id>'` after its commit and every node would `LISTEN` and relay
 * to its own streams (the payload is ids only, like here).
 */
export type NotificationHub = {
  publish(recipient: string, signal: NotificationSignal): void;
  /** Returns the unsubscribe function. */
  subscribe(recipient: string, listener: (signal: NotificationSignal) => void): () => void;
};

export function createNotificationHub(): NotificationHub {
  const emitter = new EventEmitter();
  // One listener per open stream: many people, many tabs.
  emitter.setMaxListeners(0);
  return {
    publish: (recipient, signal) => { emitter.emit(recipient, signal); },
    subscribe(recipient, listener) {
      emitter.on(recipient, listener);
      return () => { emitter.off(recipient, listener); };
    },
  };
}
