import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DOSSIER_STATES, LIFECYCLE_ACTIONS, oppositionDeadline, retentionEnd, transition, type DossierState, type LifecycleAction } from './lifecycle.ts';

const params = { oppositionWindowDays: 42, retentionYears: 10 };
const created = new Date('2026-01-01T00:00:00Z');
const inWindow = new Date('2026-01-20T00:00:00Z');
const afterWindow = new Date('2026-03-01T00:00:00Z');
const closedAt = new Date('2026-06-01T00:00:00Z');
const facts = (state: DossierState, hasContent = false) => ({
  state,
  oppositionDeadline: oppositionDeadline(created, params),
  retentionUntil: state === 'closed' ? retentionEnd(closedAt, params) : null,
  hasContent,
});

describe('dossier lifecycle (SPEC §1)', () => {
  // action, state, time, has content -> next state or refusal
  const table: [LifecycleAction, DossierState, Date, boolean, DossierState | string][] = [
    ['oppose', 'created', inWindow, false, 'opposed'],
    ['oppose', 'created', afterWindow, false, 'DOSSIER_OPPOSITION_WINDOW_ELAPSED'],
    ['oppose', 'created', inWindow, true, 'DOSSIER_HAS_CONTENT'],
    ['oppose', 'active', inWindow, false, 'DOSSIER_OPPOSITION_AFTER_ACTIVATION'],
    ['oppose', 'closed', inWindow, false, 'DOSSIER_CLOSED'],
    ['oppose', 'opposed', inWindow, false, 'DOSSIER_OPPOSED'],
    ['activate', 'created', inWindow, false, 'active'],
    ['activate', 'created', afterWindow, true, 'active'],
    ['activate', 'active', inWindow, false, 'DOSSIER_ALREADY_ACTIVE'],
    ['activate', 'closed', afterWindow, false, 'DOSSIER_CLOSED'],
    ['activate', 'opposed', inWindow, false, 'DOSSIER_OPPOSED'],
    ['close', 'created', inWindow, false, 'closed'],
    ['close', 'active', afterWindow, true, 'closed'],
    ['close', 'closed', afterWindow, false, 'DOSSIER_CLOSED'],
    ['close', 'opposed', afterWindow, false, 'DOSSIER_OPPOSED'],
    ['reopen', 'closed', new Date('2030-01-01T00:00:00Z'), true, 'active'],
    ['reopen', 'closed', new Date('2036-06-01T00:00:00Z'), true, 'DOSSIER_RETENTION_ELAPSED'],
    ['reopen', 'closed', new Date('2036-05-31T23:59:59Z'), true, 'active'],
    ['reopen', 'active', afterWindow, false, 'DOSSIER_NOT_CLOSED'],
    ['reopen', 'created', afterWindow, false, 'DOSSIER_NOT_CLOSED'],
    ['reopen', 'opposed', afterWindow, false, 'DOSSIER_OPPOSED'],
  ];
  it.each(table)('%s from %s at %s (content: %s) -> %s', (action, state, now, hasContent, expected) => {
    const r = transition(action, facts(state, hasContent), now, params);
    expect(r.ok ? r.change.state : r.reason).toBe(expected);
  });

  it('the opposition window is 6 weeks by default, and the retention 10 years from closure', () => {
    expect(oppositionDeadline(created, params).toISOString()).toBe('2026-02-12T00:00:00.000Z');
    expect(retentionEnd(closedAt, params).toISOString()).toBe('2036-06-01T00:00:00.000Z');
  });

  it('closing sets the retention end, reopening clears it', () => {
    const closed = transition('close', facts('active'), closedAt, params);
    expect(closed.ok && closed.change.retentionUntil?.toISOString()).toBe('2036-06-01T00:00:00.000Z');
    const reopened = transition('reopen', facts('closed'), new Date('2027-01-01T00:00:00Z'), params);
    expect(reopened.ok && reopened.change.retentionUntil).toBeNull();
  });

  it('property: nothing leaves the opposed state, and every refusal names a reason', () => {
    fc.assert(fc.property(
      fc.constantFrom(...LIFECYCLE_ACTIONS), fc.constantFrom(...DOSSIER_STATES), fc.date({ min: created, max: new Date('2040-01-01'), noInvalidDate: true }), fc.boolean(),
      (action, state, now, hasContent) => {
        const r = transition(action, facts(state, hasContent), now, params);
        if (state === 'opposed') expect(r.ok).toBe(false);
        if (!r.ok) expect(r.reason).toMatch(/^DOSSIER_[A-Z_]+$/);
        else expect(DOSSIER_STATES).toContain(r.change.state);
      },
    ), { numRuns: 2000 });
  });

  it('property: a closed space can be reopened exactly until its retention ends', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 20 * 365 }), (days) => {
      const now = new Date(closedAt.getTime() + days * 86_400_000);
      const r = transition('reopen', facts('closed'), now, params);
      expect(r.ok).toBe(now.getTime() < retentionEnd(closedAt, params).getTime());
    }), { numRuns: 1000 });
  });
});
