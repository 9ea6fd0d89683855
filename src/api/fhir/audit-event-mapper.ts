import { auditPublicId, SYSTEM_CHAIN } from '../../domain/audit-chain.ts';
import { RPPS_SYSTEM } from '../../domain/identity/rpps.ts';
import type { StoredAuditRow } from '../../store/audit-repo.ts';
import { OPENMES_EXTENSIONS } from './document-reference-mapper.ts';

/**
 * Audit rows -> FHIR AuditEvent in the shape of IHE BALP (Basic Audit Log Patterns), and -> one
 * French sentence for the patient's history (SPEC §4). Table-driven by action; unknown actions fall
 * back to generic wording. BALP profiles are not claimed in meta.profile. The calling software (OAuth
 * client) is an agent of its own; its network address is shown to the operator only.
 */

type AuditAction = 'C' | 'R' | 'U' | 'D' | 'E';

/** Table lookup on own keys only: an action named `toString` must not find Object.prototype's. */
function own<T>(table: Readonly<Record<string, T>>, key: unknown): T | undefined {
  return typeof key === 'string' && Object.hasOwn(table, key) ? table[key] : undefined;
}
type Details = Record<string, unknown>;
/** How one action reads: past participle phrase ("consulté …") and infinitive ("consulter …"). */
type ActionSpec = { action: AuditAction; interaction?: string; done: (d: Details) => string; attempt: (d: Details) => string };

const doc = (d: Details) => (typeof d.title === 'string' && d.title.trim() ? `le document « ${d.title.trim()} »` : 'un document');
const ofDoc = (d: Details) => (typeof d.title === 'string' && d.title.trim() ? `du document « ${d.title.trim()} »` : 'd’un document');
const ofPro = (d: Details) => (typeof d.professionalName === 'string' && d.professionalName.trim() ? `de ${d.professionalName.trim()}` : 'd’un professionnel');
const toCarer = (d: Details) => (typeof d.carerName === 'string' && d.carerName.trim() ? `à ${d.carerName.trim()}` : 'à un aidant');
const carerMandate = (d: Details) => (typeof d.carerName === 'string' && d.carerName.trim() ? `le mandat d’aidant de ${d.carerName.trim()}` : 'un mandat d’aidant');
const ofHolder = (d: Details) => (typeof d.holderName === 'string' && d.holderName.trim() ? ` de ${d.holderName.trim()}` : '');
const fixed = (action: AuditAction, done: string, attempt: string, interaction?: string): ActionSpec => ({ action, interaction, done: () => done, attempt: () => attempt });
const onDoc = (action: AuditAction, pp: string, inf: string, interaction: string): ActionSpec => ({
  action, interaction, done: (d) => `${pp} ${doc(d)}`, attempt: (d) => `${inf} ${doc(d)}`,
});

