/**
 * Document content verification (SPEC §2, RELIABILITY §R10): pure checks of the bytes fed into the
 * record — declared vs sniffed type, format structure, safe XML for CDA R2 — plus strict base64.
 */
export { verifyDocumentContent } from './verify-document-content.ts';
export type { ContentDetails, ContentVerification, VerifiedContent, VerifyContentOptions } from './verify-document-content.ts';
export { decodeBase64Strict } from './decode-base64-strict.ts';
export { crossCheckCda, type CdaExpectations } from './cross-check-cda.ts';
export { CONTENT_FIELDS, CONTENT_ISSUE_CODES, type ContentIssueCode } from './content-issues.ts';
export { CANONICAL_TYPES, CONTENT_KINDS, type CanonicalType, type ContentKind } from './content-types.ts';
export { CDA_TYPE_ID, HL7_V3_NAMESPACE, XML_LIMITS, type CdaCode, type CdaDetails, type InstanceIdentifier, type XmlLimits } from './check-cda.ts';
export type { PdfDetails } from './check-pdf.ts';
export type { JpegDetails, PngDetails } from './check-image.ts';
export type { TextDetails } from './check-text.ts';
