import type { ServiceDeps } from './service-deps.ts';

/** How an actor is shown to the patient: name, profession (code and French label), structure. */
export type ActorView = {
  kind: string;
  name: string;
  rpps?: string;
  profession?: { code: string; label: string };
  structure?: { finess: string; name: string };
  /** The patient-side role the person acted in (holder, legal representative…), when known. */
  role?: string;
};

export function professionLabel(deps: Pick<ServiceDeps, 'reference'>, code: string): string {
  return deps.reference.professions.get(code)?.display ?? code;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Reads an actor snapshot as stored in audit rows and records (`actorSnapshot`): unknown keys are ignored. */
export function actorView(deps: Pick<ServiceDeps, 'reference'>, kind: string, snapshot: Record<string, unknown>): ActorView {
  const profession = str(snapshot.profession);
  const rpps = str(snapshot.rpps);
  const role = str(snapshot.role);
  const s = snapshot.structure as { finess?: unknown; name?: unknown } | null | undefined;
  const finess = s && str(s.finess);
  return {
    kind,
    name: str(snapshot.displayName) ?? (kind === 'system' ? 'Traitement automatique' : 'Inconnu'),
    ...(rpps ? { rpps } : {}),
    ...(profession ? { profession: { code: profession, label: professionLabel(deps, profession) } } : {}),
    ...(finess ? { structure: { finess, name: str(s.name) ?? '' } } : {}),
    ...(role ? { role } : {}),
  };
}

/** A directory professional's name as the portals and the history show it ("Dr" for physicians, as actorForAccount). */
export function directoryName(p: { profession: string; givenName: string; familyName: string }): string {
  return `${p.profession === 'G15:10' ? 'Dr ' : ''}${p.givenName} ${p.familyName}`;
}
