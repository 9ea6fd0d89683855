import type { AccessMode, Decision, PatientSideRole } from './access-facts.ts';

export const allow = (reason: string, extra: { role?: PatientSideRole; mode?: AccessMode } = {}): Decision => ({ effect: 'allow', reason, ...extra });
export const deny = (reason: string, facts?: Record<string, string>): Decision => ({ effect: 'deny', reason, ...(facts ? { facts } : {}) });
