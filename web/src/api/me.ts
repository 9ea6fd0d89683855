import type { PortalId } from '../router/routes.ts';
import { apiFetch } from './client.ts';

export type ActorKind = 'person' | 'professional' | 'operator' | (string & {});

/** `GET /api/me` response. */
export interface Me {
  actorKind: ActorKind;
  displayName: string;
  givenName?: string;
  familyName?: string;
  profession?: { code: string; label: string };
  rpps?: string;
  /** Patient side: the person's own space… */
  dossierId?: string;
  /** …and the spaces the rules let them act for today (children, mandates, protection). */
  actsFor?: { dossierId: string; relationship: string }[];
}

export async function fetchMe(portal: PortalId): Promise<Me> {
  const me = await apiFetch<Me>(portal, '/api/me');
  const fallback = [me.givenName, me.familyName].filter(Boolean).join(' ');
  return { ...me, displayName: me.displayName || fallback };
}

/** Actor kind expected on each portal. */
export const expectedActorKind: Record<PortalId, ActorKind> = { patient: 'person', pro: 'professional' };

/** "Prénom Nom" when both are known, else the display name. */
export function fullName(me: Me): string {
  const parts = [me.givenName, me.familyName].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length === 2 ? parts.join(' ') : me.displayName;
}
