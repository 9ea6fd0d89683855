import { useEffect, useState } from 'react';
import { proFetch } from './pro-fetch.ts';
import type { ProfessionalStatus } from './professional-status.ts';

export type StatusLoad = { status: ProfessionalStatus | null; error: unknown };

/**
 * Loads the caller's status on the patient's record once per patient opened (each load is traced as
 * identifying the patient). A refusal — blocked by the patient — is kept to be shown as the server words it.
 */
export function useProfessionalStatus(patientId: string | null): StatusLoad {
  const [load, setLoad] = useState<StatusLoad>({ status: null, error: undefined });
  useEffect(() => {
    setLoad({ status: null, error: undefined });
    if (!patientId) return;
    let active = true;
    proFetch<ProfessionalStatus>(`/api/dossiers/${patientId}/professional-status`).then(
      (status) => active && setLoad({ status, error: undefined }),
      (error: unknown) => active && setLoad({ status: null, error }),
    );
    return () => {
      active = false;
    };
  }, [patientId]);
  return load;
}
