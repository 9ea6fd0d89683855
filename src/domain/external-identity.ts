/**
 * Mapping the claims of an external identity provider (Pro Santé Connect for professionals, an
 * e-mail-verifying provider for patients) to the key that finds the OpenMES account. Pure.
 */

export type IdentitySource = 'professional' | 'patient';

export type ExternalIdentity = { kind: 'rpps'; rpps: string } | { kind: 'email'; email: string };

const RPPS = /^\d{11}$/;
// idNatPs of type RPPS: "8" followed by the 11 digits of the RPPS (TRE_G08).
const ID_NAT_PS_RPPS = /^8(\d{11})$/;

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** The RPPS of a professional: `rpps` claim, or an idNatPs of type RPPS (`SubjectNameID`, `preferred_username`, `sub`). */
function rppsFrom(claims: Record<string, unknown>): string | null {
  const direct = text(claims.rpps);
  if (direct && RPPS.test(direct)) return direct;
  for (const key of ['SubjectNameID', 'idNatPs', 'preferred_username', 'sub']) {
    const value = text(claims[key]);
    const match = value ? ID_NAT_PS_RPPS.exec(value) : null;
    if (match) return match[1]!;
  }
  return null;
}

/** The verified e-mail of a patient; an address the provider says is unverified is not used. */
function emailFrom(claims: Record<string, unknown>): string | null {
  const email = text(claims.email);
  if (!email || !/^[^\s@]+@[^\s@]+$/.test(email)) return null;
  return claims.email_verified === false || claims.email_verified === 'false' ? null : email.toLowerCase();
}

/** Which account the external identity designates, or null when the claims do not say. */
export function mapExternalClaims(source: IdentitySource, claims: Record<string, unknown>): ExternalIdentity | null {
  switch (source) {
    case 'professional': {
      const rpps = rppsFrom(claims);
      return rpps ? { kind: 'rpps', rpps } : null;
    }
    case 'patient': {
      const email = emailFrom(claims);
      return email ? { kind: 'email', email } : null;
    }
    default:
      return source satisfies never;
  }
}
