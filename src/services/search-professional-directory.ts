import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import { searchProfessionals } from '../store/professional-directory-repo.ts';
import { directoryName, professionLabel } from './actor-view.ts';
import type { ServiceDeps } from './service-deps.ts';

export type DirectoryEntry = {
  rpps: string;
  name: string;
  profession: { code: string; label: string };
  structure: { finess: string; name: string } | null;
};

export const DIRECTORY_MAX_RESULTS = 20;

/** Lower case, accents removed, spaces collapsed: folded as the directory query folds names (œ → o, æ → a). */
export function foldQuery(q: string): string {
  return q.normalize('NFD').replace(/\p{Mn}/gu, '').toLowerCase().replace(/œ/g, 'o').replace(/æ/g, 'a').replace(/\s+/g, ' ').trim();
}

/**
 * Finds professionals by name or RPPS for the patient's block list and médecin traitant picker. The
 * directory is not patient data (no trace), but only people signed in may browse it.
 */
export async function searchProfessionalDirectory(deps: ServiceDeps, actor: Actor, q: string): Promise<DirectoryEntry[]> {
  if (actor.kind !== 'person' && actor.kind !== 'professional' && actor.kind !== 'operator') throw new AppError('ACCESS_DENIED');
  const query = foldQuery(q);
  if (query.length < 2) {
    throw new AppError('VALIDATION_FAILED', undefined, [{ field: 'q', code: 'DIRECTORY_QUERY_TOO_SHORT', message: 'Saisissez au moins 2 caractères.' }]);
  }
  const found = await searchProfessionals(deps.db, query, DIRECTORY_MAX_RESULTS);
  return found.map((p) => ({
    rpps: p.rpps,
    name: directoryName(p),
    profession: { code: p.profession, label: professionLabel(deps, p.profession) },
    structure: p.structure,
  }));
}
