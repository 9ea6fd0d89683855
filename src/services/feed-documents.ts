import { randomUUID } from 'node:crypto';
import { actorId } from '../domain/actor.ts';
import type { Actor } from '../domain/actor.ts';
import type { DocumentAuthor, DocumentMeta } from '../domain/document.ts';
import { SYSTEM_CHAIN } from '../domain/audit-chain.ts';
import { AppError } from '../domain/errors.ts';
import type { Decision } from '../domain/policy/decide-access.ts';
import type { ValidationIssue } from '../domain/validation-issue.ts';
import { appendAudit } from '../store/audit-repo.ts';
import type { Queryable } from '../store/db.ts';
import { findDossierIdByIns } from '../store/dossier-repo.ts';
import { findDocument, findDocumentByMasterIdentifier, insertContent, insertDocument, isMaskedByPatient, markSuperseded, setMaskedByPatient } from '../store/document-repo.ts';
import { isOpposed } from '../store/record-facts-repo.ts';
import { decideOnDocument, documentFacts, loadAccessContext, refusalFor, type AccessContext } from './access-context.ts';
import { auditEntryFor } from './audit-entry.ts';
import { deniedError } from './denied-error.ts';
import { withoutHiddenReferences } from './document-references.ts';
import { checkDocumentCodes, checkDocumentContent, isAdvanceDirectiveType, isPatientDepositType, withCallerSpecialty } from './document-checks.ts';
import type { DocumentSubmission, FeedResult } from './document-submission.ts';
import { outcomeOf, runIdempotent, unwrap, type IdempotencyRequest, type StoredOutcome } from './idempotency.ts';
import { replayFeed } from './idempotent-replay.ts';
import { noteProfessionalFeed } from './first-access.ts';
import { enqueueNotification } from './notify.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';
import { consumeStagedContent, withStagedContent } from './staged-content.ts';

type Planned = {
  submission: DocumentSubmission; meta: DocumentMeta; access: AccessContext; decision: Decision; replaced: DocumentMeta | null; bytes: Uint8Array; dossierId: string;
  /** The mask is the patient's choice (their own masked upload, or carried from the version it replaces). */
  patientMask: boolean;
};
type Step = { kind: 'existing'; result: FeedResult } | { kind: 'new'; plan: Planned };

/**
 * Feeds one or more documents (FHIR create, ITI-65 Provide Document Bundle) in ONE transaction: each is
 * validated (codes, content bytes), decided, then stored with its content, its audit entry and the
 * patient's notification (outbox). Nothing is stored when any document is invalid or refused; refusals
 * are still traced. A retried submission (same Idempotency-Key, or same masterIdentifier) creates nothing.
 */
export async function feedDocuments(
  deps: ServiceDeps, ctx: RequestContext, submissions: readonly DocumentSubmission[], idempotency?: IdempotencyRequest,
): Promise<FeedResult[]> {
  const outcome = await deps.db.transaction(async (tx) => {
    const now = deps.clock();
    return runIdempotent<FeedResult[]>(tx, actorId(ctx.actor), idempotency, now, async () => {
      const named = new Set<string>();
      const outcome = await feedInTransaction(tx, deps, ctx, submissions, now, named);
      // The dossiers named, for a replay of a refusal to be traced on them again.
      return { ...outcome, dossierIds: [...named] };
    }, (stored) => replayFeed(tx, deps, ctx, now, stored));
  });
  return unwrap(outcome);
}

