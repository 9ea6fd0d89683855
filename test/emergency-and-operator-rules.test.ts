import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { changeRegulationCentre } from '../src/services/manage-regulation-centres.ts';
import { transitionDossier } from '../src/services/transition-dossier.ts';
import { CLI_OPERATOR } from '../src/cli/cli-operator.ts';
import { SYSTEM_CHAIN } from '../src/domain/audit-chain.ts';
import { doctor, insertDossier, insWithKey, operator, personFor } from './support/fixtures.ts';
import { serviceDeps } from './support/notifications.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { ENGINE } from './support/test-db.ts';

/*
 * Issue 8, "decide and document": who may start an emergency access, and the operator's recorded reason.
 * Bris de glace: health professionals whom the habilitation matrix lets read documents; SAMU regulation
 * mode: physicians practising in a listed regulation centre. The national operator closes or reopens a
 * space only with a reason, kept in the trace; the holder closing their own space needs none.
 */

type Pro = Extract<Actor, { kind: 'professional' }>;
let t: TestApp;
let patient: string;
const nurse: Pro = { kind: 'professional', accountId: '0f000000-0000-4000-8000-000000000131', displayName: 'Karim Benali', rpps: '10000010016', profession: 'G15:60', specialty: null, structure: { finess: '750000028', name: 'Centre de soins' } };
const socialWorker: Pro = { kind: 'professional', accountId: '0f000000-0000-4000-8000-000000000132', displayName: 'Nadia Haddad', rpps: '10000010040', profession: 'R94:41', specialty: null, structure: { finess: '750000051', name: 'CCAS' } };
/** A physician whose structure is the SAMU: regulator once the operator lists it. */
const regulator: Pro = { kind: 'professional', accountId: '0f000000-0000-4000-8000-000000000133', displayName: 'Dr Antoine Girard', rpps: '10000010032', profession: 'G15:10', specialty: null, structure: { finess: '750000044', name: 'SAMU de Paris' } };
const nurseAtSamu: Pro = { ...nurse, accountId: '0f000000-0000-4000-8000-000000000134', rpps: '10000010057', structure: regulator.structure };

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;
const post = async (actor: Actor, url: string, body?: unknown): Promise<Res> => t.app.inject({
  method: 'POST', url: `/api${url}`,
  headers: { authorization: `Bearer ${await t.tokenFor(actor)}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
});
const emergency = (actor: Actor, mode: 'bris_de_glace' | 'samu') =>
  post(actor, `/dossiers/${patient}/emergency-access`, mode === 'samu' ? { mode } : { mode, reason: 'Patient inconscient aux urgences' });
const lastEntry = async (dossierId: string, action: string) => (await t.db.query<{ outcome: string; reason: string; mode: string; details: Record<string, unknown> }>(
  'SELECT outcome, reason, mode, details FROM audit_event WHERE dossier_id = $1 AND action = $2 ORDER BY seq DESC LIMIT 1', [dossierId, action])).rows[0];
const sessions = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM access_session WHERE dossier_id = $1', [patient])).rows[0]!.n;
const state = async (dossierId: string) => (await t.db.query<{ state: string }>('SELECT state FROM dossier WHERE dossier_id = $1', [dossierId])).rows[0]!.state;
const refusal = (res: Res) => ({ status: res.statusCode, code: (res.json().issues as { code: string }[] | undefined)?.[0]?.code, detail: res.json().detail as string });

describe(`who may start an emergency access (${ENGINE})`, () => {
  beforeAll(async () => {
    // Médico-social roles opened, so that the emergency rule itself is what refuses them.
    t = await createTestApp({ OPENMES_MEDICO_SOCIAL_ENABLED: 'true' });
    patient = await insertDossier(t.db, { ins: insWithKey('1800575056888'), birthName: 'LEROY', firstNames: 'Hugo', birthDate: '1980-03-01', sex: 'M', state: 'active' });
  });
  afterAll(async () => t.close());

  it('bris de glace: open to a health professional of the matrix (a nurse), without consent', async () => {
    const res = await emergency(nurse, 'bris_de_glace');
    expect(res.statusCode, res.body).toBe(201);
    expect(await lastEntry(patient, 'emergency.start')).toMatchObject({ outcome: 'allowed', reason: 'POLICY_EMERGENCY_BRIS_DE_GLACE', mode: 'bris_de_glace' });
  });

  it('bris de glace: refused to a médico-social role, with the reason, traced, and no session', async () => {
    const before = await sessions();
    const res = await emergency(socialWorker, 'bris_de_glace');
    expect(refusal(res)).toEqual({
      status: 403, code: 'POLICY_EMERGENCY_NOT_HABILITATED',
      detail: "L'accès en urgence (bris de glace) est réservé aux professionnels de santé que la matrice d'habilitation autorise à consulter des documents du DMP.",
    });
    expect(await lastEntry(patient, 'emergency.start')).toMatchObject({ outcome: 'denied', reason: 'POLICY_EMERGENCY_NOT_HABILITATED' });
    expect(await sessions()).toBe(before);
  });

  it('SAMU mode: refused to a physician outside a listed regulation centre, then open once the operator lists it', async () => {
    const before = await sessions();
    const refused = await emergency(regulator, 'samu');
    expect(refusal(refused)).toMatchObject({ status: 403, code: 'POLICY_SAMU_ROLE_REQUIRED' });
    expect(refusal(refused).detail).toContain('médecins régulateurs');
    expect(refusal(refused).detail).toContain('bris de glace');
    expect(await lastEntry(patient, 'emergency.start')).toMatchObject({ outcome: 'denied', reason: 'POLICY_SAMU_ROLE_REQUIRED', mode: 'samu' });
    expect(await sessions()).toBe(before);

    // Only the operator lists regulation centres; each change is traced on the system chain.
    await expect(changeRegulationCentre(serviceDeps(t.db, t.clock), { actor: doctor, requestId: null }, { op: 'add', finess: '750000044', name: 'SAMU de Paris' })).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    expect(await changeRegulationCentre(serviceDeps(t.db, t.clock), { actor: operator, requestId: null }, { op: 'add', finess: '750000044', name: 'SAMU de Paris' })).toBe(true);
    expect(await lastEntry(SYSTEM_CHAIN, 'regulation_centre.add')).toMatchObject({ outcome: 'allowed', details: { name: 'SAMU de Paris', changed: true } });

    const allowed = await emergency(regulator, 'samu');
    expect(allowed.statusCode, allowed.body).toBe(201);
    expect(await lastEntry(patient, 'emergency.start')).toMatchObject({ outcome: 'allowed', reason: 'POLICY_EMERGENCY_SAMU', mode: 'samu' });
  });

  it('SAMU mode: a nurse of the regulation centre is not a regulating physician', async () => {
    expect(refusal(await emergency(nurseAtSamu, 'samu'))).toMatchObject({ status: 403, code: 'POLICY_SAMU_ROLE_REQUIRED' });
  });

  it('SAMU mode: closed again once the centre is unlisted', async () => {
    expect(await changeRegulationCentre(serviceDeps(t.db, t.clock), { actor: operator, requestId: null }, { op: 'remove', finess: '750000044' })).toBe(true);
    expect(refusal(await emergency(regulator, 'samu'))).toMatchObject({ status: 403, code: 'POLICY_SAMU_ROLE_REQUIRED' });
  });
});

describe(`the operator closes or reopens a space only with a recorded reason (${ENGINE})`, () => {
  let space: string;
  let own: string;
  beforeAll(async () => {
    t = await createTestApp();
    space = await insertDossier(t.db, { ins: insWithKey('2850575056999'), birthName: 'MOREAU', firstNames: 'Julie', birthDate: '1985-07-14', sex: 'F', state: 'active' });
    own = await insertDossier(t.db, { ins: insWithKey('1750575056990'), birthName: 'PETIT', firstNames: 'Paul', birthDate: '1975-01-20', sex: 'M', state: 'active' });
  });
  afterAll(async () => t.close());

  it('refuses the operator a close without a reason (or a token one), clearly, traced, changing nothing', async () => {
    for (const body of [undefined, {}, { reason: '   ' }, { reason: 'demande' }]) {
      const res = await post(operator, `/dossiers/${space}/close`, body);
      expect(refusal(res), JSON.stringify(body)).toEqual({
        status: 403, code: 'POLICY_OPERATOR_REASON_REQUIRED',
        detail: "L'opérateur national doit indiquer le motif de la fermeture ou de la réouverture de l'espace (10 caractères au moins : demande écrite du titulaire, décision de justice…) ; il est conservé dans l'historique.",
      });
      expect(await state(space)).toBe('active');
      expect(await lastEntry(space, 'dossier.lifecycle.close')).toMatchObject({ outcome: 'denied', reason: 'POLICY_OPERATOR_REASON_REQUIRED' });
    }
  });

  it('closes and reopens with a reason, which the audit entry keeps', async () => {
    const reason = 'Demande écrite du titulaire reçue le 12 janvier 2026';
    const closed = await post(operator, `/dossiers/${space}/close`, { reason });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(await state(space)).toBe('closed');
    expect(await lastEntry(space, 'dossier.lifecycle.close')).toMatchObject({ outcome: 'allowed', details: { justification: reason, to: 'closed' } });

    expect(refusal(await post(operator, `/dossiers/${space}/reopen`))).toMatchObject({ status: 403, code: 'POLICY_OPERATOR_REASON_REQUIRED' });
    expect(await state(space)).toBe('closed');
    const reopened = await post(operator, `/dossiers/${space}/reopen`, { reason: 'Décision de justice du 3 février 2026' });
    expect(reopened.statusCode, reopened.body).toBe(200);
    expect(await lastEntry(space, 'dossier.lifecycle.reopen')).toMatchObject({ outcome: 'allowed', details: { justification: 'Décision de justice du 3 février 2026' } });
  });

  it('the command line (openmes dossier close) goes through the same rule', async () => {
    await expect(transitionDossier(serviceDeps(t.db, t.clock), { actor: CLI_OPERATOR, requestId: null }, space, 'close')).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    const view = await transitionDossier(serviceDeps(t.db, t.clock), { actor: CLI_OPERATOR, requestId: null }, space, 'close', undefined, 'Demande du titulaire par courrier');
    expect(view.state).toBe('closed');
  });

  it('a retried close (same Idempotency-Key and reason) is decided again with its reason, and answered the same', async () => {
    const other = await insertDossier(t.db, { ins: insWithKey('2900575056991'), birthName: 'ROUX', firstNames: 'Lina', birthDate: '1990-02-02', sex: 'F', state: 'active' });
    const send = async () => t.app.inject({
      method: 'POST', url: `/api/dossiers/${other}/close`, payload: { reason: 'Demande écrite de la titulaire' },
      headers: { authorization: `Bearer ${await t.tokenFor(operator)}`, 'idempotency-key': 'close-with-reason-1' },
    });
    const first = await send();
    const retry = await send();
    expect([first.statusCode, retry.statusCode]).toEqual([200, 200]);
    expect(retry.json()).toEqual(first.json());
  });

  it('the holder closes their own space without giving a reason', async () => {
    const res = await post(personFor(own, 'Paul Petit'), `/dossiers/${own}/close`);
    expect(res.statusCode, res.body).toBe(200);
    expect(await state(own)).toBe('closed');
    expect(await lastEntry(own, 'dossier.lifecycle.close')).toMatchObject({ outcome: 'allowed' });
  });
});
