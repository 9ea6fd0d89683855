import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Queryable } from './db.ts';

export type SigningJwk = JWK & { kid: string; alg: 'RS256'; use: 'sig' };

/**
 * The key that signs ID and access tokens, kept in the database so every process of the platform
 * (server, CLI `openmes token`) signs and verifies with the same key. Created on first use.
 */
export async function loadOrCreateSigningKey(db: Queryable, now: Date): Promise<SigningJwk> {
  const existing = await db.query<{ jwk: SigningJwk }>('SELECT jwk FROM signing_key ORDER BY created_at DESC LIMIT 1');
  if (existing.rows[0]) return existing.rows[0].jwk;
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' } as SigningJwk;
  await db.query('INSERT INTO signing_key (kid, jwk, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [jwk.kid, JSON.stringify(jwk), now]);
  // Two processes racing on first start: keep whichever key won.
  const winner = await db.query<{ jwk: SigningJwk }>('SELECT jwk FROM signing_key ORDER BY created_at DESC, kid LIMIT 1');
  return winner.rows[0]!.jwk;
}