async function feedInTransaction(
  tx: Queryable, deps: ServiceDeps, ctx: RequestContext, submissions: readonly DocumentSubmission[], now: Date, named: Set<string>,
): Promise<StoredOutcome<FeedResult[]>> {
  const contexts = new Map<string, AccessContext>();
  const steps: Step[] = [];
  const issues: ValidationIssue[] = [];
  const denials: { submission: DocumentSubmission; replaced: DocumentMeta | null; dossierId: string; decision: Decision }[] = [];
  /** Documents allowed but refused on their content or codes: traced like the denials (one entry each). */
  const invalid: { submission: DocumentSubmission; dossierId: string; decision: Decision; codes: string[] }[] = [];
  /** Staged content (Binary/<id>) already taken by an earlier document of this feed. */
  const claimed = new Set<string>();
  for (const [i, declared] of submissions.entries()) {
    let submission = withCallerSpecialty(declared, ctx.actor);
    const prefix = submissions.length > 1 ? `document[${i}].` : '';
    const dossierId = await resolveDossier(tx, submission);
    const access = dossierId ? contexts.get(dossierId) ?? await loadAccessContext(tx, deps, ctx.actor, dossierId, now, { lockDossier: true }) : null;
    if (!dossierId || !access?.dossier) {
      // Unknown patient: traced on the system chain, answered like a dossier the caller may not see.
      await appendAudit(tx, auditEntryFor(ctx, SYSTEM_CHAIN, 'document.feed', { effect: 'deny', reason: 'POLICY_NO_DOSSIER' }, { type: 'DocumentReference', id: null }, now));
      return outcomeOf(new AppError('RESOURCE_NOT_FOUND'));
    }
    contexts.set(dossierId, access);
    named.add(dossierId);
    const replaced = submission.replaces ? await findDocument(tx, dossierId, submission.replaces, true) : null;
    // A replacement is a new version of the same document: the patient's mask on it carries over (and is
    // decided as part of the deposit, so a new version cannot be both masked and invisible to the patient).
    const patientMask = replaced !== null && await isMaskedByPatient(tx, dossierId, replaced.documentId);
    if (patientMask && !submission.labels.includes('MASQUE_PS')) submission = { ...submission, labels: [...submission.labels, 'MASQUE_PS'] };
    const deposit = {
      typeCode: submission.typeCode,
      labels: submission.labels,
      opposed: await isOpposed(tx, dossierId, submission.masterIdentifier),
      isPatientType: isPatientDepositType(deps, submission.typeCode),
      isAdvanceDirective: isAdvanceDirectiveType(submission.typeCode),
    };
    // The decision comes first: what a caller learns below (an identifier in use, a version already
    // replaced) is only told to someone allowed to feed this dossier.
    const decision = submission.replaces
      ? decideOnDocument(access, 'document.replace', replaced, { deposit })
      : access.decide('document.feed', { deposit });
    const draft = { submission, access, replaced, bytes: submission.content.bytes, dossierId, patientMask: patientMask || (ctx.actor.kind === 'person' && submission.labels.includes('MASQUE_PS')) };
    if (decision.effect === 'deny') { denials.push({ ...draft, decision }); continue; }
    // Conditional create on the producer's id: a retried feed finds its document.
    const existing = await findDocumentByMasterIdentifier(tx, dossierId, submission.masterIdentifier);
    if (existing) {
      const readable = access.decide('document.read', { document: documentFacts(existing) });
      const outcome = readable.effect === 'allow' ? { effect: 'allow' as const, reason: 'DOCUMENT_ALREADY_PRESENT' } : { effect: 'deny' as const, reason: 'DOCUMENT_IDENTIFIER_TAKEN' };
      await appendAudit(tx, auditEntryFor(ctx, dossierId, 'document.feed', outcome, { type: 'DocumentReference', id: readable.effect === 'allow' ? existing.documentId : null }, now));
      if (readable.effect === 'deny') return outcomeOf(new AppError('VALIDATION_FAILED', undefined, [{ field: `${prefix}masterIdentifier`, code: 'DOCUMENT_IDENTIFIER_TAKEN', message: 'Cet identifiant de document (masterIdentifier) est déjà utilisé.' }]));
      const [shown] = await withoutHiddenReferences(tx, access, [existing]);
      steps.push({ kind: 'existing', result: { status: 'existing', dossierId, documentId: existing.documentId, document: shown! } });
      continue;
    }
    if (replaced && replaced.status !== 'current') {
      issues.push({ field: `${prefix}relatesTo`, code: 'DOCUMENT_REPLACED_NOT_FOUND', message: 'Le document à remplacer a déjà été remplacé.' });
      invalid.push({ submission, dossierId, decision: refusalFor(access, 'DOCUMENT_REPLACED_NOT_FOUND'), codes: ['DOCUMENT_REPLACED_NOT_FOUND'] });
      continue;
    }
    const codes = checkDocumentCodes(deps, submission);
    // Content staged with POST Binary is loaded only now, once this caller was allowed to feed.
    const fed = await withStagedContent(tx, ctx.actor, dossierId, submission, now, claimed);
    const content = fed.ok ? checkDocumentContent(deps, fed.submission, access.dossier) : { ok: false as const, issues: [fed.issue] };
    issues.push(...[...codes.issues, ...content.issues].map((x) => ({ ...x, field: `${prefix}${x.field}` })));
    if (codes.issues.length || !fed.ok || !content.ok) {
      const found = [...codes.issues, ...content.issues].map((x) => x.code);
      invalid.push({ submission, dossierId, decision: refusalFor(access, found[0] ?? 'VALIDATION_FAILED'), codes: found });
      continue;
    }
    const meta = buildMeta(ctx.actor, access, submission, dossierId, codes.classCode, content, now);
    steps.push({ kind: 'new', plan: { ...draft, submission: fed.submission, bytes: fed.submission.content.bytes, meta, decision } });
  }
  // A refused feed stores nothing but leaves its trace: every refused document, whatever refused it.
  for (const d of invalid) {
    await appendAudit(tx, auditEntryFor(ctx, d.dossierId, d.submission.replaces ? 'document.replace' : 'document.feed', d.decision, { type: 'DocumentReference', id: null }, now,
      { typeCode: d.submission.typeCode, issues: d.codes }));
  }
  for (const d of denials) await traceDenial(tx, ctx, d, now);
  if (issues.length) return outcomeOf(new AppError('VALIDATION_FAILED', undefined, issues));
  if (denials.length) return outcomeOf(deniedError(denials[0]!.decision, true));
  const results: FeedResult[] = [];
  for (const step of steps) {
    if (step.kind === 'existing') { results.push(step.result); continue; }
    const { meta, replaced, decision, bytes } = step.plan;
    await insertContent(tx, meta.dossierId, meta.sha256, bytes);
    await consumeStagedContent(tx, step.plan.submission);
    if (replaced) await markSuperseded(tx, meta.dossierId, replaced.documentId, now);
    await insertDocument(tx, meta, now);
    if (step.plan.patientMask) await setMaskedByPatient(tx, meta.dossierId, meta.documentId, true);
    await trace(tx, ctx, meta, replaced ? 'document.replace' : 'document.feed', decision, now);
    await notifyPatient(tx, deps, ctx.actor, meta, now);
    results.push({ status: 'created', dossierId: meta.dossierId, documentId: meta.documentId, document: { ...meta, version: 1, updatedAt: meta.createdAt, visibleToPatientAt: null } });
  }
  return { ok: true, value: results };
}

