import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  bytesOf,
  cda,
  minimalJpeg,
  minimalPdf,
  minimalPng,
  pdfOfAbout4k,
  sampleText,
} from './__fixtures__/samples.ts';
import { CONTENT_FIELDS, CONTENT_ISSUE_CODES } from './content-issues.ts';
import { decodeBase64Strict } from './decode-base64-strict.ts';
import { verifyDocumentContent, type ContentVerification } from './verify-document-content.ts';

const MAX = 1_000_000;
const verify = (bytes: Uint8Array, contentType: string, maxBytes = MAX): ContentVerification =>
  verifyDocumentContent(bytes, { contentType, maxBytes });
const codes = (r: ContentVerification): string[] => (r.ok ? [] : r.issues.map((i) => i.code));
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

describe('verifyDocumentContent — accepted kinds', () => {
  it('accepts a PDF and gives canonical type, size and both hashes', () => {
    const pdf = minimalPdf();
    const r = verify(pdf, 'application/pdf');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.contentType).toBe('application/pdf');
    expect(r.size).toBe(pdf.length);
    expect(r.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    expect(r.sha1Base64).toBe(createHash('sha1').update(pdf).digest('base64'));
    expect(r.details).toMatchObject({ kind: 'pdf', pdfVersion: '1.4', pdfHeaderOffset: 0, pdfActiveContent: false });
  });

  it('tolerates junk before %PDF- within the first 1024 bytes, not beyond', () => {
    const junk = (n: number): Uint8Array => new Uint8Array(n).fill(0x20);
    const near = verify(concat(junk(1000), minimalPdf()), 'application/pdf');
    expect(near.ok && near.details.kind === 'pdf' && near.details.pdfHeaderOffset).toBe(1000);
    expect(codes(verify(concat(junk(1100), minimalPdf()), 'APPLICATION/PDF'))).toEqual([CONTENT_ISSUE_CODES.TYPE_MISMATCH]);
    // Markup before %PDF- is a polyglot, not tolerated junk.
    expect(codes(verify(concat(bytesOf('<html><script>x</script>'), minimalPdf()), 'application/pdf'))).toEqual(['CONTENT_TYPE_MISMATCH']);
  });

  it('accepts a PNG, a JPEG, UTF-8 text and a CDA, with details', () => {
    const png = verify(minimalPng(), 'image/png');
    expect(png.ok && png.details).toEqual({ kind: 'png', width: 2, height: 2, bitDepth: 8, colorType: 2 });
    const jpeg = verify(minimalJpeg(), 'image/jpeg');
    expect(jpeg.ok && jpeg.details).toEqual({ kind: 'jpeg', width: 3, height: 2, components: 1 });
    const text = verify(sampleText(), 'text/plain; charset="UTF-8"');
    expect(text.ok && text.contentType).toBe('text/plain');
    for (const type of ['text/xml', 'application/xml', 'application/hl7-cda+xml', 'text/xml; charset=utf-8']) {
      const r = verify(cda(), type);
      expect(r.ok && r.contentType, type).toBe('text/xml');
    }
  });

  it('accepts US-ASCII text only when every byte is ASCII', () => {
    expect(verify(bytesOf('plain ascii\n'), 'text/plain; charset=us-ascii').ok).toBe(true);
    expect(codes(verify(bytesOf('é'), 'text/plain; charset=us-ascii'))).toEqual([CONTENT_ISSUE_CODES.TEXT_INVALID_UTF8]);
  });
});

