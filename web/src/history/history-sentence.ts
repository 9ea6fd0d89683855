/**
 * One history entry as a plain French sentence (SPEC §4): who (name, profession, structure — or « Vous »),
 * what, on which document, in which mode, and whether it was refused. Pure: unit-tested.
 */
import type { HistoryActor, HistoryEntry } from '../api/record-api.ts';

type Phrase = { done: (title: string | undefined) => string; attempt: (title: string | undefined) => string };

const theDoc = (title: string | undefined) => (title ? `le document « ${title} »` : 'un document');
const ofDoc = (title: string | undefined) => (title ? `du document « ${title} »` : 'd’un document');
const fixed = (done: string, attempt: string): Phrase => ({ done: () => done, attempt: () => attempt });
const onDoc = (done: string, attempt: string): Phrase => ({ done: (t) => `${done} ${theDoc(t)}`, attempt: (t) => `${attempt} ${theDoc(t)}` });

const PHRASES: Readonly<Record<string, Phrase>> = {
  'document.read': onDoc('consulté', 'consulter'),
  'document.content.read': { done: (t) => `consulté le contenu ${ofDoc(t)}`, attempt: (t) => `consulter le contenu ${ofDoc(t)}` },
  'document.search': fixed('consulté la liste des documents', 'consulter la liste des documents'),
  'document.feed': onDoc('ajouté', 'ajouter'),
  'document.content.stage': fixed('transmis le contenu d’un document à ajouter', 'transmettre le contenu d’un document'),
  'document.replace': onDoc('remplacé', 'remplacer'),
  'document.delete': onDoc('supprimé', 'supprimer'),
  'document.visibility.inform': {
    done: (t) => `signalé que ${theDoc(t)} ajouté à votre dossier est à voir avec un professionnel`,
    attempt: () => 'signaler un document à voir avec un professionnel',
  },
  'document.visibility.expire': {
    done: (t) => `rendu visible ${theDoc(t)} à l’issue du délai prévu`,
    attempt: (t) => `rendre visible ${theDoc(t)}`,
  },
  'dossier.identity.read': fixed('consulté l’identité de l’espace santé', 'consulter l’identité de l’espace santé'),
  'dossier.identity.search': fixed('recherché l’espace santé', 'rechercher l’espace santé'),
  'dossier.lifecycle.create': fixed('créé l’espace santé', 'créer l’espace santé'),
  'dossier.lifecycle.activate': fixed('activé l’espace santé', 'activer l’espace santé'),
  'dossier.lifecycle.oppose': fixed('enregistré l’opposition à l’espace santé', 'enregistrer l’opposition à l’espace santé'),
  'dossier.lifecycle.close': fixed('clôturé l’espace santé', 'clôturer l’espace santé'),
  'dossier.lifecycle.reopen': fixed('rouvert l’espace santé', 'rouvrir l’espace santé'),
  'dossier.audit.read': fixed('consulté l’historique d’activité', 'consulter l’historique d’activité'),
  'consent.record': fixed('enregistré le consentement à la consultation du dossier', 'enregistrer le consentement à la consultation du dossier'),
  'information.record': fixed('enregistré l’information sur l’alimentation du dossier', 'enregistrer l’information sur l’alimentation du dossier'),
  'opposition.record': fixed('enregistré une opposition à l’envoi d’un document', 'enregistrer une opposition à l’envoi d’un document'),
  'settings.read': fixed('consulté la liste des droits d’accès et les paramètres de confidentialité', 'consulter les paramètres de confidentialité'),
  'settings.update': fixed('modifié les paramètres de confidentialité', 'modifier les paramètres de confidentialité'),
  'secret.start': fixed('ouvert une connexion secrète', 'ouvrir une connexion secrète'),
  'delegation.invite': fixed('invité une personne à devenir aidant', 'inviter une personne à devenir aidant'),
  'delegation.withdraw': fixed('retiré une invitation d’aidant', 'retirer une invitation d’aidant'),
  'delegation.accept': fixed('accepté de devenir aidant', 'accepter une invitation d’aidant'),
  'delegation.decline': fixed('refusé une invitation à devenir aidant', 'refuser une invitation d’aidant'),
  'delegation.give_up': fixed('renoncé à son mandat d’aidant', 'renoncer à un mandat d’aidant'),
};

const ROLE_LABELS: Readonly<Record<string, string>> = {
  legal_representative: 'représentant légal',
  carer: 'aidant',
  protector: 'mesure de protection',
};

const MODE_SUFFIX: Readonly<Record<string, string>> = {
  bris_de_glace: ' en accès d’urgence (bris de glace)',
  samu: ' en accès d’urgence (régulation SAMU)',
  secret: ' en connexion secrète',
};

const EMERGENCY_KINDS: Readonly<Record<string, string>> = { bris_de_glace: 'bris de glace', samu: 'régulation SAMU' };

const own = <T>(table: Readonly<Record<string, T>>, key: string | undefined): T | undefined =>
  key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;

const lowerFirst = (s: string) => (s ? s[0]!.toLocaleLowerCase('fr-FR') + s.slice(1) : s);

