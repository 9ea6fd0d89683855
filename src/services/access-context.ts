import type { Actor } from '../domain/actor.ts';
import type { DocumentMeta } from '../domain/document.ts';
import { decideAccess, type AccessRequest, type Decision, type DocumentFacts, type PolicyAction, type ProfessionalFacts, type RuleData } from '../domain/policy/decide-access.ts';
import { inSessionMode } from '../domain/policy/professional-rules.ts';
import type { HabilitationMatrix } from '../domain/terminology/habilitation-matrix.ts';
import type { Queryable } from '../store/db.ts';
import { loadDossierFacts } from '../store/access-facts-repo.ts';
import type { DossierRow } from '../store/dossier-repo.ts';
import type { StoredDocument } from '../store/document-repo.ts';
import type { StoredSettings } from '../store/record-facts-repo.ts';
import type { ServiceDeps } from './service-deps.ts';

/** Everything the access decision needs about one dossier for one actor, loaded in the caller's transaction. */
export type AccessContext = {
  dossier: DossierRow | null;
  settings: StoredSettings;
  /** With `options.documentId`: that document (null when the dossier has none with this id). */
  document?: StoredDocument | null;
  base: Omit<AccessRequest, 'action'>;
  /** Decides an action on this dossier (optionally on one document, deposit or label change). */
  decide: (action: PolicyAction, extra?: Pick<AccessRequest, 'document' | 'deposit' | 'labelChange' | 'invitation'>) => Decision;
};

/** The regulatory data in force at `now`, as the rules read it. */
export function ruleData(deps: ServiceDeps, now: Date): RuleData {
  const { matrix, regulatory } = deps.reference;
  return {
    matrixAllows: (type, profession, specialty) => matrix.allows(type, profession, specialty)?.allowed,
    sectorOf: (profession) => matrix.sectorOf(profession),
    readsAnyDocumentType: (profession, specialty) => readsAnyDocumentType(matrix, profession, specialty),
    medicoSocialEnabled: deps.settings.medicoSocialEnabled,
    invisiblePatientVisibleAfterDays: regulatory.at(now).invisiblePatientVisibleAfterDays,
  };
}

/** Per matrix: does a profession (specialty) have at least one allowed cell? Computed once per column. */
const anyAllowed = new WeakMap<HabilitationMatrix, Map<string, boolean>>();
function readsAnyDocumentType(matrix: HabilitationMatrix, profession: string, specialty: string | null): boolean {
  const known = anyAllowed.get(matrix) ?? new Map<string, boolean>();
  anyAllowed.set(matrix, known);
  const key = `${profession}/${specialty ?? ''}`;
  let any = known.get(key);
  if (any === undefined) {
    any = matrix.typeCodes().some((type) => matrix.allows(type, profession, specialty)?.allowed === true);
    known.set(key, any);
  }
  return any;
}

export async function loadAccessContext(
  tx: Queryable, deps: ServiceDeps, actor: Actor, dossierId: string, now: Date, options: { lockDossier?: boolean; documentId?: string } = {},
): Promise<AccessContext> {
  const pro = actor.kind === 'professional' ? actor : null;
  const facts = await loadDossierFacts(tx, dossierId, {
    lock: options.lockDossier ?? false, rpps: pro?.rpps ?? null, finess: pro?.structure?.finess ?? null, now,
    ...(options.documentId !== undefined ? { documentId: options.documentId } : {}),
  });
  const { dossier, relationships, settings } = facts;
  const professional: ProfessionalFacts | undefined = dossier && facts.professional
    ? { blocked: facts.professional.blocked, consent: facts.professional.consent, patientInformed: settings.patientInformedAt !== null, mode: facts.professional.mode ?? 'normal' }
    : undefined;
  const base: Omit<AccessRequest, 'action'> = {
    actor,
    dossier: dossier && { dossierId, state: dossier.state, birthDate: dossier.birth_date, closedAt: dossier.closed_at, retentionUntil: dossier.retention_until },
    relationships,
    now,
    settings: { carersEnabled: deps.settings.carersEnabled },
    patientSettings: settings,
    rules: ruleData(deps, now),
    informAfterDays: deps.reference.regulatory.at(now).invisiblePatientInformAfterDays,
    ...(professional ? { professional } : {}),
  };
  return {
    dossier, settings, base, decide: (action, extra = {}) => decideAccess({ ...base, ...extra, action }),
    ...(facts.document !== undefined ? { document: facts.document } : {}),
  };
}

/** The facts of a stored document that the rules read. */
export function documentFacts(d: DocumentMeta): DocumentFacts {
  return {
    documentId: d.documentId,
    status: d.status,
    typeCode: d.typeCode,
    author: d.author,
    labels: d.labels,
    invisibleToPatientSince: d.invisibleToPatientSince ? new Date(d.invisibleToPatientSince) : null,
    deleted: d.deletedAt !== null || d.status === 'entered-in-error',
  };
}

/**
 * Decides an action on a document that may not exist. For a missing id the answer is the one the
 * caller would get on any document of the dossier (blocked, no consent…) or "not found": never a
 * difference that tells an existing document from an absent one.
 */
export function decideOnDocument(
  access: AccessContext, action: PolicyAction, document: DocumentMeta | null, extra: Pick<AccessRequest, 'deposit' | 'labelChange'> = {},
): Decision {
  if (document) return access.decide(action, { ...extra, document: documentFacts(document) });
  const gate = access.decide('document.search');
  return gate.effect === 'deny' ? gate : { effect: 'deny', reason: 'DOCUMENT_NOT_FOUND' };
}

/**
 * A refusal found after the access decision (invalid content, an identifier in use…), as traced: made
 * in the session the caller is in, so a refusal in a secret connection stays as hidden as the rest of it.
 */
export function refusalFor(access: Pick<AccessContext, 'base'>, reason: string): Decision {
  return inSessionMode(access.base, { effect: 'deny', reason });
}
