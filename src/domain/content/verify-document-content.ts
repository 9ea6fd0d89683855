import { createHash } from 'node:crypto';
import type { ValidationIssue } from '../validation-issue.ts';
import { checkCda, XML_LIMITS, type CdaDetails, type XmlLimits } from './check-cda.ts';
import { CONTENT_ISSUE_CODES as C, dataIssue, formatBytes, quote, typeIssue } from './content-issues.ts';
import {
  CANONICAL_TYPES,
  kindLabel,
  parseDeclaredType,
  sniffContent,
  type CanonicalType,
  type ContentKind,
  type Sniffed,
} from './content-types.ts';
import { checkJpeg, checkPng, type JpegDetails, type PngDetails } from './check-image.ts';
import type { Checked } from './checked.ts';
import { checkPdf, findPdfHeader, type PdfDetails } from './check-pdf.ts';
import { checkText, type TextDetails } from './check-text.ts';

export type ContentDetails = PdfDetails | JpegDetails | PngDetails | TextDetails | CdaDetails;

export type VerifiedContent = {
  ok: true;
  contentType: CanonicalType;
  size: number;
  /** SHA-256, lower-case hex (what the record stores). */
  sha256: string;
  /** SHA-1, base64: FHIR `Attachment.hash`. */
  sha1Base64: string;
  details: ContentDetails;
};

export type ContentVerification = VerifiedContent | { ok: false; issues: ValidationIssue[] };

export type VerifyContentOptions = {
  /** Accept PDFs with JavaScript / Launch actions (then flagged `details.pdfActiveContent`). Default false. */
  allowPdfActiveContent?: boolean;
  xmlLimits?: Partial<XmlLimits>;
};

/**
 * Verifies a document's bytes against its declared type before it enters the record (SPEC §2): size
 * first (nothing is read past the check), then the type sniffed from the bytes must agree with the
 * declared one, then the format's own structure; on success, the canonical type, size and hashes.
 * Pure and total: every input gives `ok` or issues, never an exception.
 */
export function verifyDocumentContent(
  bytes: Uint8Array,
  declared: { contentType: string; maxBytes: number },
  options: VerifyContentOptions = {},
): ContentVerification {
  if (!(bytes.length <= declared.maxBytes)) {
    return refuse(
      dataIssue(C.TOO_LARGE, `Le document (${formatBytes(bytes.length)}) dépasse la taille maximale de ${formatBytes(declared.maxBytes)}.`),
    );
  }
  if (bytes.length === 0) return refuse(dataIssue(C.EMPTY, 'Le document est vide.'));

  const type = parseDeclaredType(declared.contentType);
  if (type.kind === null) {
    return refuse(
      typeIssue(
        C.TYPE_UNSUPPORTED,
        `Le type de contenu ${quote(type.mediaType || String(declared.contentType ?? ''), 60)} n'est pas accepté : ` +
          'types admis : application/pdf, image/jpeg, image/png, text/plain, et CDA R2 en text/xml, ' +
          'application/xml ou application/hl7-cda+xml.',
      ),
    );
  }
  const kind = type.kind;
  const sniffed = sniffContent(bytes);
  if (!agrees(kind, sniffed, bytes)) return refuse(mismatch(type.mediaType, kind, sniffed));

  const checked = check(kind, bytes, type.charset, options);
  if (!checked.ok) return checked;
  return {
    ok: true,
    contentType: CANONICAL_TYPES[kind],
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sha1Base64: createHash('sha1').update(bytes).digest('base64'),
    details: checked.details,
  };
}

/** Whether what the first bytes say is compatible with the declared kind. */
function agrees(kind: ContentKind, sniffed: Sniffed, bytes: Uint8Array): boolean {
  switch (kind) {
    case 'pdf':
      // PDF readers tolerate junk before %PDF- (first 1024 bytes), but not a recognised format or markup.
      return sniffed.kind === 'pdf' || (sniffed.kind === 'unknown' && findPdfHeader(bytes) >= 0);
    case 'png':
    case 'jpeg':
      return sniffed.kind === kind;
    case 'text':
      return sniffed.kind === 'xml' || sniffed.kind === 'unknown';
    case 'cda':
      return sniffed.kind === 'xml';
    default:
      return kind satisfies never;
  }
}

function mismatch(mediaType: string, kind: ContentKind, sniffed: Sniffed): ValidationIssue {
  const actual =
    sniffed.kind === 'foreign'
      ? sniffed.label
      : sniffed.kind === 'unknown'
        ? `un contenu non reconnu (la signature attendue pour ${kindLabel(kind)} est absente)`
        : kindLabel(sniffed.kind);
  return typeIssue(
    C.TYPE_MISMATCH,
    `Le type déclaré ${quote(mediaType, 60)} (${kindLabel(kind)}) ne correspond pas au contenu, qui est ${actual}.`,
  );
}

function check(
  kind: ContentKind,
  bytes: Uint8Array,
  charset: string | null,
  options: VerifyContentOptions,
): Checked<ContentDetails> {
  switch (kind) {
    case 'pdf':
      return checkPdf(bytes, { allowActiveContent: options.allowPdfActiveContent === true });
    case 'png':
      return checkPng(bytes);
    case 'jpeg':
      return checkJpeg(bytes);
    case 'text':
      return checkText(bytes, charset);
    case 'cda':
      if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') {
        return refuse(
          typeIssue(C.XML_ENCODING_UNSUPPORTED, `Le jeu de caractères ${quote(charset, 40)} n'est pas accepté : le XML doit être en UTF-8.`),
        );
      }
      return checkCda(bytes, resolveLimits(options.xmlLimits));
    default:
      return kind satisfies never;
  }
}

/** Overrides must be positive numbers; anything else keeps the default (a limit never fails open). */
function resolveLimits(overrides: Partial<XmlLimits> | undefined): XmlLimits {
  const limits = { ...XML_LIMITS };
  for (const key of Object.keys(limits) as (keyof XmlLimits)[]) {
    const v = overrides?.[key];
    if (typeof v === 'number' && v > 0) limits[key] = v;
  }
  return limits;
}

function refuse(...issues: ValidationIssue[]): { ok: false; issues: ValidationIssue[] } {
  return { ok: false, issues };
}
