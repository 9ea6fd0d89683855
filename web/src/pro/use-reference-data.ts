/** The CI-SIS value sets and regulatory delays served by /api (loaded once per page load, shared). */
import { useEffect, useState } from 'react';
import { proFetch } from './pro-fetch.ts';

export type ValueSetName = 'document-types' | 'document-classes' | 'practice-settings' | 'facility-types' | 'author-specialties';
export interface ValueSetConcept {
  code: string;
  system: string;
  display: string;
  classCode?: string;
  patientOnly?: boolean;
}
export interface RegulatoryDelays {
  invisiblePatientInformAfterDays: number;
  invisiblePatientVisibleAfterDays: number;
  emergencyAccessMinutes: number;
}

const cache = new Map<string, Promise<unknown>>();

function cached<T>(path: string): Promise<T> {
  let pending = cache.get(path);
  if (!pending) {
    pending = proFetch<T>(path);
    // A failure is not kept: the next page tries again.
    pending.catch(() => cache.delete(path));
    cache.set(path, pending);
  }
  return pending as Promise<T>;
}

function useCached<T>(path: string): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    let active = true;
    cached<T>(path).then(
      (v) => active && setValue(v),
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, [path]);
  return value;
}

/** The concepts of a value set, or an empty list while loading (the pickers then offer nothing yet). */
export function useValueSet(name: ValueSetName): ValueSetConcept[] {
  return useCached<{ concepts: ValueSetConcept[] }>(`/api/value-sets/${name}`)?.concepts ?? [];
}

export function useRegulatoryDelays(): RegulatoryDelays | undefined {
  return useCached<RegulatoryDelays>('/api/regulatory-parameters');
}

/** The key a select uses for a concept: `system|code`, what the FHIR search and the form expect. */
export const conceptKey = (c: Pick<ValueSetConcept, 'system' | 'code'>): string => `${c.system}|${c.code}`;
