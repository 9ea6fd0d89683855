import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bytesOf, cda, cdaXml, SAMPLE_INS } from './__fixtures__/samples.ts';
import { XML_LIMITS } from './check-cda.ts';
import { verifyDocumentContent, type ContentVerification } from './verify-document-content.ts';

const verifyXml = (xml: string | Uint8Array, contentType = 'text/xml'): ContentVerification =>
  verifyDocumentContent(typeof xml === 'string' ? bytesOf(xml) : xml, { contentType, maxBytes: 50_000_000 });
const codes = (r: ContentVerification): string[] => (r.ok ? [] : r.issues.map((i) => i.code));
const V3 = 'xmlns="urn:hl7-org:v3"';

describe('CDA R2 header extraction', () => {
  it('extracts typeId, templateIds, code, title, effectiveTime, confidentiality and patient ids', () => {
    const r = verifyXml(cda({ title: ' Compte  rendu\n <![CDATA[& suivi]]> ' }));
    expect(r.ok).toBe(true);
    if (!r.ok || r.details.kind !== 'cda') return;
    expect(r.details).toMatchObject({
      typeId: { root: '2.16.840.1.113883.1.3', extension: 'POCD_HD000040' },
      templateIds: [
        { root: '2.16.840.1.113883.2.8.2.1', extension: null },
        { root: '1.2.250.1.213.1.1.1.1', extension: null },
      ],
      documentId: { root: '1.2.250.1.999.1', extension: 'DOC-0001' },
      setId: { root: '1.2.250.1.999.1', extension: 'SET-0001' },
      versionNumber: '1',
      code: { code: '11488-4', codeSystem: '2.16.840.1.113883.6.1', displayName: 'Note de consultation' },
      title: 'Compte rendu & suivi',
      effectiveTime: '20240115103000+0100',
      confidentialityCode: { code: 'N', codeSystem: '2.16.840.1.113883.5.25' },
      languageCode: 'fr-FR',
      patientIds: [
        { root: '1.2.250.1.213.1.4.8', extension: SAMPLE_INS },
        { root: '1.2.250.1.999.2', extension: 'IPP-42' },
      ],
      body: 'structured',
      nonXmlBodyMediaType: null,
    });
    // The section title deeper in the body does not replace the header title.
    expect(r.details.elementCount).toBeGreaterThan(20);
  });

  it('reads the media type of a non-XML body (N1) and accepts a UTF-8 BOM and a prefixed root', () => {
    const n1 = cda({ body: '<nonXMLBody><text mediaType="application/pdf" representation="B64">JVBERi0=</text></nonXMLBody>' });
    const r = verifyXml(new Uint8Array([0xef, 0xbb, 0xbf, ...n1]));
    expect(r.ok && r.details.kind === 'cda' && [r.details.body, r.details.nonXmlBodyMediaType]).toEqual(['nonXml', 'application/pdf']);
    const prefixed = cdaXml()
      .replace('<ClinicalDocument xmlns="urn:hl7-org:v3"', '<hl7:ClinicalDocument xmlns:hl7="urn:hl7-org:v3" xmlns="urn:hl7-org:v3"')
      .replace('</ClinicalDocument>', '</hl7:ClinicalDocument>');
    expect(verifyXml(prefixed).ok).toBe(true);
  });

  it('refuses a wrong root, a root outside the HL7 v3 namespace and a wrong typeId', () => {
    expect(codes(verifyXml(cda({ root: 'Bundle' })))).toEqual(['CONTENT_CDA_ROOT_INVALID']);
    expect(codes(verifyXml('<ClinicalDocument xmlns="urn:hl7-org:v2"/>'))).toEqual(['CONTENT_CDA_ROOT_INVALID']);
    expect(codes(verifyXml('<ClinicalDocument/>'))).toEqual(['CONTENT_CDA_ROOT_INVALID']);
    expect(codes(verifyXml(cda({ typeId: 'POCD_HD000041' })))).toEqual(['CONTENT_CDA_TYPE_ID_INVALID']);
    expect(codes(verifyXml(`<ClinicalDocument ${V3}/>`))).toEqual(['CONTENT_CDA_TYPE_ID_INVALID']);
  });

  it('reports malformed XML with line and column', () => {
    const r = verifyXml(`<ClinicalDocument ${V3}>\n  <title>x</title>\n  <code>\n</ClinicalDocument>`);
    expect(codes(r)).toEqual(['CONTENT_XML_MALFORMED']);
    expect(r.ok ? '' : r.issues[0]?.message).toMatch(/ligne 4, colonne \d+/);
    for (const bad of [
      `<ClinicalDocument ${V3}>&nbsp;</ClinicalDocument>`,
      `<ClinicalDocument ${V3}><x:y/></ClinicalDocument>`,
      `<ClinicalDocument ${V3} a="1" a="2"/>`,
      `<ClinicalDocument ${V3}/>trailing`,
      `<ClinicalDocument ${V3}><![CDATA[ x </ClinicalDocument>`,
      `<ClinicalDocument ${V3}>\u0001</ClinicalDocument>`,
      '<',
      '<ClinicalDocument',
    ]) {
      expect(codes(verifyXml(bad)), bad).toEqual(['CONTENT_XML_MALFORMED']);
    }
  });

  it('accepts UTF-8 only', () => {
    expect(codes(verifyXml(cda({ prolog: '<?xml version="1.0" encoding="ISO-8859-1"?>' })))).toEqual([
      'CONTENT_XML_ENCODING_UNSUPPORTED',
    ]);
    expect(codes(verifyXml(new Uint8Array([0x3c, 0x61, 0xe9, 0x3e])))).toEqual(['CONTENT_XML_ENCODING_UNSUPPORTED']);
    const utf16 = new Uint8Array(Buffer.from(`\ufeff${cdaXml({ prolog: '' })}`, 'utf16le'));
    expect(codes(verifyXml(utf16))).toEqual(['CONTENT_TYPE_MISMATCH']); // FF FE is no XML start in UTF-8
    expect(codes(verifyXml(cda(), 'text/xml; charset=iso-8859-1'))).toEqual(['CONTENT_XML_ENCODING_UNSUPPORTED']);
  });
});

