import { describe, expect, it } from 'vitest';
import { parseBinary } from './binary-input.ts';

const BASE = 'https://openmes.example/fhir/R4';
const PATIENT = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
const binary = (extra: Record<string, unknown> = {}) => ({
  resourceType: 'Binary', contentType: 'application/pdf', securityContext: { reference: `Patient/${PATIENT}` }, data: Buffer.from('%PDF-1.4 x').toString('base64'), ...extra,
});
const codes = (r: ReturnType<typeof parseBinary>) => (r.ok ? [] : r.issues.map((i) => `${i.field}:${i.code}`));

describe('parseBinary (POST Binary, staged content)', () => {
  it('reads the patient, the declared type and the bytes', () => {
    expect(parseBinary(binary(), { maxBytes: 100, baseUrl: BASE })).toEqual({ ok: true, input: { dossierId: PATIENT, contentType: 'application/pdf', bytes: new Uint8Array(Buffer.from('%PDF-1.4 x')) } });
  });

  it('accepts the patient as an absolute reference under the server base, not under another', () => {
    expect(parseBinary(binary({ securityContext: { reference: `${BASE}/Patient/${PATIENT.toUpperCase()}` } }), { maxBytes: 100, baseUrl: BASE })).toMatchObject({ ok: true, input: { dossierId: PATIENT } });
    expect(codes(parseBinary(binary({ securityContext: { reference: `https://ailleurs.example/fhir/Patient/${PATIENT}` } }), { maxBytes: 100, baseUrl: BASE }))).toEqual(['Binary.securityContext:FHIR_REQUIRED']);
  });

  it('names each problem: unknown element, modifier, missing type, patient not of this server, bad base64', () => {
    const r = parseBinary({ resourceType: 'Binary', securityContext: { reference: 'Patient/12' }, data: 'a$b=', implicitRules: 'x', foo: 1 }, { maxBytes: 100 });
    expect(codes(r).sort()).toEqual([
      'Binary.contentType:FHIR_REQUIRED', 'Binary.data:FHIR_BASE64', 'Binary.foo:FHIR_UNKNOWN_ELEMENT', 'Binary.implicitRules:FHIR_MODIFIER_UNSUPPORTED',
      'Binary.securityContext.reference:FHIR_REFERENCE',
    ]);
  });

  it('refuses content above the size limit before decoding it, and anything that is not a Binary', () => {
    expect(codes(parseBinary(binary({ data: Buffer.alloc(64).toString('base64') }), { maxBytes: 32 }))).toEqual(['Binary.data:FHIR_CONTENT_TOO_LARGE']);
    expect(codes(parseBinary({ resourceType: 'DocumentReference' }, { maxBytes: 32 }))).toEqual(['Binary.resourceType:FHIR_RESOURCE_TYPE']);
    expect(codes(parseBinary(binary({ securityContext: { reference: `Patient/${PATIENT}`, identifier: { value: 'x' } } }), { maxBytes: 100 }))).toEqual(['Binary.securityContext:FHIR_REQUIRED']);
  });
});
