import type { Actor } from '../domain/actor.ts';
import type { DocumentMeta } from '../domain/document.ts';
import { decideAccess, type AccessRequest, type Decision, type DocumentFacts, type PolicyAction, type ProfessionalFacts, type RuleData } from '../domain/policy/decide-access.ts';
import type { Queryable } from '../store/db.ts';
import { findDossier, listRelationshipsOf, type DossierRow } from '../store/dossier-repo.ts';
import { activeSession, hasConsent, isBlocked, loadSettings, type StoredSettings } from '../store/record-facts-repo.ts';
import type { ServiceDeps } from './service-deps.ts';

/** Everything the access decision needs about one dossier for one actor, loaded in the caller's transaction. */
export type AccessContext = {
  dossier: DossierRow | null;
  settings: StoredSettings;
  base: Omit<AccessRequest, 'action'>;
  /** Decides an action on this dossier (optionally on one document, deposit or label change). */
  decide: (action: PolicyAction, extra?: Pick<AccessRequest, 'document' | 'deposit' | 'labelChange'>) => Decision;
};

/** The regulatory data in force at `now`, as the rules read it. */
export function ruleData(deps: ServiceDeps, now: Date): RuleData {
  const { matrix, regulatory } = deps.reference;
  return {
    matrixAllows: (type, profession, specialty) => matrix.allows(type, profession, specialty)?.allowed,
    sectorOf: (profession) => matrix.sectorOf(profession),
    medicoSocialEnabled: deps.settings.medicoSocialEnabled,
    invisiblePatientVisibleAfterDays: regulatory.at(now).invisiblePatientVisibleAfterDays,
  };
}

export async function loadAccessContext(
  tx: Queryable, deps: ServiceDeps, actor: Actor, dossierId: string, now: Date, options: { lockDossier?: boolean } = {},
): Promise<AccessContext> {
  const dossier = await findDossier(tx, dossierId, options.lockDossier ?? false);
  // One after the other: a transaction is one connection, and pg does not pipeline queries on it.
  const relationships = dossier ? await listRelationshipsOf(tx, dossierId) : [];
  const settings = await loadSettings(tx, dossierId);
  const professional = dossier && actor.kind === 'professional' ? await professionalFacts(tx, dossierId, actor, settings, now) : undefined;
  const base: Omit<AccessRequest, 'action'> = {
    actor,
    dossier: dossier && { dossierId, state: dossier.state, birthDate: dossier.birth_date },
    relationships,
    now,
    settings: { carersEnabled: deps.settings.carersEnabled },
    patientSettings: settings,
    rules: ruleData(deps, now),
    informAfterDays: deps.reference.regulatory.at(now).invisiblePatientInformAfterDays,
    ...(professional ? { professional } : {}),
  };
  return { dossier, settings, base, decide: (action, extra = {}) => decideAccess({ ...base, ...extra, action }) };
}

async function professionalFacts(
  tx: Queryable, dossierId: string, actor: Extract<Actor, { kind: 'professional' }>, settings: StoredSettings, now: Date,
): Promise<ProfessionalFacts> {
  const blocked = await isBlocked(tx, dossierId, actor.rpps);
  const consent = await hasConsent(tx, dossierId, actor.rpps, actor.structure?.finess ?? null);
  const session = await activeSession(tx, dossierId, actor.rpps, now);
  return { blocked, consent, patientInformed: settings.patientInformedAt !== null, mode: session?.mode ?? 'normal' };
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
