import { issue, type ValidationIssue } from '../validation-issue.ts';

/**
 * Issue codes of the document content checks (SPEC §2: "PDF, CDA R2 XML, JPEG, PNG, plain text,
 * verified by their bytes"). Stable: never reuse a retired code.
 */
export const CONTENT_ISSUE_CODES = {
  EMPTY: 'CONTENT_EMPTY',
  TOO_LARGE: 'CONTENT_TOO_LARGE',
  TYPE_UNSUPPORTED: 'CONTENT_TYPE_UNSUPPORTED',
  TYPE_MISMATCH: 'CONTENT_TYPE_MISMATCH',
  TRUNCATED: 'CONTENT_TRUNCATED',
  PDF_INVALID: 'CONTENT_PDF_INVALID',
  PDF_ACTIVE_CONTENT: 'CONTENT_PDF_ACTIVE_CONTENT',
  PNG_INVALID: 'CONTENT_PNG_INVALID',
  JPEG_INVALID: 'CONTENT_JPEG_INVALID',
  TEXT_INVALID_UTF8: 'CONTENT_TEXT_INVALID_UTF8',
  TEXT_NUL_BYTE: 'CONTENT_TEXT_NUL_BYTE',
  TEXT_CHARSET_UNSUPPORTED: 'CONTENT_TEXT_CHARSET_UNSUPPORTED',
  XML_ENCODING_UNSUPPORTED: 'CONTENT_XML_ENCODING_UNSUPPORTED',
  XML_MALFORMED: 'CONTENT_XML_MALFORMED',
  XML_DTD_FORBIDDEN: 'CONTENT_XML_DTD_FORBIDDEN',
  XML_TOO_DEEP: 'CONTENT_XML_TOO_DEEP',
  XML_TOO_MANY_ELEMENTS: 'CONTENT_XML_TOO_MANY_ELEMENTS',
  XML_TOO_MANY_ATTRIBUTES: 'CONTENT_XML_TOO_MANY_ATTRIBUTES',
  XML_ATTRIBUTE_TOO_LONG: 'CONTENT_XML_ATTRIBUTE_TOO_LONG',
  CDA_ROOT_INVALID: 'CONTENT_CDA_ROOT_INVALID',
  CDA_TYPE_ID_INVALID: 'CONTENT_CDA_TYPE_ID_INVALID',
  CDA_CODE_MISSING: 'CONTENT_CDA_CODE_MISSING',
  CDA_TYPE_CODE_MISMATCH: 'CONTENT_CDA_TYPE_CODE_MISMATCH',
  CDA_INS_MISSING: 'CONTENT_CDA_INS_MISSING',
  CDA_INS_MISMATCH: 'CONTENT_CDA_INS_MISMATCH',
  CDA_CONFIDENTIALITY_MISMATCH: 'CONTENT_CDA_CONFIDENTIALITY_MISMATCH',
  BASE64_ALPHABET: 'CONTENT_BASE64_ALPHABET',
  BASE64_PADDING: 'CONTENT_BASE64_PADDING',
} as const;

export type ContentIssueCode = (typeof CONTENT_ISSUE_CODES)[keyof typeof CONTENT_ISSUE_CODES];

/** The FHIR paths the issues point at (DocumentReference.content.attachment). */
export const CONTENT_FIELDS = {
  DATA: 'content.attachment.data',
  CONTENT_TYPE: 'content.attachment.contentType',
} as const;

/** An issue about the bytes. */
export function dataIssue(code: ContentIssueCode, message: string): ValidationIssue {
  return issue(CONTENT_FIELDS.DATA, code, message);
}

/** An issue about the declared content type. */
export function typeIssue(code: ContentIssueCode, message: string): ValidationIssue {
  return issue(CONTENT_FIELDS.CONTENT_TYPE, code, message);
}

/** Quotes untrusted text in a message: control characters removed, length capped (log/UI safety). */
export function quote(text: string, max = 80): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '?');
  return `« ${clean.length > max ? `${clean.slice(0, max)}…` : clean} »`;
}

/** Formats a byte count for a French message (1 048 576 octets). */
export function formatBytes(n: number): string {
  return `${Number.isFinite(n) ? n.toLocaleString('fr-FR') : String(n)} octets`;
}
