import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { fhirJson } from '../api/fhir-client.ts';
import { expectedActorKind, fullName } from '../api/me.ts';
import { useAuth } from '../auth/auth-context.tsx';

/** One health space the signed-in person may show: their own, a child's, a mandate's… */
export interface Space {
  dossierId: string;
  /** `self`, or the relationship through which the person acts (legal_representative, carer, protector). */
  relationship: string;
  /** Holder's name (from the FHIR Patient search of one's own spaces); null until known. */
  name: string | null;
}

interface SpaceContextValue {
  spaces: Space[];
  /** The space every record page shows; undefined while signed out or loading. */
  current: Space | undefined;
  select: (dossierId: string) => void;
}

const STORAGE_KEY = 'openmes.patient.space';
const SpaceContext = createContext<SpaceContextValue>({ spaces: [], current: undefined, select: () => undefined });

type PatientBundle = { entry?: { resource?: { id?: string; name?: { family?: string; given?: string[] }[] } }[] };

/** « MARTIN » → « Martin », « DE LA FONTAINE » → « De La Fontaine » (birth names are stored in capitals). */
function titleCase(name: string): string {
  return name.toLocaleLowerCase('fr-FR').replace(/(^|[\s'’-])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toLocaleUpperCase('fr-FR'));
}

export function holderNames(bundle: PatientBundle): Map<string, string> {
  const names = new Map<string, string>();
  for (const e of bundle.entry ?? []) {
    const r = e.resource;
    const n = r?.name?.[0];
    if (!r?.id || !n) continue;
    names.set(r.id, [n.given?.[0], n.family ? titleCase(n.family) : undefined].filter(Boolean).join(' '));
  }
  return names;
}

function readStored(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/**
 * The current space of the patient portal (SPEC §1: a parent acts in each child's space, a carer in the
 * spaces they hold a mandate for). Kept in sessionStorage so a reload stays in the same space.
 */
export function SpaceProvider({ children }: { children: ReactNode }) {
  const { portal, state } = useAuth();
  const me = state.status === 'signedIn' && portal === 'patient' && state.me.actorKind === expectedActorKind.patient ? state.me : undefined;
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [selected, setSelected] = useState<string | null>(readStored);

  const baseSpaces = useMemo<Space[]>(() => {
    if (!me?.dossierId) return [];
    return [
      { dossierId: me.dossierId, relationship: 'self', name: fullName(me) },
      ...(me.actsFor ?? []).map((a) => ({ dossierId: a.dossierId, relationship: a.relationship, name: null })),
    ];
  }, [me]);

  const others = baseSpaces.length > 1;
  useEffect(() => {
    if (!others) return;
    let active = true;
    // Names of the other spaces: one traced read of each (FHIR Patient search of one's own spaces).
    fhirJson<PatientBundle>('patient', '/Patient').then(
      (bundle) => {
        if (active) setNames(holderNames(bundle));
      },
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, [others]);

  const spaces = useMemo(
    () => baseSpaces.map((s) => (s.relationship === 'self' ? s : { ...s, name: names.get(s.dossierId) ?? null })),
    [baseSpaces, names],
  );
  const current = spaces.find((s) => s.dossierId === selected) ?? spaces[0];

  const select = useCallback((dossierId: string) => {
    setSelected(dossierId);
    try {
      window.sessionStorage.setItem(STORAGE_KEY, dossierId);
    } catch {
      // Private browsing without storage: the choice lasts until the page is reloaded.
    }
  }, []);

  const value = useMemo(() => ({ spaces, current, select }), [spaces, current, select]);
  return <SpaceContext.Provider value={value}>{children}</SpaceContext.Provider>;
}

export function useSpaces(): SpaceContextValue {
  return useContext(SpaceContext);
}
