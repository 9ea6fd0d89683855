import type { Queryable } from './db.ts';

export type InvitationStatus = 'pending' | 'accepted' | 'declined' | 'withdrawn';

/** A carer invitation as stored (holder's dossier first, invariant 4). */
export type CarerInvitationRow = {
  dossierId: string;
  invitationId: string;
  email: string;
  inviteeDossierId: string | null;
  invitedBy: string;
  invitedByName: string;
  createdAt: Date;
  expiresAt: Date;
  status: InvitationStatus;
  answeredAt: Date | null;
};

type Raw = {
  dossier_id: string; invitation_id: string; email: string; invitee_dossier_id: string | null; invited_by: string; invited_by_name: string;
  created_at: Date; expires_at: Date; status: InvitationStatus; answered_at: Date | null;
};

const fromRaw = (r: Raw): CarerInvitationRow => ({
  dossierId: r.dossier_id, invitationId: r.invitation_id, email: r.email, inviteeDossierId: r.invitee_dossier_id, invitedBy: r.invited_by,
  invitedByName: r.invited_by_name, createdAt: new Date(r.created_at), expiresAt: new Date(r.expires_at), status: r.status,
  answeredAt: r.answered_at ? new Date(r.answered_at) : null,
});

/** Pending at `now`: not answered, not withdrawn, not expired. */
export const isPending = (i: Pick<CarerInvitationRow, 'status' | 'expiresAt'>, now: Date): boolean =>
  i.status === 'pending' && i.expiresAt.getTime() > now.getTime();

export async function insertInvitation(tx: Queryable, row: Omit<CarerInvitationRow, 'status' | 'answeredAt'>): Promise<void> {
  await tx.query(
    `INSERT INTO carer_invitation (dossier_id, invitation_id, email, invitee_dossier_id, invited_by, invited_by_name, created_at, expires_at, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending')`,
    [row.dossierId, row.invitationId, row.email, row.inviteeDossierId, row.invitedBy, row.invitedByName, row.createdAt, row.expiresAt],
  );
}

export async function findInvitation(db: Queryable, dossierId: string, invitationId: string): Promise<CarerInvitationRow | null> {
  const res = await db.query<Raw>('SELECT * FROM carer_invitation WHERE dossier_id = $1 AND invitation_id = $2', [dossierId, invitationId]);
  return res.rows[0] ? fromRaw(res.rows[0]) : null;
}

/** The space's invitations still pending at `now`, oldest first. */
export async function listPendingInvitations(db: Queryable, dossierId: string, now: Date): Promise<CarerInvitationRow[]> {
  const res = await db.query<Raw>(
    `SELECT * FROM carer_invitation WHERE dossier_id = $1 AND status = 'pending' AND expires_at > $2 ORDER BY created_at, invitation_id`,
    [dossierId, now],
  );
  return res.rows.map(fromRaw);
}

/** Invitations addressed to a person's own space and still pending at `now`. */
export async function listInvitationsReceived(db: Queryable, inviteeDossierId: string, now: Date): Promise<CarerInvitationRow[]> {
  const res = await db.query<Raw>(
    `SELECT * FROM carer_invitation WHERE invitee_dossier_id = $1 AND status = 'pending' AND expires_at > $2 ORDER BY created_at, invitation_id`,
    [inviteeDossierId, now],
  );
  return res.rows.map(fromRaw);
}

/**
 * How many invitations the space sent in the 24 hours before `now`, and when the oldest of them leaves
 * that window (the daily limit: counted from the stored rows, so every server process shares it).
 */
export async function invitationsSentSince(db: Queryable, dossierId: string, since: Date): Promise<{ count: number; oldest: Date | null }> {
  const res = await db.query<{ n: number; oldest: Date | null }>(
    'SELECT count(*)::int AS n, min(created_at) AS oldest FROM carer_invitation WHERE dossier_id = $1 AND created_at > $2',
    [dossierId, since],
  );
  const r = res.rows[0]!;
  return { count: r.n, oldest: r.oldest ? new Date(r.oldest) : null };
}

/** Moves a pending invitation to its answer; false when it was no longer pending at `now`. */
export async function answerInvitation(tx: Queryable, dossierId: string, invitationId: string, status: Exclude<InvitationStatus, 'pending'>, now: Date): Promise<boolean> {
  const res = await tx.query<{ invitation_id: string }>(
    `UPDATE carer_invitation SET status = $3, answered_at = $4
     WHERE dossier_id = $1 AND invitation_id = $2 AND status = 'pending' AND expires_at > $4 RETURNING invitation_id`,
    [dossierId, invitationId, status, now],
  );
  return res.rows.length > 0;
}
