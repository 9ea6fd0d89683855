import { documentFhirId } from '../domain/resource-ids.ts';
import type { NotificationRow } from '../store/notification-repo.ts';
import { professionLabel } from './actor-view.ts';
import type { ServiceDeps } from './service-deps.ts';

/** A notification as the centre shows it to its reader. */
export type NotificationItem = {
  id: string;
  kind: string;
  dossierId: string;
  title: string;
  createdAt: string;
  readAt: string | null;
  link: string;
};

/** Whose space the notification is about, from the reader's side. */
export type SpaceView = { own: boolean; name: string; readerIsProfessional: boolean };

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** Where each kind leads in the portals (the page of the space that shows the event). */
export const NOTIFICATION_LINKS = {
  documents: '/documents',
  history: '/historique',
  settings: '/parametres/confidentialite',
  professional: '/pro',
} as const;

/**
 * Renders the French sentence of a notification for its reader: in-app, it may say what the patient's
 * own space shows (who, which document); e-mails never do (see notification-email.ts).
 */
export function renderNotification(deps: Pick<ServiceDeps, 'reference'>, row: NotificationRow, space: SpaceView): NotificationItem {
  const p = row.payload;
  const yourRecord = space.own ? 'votre dossier' : `le dossier de ${space.name}`;
  const toYourRecord = space.own ? 'à votre dossier' : `au dossier de ${space.name}`;
  let title: string;
  let link: string = NOTIFICATION_LINKS.history;
  switch (row.kind) {
    case 'professional.first_access': {
      const profession = str(p.profession);
      const who = `${str(p.professional) ?? 'Un professionnel de santé'}${profession ? ` (${professionLabel(deps, profession)})` : ''}`;
      // A first feed is not a consultation: it has its own words (first-access.ts).
      title = p.access === 'feed' ? `${who} a alimenté ${yourRecord} pour la première fois` : `${who} a consulté ${yourRecord} pour la première fois`;
      if (p.access === 'feed') link = NOTIFICATION_LINKS.documents;
      break;
    }
    case 'document.added': {
      const author = str(p.author);
      const doc = `le document « ${str(p.title) ?? 'sans titre'} »`;
      title = author ? `${author} a ajouté ${doc}${space.own ? '' : ` au dossier de ${space.name}`}` : `Un document a été ajouté ${toYourRecord} : ${doc}`;
      link = documentLink(row.dossier_id, p.documentId);
      break;
    }
    case 'document.visible':
      title = `Le document « ${str(p.title) ?? 'sans titre'} » est désormais visible dans ${yourRecord}`;
      link = documentLink(row.dossier_id, p.documentId);
      break;
    case 'emergency.access': {
      const mode = p.mode === 'samu' ? 'en urgence (régulation du SAMU)' : 'en urgence (bris de glace)';
      const who = `${str(p.professional) ?? 'Un professionnel de santé'}${str(p.profession) ? ` (${str(p.profession)})` : ''}`;
      title = space.readerIsProfessional
        ? `${who} a accédé ${mode} au dossier de votre patient ${space.name}`
        : `${who} a accédé ${mode} ${toYourRecord}`;
      if (space.readerIsProfessional) link = NOTIFICATION_LINKS.professional;
      break;
    }
    case 'record.updated_see_professional':
      title = `${space.own ? 'Votre dossier' : `Le dossier de ${space.name}`} a été mis à jour : nous vous invitons à consulter un professionnel de santé`;
      link = NOTIFICATION_LINKS.documents;
      break;
    case 'settings.changed_by_other': {
      const by = str(p.by) ?? 'Une autre personne';
      const where = space.own ? 'votre espace' : `l’espace de ${space.name}`;
      const carer = str(p.carerName) ?? 'un aidant';
      // A carer mandate given or taken back is a change of who may act in the space (issue 4).
      if (p.delegation === 'granted') title = `${by} a donné un mandat d’aidant à ${carer} sur ${where}`;
      else if (p.delegation === 'invited') title = `${by} a invité une personne à devenir aidant de ${where}`;
      else if (p.delegation === 'withdrawn') title = `${by} a retiré une invitation d’aidant sur ${where}`;
      else if (p.delegation === 'revoked') title = `${by} a retiré le mandat d’aidant de ${carer} sur ${where}`;
      else title = `${by} a modifié les paramètres de confidentialité de ${where}`;
      link = NOTIFICATION_LINKS.settings;
      break;
    }
    case 'carer.invitation':
    case 'carer.mandate':
      title = carerTitle(p, space);
      link = NOTIFICATION_LINKS.settings;
      break;
    default:
      title = `Un nouvel événement concerne ${yourRecord}`;
  }
  return {
    id: row.notification_id, kind: row.kind, dossierId: row.dossier_id, title,
    createdAt: row.created_at.toISOString(), readAt: row.read_at ? row.read_at.toISOString() : null, link,
  };
}

/** Carer invitations and mandates (issue 8, item 6): a declined invitation names the address, never the person. */
function carerTitle(p: Record<string, unknown>, space: SpaceView): string {
  const holder = str(p.holderName) ?? 'une personne';
  const by = str(p.by) ?? holder;
  const where = space.own ? 'votre espace' : `l’espace de ${space.name}`;
  switch (p.event) {
    case 'invited':
      return by === holder ? `${holder} vous invite à devenir son aidant : acceptez ou refusez l’invitation` : `${by} vous invite à devenir aidant de ${holder} : acceptez ou refusez l’invitation`;
    case 'withdrawn':
      return `L’invitation à devenir aidant de ${holder} a été retirée`;
    case 'revoked':
      return by === holder ? `${holder} a mis fin à votre mandat d’aidant` : `${by} a mis fin à votre mandat d’aidant de ${holder}`;
    case 'accepted':
      return `${str(p.carerName) ?? 'La personne invitée'} a accepté de devenir aidant de ${where}`;
    case 'declined':
      return `L’invitation à devenir aidant de ${where} envoyée à ${str(p.email) ?? 'une adresse'} a été refusée`;
    case 'given_up':
      return `${str(p.carerName) ?? 'Un aidant'} a renoncé à son mandat d’aidant sur ${where}`;
    default:
      return `Un nouvel événement concerne les aidants de ${where}`;
  }
}

/** The document's page in the portal, which names documents by their FHIR id. */
function documentLink(dossierId: string, documentId: unknown): string {
  return typeof documentId === 'string' && UUID.test(documentId)
    ? `${NOTIFICATION_LINKS.documents}?document=${documentFhirId(dossierId, documentId)}`
    : NOTIFICATION_LINKS.documents;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

