import { createHash } from 'node:crypto';
import type { Actor } from '../domain/actor.ts';
import type { ConfidentialityLabel } from '../domain/document.ts';
import { decideAccess, type AccessRequest, type PatientSideRole } from '../domain/policy/decide-access.ts';
import { findAccountByRpps } from '../store/account-repo.ts';
import type { Queryable } from '../store/db.ts';
import { findDocument, type StoredDocument } from '../store/document-repo.ts';
import { findPersonContacts, wasInSecretSession, wasMadeVisibleByJob } from '../store/notification-repo.ts';
import { documentFacts, loadAccessContext } from './access-context.ts';
import type { ServiceDeps } from './service-deps.ts';

/** Who receives a notification: a person, keyed by their own dossier, or a professional, keyed by RPPS. */
export type Recipient = {
  key: string;
  role: PatientSideRole | 'medecin_traitant';
  /** The person's own dossier (null for a professional). */
  personDossierId: string | null;
  email: string | null;
};

export const personRecipient = (ownDossierId: string): string => `person:${ownDossierId}`;
export const professionalRecipient = (rpps: string): string => `professional:${rpps}`;

/** The recipient key of a signed-in actor, or null for actors who receive no notification (apps, operators, jobs). */
export function recipientOfActor(actor: Actor): string | null {
  if (actor.kind === 'person') return personRecipient(actor.dossierId);
  if (actor.kind === 'professional') return professionalRecipient(actor.rpps);
  return null;
}

/** A name-based UUID: the same parts always give the same id (idempotent deliveries). */
export function derivedUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('|')).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const personActor = (dossierId: string): Actor => ({ kind: 'person', accountId: `notification:${dossierId}`, dossierId, displayName: '' });
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * The people a notification about `dossierId` goes to, decided by the access rules as each of them at
 * `now`: the holder and those who act for them today (legal representatives of a minor, protectors,
 * carers with a mandate — like the spaces /api/me lists), narrowed by what the event may reveal:
 * a document only to those who may see it, a secret connection only to the minor (SPEC §3.10), a change
 * made by someone not back to that person. The médecin traitant's copy of an emergency access goes to
 * their professional account, when they have one.
 */
export async function resolveRecipients(
  tx: Queryable, deps: ServiceDeps, dossierId: string, payload: Record<string, unknown>, event: { at: Date; now: Date },
): Promise<Recipient[]> {
  const { now } = event;
  if (payload.type === 'emergency.access' && payload.recipient === 'medecin_traitant') {
    const rpps = str(payload.rpps);
    const account = rpps ? await findAccountByRpps(tx, rpps) : null;
    return account && account.kind === 'professional' && rpps
      ? [{ key: professionalRecipient(rpps), role: 'medecin_traitant', personDossierId: null, email: account.email }]
      : [];
  }
  const access = await loadAccessContext(tx, deps, personActor(dossierId), dossierId, now);
  if (!access.dossier) return [];
  const base = access.base;
  const mayLearn = await eventFilter(tx, dossierId, payload, event.at);
  const candidates = new Set([dossierId, ...base.relationships.map((r) => r.relatedDossierId)]);
  const chosen: { personDossierId: string; role: PatientSideRole }[] = [];
  for (const person of candidates) {
    const decision = decideAccess({ ...base, actor: personActor(person), action: 'dossier.identity.read' });
    if (decision.effect !== 'allow' || !decision.role) continue;
    if (mayLearn({ base, person, role: decision.role })) chosen.push({ personDossierId: person, role: decision.role });
  }
  const contacts = await findPersonContacts(tx, chosen.map((c) => c.personDossierId));
  return chosen.map((c) => ({ key: personRecipient(c.personDossierId), role: c.role, personDossierId: c.personDossierId, email: contacts.get(c.personDossierId)?.email ?? null }));
}

type Candidate = { base: Omit<AccessRequest, 'action'>; person: string; role: PatientSideRole };

/** Which candidates the event may be told to, by kind. An unknown kind is an error (the row ends failed, not sent). */
async function eventFilter(tx: Queryable, dossierId: string, payload: Record<string, unknown>, at: Date): Promise<(c: Candidate) => boolean> {
  switch (payload.type) {
    case 'document.added': {
      const document = await findOptionalDocument(tx, dossierId, payload.documentId);
      // A document deposited invisible to the patient is announced by its re-visibility (document.visible),
      // whoever lifts it: still invisible, or lifted by the job, this deferred "added" says nothing more.
      if (!document || document.labels.includes('INVISIBLE_PATIENT') || await wasMadeVisibleByJob(tx, dossierId, document.documentId)) return () => false;
      return (c) => maySeeDocument(c, document, document.labels);
    }
    case 'document.visible': {
      const document = await findOptionalDocument(tx, dossierId, payload.documentId);
      return (c) => document !== null && maySeeDocument(c, document, document.labels);
    }
    case 'record.updated_see_professional': {
      // Told to those who will see the document once it stops being invisible to the patient.
      const document = await findOptionalDocument(tx, dossierId, payload.documentId);
      if (!document) return () => payload.documentId === undefined;
      return (c) => maySeeDocument(c, document, document.labels.filter((l) => l !== 'INVISIBLE_PATIENT'));
    }
    case 'professional.first_access': {
      // A secret connection leaves no trace the representatives can see (SPEC §3.10).
      const rpps = str(payload.rpps);
      const secret = rpps ? await wasInSecretSession(tx, dossierId, rpps, at) : false;
      return (c) => !secret || c.role === 'holder';
    }
    case 'emergency.access':
      return () => true;
    case 'settings.changed_by_other':
      return (c) => c.person !== payload.byDossierId;
    case 'carer.invitation':
    case 'carer.mandate':
      // Filed under the person concerned (an invitation, the end of their mandate): them alone, not
      // those who act for them. Filed under the helped space: its people, but not whoever caused it.
      return payload.audience === 'person' ? (c) => c.role === 'holder' : (c) => c.person !== payload.byDossierId;
    default:
      throw new Error('unknown notification type');
  }
}

async function findOptionalDocument(tx: Queryable, dossierId: string, documentId: unknown): Promise<StoredDocument | null> {
  return typeof documentId === 'string' && /^[0-9a-f-]{36}$/i.test(documentId) ? findDocument(tx, dossierId, documentId) : null;
}

/**
 * The one door, asked as the candidate. A space not activated yet is judged as if it were: its people
 * learn of the document now and read it once they activate (SPEC §1).
 */
function maySeeDocument(c: Candidate, document: StoredDocument, labels: readonly ConfidentialityLabel[]): boolean {
  const dossier = c.base.dossier && c.base.dossier.state === 'created' ? { ...c.base.dossier, state: 'active' as const } : c.base.dossier;
  const decision = decideAccess({
    ...c.base, dossier, actor: personActor(c.person), action: 'document.read', document: { ...documentFacts(document), labels },
  });
  return decision.effect === 'allow';
}
