import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditPublicId, SYSTEM_CHAIN } from '../../domain/audit-chain.ts';
import type { StoredAuditRow } from '../../store/audit-repo.ts';
import { describeForPatient, toFhirAuditEvent } from './audit-event-mapper.ts';
import { OPENMES_EXTENSIONS } from './document-reference-mapper.ts';

const DOSSIER = '3f1c2a4e-9b7d-4c1e-8a2b-5d6e7f8a9b0c';
const DOC = '7d1e8c9a-1b2c-4d3e-8f4a-5b6c7d8e9f00';
const claire = { displayName: 'Dr Claire Lambert', rpps: '10000010008', profession: 'G15:10', specialty: 'SM54', structure: { finess: '750000010', name: 'Cabinet médical des Lilas' } };

function row(overrides: Partial<StoredAuditRow> = {}): StoredAuditRow {
  return {
    dossier_id: DOSSIER, seq: 12, occurred_at: new Date('2024-03-05T09:15:00Z'), action: 'document.read', outcome: 'allowed',
    reason: 'POLICY_MATRIX', mode: 'normal', actor_kind: 'professional', actor_id: 'acc-claire', actor: claire,
    target_type: 'DocumentReference', target_id: DOC, request_id: 'req-1', details: { typeCode: '11488-4', title: 'CR de consultation' },
    hash: 'ab'.repeat(32), client_id: null, client_address: null, client_request_id: null,
    ...overrides,
  };
}
const holder = { actor_kind: 'person', actor_id: 'acc-jean', actor: { displayName: 'Jean Dupont', dossierId: DOSSIER, role: 'holder' } };

