import type { Migration } from '../migrator.ts';

// Frozen. A carer mandate is offered, then accepted (issue 8, item 6): until the invited person accepts
// in their own portal, nothing is granted — dossier_relationship holds accepted mandates only, so the
// access facts never see a pending or declined invitation. One row per invitation, keyed by the holder's
// dossier (invariant 4). `email` is the address the inviter typed (shown back to them, never resolved
// for them); `invitee_dossier_id` is the activated space of the account with that address when the
// invitation was made, or null (no such account: the invitation can never be accepted, and the inviter
// cannot tell). Rows are never deleted: they count towards the daily invitation limit.
export const m0010: Migration = {
  name: '0010_carer_invitation',
  statements: [
    `CREATE TABLE carer_invitation (
      dossier_id uuid NOT NULL,
      invitation_id uuid NOT NULL,
      email text NOT NULL,
      invitee_dossier_id uuid,
      invited_by text NOT NULL,
      invited_by_name text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('pending', 'accepted', 'declined', 'withdrawn')),
      answered_at timestamptz,
      PRIMARY KEY (dossier_id, invitation_id)
    )`,
    // "Invitations reçues": the pending invitations addressed to a person's own space.
    `CREATE INDEX carer_invitation_invitee ON carer_invitation (invitee_dossier_id) WHERE status = 'pending'`,
    // The daily limit counts a dossier's invitations of the last 24 hours.
    `CREATE INDEX carer_invitation_created ON carer_invitation (dossier_id, created_at)`,
  ],
};