describe('XML safety (RELIABILITY §R10)', () => {
  let server: Server;
  let port = 0;
  let hits = 0;
  const secret = `openmes-canary-${process.pid}-${Date.now()}`;
  const secretFile = join(tmpdir(), `${secret}.txt`);

  beforeAll(async () => {
    fs.writeFileSync(secretFile, secret);
    server = createServer((_req, res) => {
      hits++;
      res.end(secret);
    });
    server.on('connection', () => hits++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });
  afterAll(async () => {
    fs.rmSync(secretFile, { force: true });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('refuses every DOCTYPE and never reads a file or opens a connection (XXE, external DTD, XInclude)', async () => {
    const spies = [
      vi.spyOn(fs, 'readFileSync'),
      vi.spyOn(fs, 'openSync'),
      vi.spyOn(fs, 'readFile'),
      vi.spyOn(fs, 'createReadStream'),
      vi.spyOn(fs.promises, 'readFile'),
      vi.spyOn(fs.promises, 'open'),
    ];
    const url = `http://127.0.0.1:${port}/xxe`;
    const attacks = [
      `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><ClinicalDocument ${V3}>&e;</ClinicalDocument>`,
      `<!DOCTYPE x [<!ENTITY e SYSTEM "file://${secretFile}">]><ClinicalDocument ${V3}><title>&e;</title></ClinicalDocument>`,
      `<!DOCTYPE x [<!ENTITY e SYSTEM "${url}">]><ClinicalDocument ${V3}>&e;</ClinicalDocument>`,
      `<!DOCTYPE ClinicalDocument SYSTEM "${url}/external.dtd"><ClinicalDocument ${V3}/>`,
      `<!DOCTYPE x [<!ENTITY % p SYSTEM "${url}/param.dtd"> %p;]><ClinicalDocument ${V3}/>`,
      `<?xml version="1.0"?>\n<!DOCTYPE x PUBLIC "-//X//EN" "${url}/public.dtd">\n<ClinicalDocument ${V3}/>`,
      `<ClinicalDocument ${V3}/><!DOCTYPE late>`,
      `<ClinicalDocument ${V3}><!DOCTYPE inner></ClinicalDocument>`,
      `<!doctype x><ClinicalDocument ${V3}/>`,
      `<?xml version="1.0"?><!DOCTYPE x [ <!ENTITY a "unterminated`,
    ];
    for (const xml of attacks) {
      const r = verifyXml(xml);
      expect(codes(r), xml).toEqual(['CONTENT_XML_DTD_FORBIDDEN']);
      expect(JSON.stringify(r)).not.toContain(secret);
      expect(JSON.stringify(r)).not.toContain('root:');
    }
    // No DTD at all: XInclude and stylesheet PIs are plain markup to us, never followed.
    const inert = cda({
      prolog: `<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet type="text/xsl" href="${url}/cda.xsl"?>`,
      body: `<structuredBody xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file://${secretFile}" parse="text"/><xi:include href="${url}/inc"/></structuredBody>`,
    });
    const ok = verifyXml(inert);
    expect(ok.ok).toBe(true);
    expect(JSON.stringify(ok)).not.toContain(secret);
    expect(codes(verifyXml(`<ClinicalDocument ${V3}><title>&e;</title></ClinicalDocument>`))).toEqual(['CONTENT_XML_MALFORMED']);

    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hits).toBe(0);
    for (const spy of spies) {
      expect(spy).not.toHaveBeenCalled();
      spy.mockRestore();
    }
  });

  it('does not mistake DOCTYPE text in a comment or CDATA for a DTD', () => {
    const r = verifyXml(cda({ body: '<!-- <!DOCTYPE x> --><structuredBody><component><section><text><![CDATA[<!DOCTYPE y>]]></text></section></component></structuredBody>' }));
    expect(r.ok).toBe(true);
  });

  it('refuses billion laughs at once', () => {
    const entities = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [${entities.join('')}]><ClinicalDocument ${V3}>&lol9;</ClinicalDocument>`;
    const start = performance.now();
    expect(codes(verifyXml(bomb))).toEqual(['CONTENT_XML_DTD_FORBIDDEN']);
    // Without the DTD the reference is merely undefined: nothing to expand.
    expect(codes(verifyXml(`<ClinicalDocument ${V3}>${'&lol9;'.repeat(1000)}</ClinicalDocument>`))).toEqual(['CONTENT_XML_MALFORMED']);
    expect(performance.now() - start).toBeLessThan(200);
  });

  it('refuses deep nesting at the depth limit, quickly', () => {
    const depth = 10_000;
    const deep = `<ClinicalDocument ${V3}>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</ClinicalDocument>`;
    const start = performance.now();
    const r = verifyXml(deep);
    expect(codes(r)).toEqual(['CONTENT_XML_TOO_DEEP']);
    expect(r.ok ? '' : r.issues[0]?.message).toContain(String(XML_LIMITS.maxDepth));
    expect(performance.now() - start).toBeLessThan(500);
    const justBelow = `<ClinicalDocument ${V3}>${'<a>'.repeat(XML_LIMITS.maxDepth - 1)}${'</a>'.repeat(XML_LIMITS.maxDepth - 1)}</ClinicalDocument>`;
    expect(codes(verifyXml(justBelow))).toEqual(['CONTENT_CDA_TYPE_ID_INVALID']); // well-formed and within limits
  });

  it('caps attribute counts, attribute length and element counts', () => {
    const attrs = Array.from({ length: XML_LIMITS.maxAttributesPerElement + 1 }, (_, i) => `a${i}="x"`).join(' ');
    expect(codes(verifyXml(`<ClinicalDocument ${V3}><x ${attrs}/></ClinicalDocument>`))).toEqual(['CONTENT_XML_TOO_MANY_ATTRIBUTES']);
    const long = 'x'.repeat(XML_LIMITS.maxAttributeValueLength + 1);
    expect(codes(verifyXml(`<ClinicalDocument ${V3}><x a="${long}"/></ClinicalDocument>`))).toEqual(['CONTENT_XML_ATTRIBUTE_TOO_LONG']);
    const many = `<ClinicalDocument ${V3}>${'<a/>'.repeat(100)}</ClinicalDocument>`;
    const r = verifyDocumentContent(bytesOf(many), { contentType: 'text/xml', maxBytes: 1e6 }, { xmlLimits: { maxElements: 50 } });
    expect(codes(r)).toEqual(['CONTENT_XML_TOO_MANY_ELEMENTS']);
    // A bad override never disables a limit.
    const lax = verifyDocumentContent(bytesOf(many), { contentType: 'text/xml', maxBytes: 1e6 }, {
      xmlLimits: { maxElements: Number.NaN, maxDepth: undefined as unknown as number },
    });
    expect(codes(lax)).toEqual(['CONTENT_CDA_TYPE_ID_INVALID']);
  });
});
