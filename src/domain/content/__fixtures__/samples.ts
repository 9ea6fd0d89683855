import { crc32, deflateSync } from 'node:zlib';

/**
 * Tiny valid documents of each accepted kind, built byte by byte for the tests and the fuzz seeds
 * (test-only: nothing in src/ imports this folder).
 */

const enc = new TextEncoder();
export const bytesOf = (text: string): Uint8Array => enc.encode(text);

/** A one-page PDF 1.4 with a correct xref table. `extraObject` is inserted as object 4. */
export function minimalPdf(extraObject?: string): Uint8Array {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
    ...(extraObject ? [extraObject] : []),
  ];
  let body = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((obj, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${obj}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) body += `${String(o).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(body, 'latin1'));
}

/** A ~4 KB PDF like the feed benchmark's (pseudo-random stream data), but complete. */
export function pdfOfAbout4k(seed = 1): Uint8Array {
  let x = seed >>> 0 || 1;
  const data = Buffer.alloc(3600);
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 0xff;
  }
  const head = Buffer.from(`%PDF-1.7\n1 0 obj\n<< /Length ${data.length} >>\nstream\n`, 'latin1');
  const tail = Buffer.from('\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n', 'latin1');
  return new Uint8Array(Buffer.concat([head, data, tail]));
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export const PNG_SIGNATURE_BYTES = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A real 2×2 RGB PNG (decodable by any viewer). */
export function minimalPng(): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0);
  ihdr.writeUInt32BE(2, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const raw = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  return new Uint8Array(
    Buffer.concat([
      Buffer.from(PNG_SIGNATURE_BYTES),
      pngChunk('IHDR', ihdr),
      pngChunk('tEXt', Buffer.from('Comment\0OpenMES', 'latin1')),
      pngChunk('IDAT', deflateSync(raw)),
      pngChunk('IEND', new Uint8Array(0)),
    ]),
  );
}

/**
 * A structurally complete baseline JPEG header (SOI, APP0 JFIF, DQT, SOF0 3×2, DHT, SOS), a few bytes of
 * entropy-coded data and EOI. The checker walks markers only, so the scan data need not decode.
 */
export function minimalJpeg(): Uint8Array {
  const seg = (marker: number, payload: number[]): number[] => [0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff, ...payload];
  return new Uint8Array([
    0xff, 0xd8,
    ...seg(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...seg(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    ...seg(0xc0, [8, 0, 2, 0, 3, 1, 1, 0x11, 0]),
    ...seg(0xc4, [0x00, 1, ...new Array<number>(15).fill(0), 0]),
    ...seg(0xda, [1, 1, 0x00, 0, 63, 0]),
    0x12, 0x34, 0xff, 0x00, 0x56,
    0xff, 0xd9,
  ]);
}

export type CdaOptions = {
  ins?: string;
  insOid?: string;
  code?: string;
  title?: string;
  confidentiality?: string;
  typeId?: string;
  root?: string;
  prolog?: string;
  body?: string;
};

export const SAMPLE_INS = '255081416802538';

/** A small CI-SIS-like CDA R2 (N1 header, structured body) as a string. */
export function cdaXml(o: CdaOptions = {}): string {
  const root = o.root ?? 'ClinicalDocument';
  return `${o.prolog ?? '<?xml version="1.0" encoding="UTF-8"?>'}
<${root} xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <realmCode code="FR"/>
  <typeId root="2.16.840.1.113883.1.3" extension="${o.typeId ?? 'POCD_HD000040'}"/>
  <templateId root="2.16.840.1.113883.2.8.2.1"/>
  <templateId root="1.2.250.1.213.1.1.1.1"/>
  <id root="1.2.250.1.999.1" extension="DOC-0001"/>
  <code code="${o.code ?? '11488-4'}" codeSystem="2.16.840.1.113883.6.1" displayName="Note de consultation"/>
  <title>${o.title ?? 'Compte rendu de consultation'}</title>
  <effectiveTime value="20240115103000+0100"/>
  <confidentialityCode code="${o.confidentiality ?? 'N'}" codeSystem="2.16.840.1.113883.5.25"/>
  <languageCode code="fr-FR"/>
  <setId root="1.2.250.1.999.1" extension="SET-0001"/>
  <versionNumber value="1"/>
  <recordTarget>
    <patientRole>
      <id root="${o.insOid ?? '1.2.250.1.213.1.4.8'}" extension="${o.ins ?? SAMPLE_INS}"/>
      <id root="1.2.250.1.999.2" extension="IPP-42"/>
      <patient><name><given>Jeanne</given><family qualifier="BR">Martin</family></name></patient>
    </patientRole>
  </recordTarget>
  <component>
    ${o.body ?? '<structuredBody><component><section><title>Motif</title><text>Contrôle &amp; suivi &#233;</text></section></component></structuredBody>'}
  </component>
</${root}>
`;
}

export const cda = (o: CdaOptions = {}): Uint8Array => bytesOf(cdaXml(o));

export const sampleText = (): Uint8Array => bytesOf('Ordonnance : paracétamol 1 g, 3 fois par jour.\nÀ renouveler 1 fois. — Dr Martin ✓\n');

/** Seeds of each kind with the declared type that fits them (used by the fuzz loop). */
export function seedCorpus(): Array<{ name: string; contentType: string; bytes: Uint8Array }> {
  return [
    { name: 'pdf', contentType: 'application/pdf', bytes: minimalPdf() },
    { name: 'pdf-4k', contentType: 'application/pdf', bytes: pdfOfAbout4k() },
    { name: 'png', contentType: 'image/png', bytes: minimalPng() },
    { name: 'jpeg', contentType: 'image/jpeg', bytes: minimalJpeg() },
    { name: 'text', contentType: 'text/plain; charset=utf-8', bytes: sampleText() },
    { name: 'cda', contentType: 'text/xml', bytes: cda() },
    {
      name: 'cda-n1',
      contentType: 'application/hl7-cda+xml',
      bytes: cda({ body: '<nonXMLBody><text mediaType="application/pdf" representation="B64">JVBERi0xLjQK</text></nonXMLBody>' }),
    },
  ];
}
