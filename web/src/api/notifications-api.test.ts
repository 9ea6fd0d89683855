import { describe, expect, it } from 'vitest';
import { parseEvent } from './notifications-api.ts';

describe('live notification stream parsing', () => {
  it('reads notification and unread events, and ignores heartbeats and unknown events', () => {
    const item = { id: 'n1', kind: 'document.added', dossierId: 'd1', title: 'Un document', createdAt: '2026-01-15T10:00:00.000Z', readAt: null, link: '/documents' };
    expect(parseEvent(`event: notification\ndata: ${JSON.stringify(item)}`)).toEqual({ type: 'notification', item });
    expect(parseEvent('event: unread\ndata: {"unread":3}')).toEqual({ type: 'unread', unread: 3 });
    expect(parseEvent(': battement')).toBeNull();
    expect(parseEvent('retry: 5000')).toBeNull();
    expect(parseEvent('event: autre\ndata: {}')).toBeNull();
    expect(parseEvent('event: unread\ndata: pas du json')).toBeNull();
  });
});
