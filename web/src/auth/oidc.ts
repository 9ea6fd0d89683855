/** Browser side of the OpenID Connect authorization code flow with PKCE (S256). */
import { callbackPath, portalHome, type PortalId } from '../router/routes.ts';
import { createPkcePair, decodeJwtPayload, randomToken } from './pkce.ts';
import {
  clearSession,
  readSession,
  savePendingAuthorization,
  takePendingAuthorization,
  writeSession,
} from './session.ts';

export const DISCOVERY_PATH = '/oidc/.well-known/openid-configuration';
export const SCOPE = 'openid profile email';
export const CLIENT_IDS: Record<PortalId, string> = {
  patient: 'openmes-patient-portal',
  pro: 'openmes-pro-portal',
};

export interface OidcMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

export type AuthErrorCode =
  | 'stateMismatch'
  | 'missingCode'
  | 'nonceMismatch'
  | 'accessDenied'
  | 'tokenExchange'
  | 'discovery'
  | 'cryptoUnavailable';

/** Sign-in failure; `code` selects the French message, `detail` keeps the technical cause. */
export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    readonly detail?: string,
  ) {
    super(detail ? `${code}: ${detail}` : code);
    this.name = 'AuthError';
  }
}

let metadata: Promise<OidcMetadata> | undefined;

export function loadMetadata(): Promise<OidcMetadata> {
  metadata ??= (async () => {
    const response = await fetch(DISCOVERY_PATH, { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new AuthError('discovery', `HTTP ${response.status}`);
    const body = (await response.json()) as Partial<OidcMetadata>;
    if (typeof body.authorization_endpoint !== 'string' || typeof body.token_endpoint !== 'string') {
      throw new AuthError('discovery', 'incomplete metadata');
    }
    return body as OidcMetadata;
  })().catch((error: unknown) => {
    metadata = undefined;
    throw error instanceof AuthError ? error : new AuthError('discovery', String(error));
  });
  return metadata;
}

export function redirectUriFor(portal: PortalId, origin: string): string {
  return `${origin}${callbackPath(portal)}`;
}

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state: string;
  nonce: string;
  codeChallenge: string;
}

export function buildAuthorizationUrl(endpoint: string, req: AuthorizationRequest): string {
  const url = new URL(endpoint, 'http://placeholder.invalid');
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: req.clientId,
    redirect_uri: req.redirectUri,
    scope: SCOPE,
    state: req.state,
    nonce: req.nonce,
    code_challenge: req.codeChallenge,
    code_challenge_method: 'S256',
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.origin === 'http://placeholder.invalid' ? `${url.pathname}${url.search}` : url.toString();
}

/** Starts sign-in: stores verifier/state/nonce, then leaves the page for the provider. */
export async function startSignIn(portal: PortalId, returnTo: string): Promise<void> {
  let pkce;
  try {
    pkce = await createPkcePair();
  } catch (error) {
    throw new AuthError('cryptoUnavailable', String(error));
  }
  const meta = await loadMetadata();
  const redirectUri = redirectUriFor(portal, window.location.origin);
  const state = randomToken(32);
  const nonce = randomToken(32);
  savePendingAuthorization(portal, { state, nonce, codeVerifier: pkce.verifier, redirectUri, returnTo });
  window.location.assign(
    buildAuthorizationUrl(meta.authorization_endpoint, {
      clientId: CLIENT_IDS[portal],
      redirectUri,
      state,
      nonce,
      codeChallenge: pkce.challenge,
    }),
  );
}

/** Checks nonce / audience / issuer of an ID token received directly from the token endpoint. */
export function checkIdTokenClaims(idToken: string, expected: { nonce: string; clientId: string; issuer?: string }): boolean {
  const claims = decodeJwtPayload(idToken);
  if (!claims || claims.nonce !== expected.nonce) return false;
  const aud = claims.aud;
  const audOk = Array.isArray(aud) ? aud.includes(expected.clientId) : aud === expected.clientId;
  const issOk = expected.issuer === undefined || claims.iss === expected.issuer;
  return audOk && issOk;
}

const inflight = new Map<string, Promise<string>>();

/** Handles the redirect back from the provider. Resolves with the in-app path to return to. */
export function completeSignIn(portal: PortalId, search: string): Promise<string> {
  const key = `${portal}${search}`;
  let promise = inflight.get(key);
  if (!promise) {
    promise = exchangeCode(portal, new URLSearchParams(search));
    inflight.set(key, promise);
  }
  return promise;
}

async function exchangeCode(portal: PortalId, params: URLSearchParams): Promise<string> {
  const pending = takePendingAuthorization(portal);
  const error = params.get('error');
  if (error) throw new AuthError('accessDenied', params.get('error_description') ?? error);
  if (!pending || params.get('state') !== pending.state) throw new AuthError('stateMismatch');
  const code = params.get('code');
  if (!code) throw new AuthError('missingCode');

  const meta = await loadMetadata();
  const clientId = CLIENT_IDS[portal];
  let response: Response;
  try {
    response = await fetch(meta.token_endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: pending.redirectUri,
        client_id: clientId,
        code_verifier: pending.codeVerifier,
      }),
    });
  } catch (cause) {
    throw new AuthError('tokenExchange', String(cause));
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== 'string') {
    const reason = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
    throw new AuthError('tokenExchange', reason);
  }
  const idToken = typeof body.id_token === 'string' ? body.id_token : undefined;
  if (idToken && !checkIdTokenClaims(idToken, { nonce: pending.nonce, clientId, issuer: meta.issuer })) {
    throw new AuthError('nonceMismatch');
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : undefined;
  writeSession(portal, {
    accessToken: body.access_token,
    ...(idToken ? { idToken } : {}),
    ...(expiresIn ? { expiresAt: Date.now() + expiresIn * 1000 } : {}),
  });
  return pending.returnTo;
}

/** Clears the local session and ends the provider session (RP-initiated logout). */
export async function signOut(portal: PortalId): Promise<void> {
  const idToken = readSession(portal)?.idToken;
  clearSession(portal, 'signed-out');
  const postLogout = `${window.location.origin}${portalHome(portal)}`;
  let endpoint: string | undefined;
  try {
    endpoint = (await loadMetadata()).end_session_endpoint;
  } catch {
    endpoint = undefined;
  }
  if (!endpoint) {
    window.location.assign(postLogout);
    return;
  }
  const url = new URL(endpoint, window.location.origin);
  if (idToken) url.searchParams.set('id_token_hint', idToken);
  url.searchParams.set('post_logout_redirect_uri', postLogout);
  url.searchParams.set('client_id', CLIENT_IDS[portal]);
  window.location.assign(url.toString());
}
