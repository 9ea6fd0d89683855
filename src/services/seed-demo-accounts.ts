import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { findAccountByEmail, findAccountById, insertAccount, type AccountRow, type NewAccount } from '../store/account-repo.ts';
import { upsertRegulationCentre } from '../store/regulation-centre-repo.ts';
import { registerSoftwareClient } from './oidc-storage.ts';
import { hashPassword } from './password.ts';
import type { ServiceDeps } from './service-deps.ts';
import { professionLabel } from './sign-in-with-card.ts';

/** A demo patient whose dossier exists (created by the demo population seed). */
export type DemoPatient = { dossierId: string; givenName: string; familyName: string; email: string };

export type DemoSignIns = {
  password: string;
  patients: { accountId: string; email: string; displayName: string }[];
  operator: { accountId: string; email: string; displayName: string };
  professionals: { accountId: string; displayName: string; professionLabel: string; rpps: string; structureName: string | null }[];
  software: { clientId: string; privateKeyFile: string; actsFor: string };
};

export const DEMO_PASSWORD = 'Demo-2026!';
export const DEMO_SOFTWARE_CLIENT_ID = 'demo-lps';
export const DEMO_OPERATOR_EMAIL = 'operateur.demo@openmes.local';

type DemoProfessional = Pick<AccountRow, 'given_name' | 'family_name' | 'rpps' | 'profession' | 'specialty' | 'structure_finess' | 'structure_name'>;

/** RPPS and FINESS numbers are 11 and 9 digits passing the Luhn check; fictitious. */
export const DEMO_PROFESSIONALS: readonly DemoProfessional[] = [
  { given_name: 'Claire', family_name: 'Lambert', rpps: '10000010008', profession: 'G15:10', specialty: 'SM54', structure_finess: '750000010', structure_name: 'Cabinet médical des Lilas' },
  { given_name: 'Karim', family_name: 'Benali', rpps: '10000010016', profession: 'G15:60', specialty: null, structure_finess: '750000028', structure_name: 'Centre de soins infirmiers de Belleville' },
  { given_name: 'Sophie', family_name: 'Moreau', rpps: '10000010024', profession: 'G15:21', specialty: null, structure_finess: '750000036', structure_name: 'Pharmacie du Marché' },
  { given_name: 'Antoine', family_name: 'Girard', rpps: '10000010032', profession: 'G15:10', specialty: null, structure_finess: '750000044', structure_name: 'SAMU de Paris — centre de régulation médicale' },
  { given_name: 'Nadia', family_name: 'Haddad', rpps: '10000010040', profession: 'R94:41', specialty: null, structure_finess: '750000051', structure_name: "Centre communal d'action sociale" },
];

/** The demo SAMU regulation centre (Antoine Girard's structure). */
const DEMO_REGULATION_CENTRE = DEMO_PROFESSIONALS[3]!;

/** Stable account ids, so seeding twice finds the same accounts. */
export function demoAccountId(key: string): string {
  const h = createHash('sha256').update(`openmes-demo-account|${key}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const base = { email: null, password_hash: null, dossier_id: null, rpps: null, profession: null, specialty: null, structure_finess: null, structure_name: null, demo: true };

async function ensure(deps: ServiceDeps, account: NewAccount): Promise<AccountRow> {
  const existing = (await findAccountById(deps.db, account.account_id)) ?? (account.email ? await findAccountByEmail(deps.db, account.email) : null);
  if (existing) return existing;
  await insertAccount(deps.db, account, deps.clock());
  return (await findAccountById(deps.db, account.account_id))!;
}

/**
 * Creates the demo accounts if missing (idempotent): the given patients (their dossiers must exist), five
 * professionals, one operator, and the software client `demo-lps` acting for the general practitioner,
 * whose private key is written to `<dataDir>/demo-lps-private-jwk.json` for newcomers to use.
 */
export async function seedDemoAccounts(deps: ServiceDeps, input: { patients: readonly DemoPatient[]; dataDir: string; password?: string }): Promise<DemoSignIns> {
  const password = input.password ?? DEMO_PASSWORD;
  const passwordHash = await hashPassword(password);
  const patients = [];
  for (const p of input.patients) {
    const a = await ensure(deps, { ...base, account_id: demoAccountId(`patient|${p.dossierId}`), kind: 'patient', email: p.email, password_hash: passwordHash, given_name: p.givenName, family_name: p.familyName, dossier_id: p.dossierId });
    patients.push({ accountId: a.account_id, email: a.email ?? p.email, displayName: `${a.given_name} ${a.family_name}` });
  }
  const op = await ensure(deps, { ...base, account_id: demoAccountId('operator'), kind: 'operator', email: DEMO_OPERATOR_EMAIL, password_hash: passwordHash, given_name: 'Olivia', family_name: 'Opératrice' });
  const professionals = [];
  for (const p of DEMO_PROFESSIONALS) {
    const a = await ensure(deps, { ...base, ...p, account_id: demoAccountId(`professional|${p.rpps}`), kind: 'professional' });
    professionals.push({ accountId: a.account_id, displayName: `${a.given_name} ${a.family_name}`, professionLabel: professionLabel(a), rpps: a.rpps!, structureName: a.structure_name });
  }
  // The demo SAMU is a listed regulation centre: its physician may use the SAMU regulation mode.
  await upsertRegulationCentre(deps.db, DEMO_REGULATION_CENTRE.structure_finess!, DEMO_REGULATION_CENTRE.structure_name!, deps.clock());
  const gp = professionals[0]!;
  const privateKeyFile = join(input.dataDir, 'demo-lps-private-jwk.json');
  const publicJwk = await demoSoftwareKey(privateKeyFile);
  await registerSoftwareClient(deps, {
    client_id: DEMO_SOFTWARE_CLIENT_ID,
    client_name: `Logiciel de démonstration (${gp.structureName})`,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'private_key_jwt',
    token_endpoint_auth_signing_alg: 'RS256',
    jwks: { keys: [publicJwk] },
    openmes_acts_for: gp.accountId,
  });
  return {
    password,
    patients,
    operator: { accountId: op.account_id, email: op.email ?? DEMO_OPERATOR_EMAIL, displayName: `${op.given_name} ${op.family_name}` },
    professionals,
    software: { clientId: DEMO_SOFTWARE_CLIENT_ID, privateKeyFile, actsFor: gp.displayName },
  };
}

/** Reads the demo software's private key, or creates it; returns the public half to register. */
async function demoSoftwareKey(file: string): Promise<JWK> {
  let jwk: JWK | null = null;
  if (existsSync(file)) {
    try {
      jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    } catch {
      jwk = null;
    }
  }
  if (!jwk?.d || jwk.kty !== 'RSA') {
    const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    jwk = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `${JSON.stringify(jwk, null, 2)}\n`, { mode: 0o600 });
  }
  const { d, p, q, dp, dq, qi, ...publicJwk } = jwk;
  void d; void p; void q; void dp; void dq; void qi;
  return publicJwk;
}
