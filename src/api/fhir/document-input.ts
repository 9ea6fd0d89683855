import { decodeBase64Strict } from '../../domain/content/index.ts';
import { validateIns } from '../../domain/identity/ins.ts';
import type { ValidationIssue } from '../../domain/validation-issue.ts';
import type { DocumentSubmission } from '../../services/document-submission.ts';
import type { NewDocumentInput } from './document-reference-mapper.ts';
import { INS_SYSTEM_URIS } from './ins-systems.ts';
import { isUuid, parseDocumentFhirId } from './fhir-ids.ts';

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
  if (input.content.kind === 'inline') {
    const decoded = decodeBase64Strict(input.content.base64, maxBytes);
    if (decoded.ok) bytes = decoded.value;
    else issues.push(...decoded.issues.map((i) => ({ ...i, field: `${path}.content[0].attachment.data` })));
  } else {
    issues.push({ field: `${path}.content[0].attachment.url`, code: 'FHIR_ATTACHMENT_URL_UNSUPPORTED', message: "Le contenu doit être fourni dans attachment.data, ou dans une ressource Binary de la même transaction (ITI-65)." });
  }
  let replaces: string | null = null;
  if (input.relatesToReplaces) {
    const target = parseDocumentFhirId(input.relatesToReplaces);
    if (target) replaces = target.documentId;
    else issues.push({ field: `${path}.relatesTo[0].target`, code: 'DOCUMENT_REPLACED_NOT_FOUND', message: 'Le document à remplacer est introuvable ou a déjà été remplacé.' });
  }
  if (issues.length || !subject || !bytes) return { ok: false, issues };
  return {
    ok: true,
    submission: {
      masterIdentifier: input.masterIdentifier, subject, typeCode: input.typeCode, classCode: input.classCode, title: input.title,
      description: input.description, date: input.date, periodStart: input.periodStart, periodEnd: input.periodEnd,
      facilityType: input.facilityType, practiceSetting: input.practiceSetting, authorSpecialty: null, formatCode: input.formatCode,
      level: input.level, labels: input.labels, replaces,
      content: { contentType: input.contentType, bytes, declaredSize: input.declaredSize ?? null, declaredSha1Base64: input.declaredHashSha1Base64 ?? null },
    },
  };
}
