import { decodeBase64Strict } from '../../domain/content/index.ts';
import { validateIns } from '../../domain/identity/ins.ts';
import type { ValidationIssue } from '../../domain/validation-issue.ts';
import type { DocumentSubmission } from '../../services/document-submission.ts';
import { STAGED_BINARY_ISSUES } from '../../services/staged-content.ts';
import type { NewDocumentInput } from './document-reference-mapper.ts';
import { INS_SYSTEM_URIS } from './ins-systems.ts';
import { isUuid, parseDocumentFhirId } from '../../domain/resource-ids.ts';

/** Turns a parsed DocumentReference into the service's submission: decodes content, resolves ids. */
export function toSubmission(input: NewDocumentInput, maxBytes: number, path = 'DocumentReference'): { ok: true; submission: DocumentSubmission } | { ok: false; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  let subject: DocumentSubmission['subject'] | null = null;
  if (input.subject.kind === 'reference') {
    if (isUuid(input.subject.id)) subject = { kind: 'dossier', dossierId: input.subject.id.toLowerCase() };
    else issues.push({ field: `${path}.subject`, code: 'FHIR_REFERENCE', message: 'Patient inconnu : la référence doit désigner un Patient de ce serveur.' });
  } else {
    const ins = validateIns(input.subject.value);
    if (!INS_SYSTEM_URIS.has(input.subject.system)) issues.push({ field: `${path}.subject.identifier.system`, code: 'IDENTITY_INS_OID', message: "Le système de l'identifiant doit être un OID INS." });
    else if (!ins.ok) issues.push(...ins.issues.map((i) => ({ ...i, field: `${path}.subject.identifier.value` })));
    else subject = { kind: 'ins', ins: ins.value };
  }
  let bytes: Uint8Array | null = null;
  let staged: { dossierId: string; binaryId: string } | null = null;
  if (input.content.kind === 'inline') {
    const decoded = decodeBase64Strict(input.content.base64, maxBytes);
    if (decoded.ok) bytes = decoded.value;
    else issues.push(...decoded.issues.map((i) => ({ ...i, field: `${path}.content[0].attachment.data` })));
  } else {
    // `Binary/<id>` of content staged with POST Binary (the id carries the dossier): the feed loads it
    // once allowed. (A Binary entry of an ITI-65 transaction was resolved into inline content before.)
    const ids = parseDocumentFhirId(input.content.reference.slice('Binary/'.length));
    if (ids) staged = { dossierId: ids.dossierId, binaryId: ids.documentId };
    else issues.push({ field: `${path}.content[0].attachment.url`, code: STAGED_BINARY_ISSUES.NOT_FOUND.code, message: STAGED_BINARY_ISSUES.NOT_FOUND.message });
  }
  let replaces: string | null = null;
  if (input.relatesToReplaces) {
    const target = parseDocumentFhirId(input.relatesToReplaces);
    if (target) replaces = target.documentId;
    else issues.push({ field: `${path}.relatesTo[0].target`, code: 'DOCUMENT_REPLACED_NOT_FOUND', message: 'Le document à remplacer est introuvable ou a déjà été remplacé.' });
  }
  if (issues.length || !subject || (!bytes && !staged)) return { ok: false, issues };
  return {
    ok: true,
    submission: {
      masterIdentifier: input.masterIdentifier, subject, typeCode: input.typeCode, classCode: input.classCode, title: input.title,
      description: input.description, date: input.date, periodStart: input.periodStart, periodEnd: input.periodEnd,
      facilityType: input.facilityType, practiceSetting: input.practiceSetting, authorSpecialty: null, formatCode: input.formatCode,
      declaredAuthorSpecialties: input.authors.flatMap((a) => (a.rpps && a.specialty ? [{ rpps: a.rpps, code: a.specialty.code }] : [])),
      level: input.level, labels: input.labels, replaces,
      content: {
        contentType: input.contentType, bytes: bytes ?? new Uint8Array(0), declaredSize: input.declaredSize ?? null,
        declaredSha1Base64: input.declaredHashSha1Base64 ?? null, ...(staged ? { staged } : {}),
      },
    },
  };
}