const ACTIONS: Readonly<Record<string, ActionSpec>> = {
  'document.read': onDoc('R', 'consulté', 'consulter', 'read'),
  'document.content.read': { action: 'R', interaction: 'read', done: (d) => `consulté le contenu ${ofDoc(d)}`, attempt: (d) => `consulter le contenu ${ofDoc(d)}` },
  'document.search': fixed('E', 'consulté la liste de vos documents', 'consulter la liste de vos documents', 'search-type'),
  'document.feed': onDoc('C', 'ajouté', 'ajouter', 'create'),
  'document.content.stage': fixed('C', 'transmis le contenu d’un document à ajouter', 'transmettre le contenu d’un document', 'create'),
  'document.replace': onDoc('U', 'remplacé', 'remplacer', 'update'),
  'document.delete': onDoc('D', 'supprimé', 'supprimer', 'delete'),
  'document.visibility.inform': { action: 'E', done: (d) => `signalé que ${doc(d)} ajouté à votre dossier est à voir avec un professionnel`, attempt: () => 'signaler un document à voir avec un professionnel' },
  'document.visibility.expire': { action: 'U', done: (d) => `rendu visible ${doc(d)} à l’issue du délai prévu`, attempt: (d) => `rendre visible ${doc(d)}` },
  'document.labels.update': { action: 'U', interaction: 'patch', done: labelsDone, attempt: (d) => `modifier la confidentialité ${ofDoc(d)}` },
  'dossier.identity.read': fixed('R', 'consulté votre identité', 'consulter votre identité', 'read'),
  'dossier.identity.search': fixed('E', 'recherché votre espace santé', 'rechercher votre espace santé', 'search-type'),
  'dossier.lifecycle.create': fixed('C', 'créé votre espace santé', 'créer votre espace santé', 'create'),
  'dossier.lifecycle.activate': fixed('U', 'activé votre espace santé', 'activer votre espace santé', 'update'),
  'dossier.lifecycle.oppose': fixed('U', 'enregistré votre opposition à l’espace santé', 'enregistrer votre opposition à l’espace santé', 'update'),
  'dossier.lifecycle.close': fixed('U', 'clôturé votre espace santé', 'clôturer votre espace santé', 'update'),
  'dossier.lifecycle.reopen': fixed('U', 'rouvert votre espace santé', 'rouvrir votre espace santé', 'update'),
  'dossier.audit.read': fixed('R', 'consulté l’historique des accès à votre espace', 'consulter l’historique des accès à votre espace', 'search-type'),
  'consent.record': fixed('C', 'enregistré votre consentement à la consultation de votre dossier', 'enregistrer votre consentement', 'create'),
  'information.record': fixed('C', 'enregistré que vous avez été informé de l’alimentation de votre dossier', 'enregistrer votre information', 'create'),
  'opposition.record': fixed('C', 'enregistré votre opposition à l’envoi d’un document', 'enregistrer votre opposition à l’envoi d’un document', 'create'),
  'settings.read': fixed('R', 'consulté vos paramètres de confidentialité', 'consulter vos paramètres de confidentialité', 'read'),
  'settings.update': fixed('U', 'modifié vos paramètres de confidentialité', 'modifier vos paramètres de confidentialité', 'update'),
  'professional.block': { action: 'U', done: (d) => `bloqué l’accès ${ofPro(d)} à votre dossier`, attempt: (d) => `bloquer l’accès ${ofPro(d)}` },
  'professional.unblock': { action: 'U', done: (d) => `rétabli l’accès ${ofPro(d)} à votre dossier`, attempt: (d) => `rétablir l’accès ${ofPro(d)}` },
  'delegation.read': fixed('R', 'consulté la liste de vos aidants', 'consulter la liste de vos aidants', 'read'),
  'delegation.grant': { action: 'C', interaction: 'create', done: (d) => `donné un mandat d’aidant ${toCarer(d)}`, attempt: (d) => `donner un mandat d’aidant ${toCarer(d)}` },
  'delegation.revoke': { action: 'D', interaction: 'delete', done: (d) => `retiré ${carerMandate(d)}`, attempt: (d) => `retirer ${carerMandate(d)}` },
  'delegation.invite': fixed('C', 'invité une personne à devenir aidant', 'inviter une personne à devenir aidant', 'create'),
  'delegation.withdraw': fixed('D', 'retiré une invitation d’aidant', 'retirer une invitation d’aidant', 'delete'),
  'delegation.accept': fixed('C', 'accepté de devenir aidant', 'accepter une invitation d’aidant', 'create'),
  'delegation.decline': { action: 'E', done: (d) => `refusé l’invitation à devenir aidant${ofHolder(d)}`, attempt: (d) => `refuser une invitation d’aidant${ofHolder(d)}` },
  'delegation.give_up': fixed('D', 'renoncé à son mandat d’aidant', 'renoncer à un mandat d’aidant', 'delete'),
  'secret.start': fixed('E', 'ouvert une connexion secrète', 'ouvrir une connexion secrète'),
  'emergency.start': fixed('E', 'accédé à votre dossier en urgence', 'accéder à votre dossier en urgence'),
  'auth.sign_in': fixed('E', 'connecté', 'se connecter'),
};
const GENERIC: ActionSpec = fixed('E', 'effectué une action sur votre espace santé', 'effectuer une action sur votre espace santé');

const isEmptyList = (v: unknown) => Array.isArray(v) && v.length === 0;