async function traceDenial(
  tx: Queryable, ctx: RequestContext, d: { submission: DocumentSubmission; replaced: DocumentMeta | null; dossierId: string; decision: Decision }, now: Date,
): Promise<void> {
  await appendAudit(tx, auditEntryFor(ctx, d.dossierId, d.submission.replaces ? 'document.replace' : 'document.feed', d.decision, { type: 'DocumentReference', id: null }, now,
    { typeCode: d.submission.typeCode, ...(d.replaced ? { replaces: d.replaced.documentId } : {}) }));
}

async function resolveDossier(tx: Queryable, s: DocumentSubmission): Promise<string | null> {
  return s.subject.kind === 'dossier' ? s.subject.dossierId : findDossierIdByIns(tx, s.subject.ins);
}

function authorOf(actor: Actor, dossierId: string): DocumentAuthor {
  switch (actor.kind) {
    case 'professional':
      return { kind: 'professional', accountId: actor.accountId, rpps: actor.rpps, displayName: actor.displayName, profession: actor.profession, specialty: actor.specialty, structure: actor.structure };
    case 'person':
      return { kind: 'patient', dossierId, displayName: actor.displayName };
    default:
      return { kind: 'device', displayName: actor.kind === 'app' ? actor.displayName : actor.kind };
  }
}

function buildMeta(
  actor: Actor, access: AccessContext, s: DocumentSubmission, dossierId: string, classCode: string,
  content: { contentType: string; size: number; sha256: string }, now: Date,
): DocumentMeta {
  const mode = access.base.professional?.mode ?? 'normal';
  return {
    dossierId, documentId: randomUUID(), masterIdentifier: s.masterIdentifier, status: 'current', replaces: s.replaces,
    typeCode: s.typeCode, classCode, title: s.title, description: s.description, author: authorOf(actor, dossierId),
    date: s.date ?? now.toISOString(), periodStart: s.periodStart, periodEnd: s.periodEnd, facilityType: s.facilityType,
    practiceSetting: s.practiceSetting, authorSpecialty: s.authorSpecialty, formatCode: s.formatCode,
    contentType: content.contentType, size: content.size, sha256: content.sha256, level: s.level, labels: s.labels,
    invisibleToPatientSince: s.labels.includes('INVISIBLE_PATIENT') ? now.toISOString() : null,
    depositedInSecret: mode === 'secret', createdAt: now.toISOString(), deletedAt: null,
  };
}

async function trace(tx: Queryable, ctx: RequestContext, meta: DocumentMeta, action: string, decision: Decision, now: Date): Promise<void> {
  const mode = decision.mode ?? 'normal';
  await appendAudit(tx, auditEntryFor(ctx, meta.dossierId, action, decision, { type: 'DocumentReference', id: meta.documentId }, now,
    { typeCode: meta.typeCode, title: meta.title, ...(meta.replaces ? { replaces: meta.replaces } : {}) }, mode));
}

/** SPEC §4: the patient hears of each new document (and of a professional's first feed, in its own words). */
async function notifyPatient(tx: Queryable, deps: ServiceDeps, actor: Actor, meta: DocumentMeta, now: Date): Promise<void> {
  // A document invisible to the patient is announced when it becomes visible, not before.
  const visibleFrom = meta.invisibleToPatientSince
    ? new Date(now.getTime() + deps.reference.regulatory.at(now).invisiblePatientVisibleAfterDays * 86_400_000)
    : now;
  await enqueueNotification(tx, meta.dossierId, {
    type: 'document.added', documentId: meta.documentId, title: meta.title, author: meta.author.displayName,
    hiddenFromRepresentatives: meta.labels.includes('INVISIBLE_REPRESENTANTS_LEGAUX'),
  }, now, visibleFrom);
  await noteProfessionalFeed(tx, actor, meta.dossierId, now);
}
