import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Actor } from '../actor.ts';
import type { DossierState } from '../lifecycle.ts';
import { decideAccess, DEFAULT_PATIENT_SETTINGS, POLICY_ACTIONS, type PolicyAction, type RelationshipFact } from './decide-access.ts';

const now = new Date('2026-06-01T12:00:00Z');
const child = 'child-dossier';
const parent: Actor = { kind: 'person', accountId: 'a-parent', dossierId: 'parent-dossier', displayName: 'Marie Martin' };
const holderOfChild: Actor = { kind: 'person', accountId: 'a-child', dossierId: child, displayName: 'Léa Martin' };
const stranger: Actor = { kind: 'person', accountId: 'a-x', dossierId: 'other', displayName: 'Autre' };
const carer: Actor = { kind: 'person', accountId: 'a-carer', dossierId: 'carer-dossier', displayName: 'Aidant' };
const pro: Actor = { kind: 'professional', accountId: 'p', displayName: 'Dr X', rpps: '10000000001', profession: 'G15:10', specialty: null, structure: null };
const operator: Actor = { kind: 'operator', accountId: 'o', displayName: 'Op' };
const app: Actor = { kind: 'app', clientId: 'c', displayName: 'App' };

const rels: RelationshipFact[] = [
  { kind: 'legal_representative', relatedDossierId: 'parent-dossier', endedAt: null },
  { kind: 'carer', relatedDossierId: 'carer-dossier', endedAt: null },
];
const proFacts = {
  professional: { blocked: false, consent: false, patientInformed: false, mode: 'normal' as const },
  patientSettings: DEFAULT_PATIENT_SETTINGS,
  rules: { matrixAllows: () => true, sectorOf: () => 'health' as const, medicoSocialEnabled: false, invisiblePatientVisibleAfterDays: 90 },
};
const decide = (actor: Actor, action: PolicyAction, state: DossierState = 'active', birthDate = '2015-03-10', carersEnabled = true) =>
  decideAccess({ actor, action, now, relationships: rels, settings: { carersEnabled }, dossier: { dossierId: child, state, birthDate }, ...proFacts });

