import type { Migration } from '../migrator.ts';

// Frozen. Sign-in attempt limits shared by every server process: one row per limited key (an account's
// password or code, a client address, codes sent to an account), locked while an attempt is decided.
export const m0008: Migration = {
  name: '0008_sign_in_throttle',
  statements: [
    `CREATE TABLE sign_in_throttle (
       throttle_key text PRIMARY KEY,
       hits integer NOT NULL,
       window_start timestamptz NOT NULL,
       last_hit timestamptz NOT NULL,
       blocked_until timestamptz
     )`,
    `CREATE INDEX sign_in_throttle_last_hit ON sign_in_throttle (last_hit)`,
  ],
};
