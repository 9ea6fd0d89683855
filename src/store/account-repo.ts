import type { Queryable } from './db.ts';

/** A person who signs in: a patient (with their own dossier), a professional or an operator. */
export type AccountRow = {
  account_id: string;
  kind: 'patient' | 'professional' | 'operator';
  email: string | null;
  password_hash: string | null;
  given_name: string;
  family_name: string;
  dossier_id: string | null;
  rpps: string | null;
  profession: string | null;
  specialty: string | null;
  structure_finess: string | null;
  structure_name: string | null;
  demo: boolean;
  created_at: Date;
  /** Professionals: when the directory stopped listing them (end of activity); null while in activity. */
  ended_at?: Date | null;
};

export type NewAccount = Omit<AccountRow, 'created_at' | 'demo'> & { demo?: boolean };

export async function insertAccount(db: Queryable, a: NewAccount, now: Date): Promise<void> {
  await db.query(
    `INSERT INTO account (account_id, kind, email, password_hash, given_name, family_name, dossier_id, rpps, profession,
                          specialty, structure_finess, structure_name, demo, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     ON CONFLICT (account_id) DO NOTHING`,
    [a.account_id, a.kind, a.email, a.password_hash, a.given_name, a.family_name, a.dossier_id, a.rpps, a.profession,
      a.specialty, a.structure_finess, a.structure_name, a.demo ?? false, now],
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findAccountById(db: Queryable, accountId: string): Promise<AccountRow | null> {
  // Actors that are not accounts (the CLI operator, jobs) have ids that are not UUIDs.
  if (!UUID.test(accountId)) return null;
  const res = await db.query<AccountRow>('SELECT * FROM account WHERE account_id = $1', [accountId]);
  return res.rows[0] ?? null;
}

export async function findAccountByEmail(db: Queryable, email: string): Promise<AccountRow | null> {
  const res = await db.query<AccountRow>('SELECT * FROM account WHERE lower(email) = lower($1)', [email]);
  return res.rows[0] ?? null;
}

export async function listDemoAccounts(db: Queryable): Promise<AccountRow[]> {
  const res = await db.query<AccountRow>('SELECT * FROM account WHERE demo ORDER BY kind, family_name, given_name');
  return res.rows;
}

export async function findAccountByRpps(db: Queryable, rpps: string): Promise<AccountRow | null> {
  const res = await db.query<AccountRow>('SELECT * FROM account WHERE rpps = $1', [rpps]);
  return res.rows[0] ?? null;
}
