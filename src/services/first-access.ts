import type { Actor } from '../domain/actor.ts';
import type { Queryable } from '../store/db.ts';
import { recordFirstAccess } from '../store/record-facts-repo.ts';
import { enqueueNotification } from './notify.ts';

/** SPEC §4: the patient is told of each professional's first access to their record. */
export async function noteProfessionalAccess(tx: Queryable, actor: Actor, dossierId: string, now: Date): Promise<void> {
  if (actor.kind !== 'professional') return;
  if (await recordFirstAccess(tx, dossierId, actor.rpps, now)) {
    await enqueueNotification(tx, dossierId, { type: 'professional.first_access', professional: actor.displayName, profession: actor.profession }, now, now);
  }
}
