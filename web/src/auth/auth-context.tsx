import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError } from '../api/problem.ts';
import { fetchMe, type Me } from '../api/me.ts';
import type { PortalId } from '../router/routes.ts';
import { AuthError, signOut as oidcSignOut, startSignIn } from './oidc.ts';
import { readSession, SESSION_CHANGE_EVENT, type SessionChangeDetail } from './session.ts';

export type AuthState =
  | { status: 'signedOut'; expired: boolean }
  | { status: 'loading' }
  | { status: 'signedIn'; me: Me }
  | { status: 'error'; error: ApiError };

export interface AuthContextValue {
  portal: PortalId;
  state: AuthState;
  /** Error raised while starting sign-in (discovery down, no WebCrypto…). */
  signInError: AuthError | undefined;
  signIn: () => void;
  signOut: () => void;
  dismissNotices: () => void;
  /** Reads the profile again (e.g. the spaces one acts for, after accepting or ending a carer mandate). */
  refreshProfile: () => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | undefined>(undefined);

function initialState(portal: PortalId): AuthState {
  return readSession(portal) ? { status: 'loading' } : { status: 'signedOut', expired: false };
}

export function AuthProvider({ portal, children }: { portal: PortalId; children: ReactNode }) {
  const [state, setState] = useState<AuthState>(() => initialState(portal));
  const [signInError, setSignInError] = useState<AuthError | undefined>(undefined);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    function onChange(event: Event): void {
      const detail = (event as CustomEvent<SessionChangeDetail>).detail;
      if (detail.portal !== portal) return;
      if (detail.reason === 'signed-in') {
        setState({ status: 'loading' });
        setGeneration((g) => g + 1);
      } else {
        setState({ status: 'signedOut', expired: detail.reason === 'expired' });
      }
    }
    window.addEventListener(SESSION_CHANGE_EVENT, onChange);
    return () => window.removeEventListener(SESSION_CHANGE_EVENT, onChange);
  }, [portal]);

  useEffect(() => {
    if (!readSession(portal)) return;
    let cancelled = false;
    fetchMe(portal).then(
      (me) => {
        if (!cancelled) setState({ status: 'signedIn', me });
      },
      (error: unknown) => {
        if (cancelled) return;
        if (error instanceof ApiError && error.status === 401) {
          setState({ status: 'signedOut', expired: true });
        } else {
          setState({ status: 'error', error: error instanceof ApiError ? error : new ApiError(0, {}) });
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [portal, generation]);

  const signIn = useCallback(() => {
    setSignInError(undefined);
    const returnTo = `${window.location.pathname}${window.location.search}`;
    startSignIn(portal, returnTo).catch((error: unknown) => {
      setSignInError(error instanceof AuthError ? error : new AuthError('discovery', String(error)));
    });
  }, [portal]);

  const signOut = useCallback(() => {
    void oidcSignOut(portal);
  }, [portal]);

  const dismissNotices = useCallback(() => {
    setSignInError(undefined);
    setState((s) => (s.status === 'signedOut' && s.expired ? { status: 'signedOut', expired: false } : s));
  }, []);

  const refreshProfile = useCallback(async () => {
    const me = await fetchMe(portal);
    setState({ status: 'signedIn', me });
  }, [portal]);

  const value = useMemo(
    () => ({ portal, state, signInError, signIn, signOut, dismissNotices, refreshProfile }),
    [portal, state, signInError, signIn, signOut, dismissNotices, refreshProfile],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth must be used inside <AuthProvider>');
  return value;
}