function labelsDone(d: Details): string {
  // The service records `added` / `removed`; `add` / `remove` are read too (older entries, tests).
  const has = (k: 'add' | 'remove', label: string) => [d[k], d[k === 'add' ? 'added' : 'removed']].some((v) => Array.isArray(v) && v.includes(label));
  if (has('add', 'MASQUE_PS')) return `masqué ${doc(d)}`;
  if (has('remove', 'MASQUE_PS')) return `rendu ${doc(d)} visible aux professionnels`;
  if (has('remove', 'INVISIBLE_PATIENT')) return `rendu ${doc(d)} visible au patient`;
  if (has('remove', 'INVISIBLE_REPRESENTANTS_LEGAUX')) return `rendu ${doc(d)} visible aux représentants légaux`;
  // A request for the labels the document already had (the service records `changed: false`).
  if (d.changed === false || (isEmptyList(d.added) && isEmptyList(d.removed))) return `enregistré la confidentialité ${ofDoc(d)} sans la changer`;
  return `modifié la confidentialité ${ofDoc(d)}`;
}

const PROFESSION_LABELS: Readonly<Record<string, string>> = {
  'G15:10': 'Médecin', 'G15:21': 'Pharmacien', 'G15:40': 'Chirurgien-dentiste', 'G15:50': 'Sage-femme',
  'G15:60': 'Infirmier', 'G15:70': 'Masseur-kinésithérapeute', 'G15:80': 'Pédicure-podologue',
};
const ROLE_LABELS: Readonly<Record<string, string>> = {
  legal_representative: 'représentant légal', carer: 'aidant', protector: 'mesure de protection',
};
const MODE_PHRASES: Readonly<Record<string, string>> = {
  bris_de_glace: 'en accès d’urgence (bris de glace)', samu: 'en accès d’urgence (régulation SAMU)', secret: 'en connexion secrète',
};
const EMERGENCY_KINDS: Readonly<Record<string, string>> = { bris_de_glace: 'bris de glace', samu: 'régulation SAMU' };

export type DescribeOptions = {
  /** Label of a profession key (`G15:10` -> `Médecin`), e.g. from the professions catalogue. */
  professionLabel?: (key: string) => string | undefined;
  /** The account reading the history: its own actions read "Vous …". Default: the holder's. */
  viewerActorId?: string;
};

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/** Who acted, as the patient reads it; null when it is the reader ("Vous"). */
function who(row: StoredAuditRow, opts: DescribeOptions): string | null {
  const a = row.actor ?? {};
  const name = text(a.displayName);
  switch (row.actor_kind) {
    case 'person': {
      const self = opts.viewerActorId !== undefined ? row.actor_id === opts.viewerActorId : a.dossierId === row.dossier_id;
      if (self) return null;
      const role = own(ROLE_LABELS, a.role);
      return `${name ?? 'Un proche'}${role ? ` (${role})` : ''}`;
    }
    case 'professional': {
      const key = text(a.profession);
      const label = key ? opts.professionLabel?.(key) ?? own(PROFESSION_LABELS, key) : undefined;
      return `${name ?? 'Un professionnel'}${label ? ` (${label})` : ''}`;
    }
    case 'operator':
      return `${name ?? 'Un opérateur'} (opérateur)`;
    case 'app':
      return name ? `L’application ${name}` : 'Une application';
    case 'system':
      return 'Un traitement automatique';
    default:
      return name ?? 'Une personne non identifiée';
  }
}

/** One plain French sentence for the patient's history (SPEC §4). */
export function describeForPatient(row: StoredAuditRow, opts: DescribeOptions = {}): string {
  const details: Details = row.details ?? {};
  const actor = who(row, opts);
  const subject = actor ?? 'Vous';
  if (row.action === 'emergency.start') {
    const kind = own(EMERGENCY_KINDS, row.mode) ?? own(EMERGENCY_KINDS, details.mode) ?? 'bris de glace';
    const by = actor ?? 'vous';
    return row.outcome === 'allowed' ? `Accès en urgence (${kind}) par ${by}` : `Tentative d’accès en urgence (${kind}) par ${by} : refusée`;
  }
  if (row.action === 'auth.sign_in') {
    if (row.outcome !== 'allowed') return 'Tentative de connexion refusée';
    return actor ? `Connexion de ${actor}` : 'Connexion à votre compte';
  }
  const spec = own(ACTIONS, row.action) ?? GENERIC;
  const mode = own(MODE_PHRASES, row.mode);
  const suffix = mode ? ` ${mode}` : '';
  if (row.outcome === 'allowed') return `${subject} ${actor ? 'a' : 'avez'} ${spec.done(details)}${suffix}`;
  const result = row.outcome === 'denied' ? 'accès refusé' : 'échec';
  return `${subject} ${actor ? 'a' : 'avez'} tenté ${elideDe(spec.attempt(details))}${suffix} : ${result}`;
}