describe('decideAccess — foundation rules', () => {
  const table: [string, Actor, PolicyAction, DossierState, string, string][] = [
    ['holder reads own identity', holderOfChild, 'dossier.identity.read', 'active', '2015-03-10', 'allow:POLICY_HOLDER'],
    ['holder activates', holderOfChild, 'dossier.lifecycle.activate', 'created', '2015-03-10', 'allow:POLICY_HOLDER'],
    ['parent of a minor reads', parent, 'dossier.identity.read', 'active', '2015-03-10', 'allow:POLICY_LEGAL_REPRESENTATIVE'],
    ['parent of a minor opposes creation', parent, 'dossier.lifecycle.oppose', 'created', '2015-03-10', 'allow:POLICY_LEGAL_REPRESENTATIVE'],
    ['parent loses access the day of the 18th birthday', parent, 'dossier.identity.read', 'active', '2008-06-01', 'deny:POLICY_NO_RELATIONSHIP'],
    ['parent keeps access the day before', parent, 'dossier.identity.read', 'active', '2008-06-02', 'allow:POLICY_LEGAL_REPRESENTATIVE'],
    ['carer reads', carer, 'dossier.identity.read', 'active', '1940-01-01', 'allow:POLICY_CARER_MANDATE'],
    ['carer cannot close the space', carer, 'dossier.lifecycle.close', 'active', '1940-01-01', 'deny:POLICY_CARER_CANNOT_MANAGE_SPACE'],
    ['stranger is refused', stranger, 'dossier.identity.read', 'active', '1990-01-01', 'deny:POLICY_NO_RELATIONSHIP'],
    ['closed space: holder may only reopen', holderOfChild, 'dossier.identity.read', 'closed', '1990-01-01', 'deny:DOSSIER_CLOSED_REOPENABLE'],
    ['closed space: holder reopens', holderOfChild, 'dossier.lifecycle.reopen', 'closed', '1990-01-01', 'allow:POLICY_REOPEN_BY_HOLDER'],
    ['opposed space: nobody but the operator', holderOfChild, 'dossier.identity.read', 'opposed', '1990-01-01', 'deny:DOSSIER_OPPOSED'],
    ['professional finds a patient', pro, 'dossier.identity.search', 'created', '1990-01-01', 'allow:POLICY_PRO_PATIENT_IDENTIFICATION'],
    ['professional cannot close a space', pro, 'dossier.lifecycle.close', 'active', '1990-01-01', 'deny:POLICY_NO_RULE'],
    ['professional: closed space is invisible', pro, 'dossier.identity.search', 'closed', '1990-01-01', 'deny:DOSSIER_CLOSED'],
    ['patient cannot search others', holderOfChild, 'dossier.identity.search', 'active', '1990-01-01', 'deny:POLICY_NO_RULE'],
    ['operator activates on request', operator, 'dossier.lifecycle.activate', 'created', '1990-01-01', 'allow:POLICY_OPERATOR'],
    // Closing or reopening someone's space: only with a stated reason (issue 8), see the rows below.
    ['operator closes only with a reason', operator, 'dossier.lifecycle.close', 'active', '1990-01-01', 'deny:POLICY_OPERATOR_REASON_REQUIRED'],
    ['operator reopens only with a reason', operator, 'dossier.lifecycle.reopen', 'closed', '1990-01-01', 'deny:POLICY_OPERATOR_REASON_REQUIRED'],
    ['only operators import', pro, 'population.import', 'active', '1990-01-01', 'deny:POLICY_OPERATOR_ONLY'],
    ['only operators load the directory', pro, 'directory.import', 'active', '1990-01-01', 'deny:POLICY_OPERATOR_ONLY'],
    ['a patient cannot load the directory', holderOfChild, 'directory.import', 'active', '1990-01-01', 'deny:POLICY_OPERATOR_ONLY'],
    ['operator loads the directory', operator, 'directory.import', 'active', '1990-01-01', 'allow:POLICY_OPERATOR'],
    ['only operators run jobs now', pro, 'job.run', 'active', '1990-01-01', 'deny:POLICY_OPERATOR_ONLY'],
    ['operator runs a job now', operator, 'job.run', 'active', '1990-01-01', 'allow:POLICY_OPERATOR'],
    ['apps have no rule yet', app, 'dossier.identity.read', 'active', '1990-01-01', 'deny:POLICY_NO_RULE'],
    // Carer mandates (SPEC §1): those who manage the space grant and revoke them; nobody else.
    ['holder grants or revokes a carer mandate', holderOfChild, 'delegation.update', 'active', '1950-01-01', 'allow:POLICY_HOLDER'],
    ['parent of a minor manages the carers', parent, 'delegation.update', 'active', '2015-03-10', 'allow:POLICY_LEGAL_REPRESENTATIVE'],
    ['parent of an adult child manages nothing', parent, 'delegation.update', 'active', '2000-03-10', 'deny:POLICY_NO_RELATIONSHIP'],
    ['a carer cannot grant or revoke mandates', carer, 'delegation.update', 'active', '1940-01-01', 'deny:POLICY_CARER_CANNOT_DELEGATE'],
    ['closed space: no mandate changes', holderOfChild, 'delegation.update', 'closed', '1950-01-01', 'deny:DOSSIER_CLOSED_REOPENABLE'],
    ['professional cannot change mandates', pro, 'delegation.update', 'active', '1950-01-01', 'deny:POLICY_NO_RULE'],
    ['operator cannot change mandates', operator, 'delegation.update', 'active', '1950-01-01', 'deny:POLICY_NO_RULE'],
    ['apps cannot change mandates', app, 'delegation.update', 'active', '1950-01-01', 'deny:POLICY_NO_RULE'],
  ];
  it.each(table)('%s', (_name, actor, action, state, birthDate, expected) => {
    const d = decide(actor, action, state, birthDate);
    expect(`${d.effect}:${d.reason}`).toBe(expected);
  });

  it('the operator closes or reopens with a stated reason of 10 characters or more; the holder needs none', () => {
    const withReason = (actor: Actor, action: PolicyAction, justification: string | null) =>
      decideAccess({ actor, action, now, relationships: rels, settings: { carersEnabled: true }, dossier: { dossierId: child, state: 'active', birthDate: '1990-01-01' }, justification });
    expect(withReason(operator, 'dossier.lifecycle.close', 'Décision de justice du 3 février').reason).toBe('POLICY_OPERATOR');
    expect(withReason(operator, 'dossier.lifecycle.reopen', 'Demande écrite du titulaire').reason).toBe('POLICY_OPERATOR');
    for (const short of [null, '', '   ', 'demande', '  court    ']) {
      expect(withReason(operator, 'dossier.lifecycle.close', short)).toEqual({ effect: 'deny', reason: 'POLICY_OPERATOR_REASON_REQUIRED' });
    }
    // Other operator actions need none; the holder closing their own space needs none.
    expect(withReason(operator, 'dossier.lifecycle.oppose', null).reason).toBe('POLICY_OPERATOR');
    expect(withReason(holderOfChild, 'dossier.lifecycle.close', null).effect).toBe('allow');
  });

  it('carers are refused when the carer feature is switched off', () => {
    expect(decide(carer, 'dossier.identity.read', 'active', '1940-01-01', false)).toEqual({ effect: 'deny', reason: 'POLICY_NO_RELATIONSHIP' });
  });

  it('a protector with representation of the person manages the carer mandates', () => {
    const protector: Actor = { kind: 'person', accountId: 'a-prot', dossierId: 'protector-dossier', displayName: 'Tuteur' };
    const d = decideAccess({ actor: protector, action: 'delegation.update', now, settings: { carersEnabled: true },
      relationships: [{ kind: 'protector', relatedDossierId: 'protector-dossier', endedAt: null }],
      dossier: { dossierId: child, state: 'active', birthDate: '1940-01-01' } });
    expect(d).toEqual({ effect: 'allow', reason: 'POLICY_PROTECTOR_REPRESENTATION', role: 'protector' });
  });

  it('an ended relationship gives nothing', () => {
    const d = decideAccess({ actor: carer, action: 'dossier.identity.read', now, settings: { carersEnabled: true },
      relationships: [{ kind: 'carer', relatedDossierId: 'carer-dossier', endedAt: new Date('2026-05-01') }],
      dossier: { dossierId: child, state: 'active', birthDate: '1940-01-01' } });
    expect(d.effect).toBe('deny');
  });

  it('property: fails closed — a person without relationship is never allowed, whatever the action or state', () => {
    fc.assert(fc.property(
      fc.constantFrom(...POLICY_ACTIONS), fc.constantFrom<DossierState>('created', 'active', 'closed', 'opposed'), fc.string(),
      (action, state, otherId) => {
        fc.pre(otherId !== child);
        const someone: Actor = { kind: 'person', accountId: 'z', dossierId: otherId, displayName: 'Z' };
        const d = decideAccess({ actor: someone, action, now, relationships: [], settings: { carersEnabled: true }, dossier: { dossierId: child, state, birthDate: null } });
        expect(d.effect).toBe('deny');
        expect(d.reason).toMatch(/^[A-Z_]+$/);
      },
    ), { numRuns: 3000 });
  });

  it('property: nobody but the operator acts on an opposed space', () => {
    fc.assert(fc.property(fc.constantFrom(...POLICY_ACTIONS), fc.constantFrom(parent, holderOfChild, carer, pro, app, stranger), (action, actor) => {
      expect(decide(actor, action, 'opposed').effect).toBe('deny');
    }), { numRuns: 1000 });
  });
});
