import type { ValidationIssue } from '../validation-issue.ts';
import { asBuffer, type Checked } from './checked.ts';
import { CONTENT_ISSUE_CODES as C, dataIssue } from './content-issues.ts';

export type PdfDetails = {
  kind: 'pdf';
  /** Version from the header (`%PDF-1.7` → `1.7`). */
  pdfVersion: string;
  /** Offset of `%PDF-` (0 unless the producer left junk before it; the PDF spec tolerates 1024 bytes). */
  pdfHeaderOffset: number;
  /** A `/JavaScript` or `/Launch` action name was found (see `scanPdfNames`). */
  pdfActiveContent: boolean;
  pdfActiveContentNames: string[];
  /** The file has compressed object streams (`/ObjStm`, PDF ≥ 1.5): names inside them were not seen. */
  pdfObjectStreams: boolean;
};

const HEADER_WINDOW = 1024;
const TRAILER_WINDOW = 1024;

/** Finds `%PDF-` starting within the first 1024 bytes; -1 when absent. O(1024). */
export function findPdfHeader(bytes: Uint8Array): number {
  const view = asBuffer(bytes);
  return view.subarray(0, HEADER_WINDOW + 4).indexOf('%PDF-', 0, 'latin1');
}

/**
 * Checks a PDF: header with version, `%%EOF` within the last 1024 bytes, and active content. A PDF
 * with a `/JavaScript` or `/Launch` action is refused (CONTENT_PDF_ACTIVE_CONTENT) unless
 * `allowActiveContent`: a national record serves documents to every professional's browser and reader,
 * and a document has no business running code or launching programs there.
 */
export function checkPdf(bytes: Uint8Array, options: { allowActiveContent: boolean }): Checked<PdfDetails> {
  const view = asBuffer(bytes);
  const header = findPdfHeader(bytes);
  if (header < 0) {
    return fail(dataIssue(C.PDF_INVALID, "L'en-tête %PDF- est absent des 1024 premiers octets : ce n'est pas un PDF."));
  }
  const version = /^%PDF-(\d\.\d)/.exec(view.toString('latin1', header, header + 8))?.[1];
  if (version === undefined) {
    return fail(dataIssue(C.PDF_INVALID, "L'en-tête du PDF doit indiquer sa version (par exemple %PDF-1.7)."));
  }
  const tailStart = Math.max(header + 5, bytes.length - TRAILER_WINDOW);
  if (view.subarray(tailStart).lastIndexOf('%%EOF', undefined, 'latin1') < 0) {
    return fail(
      dataIssue(
        C.TRUNCATED,
        'Le marqueur de fin %%EOF est absent des 1024 derniers octets du PDF : le fichier semble tronqué.',
      ),
    );
  }
  const names = scanPdfNames(bytes);
  const active = [...names.active];
  if (active.length > 0 && !options.allowActiveContent) {
    return fail(
      dataIssue(
        C.PDF_ACTIVE_CONTENT,
        `Le PDF contient du contenu actif (${active.map((n) => `/${n}`).join(', ')}) : les actions JavaScript ` +
          "et de lancement de programme sont refusées dans le dossier. Enregistrez le document en PDF/A ou " +
          'sans scripts.',
      ),
    );
  }
  return {
    ok: true,
    details: {
      kind: 'pdf',
      pdfVersion: version,
      pdfHeaderOffset: header,
      pdfActiveContent: active.length > 0,
      pdfActiveContentNames: active,
      pdfObjectStreams: names.objectStreams,
    },
  };
}

/** Names that make a PDF active: an action of type JavaScript or Launch needs one of them (`/S /…`). */
const ACTIVE_NAMES = new Set(['JavaScript', 'Launch']);
const MAX_NAME = 64;

/**
 * One pass over the whole file (native `indexOf` jumps from `/` to `/`), decoding `#xx` escapes so
 * `/J#61vaScript` is caught. `/JS` alone is not flagged: it is meaningless without `/S /JavaScript`,
 * and three bytes would give false positives in large binary streams. Limit (documented): names inside
 * compressed object streams are not decompressed; `objectStreams` tells the caller the scan was partial.
 */
export function scanPdfNames(bytes: Uint8Array): { active: Set<string>; objectStreams: boolean } {
  const view = asBuffer(bytes);
  const active = new Set<string>();
  let objectStreams = false;
  let i = view.indexOf(0x2f);
  while (i >= 0) {
    const first = view[i + 1];
    // Only J(avaScript), L(aunch), O(bjStm) or an escape can start a name we look for.
    if (first === 0x4a || first === 0x4c || first === 0x4f || first === 0x23) {
      const name = readName(view, i + 1);
      if (ACTIVE_NAMES.has(name)) active.add(name);
      else if (name === 'ObjStm') objectStreams = true;
    }
    i = view.indexOf(0x2f, i + 1);
  }
  return { active, objectStreams };
}

function isRegular(b: number): boolean {
  // Whitespace: NUL TAB LF FF CR SP; delimiters: ( ) < > [ ] { } / %
  return !(
    b === 0x00 || b === 0x09 || b === 0x0a || b === 0x0c || b === 0x0d || b === 0x20 ||
    b === 0x28 || b === 0x29 || b === 0x3c || b === 0x3e || b === 0x5b || b === 0x5d ||
    b === 0x7b || b === 0x7d || b === 0x2f || b === 0x25
  );
}

function hexValue(b: number | undefined): number {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

function readName(view: Uint8Array, start: number): string {
  let out = '';
  let i = start;
  while (i < view.length && out.length <= MAX_NAME) {
    const b = view[i] as number;
    if (!isRegular(b)) break;
    const hi = b === 0x23 ? hexValue(view[i + 1]) : -1;
    const lo = hi >= 0 ? hexValue(view[i + 2]) : -1;
    if (lo >= 0) {
      out += String.fromCharCode(hi * 16 + lo);
      i += 3;
    } else {
      out += String.fromCharCode(b);
      i += 1;
    }
  }
  return out;
}

function fail<D>(...issues: ValidationIssue[]): Checked<D> {
  return { ok: false, issues };
}