/** "de" before a word, elided before a vowel ("d’ajouter"). */
function elideDe(phrase: string): string {
  return /^[aeiouyàâéèêîôû]/i.test(phrase) ? `d’${phrase}` : `de ${phrase}`;
}

// ---------------------------------------------------------------------------------------------
// FHIR AuditEvent (BALP shape)
// ---------------------------------------------------------------------------------------------

const CS = {
  EVENT_TYPE: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  DICOM: 'http://dicom.nema.org/resources/ontology/DCM',
  INTERACTION: 'http://hl7.org/fhir/restful-interaction',
  PARTICIPATION: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  ENTITY_TYPE: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
  OBJECT_ROLE: 'http://terminology.hl7.org/CodeSystem/object-role',
  SOURCE_TYPE: 'http://terminology.hl7.org/CodeSystem/security-source-type',
  ACT_REASON: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  BALP_ENTITY: 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType',
  ACTION: 'urn:openmes:audit-action',
  MODE: 'urn:openmes:mode',
  ROLE: 'urn:openmes:role',
  ACCOUNT: 'urn:openmes:account',
  CLIENT: 'urn:openmes:client',
  JOB: 'urn:openmes:job',
} as const;

const OUTCOMES = { allowed: '0', denied: '4', failed: '8' } as const;
/** BALP user-agent participation: recipient for reads/queries, author for writes, custodian for deletes. */
const USER_TYPE: Record<AuditAction, string> = { R: 'IRCP', E: 'IRCP', C: 'AUT', U: 'AUT', D: 'CST' };
/** Our target types as FHIR resource types; others become a logical identifier. */
const TARGET_TYPES: Readonly<Record<string, string>> = { Document: 'DocumentReference', DocumentReference: 'DocumentReference', Patient: 'Patient', Dossier: 'Patient' };

const coding = (system: string, code: string, display?: string) => ({ system, code, ...(display ? { display } : {}) });

/**
 * Who reads the event. The patient side gets no chain position, hash, network address nor client
 * request id: a position (or a gap between two) would tell of the entries hidden from them (SPEC §3.10).
 */
export type AuditEventView = { forOperator: boolean };

/** One audit row as a FHIR AuditEvent: who (and through which software), what, when, outcome and reason, mode; for the operator, chain position. */
export function toFhirAuditEvent(row: StoredAuditRow, view: AuditEventView = { forOperator: false }): Record<string, unknown> {
  const spec = own(ACTIONS, row.action) ?? GENERIC;
  const signIn = row.action === 'auth.sign_in';
  const client = clientAgent(row, view);
  return {
    resourceType: 'AuditEvent',
    id: auditPublicId(row.hash),
    ...(view.forOperator ? {
      extension: [{
        url: OPENMES_EXTENSIONS.AUDIT_CHAIN,
        extension: [{ url: 'seq', valueInteger: row.seq }, { url: 'hash', valueString: row.hash }],
      }],
    } : {}),
    type: signIn ? coding(CS.DICOM, '110114', 'User Authentication') : coding(CS.EVENT_TYPE, 'rest', 'Restful Operation'),
    subtype: [
      ...(spec.interaction && !signIn ? [coding(CS.INTERACTION, spec.interaction)] : []),
      coding(CS.ACTION, row.action),
    ],
    action: spec.action,
    recorded: row.occurred_at instanceof Date ? row.occurred_at.toISOString() : String(row.occurred_at),
    outcome: own(OUTCOMES, row.outcome) ?? '8',
    outcomeDesc: row.reason,
    agent: [userAgent(row, spec.action), ...(client ? [client] : [])],
    source: { site: 'OpenMES', observer: { display: 'OpenMES' }, type: [coding(CS.SOURCE_TYPE, '4', 'Application Server')] },
    entity: entities(row, view),
  };
}

/**
 * BALP's client agent (DICOM 110153 Source Role ID): the software that called, by its OAuth client id,
 * with its network address for the operator.
 */
