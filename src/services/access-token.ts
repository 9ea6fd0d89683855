import { randomUUID } from 'node:crypto';
import { importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import type { GrantLiveness } from './grant-liveness.ts';

/** The audience of access tokens for the OpenMES APIs (the resource indicator of the OIDC server). */
export const API_AUDIENCE = 'urn:openmes:api';
/** The claim that names the actor in every access token. */
export const ACTOR_CLAIM = 'openmes_actor';
/**
 * The claim naming the grant a browser sign-in created (one per session and portal). Signing out revokes
 * it, and with it every token carrying it. Tokens of software (client credentials) and of the CLI have none.
 */
export const GRANT_CLAIM = 'openmes_grant';
/** Tolerated clock difference between the token's issuer and us, in seconds. */
const CLOCK_SKEW_SECONDS = 5;

const actorSchema: z.ZodType<Actor> = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('person'), accountId: z.string(), dossierId: z.string(), displayName: z.string() }),
  z.object({
    kind: z.literal('professional'), accountId: z.string(), displayName: z.string(), rpps: z.string(),
    profession: z.string(), specialty: z.string().nullable(),
    structure: z.object({ finess: z.string(), name: z.string() }).nullable(),
  }),
  z.object({ kind: z.literal('operator'), accountId: z.string(), displayName: z.string() }),
  z.object({ kind: z.literal('app'), clientId: z.string(), displayName: z.string() }),
  z.object({ kind: z.literal('system'), job: z.string() }),
]);

/**
 * What issuing and verifying access tokens needs: the issuer and its key pair, the longest lifetime a
 * token may claim (OPENMES_ACCESS_TOKEN_TTL_SECONDS), and whether the grant a token names still stands.
 */
export type TokenKeys = {
  issuer: string; privateKey: CryptoKey; publicKey: CryptoKey; kid: string;
  maxLifetimeSeconds: number;
  grants: GrantLiveness;
};

export async function importTokenKeys(jwk: JWK & { kid: string }, issuer: string, policy: Pick<TokenKeys, 'maxLifetimeSeconds' | 'grants'>): Promise<TokenKeys> {
  const { d, p, q, dp, dq, qi, ...pub } = jwk;
  void d; void p; void q; void dp; void dq; void qi;
  return {
    issuer,
    kid: jwk.kid,
    privateKey: (await importJWK(jwk, 'RS256')) as CryptoKey,
    publicKey: (await importJWK(pub, 'RS256')) as CryptoKey,
    maxLifetimeSeconds: policy.maxLifetimeSeconds,
    grants: policy.grants,
  };
}

/** Signs a short-lived access token naming `actor` (used by `openmes token` and by tests). */
export async function issueAccessToken(keys: TokenKeys, actor: Actor, ttlSeconds: number, now: Date, clientId = 'openmes-cli'): Promise<string> {
  const iat = Math.floor(now.getTime() / 1000);
  const sub = actor.kind === 'app' ? actor.clientId : actor.kind === 'system' ? actor.job : actor.accountId;
  return new SignJWT({ [ACTOR_CLAIM]: actor, client_id: clientId, scope: 'openid' })
    .setProtectedHeader({ alg: 'RS256', kid: keys.kid, typ: 'at+jwt' })
    .setIssuer(keys.issuer)
    .setAudience(API_AUDIENCE)
    .setSubject(sub)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(keys.privateKey);
}

/**
 * Verifies a bearer token and returns its actor; any defect is AUTH_INVALID_TOKEN (no detail leaks). A
 * token must say when it was issued and when it expires, and may not live longer than the configured
 * lifetime, even when signed with our key (a leaked signing path must not mint everlasting tokens). A
 * token naming a grant that signing out revoked is AUTH_SESSION_ENDED.
 */
export async function verifyAccessToken(keys: TokenKeys, token: string, now: Date): Promise<Actor> {
  let verified: { actor: Actor; grant: string | null };
  try {
    const { payload } = await jwtVerify(token, keys.publicKey, {
      issuer: keys.issuer,
      audience: API_AUDIENCE,
      algorithms: ['RS256'],
      currentDate: now,
      typ: 'at+jwt',
      requiredClaims: ['exp', 'iat'],
    });
    const { exp, iat } = payload as { exp: number; iat: number };
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (exp - iat > keys.maxLifetimeSeconds || exp - nowSeconds > keys.maxLifetimeSeconds + CLOCK_SKEW_SECONDS) throw new Error('lifetime');
    const actor = actorSchema.safeParse(payload[ACTOR_CLAIM]);
    if (!actor.success) throw new Error('no actor');
    const grant = payload[GRANT_CLAIM];
    if (grant !== undefined && (typeof grant !== 'string' || grant.length === 0 || grant.length > 200)) throw new Error('bad grant');
    verified = { actor: actor.data, grant: grant ?? null };
  } catch {
    throw new AppError('AUTH_INVALID_TOKEN');
  }
  if (verified.grant !== null && !(await keys.grants.isLive(verified.grant))) throw new AppError('AUTH_SESSION_ENDED');
  return verified.actor;
}
