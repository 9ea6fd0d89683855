import { describe, expect, it } from 'vitest';
import { mapExternalClaims } from './external-identity.ts';

describe('mapExternalClaims', () => {
  it('maps a professional by the rpps claim', () => {
    expect(mapExternalClaims('professional', { sub: 'x', rpps: '10000010008' })).toEqual({ kind: 'rpps', rpps: '10000010008' });
  });

  it('maps a professional by an idNatPs of type RPPS (Pro Santé Connect SubjectNameID, preferred_username, sub)', () => {
    expect(mapExternalClaims('professional', { SubjectNameID: '810000010008' })).toEqual({ kind: 'rpps', rpps: '10000010008' });
    expect(mapExternalClaims('professional', { preferred_username: '810000010016' })).toEqual({ kind: 'rpps', rpps: '10000010016' });
    expect(mapExternalClaims('professional', { sub: '810000010024' })).toEqual({ kind: 'rpps', rpps: '10000010024' });
  });

  it('does not map a professional without a usable RPPS', () => {
    expect(mapExternalClaims('professional', {})).toBeNull();
    expect(mapExternalClaims('professional', { rpps: '1234' })).toBeNull();
    expect(mapExternalClaims('professional', { SubjectNameID: '0123456789' })).toBeNull(); // ADELI-based idNatPs
    expect(mapExternalClaims('professional', { SubjectNameID: '3750000010/123' })).toBeNull(); // structure-based
    expect(mapExternalClaims('professional', { rpps: 10000010008 })).toBeNull(); // not a string
  });

  it('maps a patient by a verified e-mail address, lower-cased', () => {
    expect(mapExternalClaims('patient', { email: 'Camille.Durand@Example.test', email_verified: true })).toEqual({ kind: 'email', email: 'camille.durand@example.test' });
    expect(mapExternalClaims('patient', { email: 'camille@example.test' })).toEqual({ kind: 'email', email: 'camille@example.test' });
  });

  it('does not map a patient whose e-mail is missing, malformed or unverified', () => {
    expect(mapExternalClaims('patient', {})).toBeNull();
    expect(mapExternalClaims('patient', { email: 'not-an-address' })).toBeNull();
    expect(mapExternalClaims('patient', { email: 'camille@example.test', email_verified: false })).toBeNull();
    expect(mapExternalClaims('patient', { rpps: '10000010008' })).toBeNull();
  });
});
