import type { Actor } from '../domain/actor.ts';
import { crossCheckCda, verifyDocumentContent } from '../domain/content/index.ts';
import { validateDocumentCodes } from '../domain/terminology/validate-document-codes.ts';
import type { ValidationIssue } from '../domain/validation-issue.ts';
import type { DocumentSubmission } from './document-submission.ts';
import type { ServiceDeps } from './service-deps.ts';

/**
 * The submission with the author specialty the caller declared for themself (their PractitionerRole's
 * practitioner is the caller's RPPS): the stored author is the caller, so a specialty declared for
 * anyone else says nothing about them and is ignored.
 */
export function withCallerSpecialty(s: DocumentSubmission, actor: Actor): DocumentSubmission {
  if (s.authorSpecialty !== null || actor.kind !== 'professional') return s;
  const own = s.declaredAuthorSpecialties?.find((d) => d.rpps === actor.rpps);
  return own ? { ...s, authorSpecialty: own.code } : s;
}

/** Metadata codes against the CI-SIS value sets in force (J66/J57/J08/J04/J02/J01); the class follows the type. */
export function checkDocumentCodes(deps: ServiceDeps, s: DocumentSubmission): { classCode: string; issues: ValidationIssue[] } {
  const terminology = deps.reference.documents;
  const issues = validateDocumentCodes(terminology, {
    typeCode: s.typeCode,
    ...(s.classCode ? { classCode: s.classCode } : {}),
    ...(s.practiceSetting ? { practiceSetting: s.practiceSetting } : {}),
    ...(s.facilityType ? { facilityType: s.facilityType } : {}),
    ...(s.authorSpecialty ? { authorSpecialty: s.authorSpecialty } : {}),
    labels: [s.level, ...s.labels],
  });
  return { classCode: s.classCode ?? terminology.classCodeFor(s.typeCode) ?? '', issues };
}

export type CheckedContent = { ok: true; contentType: string; size: number; sha256: string; issues: [] } | { ok: false; issues: ValidationIssue[] };

/**
 * The content's bytes must be what they claim (PDF, CDA R2, JPEG, PNG, text), within the size limit, and match
 * declared size/hash. A CDA must also name the dossier's patient (its INS in recordTarget) and the declared
 * document type: a CDA about someone else, or about nobody, is never filed in this dossier.
 */
export function checkDocumentContent(deps: ServiceDeps, s: DocumentSubmission, subject: { ins: string }): CheckedContent {
  const verified = verifyDocumentContent(s.content.bytes, { contentType: s.content.contentType, maxBytes: deps.settings.maxDocumentBytes });
  if (!verified.ok) return { ok: false, issues: verified.issues };
  const issues: ValidationIssue[] = verified.details.kind === 'cda' ? crossCheckCda(verified.details, { ins: subject.ins, typeCode: s.typeCode }) : [];
  if (s.content.declaredSize !== null && s.content.declaredSize !== verified.size) {
    issues.push({ field: 'content.attachment.size', code: 'CONTENT_SIZE_MISMATCH', message: `La taille déclarée (${s.content.declaredSize} octets) ne correspond pas au contenu (${verified.size} octets).` });
  }
  if (s.content.declaredSha1Base64 !== null && s.content.declaredSha1Base64 !== verified.sha1Base64) {
    issues.push({ field: 'content.attachment.hash', code: 'CONTENT_HASH_MISMATCH', message: "L'empreinte SHA-1 déclarée ne correspond pas au contenu." });
  }
  if (issues.length) return { ok: false, issues };
  return { ok: true, contentType: verified.contentType, size: verified.size, sha256: verified.sha256, issues: [] };
}

export function isPatientDepositType(deps: ServiceDeps, typeCode: string): boolean {
  return deps.reference.documents.isPatientTypeCode(typeCode);
}

/** EXPPAT_3: advance directives, which a carer may never modify (SPEC §1). */
export function isAdvanceDirectiveType(typeCode: string): boolean {
  return typeCode === 'EXPPAT_3';
}
