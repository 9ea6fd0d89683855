import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/build-app.ts';
import { formatDemoSignIns } from '../src/cli/print-demo-sign-ins.ts';
import { openPlatform, type Platform } from '../src/cli/platform.ts';
import { tokenCommand } from '../src/cli/token-command.ts';
import { parseConfig, type Config } from '../src/config.ts';
import { validateFiness } from '../src/domain/identity/finess.ts';
import { verifyAccessToken } from '../src/services/access-token.ts';
import { findDemoAccount } from '../src/services/find-demo-account.ts';
import { seedDemoAccounts } from '../src/services/seed-demo-accounts.ts';
import { insertDossier, insWithKey } from './support/fixtures.ts';
import { createTestDb, type TestDb } from './support/test-db.ts';

let db: TestDb;
let platform: Platform;
let config: Config;
let dataDir: string;
let dossierId: string;
const patient = () => ({ dossierId, givenName: 'Camille', familyName: 'Durand', email: 'camille.durand@example.test' });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'openmes-demo-'));
  config = parseConfig({ OPENMES_MODE: 'test', OPENMES_DATA_DIR: dataDir, OPENMES_LOG_LEVEL: 'silent' });
  db = await createTestDb();
  platform = await openPlatform(config, () => new Date(), db);
  dossierId = await insertDossier(db, { ins: insWithKey('2850575123456'), state: 'active' });
});
afterAll(async () => {
  await db?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('seedDemoAccounts', () => {
  it('creates patients, five professionals, an operator and the demo-lps client, idempotently', async () => {
    const first = await seedDemoAccounts(platform, { patients: [patient()], dataDir });
    const keyFile = readFileSync(first.software.privateKeyFile, 'utf8');
    expect(statSync(first.software.privateKeyFile).mode & 0o077).toBe(0);
    const second = await seedDemoAccounts(platform, { patients: [patient()], dataDir });
    expect(second).toEqual(first);
    expect(readFileSync(first.software.privateKeyFile, 'utf8')).toBe(keyFile);
    const counts = await db.query<{ kind: string; n: number }>('SELECT kind, count(*)::int AS n FROM account GROUP BY kind ORDER BY kind');
    expect(counts.rows).toEqual([{ kind: 'operator', n: 1 }, { kind: 'patient', n: 1 }, { kind: 'professional', n: 5 }]);
    expect(first.professionals.map((p) => p.rpps)).toEqual(['10000010008', '10000010016', '10000010024', '10000010032', '10000010040']);
    const pros = await db.query<{ rpps: string; profession: string; structure_finess: string }>("SELECT * FROM account WHERE kind = 'professional'");
    for (const p of pros.rows) {
      expect(p.rpps).toMatch(/^\d{11}$/);
      expect(validateFiness(p.structure_finess).ok).toBe(true);
    }
    expect(pros.rows.map((p) => p.profession).sort()).toEqual(['G15:10', 'G15:10', 'G15:21', 'G15:60', 'R94:41']);
    const jwk = JSON.parse(keyFile) as Record<string, string>;
    expect(jwk.d).toBeDefined();
    const client = await db.query<{ payload: { jwks: { keys: Record<string, string>[] }; openmes_acts_for: string } }>("SELECT payload FROM oidc_payload WHERE model = 'Client' AND id = 'demo-lps'");
    expect(client.rows[0]!.payload.jwks.keys[0]!.d).toBeUndefined();
    expect(client.rows[0]!.payload.jwks.keys[0]!.n).toBe(jwk.n);
    expect(client.rows[0]!.payload.openmes_acts_for).toBe(first.professionals[0]!.accountId);
    const printed = formatDemoSignIns(first, config.publicUrl);
    expect(printed).toContain('camille.durand@example.test');
    expect(printed).toContain('Demo-2026!');
    expect(printed).toContain('RPPS 10000010032');
  });

  it('finds demo accounts by e-mail, RPPS or id — and nothing else', async () => {
    const seeded = await seedDemoAccounts(platform, { patients: [patient()], dataDir });
    expect((await findDemoAccount(platform, 'Camille.Durand@example.test'))?.kind).toBe('patient');
    expect((await findDemoAccount(platform, '10000010024'))?.family_name).toBe('Moreau');
    expect((await findDemoAccount(platform, seeded.operator.accountId))?.kind).toBe('operator');
    expect(await findDemoAccount(platform, 'nobody@example.test')).toBeNull();
    expect(await findDemoAccount(platform, 'drop table')).toBeNull();
  });
});

describe('openmes token', () => {
  it('is refused in production with exit code 1', async () => {
    const out = captureStderr();
    try {
      expect(await tokenCommand({ config: { ...config, mode: 'production' }, options: { as: '10000010008' }, args: [] })).toBe(1);
    } finally {
      out.restore();
    }
    expect(out.text()).toContain('production');
  });

  it('prints a token for a demo account that verifyAccessToken accepts', async () => {
    // The command opens the platform of its configuration: an embedded database in its own data dir.
    const dir = mkdtempSync(join(tmpdir(), 'openmes-token-'));
    const own = parseConfig({ OPENMES_MODE: 'development', OPENMES_DATA_DIR: dir, OPENMES_LOG_LEVEL: 'silent' });
    const p = await openPlatform({ ...own, databaseUrl: undefined });
    await seedDemoAccounts(p, { patients: [], dataDir: dir });
    const keys = p.tokenKeys;
    await p.close();
    const stdout = captureStdout();
    const stderr = captureStderr();
    let code: number;
    try {
      code = await tokenCommand({ config: { ...own, databaseUrl: undefined }, options: { as: true }, args: ['10000010016'] });
    } finally {
      stdout.restore();
      stderr.restore();
    }
    expect(code).toBe(0);
    const actor = await verifyAccessToken(keys, stdout.text().trim(), new Date());
    expect(actor).toMatchObject({ kind: 'professional', rpps: '10000010016' });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('/dev/mailbox', () => {
  it('lists the embedded mailbox in development and is a 404 in production', async () => {
    await db.query(`INSERT INTO dev_mail (mail_id, delivery_key, to_address, subject, body_text, sent_at)
      VALUES ('00000000-0000-4000-8000-000000000001', 'k1', 'a@example.test', 'Premier', 'texte 1', '2026-01-01T10:00:00Z'),
             ('00000000-0000-4000-8000-000000000002', 'k2', 'b@example.test', 'Second <b>', 'texte 2', '2026-01-01T11:00:00Z')`);
    const dev = await buildApp({ ...platform, logger: false });
    const json = await dev.inject({ url: '/dev/mailbox.json' });
    expect(json.json<{ messages: { subject: string }[] }>().messages.map((m) => m.subject)).toEqual(['Second <b>', 'Premier']);
    const html = await dev.inject({ url: '/dev/mailbox' });
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('<html lang="fr">');
    expect(html.body).toContain('Second &lt;b&gt;');
    await dev.close();
    const prod = await buildApp({ ...platform, config: { ...config, mode: 'production' }, logger: false });
    expect((await prod.inject({ url: '/dev/mailbox' })).statusCode).toBe(404);
    expect((await prod.inject({ url: '/dev/mailbox.json' })).statusCode).toBe(404);
    await prod.close();
  });
});

function capture(stream: NodeJS.WriteStream) {
  const chunks: string[] = [];
  const original = stream.write.bind(stream);
  stream.write = ((chunk: string | Uint8Array) => { chunks.push(String(chunk)); return true; }) as typeof stream.write;
  return { text: () => chunks.join(''), restore: () => { stream.write = original; } };
}
const captureStdout = () => capture(process.stdout);
const captureStderr = () => capture(process.stderr);
