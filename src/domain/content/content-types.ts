/**
 * Declared content types (what the producer says) and sniffed ones (what the first bytes say).
 * Sniffing reads at most a few bytes at offset 0: it is O(1) whatever the document size.
 */

/** The kinds of document content the record accepts (SPEC §2). */
export const CONTENT_KINDS = ['pdf', 'jpeg', 'png', 'text', 'cda'] as const;
export type ContentKind = (typeof CONTENT_KINDS)[number];

/**
 * The content type stored and served for each kind. CDA R2 is stored as `text/xml`, the mimeType the
 * CI-SIS / IHE XDS metadata use for CDA documents (only CDA XML is accepted, so it is unambiguous).
 */
export const CANONICAL_TYPES = {
  pdf: 'application/pdf',
  jpeg: 'image/jpeg',
  png: 'image/png',
  text: 'text/plain',
  cda: 'text/xml',
} as const satisfies Record<ContentKind, string>;
export type CanonicalType = (typeof CANONICAL_TYPES)[ContentKind];

const DECLARED_TO_KIND: Readonly<Record<string, ContentKind>> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'text/plain': 'text',
  'application/xml': 'cda',
  'text/xml': 'cda',
  'application/hl7-cda+xml': 'cda',
};

export type DeclaredType = { mediaType: string; kind: ContentKind | null; charset: string | null };

const TOKEN = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/;

/**
 * Parses a declared content type (`type/subtype; charset=…`). `kind` is null when the type is
 * malformed or not accepted; `charset` is the lower-cased charset parameter, if any.
 */
export function parseDeclaredType(contentType: string): DeclaredType {
  const raw = typeof contentType === 'string' ? contentType : '';
  const [head = '', ...params] = raw.split(';');
  const mediaType = head.trim().toLowerCase();
  let charset: string | null = null;
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    if (param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    charset = param.slice(eq + 1).trim().replace(/^"(.*)"$/s, '$1').toLowerCase();
  }
  const kind = TOKEN.test(mediaType) ? (DECLARED_TO_KIND[mediaType] ?? null) : null;
  return { mediaType, kind, charset };
}

/** What the first bytes are: one of our kinds, a recognised foreign format, or unknown. */
export type Sniffed =
  | { kind: 'pdf' | 'jpeg' | 'png' | 'xml' }
  | { kind: 'foreign'; label: string }
  | { kind: 'unknown' };

const FOREIGN_SIGNATURES: ReadonlyArray<{ bytes: readonly number[]; label: string }> = [
  { bytes: [0x47, 0x49, 0x46, 0x38], label: 'une image GIF' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], label: 'une archive ZIP (ou un document Office)' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], label: 'un document Office ancien (OLE)' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], label: 'un exécutable ELF' },
  { bytes: [0x49, 0x49, 0x2a, 0x00], label: 'une image TIFF' },
  { bytes: [0x4d, 0x4d, 0x00, 0x2a], label: 'une image TIFF' },
  { bytes: [0x7b, 0x5c, 0x72, 0x74, 0x66], label: 'un document RTF' },
  { bytes: [0x1f, 0x8b], label: 'une archive gzip' },
];

export const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;

function startsWith(bytes: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (bytes.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[at + i] !== sig[i]) return false;
  return true;
}

/** Sniffs the type from the bytes at offset 0 (never further than the first whitespace run for XML). */
export function sniffContent(bytes: Uint8Array): Sniffed {
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { kind: 'pdf' }; // %PDF-
  if (startsWith(bytes, PNG_SIGNATURE)) return { kind: 'png' };
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: 'jpeg' };
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) {
    return { kind: 'foreign', label: 'une image WebP' };
  }
  for (const f of FOREIGN_SIGNATURES) if (startsWith(bytes, f.bytes)) return { kind: 'foreign', label: f.label };
  let i = startsWith(bytes, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  // Bounded: a document of only whitespace is not worth scanning to the end.
  const limit = Math.min(bytes.length, i + 1024);
  while (i < limit && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  if (bytes[i] === 0x3c) return { kind: 'xml' };
  return { kind: 'unknown' };
}

/** French label of a kind, for messages ("un PDF", "une image PNG"…). */
export function kindLabel(kind: ContentKind | 'xml'): string {
  switch (kind) {
    case 'pdf':
      return 'un PDF';
    case 'jpeg':
      return 'une image JPEG';
    case 'png':
      return 'une image PNG';
    case 'text':
      return 'du texte brut';
    case 'cda':
      return 'un document CDA R2 (XML)';
    case 'xml':
      return 'du XML';
    default:
      return kind satisfies never;
  }
}
