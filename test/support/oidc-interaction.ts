import type { FastifyInstance } from 'fastify';

/** The authorization request of the patient portal (or, with `portal: 'pro'`, the professional one), for `app.inject()`. */
export function portalAuthorizeUrl(portal: 'patient' | 'pro', state = 'etat', publicUrl = 'http://127.0.0.1:8080'): string {
  const clientId = portal === 'pro' ? 'openmes-pro-portal' : 'openmes-patient-portal';
  const callback = `${publicUrl}${portal === 'pro' ? '/pro' : ''}/auth/callback`;
  return `/oidc/auth?client_id=${clientId}&redirect_uri=${encodeURIComponent(callback)}&response_type=code&scope=openid`
    + `&code_challenge=${'a'.repeat(43)}&code_challenge_method=S256&state=${encodeURIComponent(state)}`;
}

/** Starts a sign-in interaction as a browser would (injected): its uid and the cookies that designate it. */
export async function startInteraction(app: FastifyInstance, authorizeUrl: string): Promise<{ uid: string; cookie: string }> {
  const res = await app.inject({ method: 'GET', url: authorizeUrl });
  const cookie = ([] as string[]).concat((res.headers['set-cookie'] as string[] | string | undefined) ?? []).map((c) => c.split(';')[0]).join('; ');
  const location = String(res.headers.location ?? '');
  if (res.statusCode !== 303 || !location.startsWith('/interaction/')) throw new Error(`no interaction: ${res.statusCode} ${location}`);
  return { uid: location.slice('/interaction/'.length), cookie };
}