describe('verifyDocumentContent — refusals', () => {
  it('checks the size first: over maxBytes is CONTENT_TOO_LARGE whatever the bytes', () => {
    const r = verify(new Uint8Array(11), 'application/x-nothing', 10);
    expect(r).toEqual({ ok: false, issues: [expect.objectContaining({ code: 'CONTENT_TOO_LARGE', field: CONTENT_FIELDS.DATA })] });
    expect(codes(verify(minimalPdf(), 'application/pdf', Number.NaN))).toEqual(['CONTENT_TOO_LARGE']);
  });

  it('refuses empty content and unsupported declared types', () => {
    expect(codes(verify(new Uint8Array(0), 'application/pdf'))).toEqual(['CONTENT_EMPTY']);
    for (const type of ['application/zip', 'image/gif', 'text/html', '', 'pdf', 'application/pdf/x', 'image/jpg']) {
      const r = verify(minimalPdf(), type);
      expect(r.ok ? [] : r.issues, type).toEqual([
        expect.objectContaining({ code: 'CONTENT_TYPE_UNSUPPORTED', field: CONTENT_FIELDS.CONTENT_TYPE }),
      ]);
    }
  });

  it('refuses a declared type the bytes contradict, naming both in French', () => {
    const r = verify(minimalPng(), 'application/pdf');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ code: 'CONTENT_TYPE_MISMATCH', field: CONTENT_FIELDS.CONTENT_TYPE });
    expect(r.issues[0]?.message).toContain('un PDF');
    expect(r.issues[0]?.message).toContain('une image PNG');
    const cases: Array<[Uint8Array, string]> = [
      [minimalPdf(), 'image/png'],
      [minimalJpeg(), 'image/png'],
      [minimalPng(), 'image/jpeg'],
      [minimalPdf(), 'text/plain'],
      [minimalPng(), 'text/plain'],
      [minimalPdf(), 'text/xml'],
      [sampleText(), 'text/xml'],
      [cda(), 'application/pdf'],
      [bytesOf('PK\u0003\u0004 not really a zip'), 'application/pdf'],
      [bytesOf('GIF89a....'), 'image/png'],
      [sampleText(), 'image/jpeg'],
    ];
    for (const [bytes, type] of cases) expect(codes(verify(bytes, type)), type).toEqual(['CONTENT_TYPE_MISMATCH']);
    const zip = verify(bytesOf('PK\u0003\u0004'), 'application/pdf');
    expect(zip.ok ? '' : zip.issues[0]?.message).toContain('archive ZIP');
  });

  it('refuses truncated files', () => {
    const pdf = minimalPdf();
    expect(codes(verify(pdf.subarray(0, pdf.length - 10), 'application/pdf'))).toEqual(['CONTENT_TRUNCATED']);
    const png = minimalPng();
    for (const cut of [8, 20, 33, png.length - 12, png.length - 1]) {
      expect(codes(verify(png.subarray(0, cut), 'image/png')), `png cut at ${cut}`).toEqual(['CONTENT_TRUNCATED']);
    }
    const jpeg = minimalJpeg();
    for (const cut of [3, 10, 60, jpeg.length - 1, jpeg.length - 2]) {
      expect(codes(verify(jpeg.subarray(0, cut), 'image/jpeg')), `jpeg cut at ${cut}`).toEqual(['CONTENT_TRUNCATED']);
    }
  });

  it('refuses structurally broken images and trailing data after PNG IEND', () => {
    const png = Buffer.from(minimalPng());
    expect(codes(verify(concat(png, bytesOf('<script>')), 'image/png'))).toEqual(['CONTENT_PNG_INVALID']);
    const badCrc = Buffer.from(png);
    badCrc[20] = 3; // IHDR height changed, CRC not
    expect(codes(verify(badCrc, 'image/png'))).toEqual(['CONTENT_PNG_INVALID']);
    const noIhdr = Buffer.concat([png.subarray(0, 8), png.subarray(33)]);
    expect(codes(verify(noIhdr, 'image/png'))).toEqual(['CONTENT_PNG_INVALID']);
    const jpeg = Buffer.from(minimalJpeg());
    const noSof = Buffer.concat([jpeg.subarray(0, 2), jpeg.subarray(jpeg.indexOf(Buffer.from([0xff, 0xda])))]);
    expect(codes(verify(noSof, 'image/jpeg'))).toEqual(['CONTENT_JPEG_INVALID']);
  });

  it('refuses text with NUL bytes, invalid UTF-8 or another charset', () => {
    expect(codes(verify(bytesOf('a\u0000b'), 'text/plain'))).toEqual(['CONTENT_TEXT_NUL_BYTE']);
    for (const bad of [[0xc3], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf5, 0x80, 0x80, 0x80], [0xff]]) {
      expect(codes(verify(concat(bytesOf('ok '), new Uint8Array(bad)), 'text/plain')), String(bad)).toEqual(['CONTENT_TEXT_INVALID_UTF8']);
    }
    const latin1 = verify(bytesOf('abc'), 'text/plain; charset=ISO-8859-1');
    expect(latin1.ok ? [] : latin1.issues).toEqual([
      expect.objectContaining({ code: 'CONTENT_TEXT_CHARSET_UNSUPPORTED', field: CONTENT_FIELDS.CONTENT_TYPE }),
    ]);
  });

  it('refuses PDFs with JavaScript or Launch actions, even with escaped names; flags them when allowed', () => {
    const js = minimalPdf('<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>');
    expect(codes(verify(js, 'application/pdf'))).toEqual(['CONTENT_PDF_ACTIVE_CONTENT']);
    const escaped = minimalPdf('<< /S /J#61vaScript /JS (x) >>');
    expect(codes(verify(escaped, 'application/pdf'))).toEqual(['CONTENT_PDF_ACTIVE_CONTENT']);
    const launch = minimalPdf('<< /S /Launch /F (calc.exe) >>');
    const r = verify(launch, 'application/pdf');
    expect(r.ok ? '' : r.issues[0]?.message).toContain('/Launch');
    const allowed = verifyDocumentContent(js, { contentType: 'application/pdf', maxBytes: MAX }, { allowPdfActiveContent: true });
    expect(allowed.ok && allowed.details).toMatchObject({ pdfActiveContent: true, pdfActiveContentNames: ['JavaScript'] });
    // Not active: longer names, and the name only inside a string.
    expect(verify(minimalPdf('<< /JavaScriptX 1 /LaunchPad 2 >>'), 'application/pdf').ok).toBe(true);
  });

  it('flags compressed object streams, whose names are not inspected', () => {
    const r = verify(minimalPdf('<< /Type /ObjStm /N 0 /First 0 /Length 0 >>'), 'application/pdf');
    expect(r.ok && r.details.kind === 'pdf' && r.details.pdfObjectStreams).toBe(true);
  });

  it('every issue has a CONTENT_ code, a known field and a French message', () => {
    const inputs: Array<[Uint8Array, string]> = [
      [new Uint8Array(0), 'application/pdf'],
      [minimalPng(), 'application/pdf'],
      [minimalPng().subarray(0, 30), 'image/png'],
      [bytesOf('\u0000'), 'text/plain'],
      [bytesOf('<x/>'), 'text/xml'],
    ];
    for (const [bytes, type] of inputs) {
      const r = verify(bytes, type);
      expect(r.ok).toBe(false);
      for (const i of r.ok ? [] : r.issues) {
        expect(i.code).toMatch(/^CONTENT_[A-Z0-9_]+$/);
        expect(Object.values(CONTENT_FIELDS)).toContain(i.field);
        expect(i.message).toMatch(/[a-zé]/);
      }
    }
  });

  it('issue codes are unique and prefixed', () => {
    const values = Object.values(CONTENT_ISSUE_CODES);
    expect(new Set(values).size).toBe(values.length);
    for (const v of values) expect(v).toMatch(/^CONTENT_[A-Z0-9_]+$/);
  });
});

describe('verifyDocumentContent — feed-path performance', () => {
  it('decodes and verifies 4 KB PDFs far above 600 documents per second', () => {
    const payloads = Array.from({ length: 50 }, (_, i) => Buffer.from(pdfOfAbout4k(i + 1)).toString('base64'));
    const runs = 3000;
    const start = performance.now();
    for (let i = 0; i < runs; i++) {
      const decoded = decodeBase64Strict(payloads[i % payloads.length] as string, MAX);
      if (!decoded.ok) throw new Error('decode failed');
      if (!verify(decoded.value, 'application/pdf').ok) throw new Error('verify failed');
    }
    const perSecond = runs / ((performance.now() - start) / 1000);
    console.info(`[content] decode + verify of ~4 KB PDFs: ${Math.round(perSecond)} docs/s`);
    expect(perSecond).toBeGreaterThan(600);
  });
});