describe('describeForPatient', () => {
  it.each<[string, Partial<StoredAuditRow>, string]>([
    ['a read by a physician', {}, 'Dr Claire Lambert (Médecin) a consulté le document « CR de consultation »'],
    ['a deposit', { action: 'document.feed', details: { title: 'Compte rendu de biologie' } }, 'Dr Claire Lambert (Médecin) a ajouté le document « Compte rendu de biologie »'],
    ['a search', { action: 'document.search', target_id: null, details: { returned: 3 } }, 'Dr Claire Lambert (Médecin) a consulté la liste de vos documents'],
    ['a content read', { action: 'document.content.read' }, 'Dr Claire Lambert (Médecin) a consulté le contenu du document « CR de consultation »'],
    ['a replacement', { action: 'document.replace' }, 'Dr Claire Lambert (Médecin) a remplacé le document « CR de consultation »'],
    ['a deletion without title', { action: 'document.delete', details: {} }, 'Dr Claire Lambert (Médecin) a supprimé un document'],
    ['the holder masking', { ...holder, action: 'document.labels.update', details: { add: ['MASQUE_PS'] } }, 'Vous avez masqué un document'],
    ['the holder unmasking', { ...holder, action: 'document.labels.update', details: { remove: ['MASQUE_PS'], title: 'Ordonnance' } }, 'Vous avez rendu le document « Ordonnance » visible aux professionnels'],
    ['a physician making a document visible', { action: 'document.labels.update', details: { remove: ['INVISIBLE_PATIENT'] } }, 'Dr Claire Lambert (Médecin) a rendu un document visible au patient'],
    ['the holder masking, as the service records it', { ...holder, action: 'document.labels.update', details: { title: 'Ordonnance', added: ['MASQUE_PS'], removed: [] } }, 'Vous avez masqué le document « Ordonnance »'],
    ['the holder unmasking, as the service records it', { ...holder, action: 'document.labels.update', details: { title: 'Ordonnance', added: [], removed: ['MASQUE_PS'] } }, 'Vous avez rendu le document « Ordonnance » visible aux professionnels'],
    ['a document made visible when its delay ran out', { actor_kind: 'system', actor_id: 'system:revisibility', actor: {}, action: 'document.visibility.expire', details: { title: 'CR' } }, 'Un traitement automatique a rendu visible le document « CR » à l’issue du délai prévu'],
    ['another label change', { action: 'document.labels.update', details: { add: ['INVISIBLE_REPRESENTANTS_LEGAUX'] } }, 'Dr Claire Lambert (Médecin) a modifié la confidentialité d’un document'],
    ['a label request that changed nothing', { ...holder, action: 'document.labels.update', details: { title: 'Ordonnance', added: [], removed: [], changed: false } }, 'Vous avez enregistré la confidentialité du document « Ordonnance » sans la changer'],
    ['an identity read', { action: 'dossier.identity.read', target_type: 'Patient', target_id: DOSSIER, details: {} }, 'Dr Claire Lambert (Médecin) a consulté votre identité'],
    ['the holder activating', { ...holder, action: 'dossier.lifecycle.activate', target_type: 'Dossier' }, 'Vous avez activé votre espace santé'],
    ['a closure', { ...holder, action: 'dossier.lifecycle.close' }, 'Vous avez clôturé votre espace santé'],
    ['a consent', { action: 'consent.record' }, 'Dr Claire Lambert (Médecin) a enregistré votre consentement à la consultation de votre dossier'],
    ['a settings change', { ...holder, action: 'settings.update' }, 'Vous avez modifié vos paramètres de confidentialité'],
    ['a block', { ...holder, action: 'professional.block', details: { professionalName: 'Dr Paul Martin' } }, 'Vous avez bloqué l’accès de Dr Paul Martin à votre dossier'],
    ['an unblock', { ...holder, action: 'professional.unblock', details: {} }, 'Vous avez rétabli l’accès d’un professionnel à votre dossier'],
    ['a carer mandate given', { ...holder, action: 'delegation.grant', details: { carerName: 'Paul Durand' } }, 'Vous avez donné un mandat d’aidant à Paul Durand'],
    ['a carer mandate revoked', { ...holder, action: 'delegation.revoke', details: {} }, 'Vous avez retiré un mandat d’aidant'],
    ['a break-glass access', { action: 'emergency.start', mode: 'bris_de_glace' }, 'Accès en urgence (bris de glace) par Dr Claire Lambert (Médecin)'],
    ['a SAMU access', { action: 'emergency.start', mode: 'samu' }, 'Accès en urgence (régulation SAMU) par Dr Claire Lambert (Médecin)'],
    ['a refused emergency access', { action: 'emergency.start', mode: 'normal', details: { mode: 'samu' }, outcome: 'denied' }, 'Tentative d’accès en urgence (régulation SAMU) par Dr Claire Lambert (Médecin) : refusée'],
    ['a read during break-glass', { mode: 'bris_de_glace' }, 'Dr Claire Lambert (Médecin) a consulté le document « CR de consultation » en accès d’urgence (bris de glace)'],
    ['a refused read', { outcome: 'denied', details: {} }, 'Dr Claire Lambert (Médecin) a tenté de consulter un document : accès refusé'],
    ['a failed deposit', { action: 'document.feed', outcome: 'failed', details: {} }, 'Dr Claire Lambert (Médecin) a tenté d’ajouter un document : échec'],
    ['a sign-in', { ...holder, action: 'auth.sign_in', target_type: 'Account' }, 'Connexion à votre compte'],
    ['a refused sign-in', { actor_kind: 'anonymous', actor_id: 'anonymous', actor: {}, action: 'auth.sign_in', outcome: 'denied' }, 'Tentative de connexion refusée'],
    ['a legal representative', { actor_kind: 'person', actor_id: 'acc-marie', actor: { displayName: 'Marie Dupont', dossierId: 'other', role: 'legal_representative' }, action: 'document.search' }, 'Marie Dupont (représentant légal) a consulté la liste de vos documents'],
    ['an app', { actor_kind: 'app', actor_id: 'app:x', actor: { displayName: 'Suivi Diabète', clientId: 'x' }, action: 'document.feed', details: {} }, 'L’application Suivi Diabète a ajouté un document'],
    ['a job', { actor_kind: 'system', actor_id: 'system:revisibility', actor: { displayName: 'Traitement automatique (revisibility)' }, action: 'document.labels.update', details: { remove: ['INVISIBLE_PATIENT'] } }, 'Un traitement automatique a rendu un document visible au patient'],
    ['an unknown action', { action: 'message.send' }, 'Dr Claire Lambert (Médecin) a effectué une action sur votre espace santé'],
  ])('words %s', (_name, overrides, expected) => {
    expect(describeForPatient(row(overrides))).toBe(expected);
  });

  it('uses the profession catalogue when given, and "Vous" for the reader', () => {
    expect(describeForPatient(row({ actor: { ...claire, profession: 'G15:69' } }), { professionLabel: (k) => (k === 'G15:69' ? 'Infirmier psychiatrique' : undefined) }))
      .toBe('Dr Claire Lambert (Infirmier psychiatrique) a consulté le document « CR de consultation »');
    expect(describeForPatient(row({ actor: { ...claire, profession: 'R94:99' } }))).toBe('Dr Claire Lambert a consulté le document « CR de consultation »');
    const byRep = row({ actor_kind: 'person', actor_id: 'acc-marie', actor: { displayName: 'Marie Dupont', dossierId: 'other', role: 'legal_representative' } });
    expect(describeForPatient(byRep, { viewerActorId: 'acc-marie' })).toBe('Vous avez consulté le document « CR de consultation »');
  });

  it('has its own wording for every action of the history', () => {
    const actions = ['document.read', 'document.search', 'document.feed', 'document.replace', 'document.delete', 'document.labels.update',
      'dossier.identity.read', 'dossier.lifecycle.create', 'dossier.lifecycle.activate', 'dossier.lifecycle.oppose', 'dossier.lifecycle.close',
      'dossier.lifecycle.reopen', 'consent.record', 'settings.update', 'professional.block', 'professional.unblock', 'emergency.start', 'auth.sign_in',
      'delegation.read', 'delegation.grant', 'delegation.revoke'];
    for (const action of actions) expect(describeForPatient(row({ action }))).not.toContain('effectué une action');
  });

  it('never throws on odd rows', () => {
    const json = fc.dictionary(fc.string(), fc.jsonValue());
    fc.assert(fc.property(
      fc.string(), fc.constantFrom('allowed', 'denied', 'failed' as const), fc.string(), fc.string(), json, json,
      (action, outcome, mode, actorKind, actor, details) => {
        const text = describeForPatient(row({ action, outcome, mode, actor_kind: actorKind, actor, details }));
        expect(text.length).toBeGreaterThan(0);
        expect(toFhirAuditEvent(row({ action, outcome, mode, actor_kind: actorKind, actor, details })).resourceType).toBe('AuditEvent');
      },
    ), { numRuns: 500 });
  });
});

