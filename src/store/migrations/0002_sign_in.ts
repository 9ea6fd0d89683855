import type { Migration } from '../migrator.ts';

// Frozen. Sign-in: a one-time code belongs to the sign-in interaction that asked for it, and expired
// authorization-server records (codes, sessions, replay markers) are purged by expiry.
export const m0002: Migration = {
  name: '0002_sign_in',
  statements: [
    `ALTER TABLE login_challenge ADD COLUMN interaction_uid text`,
    `CREATE INDEX login_challenge_interaction ON login_challenge (interaction_uid) WHERE consumed_at IS NULL`,
    `CREATE INDEX oidc_payload_expires ON oidc_payload (expires_at) WHERE expires_at IS NOT NULL`,
  ],
};
