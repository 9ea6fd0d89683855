import { errors, interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Config } from '../../config.ts';
import { ACTOR_CLAIM, API_AUDIENCE, GRANT_CLAIM } from '../../services/access-token.ts';
import type { GrantLiveness } from '../../services/grant-liveness.ts';
import { createOidcStorage } from '../../services/oidc-storage.ts';
import type { ServiceDeps } from '../../services/service-deps.ts';
import { loadTokenSubject } from '../../services/token-subject.ts';
import { createOidcAdapter } from './oidc-adapter.ts';
import { portalClients, portalOf, PORTAL_SCOPES } from './oidc-clients.ts';
import { escapeHtml, layout, logoutPage, messagePage, signInCsp } from './sign-in-pages.ts';

export type OidcDeps = ServiceDeps & { config: Config };

/** Client metadata naming the professional account a software client acts for. */
export const ACTS_FOR_METADATA = 'openmes_acts_for';

/** A client assertion (private_key_jwt) may live 5 minutes at most. */
export const MAX_CLIENT_ASSERTION_SECONDS = 300;

const RESOURCE_SCOPE = PORTAL_SCOPES.join(' ');

function html(ctx: KoaContextWithOIDC, status: number, body: string): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('content-security-policy', signInCsp());
  ctx.set('cache-control', 'no-store');
  ctx.body = body;
}

/** Refuses an authorization request without `state` (our clients always bind their redirect to one). */
function requireState(ctx: KoaContextWithOIDC, value: string | undefined): void {
  if (!value) throw new errors.InvalidRequest("le paramètre 'state' est obligatoire");
}

/**
 * The actor claim of a token: the signed-in account, or for software the professional it acts for. A
 * signed-in account's token also names its grant, so that signing out revokes it.
 */
async function actorClaim(deps: OidcDeps, ctx: KoaContextWithOIDC, token: { kind: string; accountId?: string | undefined; clientId?: string | undefined; grantId?: string | undefined }) {
  if (token.kind === 'AccessToken' && token.accountId) {
    const subject = await loadTokenSubject(deps, token.accountId);
    if (!subject) throw new errors.InvalidGrant('ce compte ne peut pas agir');
    if (!token.grantId) throw new errors.InvalidGrant('jeton sans autorisation');
    return { [ACTOR_CLAIM]: subject.actor, [GRANT_CLAIM]: token.grantId };
  }
  if (token.kind === 'ClientCredentials') {
    const client = ctx.oidc.client;
    const actsFor = client?.metadata()[ACTS_FOR_METADATA];
    const subject = typeof actsFor === 'string' ? await loadTokenSubject(deps, actsFor) : null;
    if (!subject || subject.actor.kind !== 'professional') throw new errors.InvalidClient("ce logiciel n'agit pour aucun professionnel");
    return { [ACTOR_CLAIM]: subject.actor };
  }
  return undefined;
}

/**
 * The login prompt also opens when the browser's session belongs to an account that the portal does
 * not serve (a patient session on the professional portal, and the reverse).
 */
function buildPolicy(deps: OidcDeps) {
  const policy = interactionPolicy.base();
  const login = policy.get('login')!;
  login.checks.add(new interactionPolicy.Check('openmes_portal_account', 'the session account does not fit this portal', async (ctx) => {
    const portal = portalOf(ctx.oidc.client?.clientId);
    const accountId = ctx.oidc.session?.accountId;
    if (!portal || !accountId) return interactionPolicy.Check.NO_NEED_TO_PROMPT;
    const subject = await loadTokenSubject(deps, accountId);
    const fits = portal === 'professional' ? subject?.actor.kind === 'professional' : subject?.actor.kind === 'person' || subject?.actor.kind === 'operator';
    return fits ? interactionPolicy.Check.NO_NEED_TO_PROMPT : interactionPolicy.Check.REQUEST_PROMPT;
  }));
  return policy;
}

