import { listPendingInvitations, type CarerInvitationRow } from '../store/carer-invitation-repo.ts';
import { listActiveCarers, type CarerMandateRow } from '../store/relationship-repo.ts';
import { runDossierOperation } from './dossier-operation.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

/** One carer mandate in force (accepted), as the patient side sees it. */
export type CarerMandateView = { carerDossierId: string; name: string; since: string };
/**
 * An invitation still waiting for its answer: only the address the inviter typed, never whose it is
 * (issue 8, item 6: nothing is disclosed before acceptance).
 */
export type CarerInvitationView = { invitationId: string; email: string; sentAt: string; expiresAt: string };
/** The carers of a space, the invitations pending, and how many the rules in force allow (OPENMES_MAX_CARERS; 0: feature off). */
export type CarerMandatesView = { maxCarers: number; carers: CarerMandateView[]; invitations: CarerInvitationView[] };
export type CarerOptions = { maxCarers: number };

export const carerName = (r: { givenName: string | null; familyName: string | null }): string =>
  `${r.givenName ?? ''} ${r.familyName ?? ''}`.trim() || 'Aidant';

export const mandateView = (r: CarerMandateRow): CarerMandateView =>
  ({ carerDossierId: r.carerDossierId, name: carerName(r), since: r.grantedAt.toISOString() });

export const invitationView = (r: CarerInvitationRow): CarerInvitationView =>
  ({ invitationId: r.invitationId, email: r.email, sentAt: r.createdAt.toISOString(), expiresAt: r.expiresAt.toISOString() });

/**
 * Lists the carers who hold a mandate on the space (SPEC §1) and the invitations pending: whoever may
 * read the space's settings may see who else acts in it.
 */
export async function listCarerMandates(deps: ServiceDeps, ctx: RequestContext, dossierId: string, options: CarerOptions): Promise<CarerMandatesView> {
  return runDossierOperation<CarerMandatesView>(deps, ctx, dossierId, { write: false }, async ({ tx, now, access, trace, refuse }) => {
    const target = { type: 'CarerMandate', id: null };
    const decision = access.decide('settings.read');
    if (!access.dossier || decision.effect === 'deny') return refuse('delegation.read', decision, target);
    const carers = (await listActiveCarers(tx, dossierId, now)).map(mandateView);
    const invitations = (await listPendingInvitations(tx, dossierId, now)).map(invitationView);
    await trace('delegation.read', decision, target);
    return { ok: true, value: { maxCarers: options.maxCarers, carers, invitations } };
  });
}
