/** Tiny history-based router store: `useLocation()` + `navigate()`. */
import { useSyncExternalStore } from 'react';

export interface LocationSnapshot {
  pathname: string;
  search: string;
  /** Incremented on every in-app navigation (push, replace, back/forward). 0 on first load. */
  navCount: number;
}

const listeners = new Set<() => void>();
let snapshot: LocationSnapshot = {
  pathname: window.location.pathname,
  search: window.location.search,
  navCount: 0,
};

function update(): void {
  const { pathname, search } = window.location;
  // Fragment-only changes (skip links, anchors) are not page navigations.
  if (pathname === snapshot.pathname && search === snapshot.search) return;
  snapshot = { pathname, search, navCount: snapshot.navCount + 1 };
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', update);

interface DsfrApi {
  (element: Element): { modal?: { conceal(): void } };
}

/** Closes the DSFR mobile menu modal if a navigation happens from inside it. */
function closeOpenedModals(): void {
  const dsfr = (window as unknown as { dsfr?: DsfrApi }).dsfr;
  if (typeof dsfr !== 'function') return;
  for (const modal of document.querySelectorAll('.fr-modal--opened')) dsfr(modal).modal?.conceal();
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  closeOpenedModals();
  window.scrollTo(0, 0);
  update();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLocation(): LocationSnapshot {
  return useSyncExternalStore(subscribe, () => snapshot);
}