/** oidc-provider configuration: the security settings of the platform's authorization server. */
export function buildOidcConfiguration(deps: OidcDeps, keys: { jwk: Record<string, unknown>; cookieKeys: string[]; grants: GrantLiveness }): Configuration {
  const { config } = deps;
  const ttl = config.accessTokenTtlSeconds;
  const publicOrigin = new URL(config.publicUrl).origin;
  return {
    adapter: createOidcAdapter(createOidcStorage(deps, { onGrantRevoked: (grantId) => keys.grants.forget(grantId) })),
    clients: portalClients(config.publicUrl),
    jwks: { keys: [keys.jwk as never] },
    cookies: {
      keys: keys.cookieKeys,
      names: { session: 'openmes_session', interaction: 'openmes_interaction', resume: 'openmes_resume' },
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
    },
    claims: { openid: ['sub'], profile: ['given_name', 'family_name', 'name'], email: ['email'] },
    scopes: [...PORTAL_SCOPES],
    responseTypes: ['code'],
    clientAuthMethods: ['none', 'private_key_jwt'],
    enabledJWA: { clientAuthSigningAlgValues: ['RS256', 'PS256', 'ES256'], idTokenSigningAlgValues: ['RS256'] },
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    clockTolerance: 5,
    conformIdTokenClaims: true,
    extraParams: { state: requireState },
    extraClientMetadata: {
      properties: [ACTS_FOR_METADATA],
      validator(_ctx, key, value) {
        if (key === ACTS_FOR_METADATA && value !== undefined && typeof value !== 'string') {
          throw new errors.InvalidClientMetadata(`${ACTS_FOR_METADATA} must be an account id`);
        }
      },
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      registration: { enabled: false },
      introspection: { enabled: false },
      revocation: { enabled: false },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_AUDIENCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== API_AUDIENCE) throw new errors.InvalidTarget();
          return { audience: API_AUDIENCE, scope: RESOURCE_SCOPE, accessTokenFormat: 'jwt', accessTokenTTL: ttl, jwt: { sign: { alg: 'RS256' } } };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => html(ctx, 200, logoutPage(form)),
        postLogoutSuccessSource: (ctx) => html(ctx, 200, messagePage('Vous êtes déconnecté', 'Votre session est terminée.', { href: `${config.publicUrl}/`, label: 'Revenir à l’accueil' })),
      },
    },
    issueRefreshToken: async () => false,
    ttl: { AccessToken: ttl, ClientCredentials: ttl, AuthorizationCode: 60, IdToken: ttl, Interaction: 30 * 60, Session: 8 * 3600, Grant: 8 * 3600 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}`, policy: buildPolicy(deps) },
    async findAccount(_ctx, sub) {
      const subject = await loadTokenSubject(deps, sub);
      return subject ? { accountId: subject.accountId, claims: () => subject.claims } : undefined;
    },
    extraTokenClaims: (ctx, token) => actorClaim(deps, ctx, token),
    assertJwtClientAuthClaimsAndHeader(_ctx, claims) {
      const now = Math.floor(deps.clock().getTime() / 1000);
      const exp = Number(claims.exp);
      const iat = claims.iat === undefined ? undefined : Number(claims.iat);
      if (exp - now > MAX_CLIENT_ASSERTION_SECONDS || (iat !== undefined && exp - iat > MAX_CLIENT_ASSERTION_SECONDS)) {
        throw new errors.InvalidClientAuth('client assertions must expire within 5 minutes');
      }
    },
    clientBasedCORS: (_ctx, origin, client) => origin === publicOrigin && portalOf(client.clientId) !== null,
    renderError(ctx, out) {
      const detail = `${out.error}${out.error_description ? ` : ${out.error_description}` : ''}`;
      html(ctx, ctx.status >= 400 ? ctx.status : 400, layout('Erreur de connexion', `<h1>La connexion n’a pas pu aboutir</h1>
<div class="fr-alert fr-alert--error fr-alert--sm fr-mb-3w" role="alert"><p>Veuillez revenir au portail et recommencer. (${escapeHtml(detail)})</p></div>
<p><a class="fr-link" href="${escapeHtml(config.publicUrl)}/">Revenir à l’accueil</a></p>`));
    },
  };
}
