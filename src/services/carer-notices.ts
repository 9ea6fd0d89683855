import type { Queryable } from '../store/db.ts';
import { enqueueNotification } from './notify.ts';

/**
 * Notifications about carer invitations and mandates (issue 8, item 6), written in the transaction of
 * the change (invariant 3). `audience: 'person'` goes to the person of the dossier it is filed under
 * (the invited person, a carer whose mandate was ended) and to nobody who acts for them;
 * `audience: 'space'` goes to the people of the holder's space, except the one who caused it.
 */
export type CarerNotice =
  | { type: 'carer.invitation'; event: 'invited'; holderName: string; by: string; invitationId: string; dossierId: string }
  | { type: 'carer.invitation'; event: 'withdrawn'; holderName: string; by: string }
  | { type: 'carer.mandate'; event: 'revoked'; holderName: string; by: string }
  | { type: 'carer.mandate'; event: 'accepted' | 'given_up'; carerName: string; byDossierId: string }
  /** A declined invitation names the address the inviter typed, never the person behind it. */
  | { type: 'carer.mandate'; event: 'declined'; email: string; byDossierId: string };

export async function noticeToPerson(tx: Queryable, personDossierId: string, notice: CarerNotice, now: Date): Promise<void> {
  await enqueueNotification(tx, personDossierId, { ...notice, audience: 'person' }, now, now);
}

export async function noticeToSpace(tx: Queryable, dossierId: string, notice: CarerNotice, now: Date): Promise<void> {
  await enqueueNotification(tx, dossierId, { ...notice, audience: 'space' }, now, now);
}
