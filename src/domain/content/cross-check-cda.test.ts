import { describe, expect, it } from 'vitest';
import { cda, SAMPLE_INS } from './__fixtures__/samples.ts';
import type { CdaDetails } from './check-cda.ts';
import { crossCheckCda } from './cross-check-cda.ts';
import { verifyDocumentContent } from './verify-document-content.ts';

function details(options: Parameters<typeof cda>[0] = {}): CdaDetails {
  const r = verifyDocumentContent(cda(options), { contentType: 'text/xml', maxBytes: 1e6 });
  if (!r.ok || r.details.kind !== 'cda') throw new Error('fixture CDA must verify');
  return r.details;
}
const codes = (issues: { code: string }[]): string[] => issues.map((i) => i.code);

describe('crossCheckCda', () => {
  it('passes when the INS and the type code match the metadata (spaces and case ignored)', () => {
    expect(crossCheckCda(details(), { ins: SAMPLE_INS, typeCode: '11488-4' })).toEqual([]);
    expect(crossCheckCda(details(), { ins: '2 55 08 14 168 025 38', typeCode: ' 11488-4 ', typeSystem: 'http://loinc.org', level: 'N' })).toEqual([]);
    expect(crossCheckCda(details(), { ins: SAMPLE_INS, typeCode: '11488-4', typeSystem: 'urn:oid:2.16.840.1.113883.6.1' })).toEqual([]);
    expect(crossCheckCda(details({ insOid: '1.2.250.1.213.1.4.10' }), { ins: SAMPLE_INS, typeCode: '11488-4' })).toEqual([]);
  });

  it('refuses a CDA whose INS is another patient, without echoing either INS', () => {
    const issues = crossCheckCda(details({ ins: '180012B01234567' }), { ins: SAMPLE_INS, typeCode: '11488-4' });
    expect(codes(issues)).toEqual(['CONTENT_CDA_INS_MISMATCH']);
    expect(issues[0]?.field).toBe('content.attachment.data');
    expect(issues[0]?.message).not.toContain(SAMPLE_INS);
    expect(issues[0]?.message).not.toContain('180012B01234567');
  });

  it('refuses a CDA without INS (only local ids, or the obsolete INS-C OID)', () => {
    expect(codes(crossCheckCda(details({ insOid: '1.2.250.1.999.3' }), { ins: SAMPLE_INS, typeCode: '11488-4' }))).toEqual(['CONTENT_CDA_INS_MISSING']);
    expect(codes(crossCheckCda(details({ insOid: '1.2.250.1.213.1.4.2' }), { ins: SAMPLE_INS, typeCode: '11488-4' }))).toEqual(['CONTENT_CDA_INS_MISSING']);
  });

  it('refuses a type code or code system that differs from the metadata, and a missing code', () => {
    const wrong = crossCheckCda(details({ code: '11502-2' }), { ins: SAMPLE_INS, typeCode: '11488-4' });
    expect(codes(wrong)).toEqual(['CONTENT_CDA_TYPE_CODE_MISMATCH']);
    expect(wrong[0]?.message).toContain('11502-2');
    expect(wrong[0]?.message).toContain('11488-4');
    expect(codes(crossCheckCda(details(), { ins: SAMPLE_INS, typeCode: '11488-4', typeSystem: '1.2.250.1.213.1.1.4.12' }))).toEqual([
      'CONTENT_CDA_TYPE_CODE_MISMATCH',
    ]);
    const noCode = { ...details(), code: null };
    expect(codes(crossCheckCda(noCode, { ins: SAMPLE_INS, typeCode: '11488-4' }))).toEqual(['CONTENT_CDA_CODE_MISSING']);
  });

  it('checks the confidentiality level only when asked, and reports every problem at once', () => {
    expect(codes(crossCheckCda(details({ confidentiality: 'V' }), { ins: SAMPLE_INS, typeCode: '11488-4' }))).toEqual([]);
    const all = crossCheckCda(details({ confidentiality: 'V', code: 'X', ins: '180012B01234567' }), {
      ins: SAMPLE_INS,
      typeCode: '11488-4',
      level: 'N',
    });
    expect(codes(all)).toEqual(['CONTENT_CDA_INS_MISMATCH', 'CONTENT_CDA_TYPE_CODE_MISMATCH', 'CONTENT_CDA_CONFIDENTIALITY_MISMATCH']);
  });
});
