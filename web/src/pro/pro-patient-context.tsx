/**
 * The patient the professional is working on, for the whole tab: the identity found by the search,
 * what was recorded for them in this session (consent, information, shown back), and the emergency
 * or secret session in force on their record (GET /api/dossiers/:id/access-session), which every
 * professional page shows as a banner until it ends.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useAuth } from '../auth/auth-context.tsx';
import { SESSION_CHANGE_EVENT, type SessionChangeDetail } from '../auth/session.ts';
import { useLocation } from '../router/use-location.ts';
import type { PatientIdentity } from './patient-identity.ts';
import { proFetch } from './pro-fetch.ts';

export type AccessMode = 'bris_de_glace' | 'samu' | 'secret';
export interface AccessSession {
  mode: AccessMode;
  expiresAt: string;
}

/** What the portal recorded for the patient and shows back (the answers of the API). */
export interface PatientRecords {
  consent?: { scope: 'professional' | 'structure'; recordedAt: string };
  information?: { informedAt: string; informedBy: string | null };
}

interface Stored {
  patient: PatientIdentity;
  records: PatientRecords;
}

export interface ProPatientValue {
  patient: PatientIdentity | null;
  records: PatientRecords;
  select(patient: PatientIdentity): void;
  clear(): void;
  remember(records: Partial<PatientRecords>): void;
  /** The caller's emergency or secret session on this patient's record, while it lasts. */
  session: AccessSession | null;
  /** Reloads the session (after starting one). */
  refreshSession(): Promise<void>;
}

const KEY = 'openmes.pro.patient';
const Context = createContext<ProPatientValue | undefined>(undefined);

function load(): Stored | null {
  try {
    const raw = window.sessionStorage.getItem(KEY);
    const value = raw === null ? null : (JSON.parse(raw) as Partial<Stored>);
    return value && typeof value.patient?.id === 'string' ? { patient: value.patient, records: value.records ?? {} } : null;
  } catch {
    return null;
  }
}

function save(stored: Stored | null): void {
  if (stored) window.sessionStorage.setItem(KEY, JSON.stringify(stored));
  else window.sessionStorage.removeItem(KEY);
}

export function ProPatientProvider({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const { pathname } = useLocation();
  const [stored, setStored] = useState<Stored | null>(load);
  const [session, setSession] = useState<AccessSession | null>(null);
  const patientId = stored?.patient.id ?? null;
  const signedIn = state.status === 'signedIn';

  const update = useCallback((next: Stored | null) => {
    save(next);
    setStored(next);
  }, []);

  // Signing out (or an expired token) forgets the patient: the next professional starts from the search.
  useEffect(() => {
    function onChange(event: Event): void {
      const detail = (event as CustomEvent<SessionChangeDetail>).detail;
      if (detail.portal === 'pro' && detail.reason !== 'signed-in') update(null);
    }
    window.addEventListener(SESSION_CHANGE_EVENT, onChange);
    return () => window.removeEventListener(SESSION_CHANGE_EVENT, onChange);
  }, [update]);

  const refreshSession = useCallback(async () => {
    if (!patientId || !signedIn) {
      setSession(null);
      return;
    }
    try {
      setSession(await proFetch<AccessSession>(`/api/dossiers/${patientId}/access-session`));
    } catch {
      // 404: no session in force. Any other failure shows no banner rather than a stale one.
      setSession(null);
    }
  }, [patientId, signedIn]);

  // Another patient: the previous one's session must not show while the new one loads.
  useEffect(() => setSession(null), [patientId]);

  // Checked again on every page: the banner follows the server, not a guess.
  useEffect(() => {
    void refreshSession();
  }, [refreshSession, pathname]);

  // The banner goes away when the session ends, even if the professional stays on the page.
  useEffect(() => {
    if (!session) return;
    const left = new Date(session.expiresAt).getTime() - Date.now();
    const timer = window.setTimeout(() => void refreshSession(), Math.max(0, Math.min(left + 1000, 2 ** 31 - 1)));
    return () => window.clearTimeout(timer);
  }, [session, refreshSession]);

  const value = useMemo<ProPatientValue>(() => ({
    patient: stored?.patient ?? null,
    records: stored?.records ?? {},
    select: (patient) => update({ patient, records: stored?.patient.id === patient.id ? stored.records : {} }),
    clear: () => update(null),
    remember: (records) => {
      if (stored) update({ ...stored, records: { ...stored.records, ...records } });
    },
    session,
    refreshSession,
  }), [stored, session, update, refreshSession]);

  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useProPatient(): ProPatientValue {
  const value = useContext(Context);
  if (!value) throw new Error('useProPatient must be used inside <ProPatientProvider>');
  return value;
}
