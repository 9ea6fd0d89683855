import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { setBlocked } from '../src/store/record-facts-repo.ts';
import { doctor, insertDossier, insWithKey, operator, personFor } from './support/fixtures.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { ENGINE } from './support/test-db.ts';

/*
 * GET /api/dossiers/:id/professional-status: what a professional opening a patient's record sees on
 * arrival — the patient already informed of feeding (when, by whom), a consent covering them, their
 * session in force — about the caller only, decided and traced once; blocked: the SPEC §3.2 refusal.
 */

type Pro = Extract<Actor, { kind: 'professional' }>;
const pro = (rpps: string, name: string, profession: string, structure: Pro['structure']): Pro => ({
  kind: 'professional', accountId: randomUUID(), displayName: name, rpps, profession, specialty: null, structure,
});
// The doctor (fixtures) works at Cabinet Dupont (750000001); the nurse in the same structure; the pharmacist elsewhere.
const nurse = pro('20202020202', 'Hélène Lefèvre', 'G15:60', { finess: '750000001', name: 'Cabinet Dupont' });
const pharmacist = pro('40404040404', 'Omar Haddad', 'G15:21', { finess: '750000077', name: 'Pharmacie du Port' });
const blocked = pro('60606060606', 'Dr Bruno Bloqué', 'G15:10', { finess: '750000088', name: 'Clinique Nord' });
const BLOCKED_MESSAGE = "Le patient vous a retiré les droits d'accès à son DMP.";
const SYSTEM_CHAIN = '00000000-0000-0000-0000-000000000000';

let t: TestApp;
let patient: string;

const call = async (actor: Actor, method: 'GET' | 'POST', url: string, body?: unknown) => t.app.inject({
  method, url, headers: { authorization: `Bearer ${await t.tokenFor(actor)}` }, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
});
const status = (actor: Actor, dossierId = patient) => call(actor, 'GET', `/api/dossiers/${dossierId}/professional-status`);

type Entry = { action: string; outcome: string; reason: string; mode: string; actor_id: string; details: Record<string, unknown> };
const entries = async (dossierId: string) =>
  (await t.db.query<Entry>('SELECT action, outcome, reason, mode, actor_id, details FROM audit_event WHERE dossier_id = $1 ORDER BY seq', [dossierId])).rows;

/** The request leaves exactly one new entry on `dossierId`'s chain; returns the response and that entry. */
async function traced(dossierId: string, request: () => ReturnType<typeof status>) {
  const before = (await entries(dossierId)).length;
  const res = await request();
  const after = await entries(dossierId);
  expect(after.length, res.body).toBe(before + 1);
  return { res, entry: after[after.length - 1]! };
}

describe(`professional status on arrival (${ENGINE})`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    patient = await insertDossier(t.db, { ins: insWithKey('2780575056444'), birthName: 'BLANC', firstNames: 'Lucie', birthDate: '1978-05-01', state: 'active' });
  });
  afterAll(async () => t.close());

  it('before anything was recorded: not informed, no consent, no session — traced as identifying the patient', async () => {
    const { res, entry } = await traced(patient, () => status(nurse));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ patientInformed: null, consent: null, session: null });
    expect(entry).toMatchObject({ action: 'dossier.identity.read', outcome: 'allowed', reason: 'POLICY_PRO_PATIENT_IDENTIFICATION', mode: 'normal', details: { view: 'professional-status' } });
  });

  it('shows who informed the patient and when, and the care-team consent to the colleagues it covers only', async () => {
    t.clock.set('2026-02-03T09:30:00Z');
    expect((await call(doctor, 'POST', `/api/dossiers/${patient}/feeding-information`, {})).statusCode).toBe(201);
    t.clock.set('2026-02-03T09:45:00Z');
    expect((await call(doctor, 'POST', `/api/dossiers/${patient}/consents`, { scope: 'structure' })).statusCode).toBe(201);
    t.clock.set('2026-02-05T10:00:00Z');

    const colleague = (await status(nurse)).json();
    expect(colleague).toEqual({
      patientInformed: { at: '2026-02-03T09:30:00.000Z', by: expect.objectContaining({ name: 'Dr Jean Dupont', rpps: '10101010101', profession: { code: 'G15:10', label: 'Médecin' } }) },
      consent: { scope: 'structure', recordedAt: '2026-02-03T09:45:00.000Z' },
      session: null,
    });
    // Another structure: informed (once, for everyone), but the consent does not cover them.
    expect((await status(pharmacist)).json()).toMatchObject({ patientInformed: { at: '2026-02-03T09:30:00.000Z' }, consent: null, session: null });
  });

  it('shows the caller’s own emergency session, in the mode it traces', async () => {
    const started = await call(pharmacist, 'POST', `/api/dossiers/${patient}/emergency-access`, { mode: 'bris_de_glace', reason: 'Malaise à l’officine, traitements à connaître' });
    expect(started.statusCode).toBe(201);
    const { res, entry } = await traced(patient, () => status(pharmacist));
    expect(res.json().session).toEqual({ mode: 'bris_de_glace', expiresAt: started.json().expiresAt });
    expect(entry).toMatchObject({ outcome: 'allowed', mode: 'bris_de_glace' });
    // Someone else's session is not theirs.
    expect((await status(nurse)).json().session).toBeNull();
  });

  it('a blocked professional gets the SPEC §3.2 refusal, traced as denied', async () => {
    await setBlocked(t.db, patient, blocked.rpps, blocked.displayName, true, t.clock());
    const { res, entry } = await traced(patient, () => status(blocked));
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ detail: BLOCKED_MESSAGE, issues: [{ code: 'POLICY_BLOCKED_PROFESSIONAL', message: BLOCKED_MESSAGE }] });
    expect(entry).toMatchObject({ action: 'dossier.identity.read', outcome: 'denied', reason: 'POLICY_BLOCKED_PROFESSIONAL' });
    expect(JSON.stringify(res.json())).not.toContain('2026-02-03');
  });

  it('is a professional’s status: the holder and the operator get "not found", and an unknown space is traced on the system chain', async () => {
    for (const actor of [personFor(patient, 'Lucie Blanc'), operator]) {
      const { res, entry } = await traced(patient, () => status(actor));
      expect(res.statusCode).toBe(404);
      expect(entry).toMatchObject({ outcome: 'denied', reason: 'POLICY_NO_RULE' });
    }
    const nowhere = randomUUID();
    const before = (await entries(SYSTEM_CHAIN)).length;
    expect((await status(nurse, nowhere)).statusCode).toBe(404);
    expect((await entries(SYSTEM_CHAIN)).length).toBe(before + 1);
    expect((await call(nurse, 'GET', '/api/dossiers/not-a-uuid/professional-status')).statusCode).toBe(400);
  });
});