/** « Dr Anne Martin (médecin, Cabinet des Lilas) », « Paul Durand (représentant légal) », « Un traitement automatique »… */
export function actorLabel(actor: HistoryActor): string {
  switch (actor.kind) {
    case 'professional': {
      const details = [actor.profession ? lowerFirst(actor.profession.label) : undefined, actor.structure?.name || undefined].filter(Boolean);
      return details.length ? `${actor.name} (${details.join(', ')})` : actor.name;
    }
    case 'person': {
      const role = own(ROLE_LABELS, actor.role);
      return role ? `${actor.name} (${role})` : actor.name;
    }
    case 'operator':
      return `${actor.name} (opérateur Mon espace santé)`;
    case 'app':
      return `L’application ${actor.name}`;
    case 'system':
      return 'Un traitement automatique';
    default:
      return actor.name || 'Une personne non identifiée';
  }
}

function labelsPhrase(change: HistoryEntry['labelChange'], title: string | undefined): string {
  const added = change?.added ?? [];
  const removed = change?.removed ?? [];
  if (added.includes('MASQUE_PS')) return `masqué ${theDoc(title)} aux professionnels`;
  if (removed.includes('MASQUE_PS')) return `rendu ${theDoc(title)} visible aux professionnels`;
  if (removed.includes('INVISIBLE_PATIENT')) return `rendu ${theDoc(title)} visible`;
  if (removed.includes('INVISIBLE_REPRESENTANTS_LEGAUX')) return `rendu ${theDoc(title)} visible aux représentants légaux`;
  // A request that asked for the labels the document already had: recorded, nothing changed.
  if (change && added.length === 0 && removed.length === 0) return `enregistré la confidentialité ${ofDoc(title)} sans la changer`;
  return `modifié la confidentialité ${ofDoc(title)}`;
}

function phraseOf(entry: HistoryEntry): Phrase | undefined {
  const title = entry.target.title?.trim() || undefined;
  const pro = entry.professionalName?.trim() ? `de ${entry.professionalName.trim()}` : 'd’un professionnel';
  switch (entry.action) {
    case 'document.labels.update':
      return { done: () => labelsPhrase(entry.labelChange, title), attempt: () => `modifier la confidentialité ${ofDoc(title)}` };
    case 'professional.block':
      return { done: () => `bloqué l’accès ${pro} au dossier`, attempt: () => `bloquer l’accès ${pro}` };
    case 'professional.unblock':
      return { done: () => `rétabli l’accès ${pro} au dossier`, attempt: () => `rétablir l’accès ${pro}` };
    default:
      return own(PHRASES, entry.action);
  }
}

/** "de" before an infinitive, elided before a vowel ("d’ajouter"). */
const elideDe = (phrase: string) => (/^[aeiouyàâéèêîôû]/i.test(phrase) ? `d’${phrase}` : `de ${phrase}`);

export function describeEntry(entry: HistoryEntry): string {
  const self = entry.byViewer === true;
  const who = self ? null : actorLabel(entry.actor);
  const allowed = entry.outcome === 'allowed';
  if (entry.action === 'emergency.start') {
    const kind = own(EMERGENCY_KINDS, entry.mode) ?? 'bris de glace';
    const by = who ?? 'vous';
    return allowed ? `Accès en urgence (${kind}) par ${by}` : `Tentative d’accès en urgence (${kind}) par ${by} : refusée`;
  }
  if (entry.action === 'auth.sign_in') {
    if (!allowed) return 'Tentative de connexion refusée';
    return who ? `Connexion de ${who}` : 'Connexion à votre compte';
  }
  const phrase = phraseOf(entry);
  if (!phrase) return entry.text;
  const title = entry.target.title?.trim() || undefined;
  const suffix = own(MODE_SUFFIX, entry.mode) ?? '';
  const subject = who ? `${who} a` : 'Vous avez';
  if (allowed) return `${subject} ${phrase.done(title)}${suffix}`;
  const result = entry.outcome === 'denied' ? 'accès refusé' : 'échec';
  return `${subject} tenté ${elideDe(phrase.attempt(title))}${suffix} : ${result}`;
}

/** The kinds of activity the history can be filtered by. */
export const HISTORY_KINDS = ['consultation', 'documents', 'confidentiality', 'emergency', 'account'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

export function kindOf(action: string): HistoryKind {
  if (action === 'emergency.start' || action === 'secret.start') return 'emergency';
  if (action === 'auth.sign_in' || action.startsWith('dossier.lifecycle.')) return 'account';
  if (['settings.update', 'professional.block', 'professional.unblock', 'consent.record', 'information.record', 'delegation.grant', 'delegation.revoke',
    'delegation.invite', 'delegation.withdraw', 'delegation.accept', 'delegation.decline', 'delegation.give_up'].includes(action)) return 'confidentiality';
  if (action.startsWith('document.') && action !== 'document.read' && action !== 'document.search') return 'documents';
  if (action === 'opposition.record') return 'documents';
  return 'consultation';
}