describe('toFhirAuditEvent', () => {
  it('maps a professional read in the BALP shape, for the operator with its chain position', () => {
    expect(toFhirAuditEvent(row(), { forOperator: true })).toEqual({
      resourceType: 'AuditEvent',
      id: auditPublicId('ab'.repeat(32)),
      extension: [{ url: OPENMES_EXTENSIONS.AUDIT_CHAIN, extension: [{ url: 'seq', valueInteger: 12 }, { url: 'hash', valueString: 'ab'.repeat(32) }] }],
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'Restful Operation' },
      subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }, { system: 'urn:openmes:audit-action', code: 'document.read' }],
      action: 'R',
      recorded: '2024-03-05T09:15:00.000Z',
      outcome: '0',
      outcomeDesc: 'POLICY_MATRIX',
      agent: [{
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] },
        who: { display: 'Dr Claire Lambert', type: 'Practitioner', identifier: { system: 'https://rpps.esante.gouv.fr', value: '10000010008' } },
        name: 'Dr Claire Lambert',
        requestor: true,
        role: [{ coding: [{ system: 'urn:openmes:role:profession', code: 'G15:10' }] }],
      }],
      source: { site: 'OpenMES', observer: { display: 'OpenMES' }, type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }] },
      entity: [
        { what: { reference: `Patient/${DOSSIER}` }, type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' }, role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' } },
        { what: { reference: `DocumentReference/${DOC}` }, type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' }, role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '4', display: 'Domain Resource' } },
        { what: { identifier: { value: 'req-1' } }, type: { system: 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType', code: 'XrequestId' } },
      ],
    });
  });

  it('shows the patient side neither chain position, hash, network address nor the client request id', () => {
    const client = { client_id: 'logiciel-cabinet', client_address: '203.0.113.7', client_request_id: 'abc-123' };
    const patient = toFhirAuditEvent(row(client)) as Record<string, any>;
    expect(patient.id).toBe(auditPublicId('ab'.repeat(32)));
    expect(patient.id).not.toContain('12');
    expect(patient.extension).toBeUndefined();
    expect(JSON.stringify(patient)).not.toMatch(/203\.0\.113\.7|abc-123|"seq"|abababab/);
    // The software is an agent of its own (BALP client agent): the patient sees which software acted.
    expect(patient.agent[1]).toEqual({
      type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110153', display: 'Source Role ID' }] },
      who: { type: 'Device', identifier: { system: 'urn:openmes:client', value: 'logiciel-cabinet' } }, requestor: false,
    });
    const operatorView = toFhirAuditEvent(row(client), { forOperator: true }) as Record<string, any>;
    expect(operatorView.agent[1].network).toEqual({ address: '203.0.113.7', type: '2' });
    expect(JSON.stringify(operatorView.entity)).toContain('abc-123');
    expect((toFhirAuditEvent(row()) as Record<string, any>).agent).toHaveLength(1);
  });

  it('codes actions C/R/U/D/E and outcomes 0/4/8', () => {
    const pick = (o: Partial<StoredAuditRow>) => {
      const e = toFhirAuditEvent(row(o)) as Record<string, any>;
      return [e.action, e.outcome, e.agent[0].type.coding[0].code];
    };
    expect(pick({ action: 'document.feed' })).toEqual(['C', '0', 'AUT']);
    expect(pick({ action: 'document.replace', outcome: 'denied' })).toEqual(['U', '4', 'AUT']);
    expect(pick({ action: 'document.delete', outcome: 'failed' })).toEqual(['D', '8', 'CST']);
    expect(pick({ action: 'document.search' })).toEqual(['E', '0', 'IRCP']);
    expect(pick({ action: 'something.new' })).toEqual(['E', '0', 'IRCP']);
  });

  it('marks emergency access as emergency treatment, with our mode', () => {
    const e = toFhirAuditEvent(row({ mode: 'bris_de_glace' })) as Record<string, any>;
    expect(e.agent[0].purposeOfUse).toEqual([{ coding: [
      { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: 'ETREAT', display: 'Emergency Treatment' },
      { system: 'urn:openmes:mode', code: 'bris_de_glace' },
    ] }]);
    const samu = toFhirAuditEvent(row({ mode: 'samu' })) as Record<string, any>;
    expect(samu.agent[0].purposeOfUse[0].coding[1]).toEqual({ system: 'urn:openmes:mode', code: 'samu' });
    const secret = toFhirAuditEvent(row({ mode: 'secret' })) as Record<string, any>;
    expect(secret.agent[0].purposeOfUse).toEqual([{ coding: [{ system: 'urn:openmes:mode', code: 'secret' }] }]);
    expect((toFhirAuditEvent(row()) as Record<string, any>).agent[0].purposeOfUse).toBeUndefined();
  });

  it('names patients, representatives, apps and jobs', () => {
    const who = (o: Partial<StoredAuditRow>) => (toFhirAuditEvent(row(o)) as Record<string, any>).agent[0].who;
    expect(who(holder)).toEqual({ display: 'Jean Dupont', type: 'Patient', reference: `Patient/${DOSSIER}` });
    expect(who({ actor_kind: 'person', actor_id: 'acc-marie', actor: { displayName: 'Marie Dupont', dossierId: 'other' } }))
      .toEqual({ display: 'Marie Dupont', type: 'RelatedPerson', identifier: { system: 'urn:openmes:account', value: 'acc-marie' } });
    expect(who({ actor_kind: 'app', actor_id: 'app:x', actor: { displayName: 'Suivi', clientId: 'x' } })).toEqual({ display: 'Suivi', type: 'Device', identifier: { system: 'urn:openmes:client', value: 'x' } });
    expect(who({ actor_kind: 'system', actor_id: 'system:job', actor: {} })).toEqual({ type: 'Device', identifier: { system: 'urn:openmes:job', value: 'system:job' } });
  });

  it('leaves the patient out of system-chain events, and types sign-ins as user authentication', () => {
    const e = toFhirAuditEvent(row({ dossier_id: SYSTEM_CHAIN, action: 'auth.sign_in', target_type: 'Account', target_id: 'acc-1', request_id: null, outcome: 'denied', reason: 'AUTH_BAD_CREDENTIALS' })) as Record<string, any>;
    expect(e.type).toEqual({ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110114', display: 'User Authentication' });
    expect(e.subtype).toEqual([{ system: 'urn:openmes:audit-action', code: 'auth.sign_in' }]);
    expect(e.entity).toEqual([{ what: { identifier: { system: 'urn:openmes:Account', value: 'acc-1' } }, type: expect.anything(), role: expect.anything() }]);
    expect(e.outcomeDesc).toBe('AUTH_BAD_CREDENTIALS');
    const lifecycle = toFhirAuditEvent(row({ action: 'dossier.lifecycle.close', target_type: 'Dossier', target_id: DOSSIER, request_id: null })) as Record<string, any>;
    expect(lifecycle.entity).toHaveLength(1);
  });
});
