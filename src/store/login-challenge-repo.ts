import type { Queryable } from './db.ts';

/** A one-time code sent by e-mail during a sign-in interaction; only the code's hash is kept. */
export type LoginChallengeRow = {
  challenge_id: string;
  account_id: string;
  interaction_uid: string | null;
  code_hash: string;
  expires_at: Date;
  attempts: number;
  consumed_at: Date | null;
};

export type NewLoginChallenge = Pick<LoginChallengeRow, 'challenge_id' | 'account_id' | 'interaction_uid' | 'code_hash' | 'expires_at'>;

/** Records a new challenge and retires the interaction's earlier ones (only the newest code counts). */
export async function insertLoginChallenge(tx: Queryable, c: NewLoginChallenge, now: Date): Promise<void> {
  if (c.interaction_uid) {
    await tx.query('UPDATE login_challenge SET consumed_at = $2 WHERE interaction_uid = $1 AND consumed_at IS NULL', [c.interaction_uid, now]);
  }
  await tx.query(
    `INSERT INTO login_challenge (challenge_id, account_id, interaction_uid, code_hash, expires_at, attempts)
     VALUES ($1, $2, $3, $4, $5, 0)`,
    [c.challenge_id, c.account_id, c.interaction_uid, c.code_hash, c.expires_at],
  );
}

/** The interaction's open challenge, locked for the caller's transaction. */
export async function findOpenChallengeForUpdate(tx: Queryable, interactionUid: string): Promise<LoginChallengeRow | null> {
  const res = await tx.query<LoginChallengeRow>(
    `SELECT * FROM login_challenge WHERE interaction_uid = $1 AND consumed_at IS NULL
     ORDER BY expires_at DESC LIMIT 1 FOR UPDATE`,
    [interactionUid],
  );
  return res.rows[0] ?? null;
}

export async function findOpenChallenge(db: Queryable, interactionUid: string): Promise<LoginChallengeRow | null> {
  const res = await db.query<LoginChallengeRow>(
    'SELECT * FROM login_challenge WHERE interaction_uid = $1 AND consumed_at IS NULL ORDER BY expires_at DESC LIMIT 1',
    [interactionUid],
  );
  return res.rows[0] ?? null;
}

/** Counts one wrong code; returns the new number of attempts. */
export async function recordChallengeAttempt(tx: Queryable, challengeId: string): Promise<number> {
  const res = await tx.query<{ attempts: number }>(
    'UPDATE login_challenge SET attempts = attempts + 1 WHERE challenge_id = $1 RETURNING attempts', [challengeId]);
  return res.rows[0]?.attempts ?? 0;
}

/** Closes a challenge for good (used, locked or expired). */
export async function closeChallenge(tx: Queryable, challengeId: string, now: Date): Promise<void> {
  await tx.query('UPDATE login_challenge SET consumed_at = $2 WHERE challenge_id = $1 AND consumed_at IS NULL', [challengeId, now]);
}
