import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPlatform, type Platform } from '../src/cli/platform.ts';
import { parseConfig } from '../src/config.ts';
import type { Actor } from '../src/domain/actor.ts';
import { SYSTEM_CHAIN } from '../src/domain/audit-chain.ts';
import { SCHEDULED_JOBS } from '../src/jobs/scheduled-jobs.ts';
import { runJobOnRequest } from '../src/services/trace-job-run.ts';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { documentReference } from './support/documents.ts';
import { doctor, insertDossier, insWithKey, operator, personFor } from './support/fixtures.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { ENGINE } from './support/test-db.ts';

let t: TestApp;
let platform: Platform;
let patient: string;
const call = async (actor: Actor, method: 'GET' | 'POST', url: string, body?: unknown) => t.app.inject({
  method, url, headers: { authorization: `Bearer ${await t.tokenFor(actor)}`, 'content-type': url.startsWith('/fhir') ? 'application/fhir+json' : 'application/json' },
  ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
});
const jobTrail = async () => (await t.db.query<{ actor_kind: string; outcome: string; reason: string; details: Record<string, unknown> }>(
  "SELECT actor_kind, outcome, reason, details FROM audit_event WHERE dossier_id = $1 AND action = 'job.run' ORDER BY seq", [SYSTEM_CHAIN])).rows;

describe(`openmes jobs run: a scheduled job now, on the operator's request (${ENGINE})`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    t.clock.set('2026-02-01T08:00:00Z');
    // The platform the CLI opens, on the same database and clock (its close() is not called: the app owns the database).
    platform = await openPlatform(parseConfig({ OPENMES_MODE: 'test', OPENMES_LOG_LEVEL: 'silent' }), t.clock, t.db);
    patient = await insertDossier(t.db, { ins: insWithKey('2700575056333'), birthName: 'ROUX', firstNames: 'Léa', birthDate: '1970-05-01', state: 'active' });
    await call(doctor, 'POST', `/api/dossiers/${patient}/feeding-information`, {});
  });
  afterAll(async () => t.close());

  it('a tester moves time, runs the re-visibility job and the delivery now: the patient sees the document and is notified, all traced', async () => {
    const fed = await call(doctor, 'POST', '/fhir/R4/DocumentReference', documentReference({ patientId: patient, labels: ['INVISIBLE_PATIENT'], title: 'Résultat à annoncer' }));
    expect(fed.statusCode).toBe(201);
    const holder = personFor(patient, 'Léa Roux');
    const patientSees = async () => (await call(holder, 'GET', `/fhir/R4/DocumentReference?patient=Patient/${patient}`)).json().total as number;
    expect(await patientSees()).toBe(0);

    t.clock.advanceDays(91);
    const ctx = { actor: operator, requestId: null };
    expect(await runJobOnRequest(platform, ctx, 'revisibility', () => SCHEDULED_JOBS.revisibility!.runOnce(platform))).toEqual({ informed: 1, madeVisible: 1 });
    expect(await patientSees()).toBe(1);
    const delivered = await runJobOnRequest(platform, ctx, 'outbox', () => SCHEDULED_JOBS.outbox!.runOnce(platform));
    expect(delivered.delivered).toBeGreaterThanOrEqual(2);
    const centre = (await call(holder, 'GET', '/api/notifications')).json() as { items: unknown[] };
    expect(centre.items.length).toBeGreaterThanOrEqual(2);

    // The request is the operator's; the run itself is the system's, with its counts.
    expect(await jobTrail()).toEqual([
      expect.objectContaining({ actor_kind: 'operator', outcome: 'allowed', details: { step: 'start' } }),
      expect.objectContaining({ actor_kind: 'system', outcome: 'allowed', reason: 'JOB_COMPLETED', details: { step: 'end', requestedBy: 'operator', informed: 1, madeVisible: 1 } }),
      expect.objectContaining({ actor_kind: 'operator', details: { step: 'start' } }),
      expect.objectContaining({ actor_kind: 'system', reason: 'JOB_COMPLETED' }),
    ]);
    // The job's own accesses are traced in the patient's history as the system's.
    const visibility = await t.db.query("SELECT actor_kind FROM audit_event WHERE dossier_id = $1 AND action LIKE 'document.visibility.%'", [patient]);
    expect(visibility.rows).toEqual([{ actor_kind: 'system' }, { actor_kind: 'system' }]);
    expect((await verifyAudit(t.db)).problems).toEqual([]);
  });

  it('nobody but the operator may run a job: refused, traced, and the job does not run', async () => {
    let ran = false;
    await expect(runJobOnRequest(platform, { actor: doctor, requestId: null }, 'revisibility', async () => { ran = true; return {}; }))
      .rejects.toMatchObject({ status: 403 });
    expect(ran).toBe(false);
    expect((await jobTrail()).at(-1)).toMatchObject({ actor_kind: 'professional', outcome: 'denied', reason: 'POLICY_OPERATOR_ONLY' });
  });

  it('a job that fails is traced as failed, without its error text', async () => {
    await expect(runJobOnRequest(platform, { actor: operator, requestId: null }, 'oidc-purge', async () => { throw new Error('boom MARTIN'); })).rejects.toThrow('boom');
    const last = (await jobTrail()).at(-1)!;
    expect(last).toMatchObject({ actor_kind: 'system', outcome: 'denied', reason: 'JOB_FAILED' });
    expect(JSON.stringify(last)).not.toContain('MARTIN');
  });
});

describe('the CLI', { timeout: 240_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'openmes-jobs-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = promisify(execFile);
  const openmes = (...args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, OPENMES_DATA_DIR: join(dir, 'data'), OPENMES_MODE: 'development' };
    delete env.DATABASE_URL;
    return run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env });
  };

  it('lists the jobs, runs one now (also as of a date), and explains its usage', async () => {
    expect((await openmes('jobs', 'list')).stdout).toMatch(/^revisibility .*hourly/m);
    expect((await openmes('jobs', 'run', 'revisibility', '--at', '2030-01-01T00:00:00Z')).stdout).toBe('revisibility: informed 0, madeVisible 0\n');
    expect((await openmes('jobs', 'run', 'oidc-purge')).stdout).toMatch(/^oidc-purge: purged \d+\n$/);
    await expect(openmes('jobs', 'run', 'nope')).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('revisibility|outbox|oidc-purge') });
    await expect(openmes('jobs', 'run', 'outbox', '--at', 'tomorrow')).rejects.toMatchObject({ code: 2 });
  });
});
