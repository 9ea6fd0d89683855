import type { ClientMetadata } from 'oidc-provider';

/** The first-party portals: public clients (no secret), authorization code + PKCE S256 only. */
export const PATIENT_PORTAL_CLIENT_ID = 'openmes-patient-portal';
export const PRO_PORTAL_CLIENT_ID = 'openmes-pro-portal';

export type Portal = 'patient' | 'professional';

/** Which sign-in a client's interaction shows: patients (and operators) by e-mail, professionals by card. */
export function portalOf(clientId: unknown): Portal | null {
  if (clientId === PATIENT_PORTAL_CLIENT_ID) return 'patient';
  if (clientId === PRO_PORTAL_CLIENT_ID) return 'professional';
  return null;
}

/** Scopes the portals may receive (and that are granted without a consent page: first-party). */
export const PORTAL_SCOPES = ['openid', 'profile', 'email'] as const;

/** Static client metadata of the portals, for a platform published at `publicUrl`. */
export function portalClients(publicUrl: string): ClientMetadata[] {
  const common = {
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
    application_type: 'web',
  } as const;
  return [
    {
      ...common,
      client_id: PATIENT_PORTAL_CLIENT_ID,
      client_name: 'Mon espace santé — portail patient',
      redirect_uris: [`${publicUrl}/auth/callback`],
      post_logout_redirect_uris: [`${publicUrl}/`],
    },
    {
      ...common,
      client_id: PRO_PORTAL_CLIENT_ID,
      client_name: 'Mon espace santé — portail professionnel',
      redirect_uris: [`${publicUrl}/pro/auth/callback`],
      post_logout_redirect_uris: [`${publicUrl}/pro`],
    },
  ];
}
