import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../api/record-api.ts';
import { describeEntry, kindOf } from './history-sentence.ts';

const doctor = {
  kind: 'professional', name: 'Dr Anne Martin', rpps: '10000010008',
  profession: { code: 'G15:10', label: 'Médecin' }, structure: { finess: '750000010', name: 'Cabinet médical des Lilas' },
};
const entry = (over: Partial<HistoryEntry> = {}): HistoryEntry => ({
  id: 'e1', occurredAt: '2026-11-03T09:15:00Z', action: 'document.read', outcome: 'allowed', reason: 'POLICY_MATRIX', mode: 'normal',
  actor: doctor, target: { type: 'DocumentReference', id: 'd1', title: 'Compte rendu de biologie' }, text: 'texte du serveur', ...over,
});
const me = { kind: 'person', name: 'Camille Durand', role: 'holder' };

describe('history entry as a French sentence', () => {
  it.each<[string, Partial<HistoryEntry>, string]>([
    ['a professional reading a document', {}, 'Dr Anne Martin (médecin, Cabinet médical des Lilas) a consulté le document « Compte rendu de biologie »'],
    ['a professional opening the content', { action: 'document.content.read' }, 'Dr Anne Martin (médecin, Cabinet médical des Lilas) a consulté le contenu du document « Compte rendu de biologie »'],
    ['a professional without structure adding a document', { action: 'document.feed', actor: { ...doctor, structure: undefined } }, 'Dr Anne Martin (médecin) a ajouté le document « Compte rendu de biologie »'],
    ['the list of documents', { action: 'document.search', target: { type: 'DocumentReference', id: null } }, 'Dr Anne Martin (médecin, Cabinet médical des Lilas) a consulté la liste des documents'],
    ['the reader masking a document', { action: 'document.labels.update', actor: me, byViewer: true, labelChange: { added: ['MASQUE_PS'], removed: [] } }, 'Vous avez masqué le document « Compte rendu de biologie » aux professionnels'],
    ['the reader unmasking a document', { action: 'document.labels.update', actor: me, byViewer: true, labelChange: { added: [], removed: ['MASQUE_PS'] } }, 'Vous avez rendu le document « Compte rendu de biologie » visible aux professionnels'],
    ['a professional making a document visible', { action: 'document.labels.update', labelChange: { added: [], removed: ['INVISIBLE_PATIENT'] } }, 'Dr Anne Martin (médecin, Cabinet médical des Lilas) a rendu le document « Compte rendu de biologie » visible'],
    ['the reader blocking a professional', { action: 'professional.block', actor: me, byViewer: true, target: { type: 'Professional', id: '10000010016' }, professionalName: 'Karim Benali' }, 'Vous avez bloqué l’accès de Karim Benali au dossier'],
    ['a legal representative changing settings', { action: 'settings.update', actor: { kind: 'person', name: 'Paul Durand', role: 'legal_representative' } }, 'Paul Durand (représentant légal) a modifié les paramètres de confidentialité'],
    ['a read in emergency', { mode: 'bris_de_glace' }, 'Dr Anne Martin (médecin, Cabinet médical des Lilas) a consulté le document « Compte rendu de biologie » en accès d’urgence (bris de glace)'],
    ['a refused read', { outcome: 'denied' }, 'Dr Anne Martin (médecin, Cabinet médical des Lilas) a tenté de consulter le document « Compte rendu de biologie » : accès refusé'],
    ['a refused deposit', { action: 'document.feed', outcome: 'denied', target: { type: 'DocumentReference', id: null } }, 'Dr Anne Martin (médecin, Cabinet médical des Lilas) a tenté d’ajouter un document : accès refusé'],
    ['breaking the glass', { action: 'emergency.start', mode: 'bris_de_glace', target: { type: 'Dossier', id: null } }, 'Accès en urgence (bris de glace) par Dr Anne Martin (médecin, Cabinet médical des Lilas)'],
    ['a refused SAMU access', { action: 'emergency.start', mode: 'samu', outcome: 'denied' }, 'Tentative d’accès en urgence (régulation SAMU) par Dr Anne Martin (médecin, Cabinet médical des Lilas) : refusée'],
    ['the reader signing in', { action: 'auth.sign_in', actor: me, byViewer: true }, 'Connexion à votre compte'],
    ['the revisibility job', { action: 'document.visibility.expire', actor: { kind: 'system', name: 'Traitement automatique' } }, 'Un traitement automatique a rendu visible le document « Compte rendu de biologie » à l’issue du délai prévu'],
    ['an action the portal does not know: the server wording', { action: 'message.send' }, 'texte du serveur'],
  ])('%s', (_name, over, expected) => {
    expect(describeEntry(entry(over))).toBe(expected);
  });

  it('sorts each action into one filterable kind', () => {
    expect(['document.read', 'document.search', 'settings.read', 'dossier.audit.read'].map(kindOf)).toEqual(['consultation', 'consultation', 'consultation', 'consultation']);
    expect(['document.feed', 'document.delete', 'document.labels.update', 'opposition.record'].map(kindOf)).toEqual(['documents', 'documents', 'documents', 'documents']);
    expect(['settings.update', 'professional.block', 'consent.record', 'delegation.grant', 'delegation.revoke'].map(kindOf))
      .toEqual(['confidentiality', 'confidentiality', 'confidentiality', 'confidentiality', 'confidentiality']);
    expect(['emergency.start', 'secret.start'].map(kindOf)).toEqual(['emergency', 'emergency']);
    expect(['auth.sign_in', 'dossier.lifecycle.activate'].map(kindOf)).toEqual(['account', 'account']);
  });
});
