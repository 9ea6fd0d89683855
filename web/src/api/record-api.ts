/** The patient's record controls and history (/api/dossiers/:id/…, /api/directory). */
import type { PortalId } from '../router/routes.ts';
import { apiFetch } from './client.ts';

export interface ProfessionalRef {
  rpps: string;
  name: string;
}

/** GET /api/dossiers/:id/settings (SPEC §3.2, §3.6, §3.7). */
export interface Settings {
  maskAll: boolean;
  blockSamu: boolean;
  blockEmergency: boolean;
  blockMaskedInEmergency: boolean;
  medecinTraitant: ProfessionalRef | null;
  blockedProfessionals: (ProfessionalRef & { blockedAt: string })[];
}

export type SettingsFlag = 'maskAll' | 'blockSamu' | 'blockEmergency' | 'blockMaskedInEmergency';
export type SettingsChange = Partial<Record<SettingsFlag, boolean>> & { medecinTraitant?: { rpps: string } | null };

export interface DirectoryEntry {
  rpps: string;
  name: string;
  profession: { code: string; label: string };
  structure: { finess: string; name: string } | null;
}

/** How an actor appears in the history (ActorView of the API). */
export interface HistoryActor {
  kind: string;
  name: string;
  rpps?: string;
  profession?: { code: string; label: string };
  structure?: { finess: string; name: string };
  role?: string;
}

/** One entry of GET /api/dossiers/:id/history. */
export interface HistoryEntry {
  /** Opaque id of the entry (it tells nothing of its position in the record's trail). */
  id: string;
  occurredAt: string;
  action: string;
  outcome: string;
  reason: string;
  mode: string;
  actor: HistoryActor;
  target: { type: string; id: string | null; title?: string };
  /** The server's own wording (used for actions this portal does not know yet). */
  text: string;
  /** The reader did it themself ("Vous …"). */
  byViewer?: boolean;
  /** For confidentiality changes on a document: the labels added and removed. */
  labelChange?: { added: string[]; removed: string[] };
  /** For a block / unblock: the professional's name. */
  professionalName?: string;
}

export interface HistoryPage {
  entries: HistoryEntry[];
  /** Opaque cursor of the next page, or null at the end. */
  nextBefore: string | null;
}

const json = (body: unknown): RequestInit => ({ body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
const base = (dossierId: string) => `/api/dossiers/${encodeURIComponent(dossierId)}`;

export const readSettings = (portal: PortalId, dossierId: string) => apiFetch<Settings>(portal, `${base(dossierId)}/settings`);

export const updateSettings = (portal: PortalId, dossierId: string, change: SettingsChange) =>
  apiFetch<Settings>(portal, `${base(dossierId)}/settings`, { method: 'PUT', ...json(change) });

export const blockProfessional = (portal: PortalId, dossierId: string, rpps: string) =>
  apiFetch<unknown>(portal, `${base(dossierId)}/blocked-professionals`, { method: 'POST', ...json({ rpps }) });

export const unblockProfessional = (portal: PortalId, dossierId: string, rpps: string) =>
  apiFetch<unknown>(portal, `${base(dossierId)}/blocked-professionals/${encodeURIComponent(rpps)}`, { method: 'DELETE' });

export async function searchDirectory(portal: PortalId, q: string): Promise<DirectoryEntry[]> {
  const res = await apiFetch<{ professionals: DirectoryEntry[] }>(portal, `/api/directory/professionals?q=${encodeURIComponent(q)}`);
  return res.professionals;
}

export function readHistory(portal: PortalId, dossierId: string, before: string | null, limit = 50): Promise<HistoryPage> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (before !== null) query.set('before', before);
  return apiFetch<HistoryPage>(portal, `${base(dossierId)}/history?${query.toString()}`);
}

/** One carer mandate in force (GET /api/dossiers/:id/carers). */
export interface CarerMandate {
  carerDossierId: string;
  name: string;
  since: string;
}

/** An invitation waiting for its answer: only the address typed, never whose it is. */
export interface CarerInvitation {
  invitationId: string;
  email: string;
  sentAt: string;
  expiresAt: string;
}

/** The carers of a space, the invitations pending, and how many the rules in force allow (0: carers are not open). */
export interface CarerMandates {
  maxCarers: number;
  carers: CarerMandate[];
  invitations: CarerInvitation[];
}

export const readCarers = (portal: PortalId, dossierId: string) => apiFetch<CarerMandates>(portal, `${base(dossierId)}/carers`);

/** Invites by e-mail: the same answer whatever the address (202). */
export const inviteCarer = (portal: PortalId, dossierId: string, email: string) =>
  apiFetch<{ invitation: CarerInvitation; message: string }>(portal, `${base(dossierId)}/carers`, { method: 'POST', ...json({ email }) });

export const withdrawCarerInvitation = (portal: PortalId, dossierId: string, invitationId: string) =>
  apiFetch<unknown>(portal, `${base(dossierId)}/carer-invitations/${encodeURIComponent(invitationId)}`, { method: 'DELETE' });

/** « Invitations reçues » and « Les personnes que j'aide » (GET /api/carer-invitations). */
export interface CarerRoles {
  received: { invitationId: string; dossierId: string; holderName: string; invitedBy: string; sentAt: string; expiresAt: string }[];
  helping: { dossierId: string; name: string; since: string }[];
}

export const readCarerRoles = (portal: PortalId) => apiFetch<CarerRoles>(portal, '/api/carer-invitations');

export const answerCarerInvitation = (portal: PortalId, dossierId: string, invitationId: string, answer: 'accept' | 'decline') =>
  apiFetch<unknown>(portal, `${base(dossierId)}/carer-invitations/${encodeURIComponent(invitationId)}/${answer}`, { method: 'POST' });

export const giveUpCarerMandate = (portal: PortalId, dossierId: string) =>
  apiFetch<unknown>(portal, `${base(dossierId)}/carer-mandate`, { method: 'DELETE' });

export const revokeCarer = (portal: PortalId, dossierId: string, carerDossierId: string) =>
  apiFetch<unknown>(portal, `${base(dossierId)}/carers/${encodeURIComponent(carerDossierId)}`, { method: 'DELETE' });
