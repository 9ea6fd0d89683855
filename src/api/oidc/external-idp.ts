import type { Config, ExternalIdp } from '../../config.ts';
import type { IdentitySource } from '../../domain/external-identity.ts';
import type { OidcStorage } from '../../services/oidc-storage.ts';

/**
 * Delegated sign-in to an external OpenID provider (Pro Santé Connect for professionals, an identity
 * provider for patients), with openid-client: authorization code + PKCE S256 + state + nonce. The state
 * record (10 minutes, single use) ties the provider's callback to our interaction.
 */

const STATE_MODEL = 'ExternalLogin';
const STATE_TTL_SECONDS = 600;

export type ExternalState = { uid: string; source: IdentitySource; codeVerifier: string; nonce: string };

type OpenIdClient = typeof import('openid-client');
type ClientConfiguration = import('openid-client').Configuration;

/** The external provider of a kind of sign-in, when one is configured. */
export function externalIdpFor(config: Config, source: IdentitySource): ExternalIdp | undefined {
  return source === 'professional' ? config.proIdentityProvider : config.patientIdentityProvider;
}

/** The fixed redirect URI registered at the external provider for `source`. */
export function externalCallbackUrl(config: Config, source: IdentitySource): string {
  return `${config.publicUrl}/interaction/callback/${source}`;
}

export function isIdentitySource(value: string): value is IdentitySource {
  return value === 'professional' || value === 'patient';
}

export type ExternalIdps = {
  /** The URL to send the browser to, after recording the state of this attempt. */
  begin(source: IdentitySource, uid: string): Promise<string>;
  /** The state record of a callback (removed: single use), or null when unknown or expired. */
  takeState(state: string): Promise<ExternalState | null>;
  /** Looks at a state without consuming it (first hop of the callback). */
  peekState(state: string): Promise<ExternalState | null>;
  /** Exchanges the code and returns the ID token claims merged with the userinfo claims. */
  complete(source: IdentitySource, callbackQuery: string, state: string, record: ExternalState): Promise<Record<string, unknown>>;
};

export function createExternalIdps(config: Config, storage: OidcStorage): ExternalIdps {
  const configurations = new Map<IdentitySource, Promise<{ lib: OpenIdClient; cfg: ClientConfiguration }>>();

  const setup = (source: IdentitySource) => {
    let pending = configurations.get(source);
    if (!pending) {
      pending = (async () => {
        const idp = externalIdpFor(config, source);
        if (!idp) throw new Error(`no external identity provider for ${source}`);
        // openid-client is only loaded when an external provider is configured.
        const lib = await import('openid-client');
        const auth = idp.clientSecret ? lib.ClientSecretPost(idp.clientSecret) : lib.None();
        const insecure = new URL(idp.issuer).protocol === 'http:' && config.mode !== 'production';
        const cfg = await lib.discovery(new URL(idp.issuer), idp.clientId, undefined, auth, insecure ? { execute: [lib.allowInsecureRequests] } : undefined);
        return { lib, cfg };
      })();
      pending.catch(() => configurations.delete(source));
      configurations.set(source, pending);
    }
    return pending;
  };

  const read = async (state: string): Promise<ExternalState | null> => {
    if (!/^[A-Za-z0-9_-]{16,128}$/.test(state)) return null;
    const record = await storage.find(STATE_MODEL, state);
    const p = record?.payload;
    if (!p || typeof p.uid !== 'string' || !isIdentitySource(String(p.source)) || typeof p.codeVerifier !== 'string' || typeof p.nonce !== 'string') return null;
    return { uid: p.uid, source: p.source as IdentitySource, codeVerifier: p.codeVerifier, nonce: p.nonce };
  };

  return {
    async begin(source, uid) {
      const { lib, cfg } = await setup(source);
      const codeVerifier = lib.randomPKCECodeVerifier();
      const state = lib.randomState();
      const nonce = lib.randomNonce();
      await storage.upsert(STATE_MODEL, state, { uid, source, codeVerifier, nonce }, STATE_TTL_SECONDS);
      return lib.buildAuthorizationUrl(cfg, {
        redirect_uri: externalCallbackUrl(config, source),
        scope: source === 'patient' ? 'openid email profile' : 'openid',
        response_type: 'code',
        code_challenge: await lib.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      }).href;
    },
    peekState: read,
    async takeState(state) {
      const record = await read(state);
      if (record) await storage.destroy(STATE_MODEL, state);
      return record;
    },
    async complete(source, callbackQuery, state, record) {
      const { lib, cfg } = await setup(source);
      const currentUrl = new URL(`${externalCallbackUrl(config, source)}?${callbackQuery}`);
      const tokens = await lib.authorizationCodeGrant(cfg, currentUrl, {
        pkceCodeVerifier: record.codeVerifier, expectedState: state, expectedNonce: record.nonce, idTokenExpected: true,
      });
      const idClaims: Record<string, unknown> = { ...tokens.claims() };
      const sub = typeof idClaims.sub === 'string' ? idClaims.sub : lib.skipSubjectCheck;
      let userinfo: Record<string, unknown> = {};
      try {
        userinfo = await lib.fetchUserInfo(cfg, tokens.access_token, sub);
      } catch {
        // Providers without a userinfo endpoint: the ID token claims are all we get.
      }
      return { ...idClaims, ...userinfo };
    },
  };
}
