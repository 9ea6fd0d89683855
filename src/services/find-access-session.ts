import { AppError } from '../domain/errors.ts';
import { activeSession } from '../store/record-facts-repo.ts';
import type { RequestContext, ServiceDeps } from './service-deps.ts';

export type AccessSessionView = { mode: 'bris_de_glace' | 'samu' | 'secret'; expiresAt: string };

/**
 * The caller's own emergency or secret session in force on a dossier, so the portal shows the banner
 * for as long as it lasts. Metadata about the caller, not patient data: not traced. 404 when none.
 */
export async function findAccessSession(deps: ServiceDeps, ctx: RequestContext, dossierId: string): Promise<AccessSessionView> {
  if (ctx.actor.kind !== 'professional') throw new AppError('RESOURCE_NOT_FOUND');
  const session = await activeSession(deps.db, dossierId, ctx.actor.rpps, deps.clock());
  if (!session) throw new AppError('RESOURCE_NOT_FOUND');
  return { mode: session.mode, expiresAt: session.expiresAt.toISOString() };
}