function clientAgent(row: StoredAuditRow, view: AuditEventView): Record<string, unknown> | undefined {
  const address = view.forOperator ? text(row.client_address) : undefined;
  const clientId = text(row.client_id);
  if (!clientId && !address) return undefined;
  return {
    type: { coding: [coding(CS.DICOM, '110153', 'Source Role ID')] },
    ...(clientId ? { who: { type: 'Device', identifier: { system: CS.CLIENT, value: clientId } } } : {}),
    requestor: false,
    ...(address ? { network: { address, type: '2' } } : {}),
  };
}

function userAgent(row: StoredAuditRow, action: AuditAction): Record<string, unknown> {
  const a = row.actor ?? {};
  const name = text(a.displayName);
  const purpose = purposeOfUse(row.mode);
  const role = roleOf(row);
  return {
    type: { coding: [coding(CS.PARTICIPATION, USER_TYPE[action])] },
    who: whoReference(row),
    ...(name ? { name } : {}),
    requestor: true,
    ...(role ? { role: [role] } : {}),
    ...(purpose ? { purposeOfUse: [purpose] } : {}),
  };
}

function whoReference(row: StoredAuditRow): Record<string, unknown> {
  const a = row.actor ?? {};
  const display = text(a.displayName);
  const base = display ? { display } : {};
  switch (row.actor_kind) {
    case 'professional':
      return text(a.rpps) ? { ...base, type: 'Practitioner', identifier: { system: RPPS_SYSTEM, value: text(a.rpps) } } : { ...base, type: 'Practitioner' };
    case 'person':
      // The holder is the Patient; a representative / carer acts from their own space.
      return text(a.dossierId) && a.dossierId === row.dossier_id
        ? { ...base, type: 'Patient', reference: `Patient/${row.dossier_id}` }
        : { ...base, type: 'RelatedPerson', identifier: { system: CS.ACCOUNT, value: row.actor_id } };
    case 'app':
      return { ...base, type: 'Device', identifier: { system: CS.CLIENT, value: text(a.clientId) ?? row.actor_id } };
    case 'system':
      return { ...base, type: 'Device', identifier: { system: CS.JOB, value: row.actor_id } };
    default:
      return { ...base, identifier: { system: CS.ACCOUNT, value: row.actor_id } };
  }
}

function roleOf(row: StoredAuditRow): Record<string, unknown> | undefined {
  const a = row.actor ?? {};
  const profession = text(a.profession);
  if (row.actor_kind === 'professional' && profession) return { coding: [coding(`${CS.ROLE}:profession`, profession)] };
  const role = text(a.role);
  return role ? { coding: [coding(CS.ROLE, role)] } : undefined;
}

/** Emergency modes are treatment in emergency (ETREAT); our own mode code says which one. */
function purposeOfUse(mode: string): Record<string, unknown> | undefined {
  if (mode === 'bris_de_glace' || mode === 'samu') return { coding: [coding(CS.ACT_REASON, 'ETREAT', 'Emergency Treatment'), coding(CS.MODE, mode)] };
  if (mode && mode !== 'normal') return { coding: [coding(CS.MODE, mode)] };
  return undefined;
}

function entities(row: StoredAuditRow, view: AuditEventView): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const patient = row.dossier_id !== SYSTEM_CHAIN ? `Patient/${row.dossier_id}` : undefined;
  if (patient) out.push({ what: { reference: patient }, type: coding(CS.ENTITY_TYPE, '1', 'Person'), role: coding(CS.OBJECT_ROLE, '1', 'Patient') });
  if (row.target_id) {
    const type = own(TARGET_TYPES, row.target_type);
    const ref = type ? `${type}/${row.target_id}` : undefined;
    if (!ref || ref !== patient) {
      out.push({
        what: ref ? { reference: ref } : { identifier: { system: `urn:openmes:${row.target_type}`, value: row.target_id } },
        type: coding(CS.ENTITY_TYPE, '2', 'System Object'),
        role: coding(CS.OBJECT_ROLE, '4', 'Domain Resource'),
      });
    }
  }
  if (row.request_id) out.push({ what: { identifier: { value: row.request_id } }, type: coding(CS.BALP_ENTITY, 'XrequestId') });
  // The id the client gave its request (X-Request-Id), apart from ours: for the operator, who ties it to the client's logs.
  if (view.forOperator && row.client_request_id) {
    out.push({ what: { identifier: { system: `${CS.CLIENT}:request-id`, value: row.client_request_id } }, type: coding(CS.BALP_ENTITY, 'XrequestId') });
  }
  return out;
}
