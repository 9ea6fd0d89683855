import { describe, expect, it } from 'vitest';
import { base64UrlDecodeToString, base64UrlEncode, createPkcePair, decodeJwtPayload, randomToken, s256Challenge } from './pkce.ts';
import { buildAuthorizationUrl, checkIdTokenClaims } from './oidc.ts';

describe('base64url', () => {
  it('encodes without padding and with the URL-safe alphabet', () => {
    expect(base64UrlEncode(new Uint8Array([0xfb, 0xff, 0xfe]))).toBe('-__-');
    expect(base64UrlEncode(new Uint8Array([1]))).toBe('AQ');
    expect(base64UrlEncode(new Uint8Array([]))).toBe('');
  });
  it('round-trips UTF-8 text', () => {
    const encoded = base64UrlEncode(new TextEncoder().encode('{"name":"Hélène"}'));
    expect(base64UrlDecodeToString(encoded)).toBe('{"name":"Hélène"}');
  });
});

describe('PKCE', () => {
  it('matches the RFC 7636 appendix B example', async () => {
    expect(await s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });
  it('creates a 43-character verifier (32 bytes) and its challenge', async () => {
    const { verifier, challenge } = await createPkcePair();
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challenge).toBe(await s256Challenge(verifier));
  });
  it('random tokens carry at least 128 bits and differ', () => {
    expect(randomToken(16)).toHaveLength(22);
    expect(randomToken()).not.toBe(randomToken());
  });
});

describe('authorization request', () => {
  it('contains every required parameter and no resource indicator', () => {
    const url = new URL(
      buildAuthorizationUrl('https://sante.example/oidc/auth', {
        clientId: 'openmes-patient-portal',
        redirectUri: 'https://sante.example/auth/callback',
        state: 's',
        nonce: 'n',
        codeChallenge: 'c',
      }),
    );
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'openmes-patient-portal',
      redirect_uri: 'https://sante.example/auth/callback',
      scope: 'openid profile email',
      state: 's',
      nonce: 'n',
      code_challenge: 'c',
      code_challenge_method: 'S256',
    });
  });
  it('keeps relative endpoints relative', () => {
    const url = buildAuthorizationUrl('/oidc/auth', { clientId: 'c', redirectUri: 'r', state: 's', nonce: 'n', codeChallenge: 'x' });
    expect(url.startsWith('/oidc/auth?response_type=code')).toBe(true);
  });
});

describe('ID token claims', () => {
  const jwt = (claims: object) =>
    `e30.${base64UrlEncode(new TextEncoder().encode(JSON.stringify(claims)))}.sig`;
  it('accepts a matching nonce, audience and issuer', () => {
    const token = jwt({ nonce: 'n1', aud: 'openmes-pro-portal', iss: 'https://x/oidc' });
    expect(decodeJwtPayload(token)).toMatchObject({ nonce: 'n1' });
    expect(checkIdTokenClaims(token, { nonce: 'n1', clientId: 'openmes-pro-portal', issuer: 'https://x/oidc' })).toBe(true);
  });
  it('rejects a wrong nonce or audience and malformed tokens', () => {
    const token = jwt({ nonce: 'n1', aud: ['other'] });
    expect(checkIdTokenClaims(token, { nonce: 'n2', clientId: 'other' })).toBe(false);
    expect(checkIdTokenClaims(token, { nonce: 'n1', clientId: 'openmes-pro-portal' })).toBe(false);
    expect(decodeJwtPayload('not-a-jwt')).toBeUndefined();
  });
});
