import { randomUUID } from 'node:crypto';
import { importJWK, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';
import { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';

/** The audience of access tokens for the OpenMES APIs (the resource indicator of the OIDC server). */
export const API_AUDIENCE = 'urn:openmes:api';
/** The claim that names the actor in every access token. */
export const ACTOR_CLAIM = 'openmes_actor';

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

export type TokenKeys = { issuer: string; privateKey: CryptoKey; publicKey: CryptoKey; kid: string };

export async function importTokenKeys(jwk: JWK & { kid: string }, issuer: string): Promise<TokenKeys> {
  const { d, p, q, dp, dq, qi, ...pub } = jwk;
  void d; void p; void q; void dp; void dq; void qi;
  return {
    issuer,
    kid: jwk.kid,
    privateKey: (await importJWK(jwk, 'RS256')) as CryptoKey,
    publicKey: (await importJWK(pub, 'RS256')) as CryptoKey,
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

/** Verifies a bearer token and returns its actor; any defect is AUTH_INVALID_TOKEN (no detail leaks). */
export async function verifyAccessToken(keys: TokenKeys, token: string, now: Date): Promise<Actor> {
  try {
    const { payload } = await jwtVerify(token, keys.publicKey, {
      issuer: keys.issuer,
      audience: API_AUDIENCE,
      algorithms: ['RS256'],
      currentDate: now,
      typ: 'at+jwt',
    });
    const actor = actorSchema.safeParse(payload[ACTOR_CLAIM]);
    if (!actor.success) throw new Error('no actor');
    return actor.data;
  } catch {
    throw new AppError('AUTH_INVALID_TOKEN');
  }
}
