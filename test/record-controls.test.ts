import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../src/domain/actor.ts';
import { auditPublicId } from '../src/domain/audit-chain.ts';
import type { ConfidentialityLabel, DocumentMeta } from '../src/domain/document.ts';
import { verifyAudit } from '../src/services/verify-audit.ts';
import { insertAccount } from '../src/store/account-repo.ts';
import { appendAudit } from '../src/store/audit-repo.ts';
import { insertDocument } from '../src/store/document-repo.ts';
import { isOpposed } from '../src/store/record-facts-repo.ts';
import { upsertRegulationCentre } from '../src/store/regulation-centre-repo.ts';
import { documentReference } from './support/documents.ts';
import { doctor, insertDossier, insWithKey, operator, personFor, relate } from './support/fixtures.ts';
import { createTestApp, type TestApp } from './support/test-app.ts';
import { ENGINE } from './support/test-db.ts';

type Pro = Extract<Actor, { kind: 'professional' }>;
type Res = Awaited<ReturnType<TestApp['app']['inject']>>;

const START = '2026-01-15T10:00:00.000Z';
const NOBODY = '5d0c0f8e-1111-4222-8333-444455556666';
const SYSTEM_CHAIN = '00000000-0000-0000-0000-000000000000';
const BLOCKED_MESSAGE = "Le patient vous a retiré les droits d'accès à son DMP.";

let t: TestApp;
// Marie (adult, holder), her daughter Léa (minor, Marie is her legal representative), Paul (a stranger
// to both, Marie's carer), Hugo (adult, for the emergency blocks).
const marieIns = insWithKey('2850575056001');
const leaIns = insWithKey('2150575056004');
const paulIns = insWithKey('1870575056003');
const hugoIns = insWithKey('1800575056007');
let marie: string;
let lea: string;
let paul: string;
let hugo: string;

const pro = (rpps: string, given: string, family: string, profession: string, structure: Pro['structure'], specialty: string | null = null): Pro => ({
  kind: 'professional', accountId: randomUUID(), displayName: `${profession === 'G15:10' ? 'Dr ' : ''}${given} ${family}`,
  rpps, profession, specialty, structure,
});
const claire = pro('30303030303', 'Claire', 'Bernard', 'G15:10', { finess: '750000002', name: 'Maison de santé Bernard' }, 'SM54');
const nurse = pro('20202020202', 'Hélène', 'Lefèvre', 'G15:60', { finess: '750000001', name: 'Cabinet Dupont' });
const pharmacist = pro('40404040404', 'Omar', 'Haddad', 'G15:21', null);
const samuDoctor = pro('50505050505', 'Sophie', 'Regul', 'G15:10', { finess: '750000099', name: 'SAMU 75' });
const marieActor = () => personFor(marie, 'Marie Martin');
const leaActor = () => personFor(lea, 'Léa Martin');
const paulActor = () => personFor(paul, 'Paul Durand');
const hugoActor = () => personFor(hugo, 'Hugo Petit');

async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, actor: Actor | null, body?: unknown, key?: string): Promise<Res> {
  const headers: Record<string, string> = {};
  if (actor) headers.authorization = `Bearer ${await t.tokenFor(actor)}`;
  if (key) headers['idempotency-key'] = key;
  return t.app.inject({ method, url, headers, ...(body !== undefined ? { payload: body as Record<string, unknown> } : {}) });
}

type Entry = { seq: number; action: string; outcome: string; reason: string; mode: string; target_type: string; target_id: string | null; details: Record<string, unknown> };
const entries = async (dossierId: string) =>
  (await t.db.query<Entry>('SELECT seq, action, outcome, reason, mode, target_type, target_id, details FROM audit_event WHERE dossier_id = $1 ORDER BY seq', [dossierId])).rows;
const outboxRows = async (dossierId: string) =>
  (await t.db.query<{ outbox_id: string; payload: Record<string, unknown> }>('SELECT outbox_id, payload FROM outbox WHERE dossier_id = $1', [dossierId])).rows;
const outbox = async (dossierId: string) => (await outboxRows(dossierId)).map((r) => r.payload);
/** The notifications `request` queued on `dossierId`, sorted by recipient (rows of one transaction share their time). */
async function queuedBy(dossierId: string, request: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const before = new Set((await outboxRows(dossierId)).map((r) => r.outbox_id));
  await request();
  return (await outboxRows(dossierId)).filter((r) => !before.has(r.outbox_id)).map((r) => r.payload)
    .sort((a, b) => String(a.recipient).localeCompare(String(b.recipient)));
}

/** Runs `request` and checks it left exactly one new audit entry on `dossierId`'s chain, matching `expected`. */
async function traced(dossierId: string, expected: Partial<Entry>, request: () => Promise<Res>): Promise<{ res: Res; entry: Entry }> {
  const before = await entries(dossierId);
  const res = await request();
  const after = await entries(dossierId);
  expect(after.length, `one new audit entry on ${dossierId} (${res.statusCode} ${res.body})`).toBe(before.length + 1);
  const entry = after[after.length - 1]!;
  expect(entry).toMatchObject(expected);
  return { res, entry };
}

function expectDenied(res: Res, status: number, code: string, message?: string): void {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.json().issues[0]).toMatchObject({ code, ...(message ? { message } : {}) });
  if (message) expect(res.json().detail).toBe(message);
}

async function addAccount(p: Pro): Promise<void> {
  const [given, ...rest] = p.displayName.replace(/^Dr /, '').split(' ');
  await insertAccount(t.db, {
    account_id: p.accountId, kind: 'professional', email: null, password_hash: null, given_name: given!, family_name: rest.join(' '),
    dossier_id: null, rpps: p.rpps, profession: p.profession, specialty: p.specialty, structure_finess: p.structure?.finess ?? null,
    structure_name: p.structure?.name ?? null,
  }, new Date(START));
}

describe(`Record controls (${ENGINE})`, () => {
  beforeAll(async () => {
    t = await createTestApp();
    marie = await insertDossier(t.db, { ins: marieIns, firstNames: 'Marie Anne', birthDate: '1985-05-12', state: 'active' });
    lea = await insertDossier(t.db, { ins: leaIns, firstNames: 'Léa', birthDate: '2015-05-10', state: 'active' });
    paul = await insertDossier(t.db, { ins: paulIns, birthName: 'DURAND', firstNames: 'Paul', birthDate: '1987-05-02', sex: 'M', state: 'active' });
    hugo = await insertDossier(t.db, { ins: hugoIns, birthName: 'PETIT', firstNames: 'Hugo', birthDate: '1980-01-07', sex: 'M', state: 'active' });
    await relate(t.db, lea, 'legal_representative', marie, marieIns);
    await relate(t.db, marie, 'carer', paul, paulIns);
    for (const p of [doctor as Pro, claire, nurse, pharmacist, samuDoctor]) await addAccount(p);
    // The SAMU doctor's structure is a listed regulation centre (the SAMU mode needs it).
    await upsertRegulationCentre(t.db, samuDoctor.structure!.finess, 'SAMU 75', t.clock());
  });
  afterAll(async () => t.close());

  describe('settings (patient side)', () => {
    it('shows the holder their settings and access rights, traced as settings.read', async () => {
      const { res } = await traced(marie, { action: 'settings.read', outcome: 'allowed', reason: 'POLICY_HOLDER', target_type: 'DossierSettings' },
        () => call('GET', `/api/dossiers/${marie}/settings`, marieActor()));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        maskAll: false, blockSamu: false, blockEmergency: false, blockMaskedInEmergency: false, medecinTraitant: null,
        blockedProfessionals: [], feedingInformation: null, consents: [],
      });
    });

    it('lets the holder mask everything and declare a médecin traitant, naming what changed in the trace', async () => {
      const { res, entry } = await traced(marie, { action: 'settings.update', outcome: 'allowed', reason: 'POLICY_HOLDER' },
        () => call('PUT', `/api/dossiers/${marie}/settings`, marieActor(), { maskAll: true, medecinTraitant: { rpps: claire.rpps } }));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ maskAll: true, medecinTraitant: { rpps: claire.rpps, name: 'Dr Claire Bernard' } });
      expect(entry.details).toEqual({ changes: { maskAll: { from: false, to: true }, medecinTraitant: { from: null, to: claire.rpps } } });
      // The holder changed their own settings: nobody to tell.
      expect((await outbox(marie)).filter((p) => p.type === 'settings.changed_by_other')).toEqual([]);
      const read = await call('GET', `/api/dossiers/${marie}/settings`, marieActor());
      expect(read.json()).toMatchObject({ maskAll: true, blockSamu: false, medecinTraitant: { rpps: claire.rpps, name: 'Dr Claire Bernard' } });
    });

    it('replays a retried settings change without doing it twice, decided again and traced as a replay', async () => {
      const send = () => call('PUT', `/api/dossiers/${marie}/settings`, marieActor(), { blockMaskedInEmergency: true }, 'settings-1');
      const { res: first } = await traced(marie, { action: 'settings.update', outcome: 'allowed' }, send);
      const notified = (await outbox(marie)).length;
      // One new entry, the replay (with what the first one said); the change is not made, nor notified, again.
      const { res: retry } = await traced(marie, { action: 'settings.update', outcome: 'allowed', details: { replay: true, changes: { blockMaskedInEmergency: { from: false, to: true } } } }, send);
      expect(retry.statusCode).toBe(200);
      expect(retry.json()).toEqual(first.json());
      expect((await outbox(marie)).length).toBe(notified);
      const before = (await entries(marie)).length;
      const other = await call('PUT', `/api/dossiers/${marie}/settings`, marieActor(), { blockMaskedInEmergency: false }, 'settings-1');
      expect(other.statusCode).toBe(422);
      expect((await entries(marie)).length).toBe(before);
    });

    it('notifies the holder when a legal representative changes the settings of a minor', async () => {
      const { res } = await traced(lea, { action: 'settings.update', outcome: 'allowed', reason: 'POLICY_LEGAL_REPRESENTATIVE' },
        () => call('PUT', `/api/dossiers/${lea}/settings`, marieActor(), { blockSamu: true }));
      expect(res.statusCode).toBe(200);
      expect(await outbox(lea)).toEqual([
        { type: 'settings.changed_by_other', recipient: 'holder', by: 'Marie Martin', byDossierId: marie, role: 'legal_representative', changed: ['blockSamu'] },
      ]);
      await call('PUT', `/api/dossiers/${lea}/settings`, marieActor(), { blockSamu: false });
    });

    it('lets a carer read but not change the settings', async () => {
      await traced(marie, { action: 'settings.read', outcome: 'allowed', reason: 'POLICY_CARER_MANDATE' },
        () => call('GET', `/api/dossiers/${marie}/settings`, paulActor()));
      const { res } = await traced(marie, { action: 'settings.update', outcome: 'denied', reason: 'POLICY_CARER_CANNOT_CHANGE' },
        () => call('PUT', `/api/dossiers/${marie}/settings`, paulActor(), { maskAll: false }));
      expectDenied(res, 403, 'POLICY_CARER_CANNOT_CHANGE',
        "Un aidant consulte l'espace mais ne peut pas modifier ses paramètres de confidentialité ni bloquer un professionnel : seule la personne (ou son représentant) le peut.");
      expect((await call('GET', `/api/dossiers/${marie}/settings`, marieActor())).json().maskAll).toBe(true);
    });

    it('answers a stranger exactly as for a dossier that does not exist, tracing both', async () => {
      const { res: hidden } = await traced(marie, { action: 'settings.update', outcome: 'denied', reason: 'POLICY_NO_RELATIONSHIP' },
        () => call('PUT', `/api/dossiers/${marie}/settings`, hugoActor(), { maskAll: false }));
      const { res: absent } = await traced(SYSTEM_CHAIN, { action: 'settings.update', outcome: 'denied', reason: 'POLICY_NO_DOSSIER' },
        () => call('PUT', `/api/dossiers/${NOBODY}/settings`, hugoActor(), { maskAll: false }));
      expect(hidden.statusCode).toBe(404);
      expect(hidden.json()).toEqual({ ...absent.json(), instance: hidden.json().instance });
      const { res: read } = await traced(marie, { action: 'settings.read', outcome: 'denied', reason: 'POLICY_NO_RELATIONSHIP' },
        () => call('GET', `/api/dossiers/${marie}/settings`, hugoActor()));
      expect(read.statusCode).toBe(404);
      // Professionals have no business in the patient's settings either.
      expect((await call('GET', `/api/dossiers/${marie}/settings`, claire)).statusCode).toBe(404);
    });

    it('refuses a médecin traitant who is malformed, unknown or not a physician, naming the field', async () => {
      const put = (rpps: string) => call('PUT', `/api/dossiers/${marie}/settings`, marieActor(), { medecinTraitant: { rpps } });
      const cases = [['12AB', 'IDENTITY_RPPS_FORMAT'], ['99999999999', 'SETTINGS_PROFESSIONAL_UNKNOWN'], [nurse.rpps, 'SETTINGS_MEDECIN_TRAITANT_NOT_A_PHYSICIAN']] as const;
      for (const [rpps, code] of cases) {
        const { res } = await traced(marie, { action: 'settings.update', outcome: 'denied', reason: code }, () => put(rpps));
        expect(res.statusCode).toBe(400);
        expect(res.json().issues[0]).toMatchObject({ field: 'medecinTraitant.rpps', code });
      }
      expect((await call('GET', `/api/dossiers/${marie}/settings`, marieActor())).json().medecinTraitant.rpps).toBe(claire.rpps);
    });

    it('refuses unknown or mistyped settings before anything happens', async () => {
      const before = (await entries(marie)).length;
      for (const body of [{ maskAll: true, shareWithEveryone: true }, { medecinTraitant: { rpps: claire.rpps, name: 'x' } }, { blockSamu: 'maybe' }]) {
        const res = await call('PUT', `/api/dossiers/${marie}/settings`, marieActor(), body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
      }
      expect((await entries(marie)).length).toBe(before);
    });

    it('lets the holder remove the médecin traitant', async () => {
      const { res, entry } = await traced(hugo, { action: 'settings.update', outcome: 'allowed' },
        () => call('PUT', `/api/dossiers/${hugo}/settings`, hugoActor(), { medecinTraitant: { rpps: claire.rpps } }));
      expect(res.json().medecinTraitant).toEqual({ rpps: claire.rpps, name: 'Dr Claire Bernard' });
      expect(entry.details).toEqual({ changes: { medecinTraitant: { from: null, to: claire.rpps } } });
      const removed = await call('PUT', `/api/dossiers/${hugo}/settings`, hugoActor(), { medecinTraitant: null });
      expect(removed.json().medecinTraitant).toBeNull();
      await call('PUT', `/api/dossiers/${hugo}/settings`, hugoActor(), { medecinTraitant: { rpps: claire.rpps } });
    });
  });

  describe('blocking a professional', () => {
    it('blocks a professional before their first access: they are refused with the exact message, and unblocked later', async () => {
      const { res } = await traced(marie, { action: 'professional.block', outcome: 'allowed', reason: 'POLICY_HOLDER', target_type: 'Professional', target_id: pharmacist.rpps },
        () => call('POST', `/api/dossiers/${marie}/blocked-professionals`, marieActor(), { rpps: pharmacist.rpps }, 'block-1'));
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ rpps: pharmacist.rpps, name: 'Omar Haddad', blocked: true, blockedAt: START });
      const replay = await call('POST', `/api/dossiers/${marie}/blocked-professionals`, marieActor(), { rpps: pharmacist.rpps }, 'block-1');
      expect(replay.json()).toEqual(res.json());
      expect((await call('GET', `/api/dossiers/${marie}/settings`, marieActor())).json().blockedProfessionals)
        .toEqual([{ rpps: pharmacist.rpps, name: 'Omar Haddad', blockedAt: START }]);

      const { res: refused } = await traced(marie, { action: 'consent.record', outcome: 'denied', reason: 'POLICY_BLOCKED_PROFESSIONAL' },
        () => call('POST', `/api/dossiers/${marie}/consents`, pharmacist, { scope: 'professional' }));
      expectDenied(refused, 403, 'POLICY_BLOCKED_PROFESSIONAL', BLOCKED_MESSAGE);
      const { res: emergency } = await traced(marie, { action: 'emergency.start', outcome: 'denied', reason: 'POLICY_BLOCKED_PROFESSIONAL' },
        () => call('POST', `/api/dossiers/${marie}/emergency-access`, pharmacist, { mode: 'bris_de_glace', reason: 'Patient inconscient aux urgences' }));
      expectDenied(emergency, 403, 'POLICY_BLOCKED_PROFESSIONAL', BLOCKED_MESSAGE);

      const { res: unblocked } = await traced(marie, { action: 'professional.unblock', outcome: 'allowed', target_id: pharmacist.rpps },
        () => call('DELETE', `/api/dossiers/${marie}/blocked-professionals/${pharmacist.rpps}`, marieActor(), undefined, 'unblock-1'));
      expect(unblocked.statusCode).toBe(200);
      expect(unblocked.json()).toMatchObject({ rpps: pharmacist.rpps, blocked: false, changed: true });
      const again = await call('POST', `/api/dossiers/${marie}/consents`, pharmacist, { scope: 'professional' });
      expect(again.statusCode).toBe(201);
    });

    it('blocks a professional after their access too', async () => {
      expect((await call('POST', `/api/dossiers/${hugo}/consents`, nurse, { scope: 'professional' })).statusCode).toBe(201);
      await traced(hugo, { action: 'professional.block', outcome: 'allowed' },
        () => call('POST', `/api/dossiers/${hugo}/blocked-professionals`, hugoActor(), { rpps: nurse.rpps }));
      const { res } = await traced(hugo, { action: 'information.record', outcome: 'denied', reason: 'POLICY_BLOCKED_PROFESSIONAL' },
        () => call('POST', `/api/dossiers/${hugo}/feeding-information`, nurse, {}));
      expectDenied(res, 403, 'POLICY_BLOCKED_PROFESSIONAL', BLOCKED_MESSAGE);
      await call('DELETE', `/api/dossiers/${hugo}/blocked-professionals/${nurse.rpps}`, hugoActor());
    });

    it('refuses to block someone who is not in the directory, naming rpps', async () => {
      const { res } = await traced(marie, { action: 'professional.block', outcome: 'denied', reason: 'SETTINGS_PROFESSIONAL_UNKNOWN' },
        () => call('POST', `/api/dossiers/${marie}/blocked-professionals`, marieActor(), { rpps: '99999999999' }));
      expect(res.statusCode).toBe(400);
      expect(res.json().issues[0]).toMatchObject({ field: 'rpps', code: 'SETTINGS_PROFESSIONAL_UNKNOWN' });
      const { res: malformed } = await traced(marie, { action: 'professional.block', outcome: 'denied', reason: 'IDENTITY_RPPS_FORMAT' },
        () => call('POST', `/api/dossiers/${marie}/blocked-professionals`, marieActor(), { rpps: '123' }));
      expect(malformed.json().issues[0]).toMatchObject({ field: 'rpps' });
    });

    it('refuses blocking to a carer and to strangers', async () => {
      const { res } = await traced(marie, { action: 'professional.block', outcome: 'denied', reason: 'POLICY_CARER_CANNOT_CHANGE' },
        () => call('POST', `/api/dossiers/${marie}/blocked-professionals`, paulActor(), { rpps: claire.rpps }));
      expectDenied(res, 403, 'POLICY_CARER_CANNOT_CHANGE');
      const { res: stranger } = await traced(marie, { action: 'professional.unblock', outcome: 'denied', reason: 'POLICY_NO_RELATIONSHIP' },
        () => call('DELETE', `/api/dossiers/${marie}/blocked-professionals/${claire.rpps}`, hugoActor()));
      expect(stranger.statusCode).toBe(404);
    });
  });

  describe('professional directory', () => {
    it('finds professionals by name (accents and case ignored) or RPPS, for anyone signed in', async () => {
      const byName = await call('GET', '/api/directory/professionals?q=helene', marieActor());
      expect(byName.statusCode).toBe(200);
      expect(byName.json()).toEqual({ professionals: [
        { rpps: nurse.rpps, name: 'Hélène Lefèvre', profession: { code: 'G15:60', label: 'Infirmier' }, structure: { finess: '750000001', name: 'Cabinet Dupont' } },
      ] });
      const byRpps = await call('GET', '/api/directory/professionals?q=3030', marieActor());
      expect(byRpps.json().professionals.map((p: { name: string }) => p.name)).toEqual(['Dr Claire Bernard']);
      const byFamily = await call('GET', `/api/directory/professionals?q=${encodeURIComponent('BERNARD cl')}`, claire);
      expect(byFamily.json().professionals).toHaveLength(1);
      expect((await call('GET', '/api/directory/professionals?q=%25_', marieActor())).json().professionals).toEqual([]);
    });

    it('needs a sign-in and at least two characters, and answers 20 at most; nothing is traced', async () => {
      const before = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event')).rows[0]!.n;
      expect((await call('GET', '/api/directory/professionals?q=dupont', null)).statusCode).toBe(401);
      expect((await call('GET', '/api/directory/professionals?q=d', marieActor())).statusCode).toBe(400);
      expect((await call('GET', '/api/directory/professionals?q=%20%20d', marieActor())).statusCode).toBe(400);
      for (let i = 0; i < 25; i++) {
        await addAccount(pro(`6060606${String(i).padStart(4, '0')}`, 'Jean', `Martinez${i}`, 'G15:70', null));
      }
      expect((await call('GET', '/api/directory/professionals?q=martinez', marieActor())).json().professionals).toHaveLength(20);
      expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event')).rows[0]!.n).toBe(before);
    });
  });

  describe('recordings by professionals', () => {
    it('records consent for the professional, then for their structure’s care team, once each', async () => {
      const { res } = await traced(marie, { action: 'consent.record', outcome: 'allowed', reason: 'POLICY_PRO_RECORDS_FOR_PATIENT', target_type: 'Consent' },
        () => call('POST', `/api/dossiers/${marie}/consents`, doctor, { scope: 'professional' }, 'consent-1'));
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ scope: 'professional', rpps: '10101010101', finess: null, recordedAt: START, created: true });
      const replay = await call('POST', `/api/dossiers/${marie}/consents`, doctor, { scope: 'professional' }, 'consent-1');
      expect(replay.statusCode).toBe(201);
      expect(replay.json()).toEqual(res.json());
      const { res: again } = await traced(marie, { action: 'consent.record', outcome: 'allowed' },
        () => call('POST', `/api/dossiers/${marie}/consents`, doctor, { scope: 'professional' }));
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ consentId: res.json().consentId, created: false });

      const { entry } = await traced(marie, { action: 'consent.record', outcome: 'allowed' },
        () => call('POST', `/api/dossiers/${marie}/consents`, nurse, { scope: 'structure' }));
      expect(entry.details).toMatchObject({ scope: 'structure', finess: '750000001' });
      const settings = (await call('GET', `/api/dossiers/${marie}/settings`, marieActor())).json();
      expect(settings.consents).toEqual(expect.arrayContaining([
        expect.objectContaining({ scope: 'professional', rpps: '10101010101', recordedBy: expect.objectContaining({ name: 'Dr Jean Dupont', profession: { code: 'G15:10', label: 'Médecin' } }), recordedAt: START }),
        expect.objectContaining({ scope: 'structure', finess: '750000001', structureName: 'Cabinet Dupont', recordedBy: expect.objectContaining({ name: 'Hélène Lefèvre' }) }),
      ]));
    });

    it('refuses a structure consent to a professional without a structure, and consents to anyone but professionals', async () => {
      const { res } = await traced(hugo, { action: 'consent.record', outcome: 'denied', reason: 'CONSENT_NO_STRUCTURE' },
        () => call('POST', `/api/dossiers/${hugo}/consents`, pharmacist, { scope: 'structure' }));
      expect(res.statusCode).toBe(400);
      expect(res.json().issues[0]).toMatchObject({ field: 'scope' });
      const { res: patient } = await traced(hugo, { action: 'consent.record', outcome: 'denied', reason: 'POLICY_NO_RULE' },
        () => call('POST', `/api/dossiers/${hugo}/consents`, hugoActor(), { scope: 'professional' }));
      expect(patient.statusCode).toBe(404);
      expect((await call('POST', `/api/dossiers/${hugo}/consents`, doctor, { scope: 'everyone' })).statusCode).toBe(400);
    });

    it('records once that the patient was informed of the feeding; a second call changes nothing', async () => {
      const { res } = await traced(marie, { action: 'information.record', outcome: 'allowed', reason: 'POLICY_PRO_RECORDS_FOR_PATIENT', target_type: 'Dossier' },
        () => call('POST', `/api/dossiers/${marie}/feeding-information`, doctor, {}));
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ informedAt: START, informedBy: { name: 'Dr Jean Dupont' }, created: true });
      t.clock.set('2026-01-16T09:00:00.000Z');
      const { res: second, entry } = await traced(marie, { action: 'information.record', outcome: 'allowed' },
        () => call('POST', `/api/dossiers/${marie}/feeding-information`, claire, {}));
      t.clock.set(START);
      expect(second.statusCode).toBe(200);
      expect(second.json()).toMatchObject({ informedAt: START, informedBy: { name: 'Dr Jean Dupont' }, created: false });
      expect(entry.details).toEqual({ created: false });
      expect((await call('GET', `/api/dossiers/${marie}/settings`, marieActor())).json().feedingInformation)
        .toMatchObject({ informedAt: START, informedBy: { name: 'Dr Jean Dupont', rpps: '10101010101', structure: { name: 'Cabinet Dupont' } } });
      expect((await call('POST', `/api/dossiers/${marie}/feeding-information`, doctor, { informed: true })).statusCode).toBe(400);
    });

    it('records the patient’s opposition to one document, which the feed then refuses', async () => {
      const { res } = await traced(marie, { action: 'opposition.record', outcome: 'allowed', target_type: 'DocumentOpposition', target_id: 'urn:oid:1.2.3.4.5' },
        () => call('POST', `/api/dossiers/${marie}/oppositions`, doctor, { masterIdentifier: 'urn:oid:1.2.3.4.5' }));
      expect(res.statusCode).toBe(201);
      expect(await isOpposed(t.db, marie, 'urn:oid:1.2.3.4.5')).toBe(true);
      const { res: again } = await traced(marie, { action: 'opposition.record', outcome: 'allowed' },
        () => call('POST', `/api/dossiers/${marie}/oppositions`, claire, { masterIdentifier: 'urn:oid:1.2.3.4.5' }));
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({ masterIdentifier: 'urn:oid:1.2.3.4.5', recordedAt: START, created: false });
      const { res: stranger } = await traced(SYSTEM_CHAIN, { action: 'opposition.record', outcome: 'denied', reason: 'POLICY_NO_DOSSIER' },
        () => call('POST', `/api/dossiers/${NOBODY}/oppositions`, doctor, { masterIdentifier: 'x' }));
      expect(stranger.statusCode).toBe(404);
    });
  });

  describe('emergency access', () => {
    it('opens a time-limited bris de glace, notifies the patient and the médecin traitant, shows the banner until it ends', async () => {
      let res!: Res;
      let entry!: Entry;
      const notices = await queuedBy(hugo, async () => {
        ({ res, entry } = await traced(hugo, { action: 'emergency.start', outcome: 'allowed', reason: 'POLICY_EMERGENCY_BRIS_DE_GLACE', mode: 'bris_de_glace', target_type: 'AccessSession' },
          () => call('POST', `/api/dossiers/${hugo}/emergency-access`, doctor, { mode: 'bris_de_glace', reason: 'Patient inconscient aux urgences' }, 'bdg-1')));
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toEqual({ sessionId: expect.any(String), mode: 'bris_de_glace', expiresAt: '2026-01-15T14:00:00.000Z' });
      expect(entry.target_id).toBe(body.sessionId);
      expect(entry.details).toMatchObject({ reason: 'Patient inconscient aux urgences' });
      expect(notices).toEqual([
        expect.objectContaining({ type: 'emergency.access', recipient: 'holder', mode: 'bris_de_glace', professional: 'Dr Jean Dupont', profession: 'Médecin' }),
        expect.objectContaining({ type: 'emergency.access', recipient: 'medecin_traitant', rpps: claire.rpps, mode: 'bris_de_glace' }),
      ]);
      const before = await outbox(hugo);
      const replay = await call('POST', `/api/dossiers/${hugo}/emergency-access`, doctor, { mode: 'bris_de_glace', reason: 'Patient inconscient aux urgences' }, 'bdg-1');
      expect(replay.json()).toEqual(body);
      expect((await outbox(hugo)).length).toBe(before.length);

      const auditBefore = (await entries(hugo)).length;
      const banner = await call('GET', `/api/dossiers/${hugo}/access-session`, doctor);
      expect(banner.json()).toEqual({ mode: 'bris_de_glace', expiresAt: '2026-01-15T14:00:00.000Z' });
      expect((await call('GET', `/api/dossiers/${hugo}/access-session`, claire)).statusCode).toBe(404);
      expect((await call('GET', `/api/dossiers/${hugo}/access-session`, hugoActor())).statusCode).toBe(404);
      t.clock.set('2026-01-15T13:59:59.000Z');
      expect((await call('GET', `/api/dossiers/${hugo}/access-session`, doctor)).statusCode).toBe(200);
      t.clock.set('2026-01-15T14:00:00.000Z');
      expect((await call('GET', `/api/dossiers/${hugo}/access-session`, doctor)).statusCode).toBe(404);
      t.clock.set(START);
      expect((await entries(hugo)).length).toBe(auditBefore);
    });

    it('does not notify the médecin traitant of their own emergency access', async () => {
      const notices = await queuedBy(hugo, () => traced(hugo, { action: 'emergency.start', outcome: 'allowed' },
        () => call('POST', `/api/dossiers/${hugo}/emergency-access`, claire, { mode: 'bris_de_glace', reason: 'Détresse respiratoire aiguë' })));
      expect(notices.map((p) => p.recipient)).toEqual(['holder']);
    });

    it('opens the SAMU mode for a regulating physician only', async () => {
      const { res } = await traced(marie, { action: 'emergency.start', outcome: 'allowed', reason: 'POLICY_EMERGENCY_SAMU', mode: 'samu' },
        () => call('POST', `/api/dossiers/${marie}/emergency-access`, samuDoctor, { mode: 'samu' }));
      expect(res.statusCode).toBe(201);
      const { res: nurseRes } = await traced(marie, { action: 'emergency.start', outcome: 'denied', reason: 'POLICY_SAMU_ROLE_REQUIRED', mode: 'samu' },
        () => call('POST', `/api/dossiers/${marie}/emergency-access`, nurse, { mode: 'samu' }));
      expectDenied(nurseRes, 403, 'POLICY_SAMU_ROLE_REQUIRED', "Le mode régulation est réservé aux médecins régulateurs exerçant dans un centre de régulation (SAMU – centre 15) reconnu ; en dehors de la régulation, utilisez l'accès en urgence (bris de glace).");
    });

    it('respects the patient’s blocks on SAMU and on other emergency access', async () => {
      await call('PUT', `/api/dossiers/${hugo}/settings`, hugoActor(), { blockSamu: true, blockEmergency: true });
      const { res: samu } = await traced(hugo, { action: 'emergency.start', outcome: 'denied', reason: 'POLICY_EMERGENCY_SAMU_BLOCKED', mode: 'samu' },
        () => call('POST', `/api/dossiers/${hugo}/emergency-access`, samuDoctor, { mode: 'samu' }));
      expectDenied(samu, 403, 'POLICY_EMERGENCY_SAMU_BLOCKED', "Le patient s'est opposé à l'accès du centre de régulation (SAMU) à son DMP.");
      const before = (await outbox(hugo)).length;
      const { res: bdg } = await traced(hugo, { action: 'emergency.start', outcome: 'denied', reason: 'POLICY_EMERGENCY_BLOCKED', mode: 'bris_de_glace' },
        () => call('POST', `/api/dossiers/${hugo}/emergency-access`, doctor, { mode: 'bris_de_glace', reason: 'Patient inconscient aux urgences' }));
      expectDenied(bdg, 403, 'POLICY_EMERGENCY_BLOCKED', "Le patient s'est opposé à l'accès en urgence (bris de glace) à son DMP.");
      expect((await outbox(hugo)).length).toBe(before);
      await call('PUT', `/api/dossiers/${hugo}/settings`, hugoActor(), { blockSamu: false, blockEmergency: false });
    });

    it('requires a reason of 10 to 500 characters for bris de glace', async () => {
      const before = (await entries(marie)).length;
      for (const body of [{ mode: 'bris_de_glace' }, { mode: 'bris_de_glace', reason: 'urgence' }, { mode: 'bris_de_glace', reason: 'x'.repeat(501) }, { mode: 'normal' }]) {
        const res = await call('POST', `/api/dossiers/${marie}/emergency-access`, doctor, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
      }
      expect((await entries(marie)).length).toBe(before);
    });

    it('refuses emergency access to patients and answers 404 for unknown dossiers', async () => {
      const { res } = await traced(marie, { action: 'emergency.start', outcome: 'denied', reason: 'POLICY_NO_RULE' },
        () => call('POST', `/api/dossiers/${marie}/emergency-access`, marieActor(), { mode: 'samu' }));
      expect(res.statusCode).toBe(404);
      const { res: absent } = await traced(SYSTEM_CHAIN, { action: 'emergency.start', outcome: 'denied', reason: 'POLICY_NO_DOSSIER' },
        () => call('POST', `/api/dossiers/${NOBODY}/emergency-access`, doctor, { mode: 'samu' }));
      expect(absent.statusCode).toBe(404);
    });
  });

  describe('secret connection', () => {
    it('is refused for an adult patient', async () => {
      const { res } = await traced(marie, { action: 'secret.start', outcome: 'denied', reason: 'POLICY_SECRET_MINORS_ONLY', mode: 'secret' },
        () => call('POST', `/api/dossiers/${marie}/secret-connection`, doctor, {}));
      expectDenied(res, 403, 'POLICY_SECRET_MINORS_ONLY', "La connexion secrète n'est possible que pour un patient mineur.");
    });

    it('opens for a minor, for the regulatory duration, traced in secret mode and notified to nobody', async () => {
      const before = (await outbox(lea)).length;
      const { res } = await traced(lea, { action: 'secret.start', outcome: 'allowed', reason: 'POLICY_SECRET_CONNECTION', mode: 'secret' },
        () => call('POST', `/api/dossiers/${lea}/secret-connection`, claire, {}, 'secret-1'));
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ mode: 'secret', expiresAt: '2026-01-15T14:00:00.000Z' });
      expect((await call('POST', `/api/dossiers/${lea}/secret-connection`, claire, {}, 'secret-1')).json()).toEqual(res.json());
      expect((await outbox(lea)).length).toBe(before);
      expect((await call('GET', `/api/dossiers/${lea}/access-session`, claire)).json()).toMatchObject({ mode: 'secret' });
      // What the professional records during the session is secret too.
      await traced(lea, { action: 'consent.record', outcome: 'allowed', mode: 'secret' },
        () => call('POST', `/api/dossiers/${lea}/consents`, claire, { scope: 'professional' }));
    });
  });

  describe('history', () => {
    const history = (dossierId: string, actor: Actor, query = '') => call('GET', `/api/dossiers/${dossierId}/history${query}`, actor);
    type Item = { id: string; seq?: number; action: string; mode: string; outcome: string; target: { type: string; id: string | null; title?: string }; text: string; actor: { name: string } };
    const allOf = async (dossierId: string, actor: Actor): Promise<Item[]> => (await history(dossierId, actor, '?limit=100')).json().entries;

    async function addDocument(dossierId: string, title: string, labels: ConfidentialityLabel[], at: Date): Promise<string> {
      const documentId = randomUUID();
      const meta: DocumentMeta = {
        dossierId, documentId, masterIdentifier: `urn:uuid:${documentId}`, status: 'current', replaces: null, typeCode: '11488-4', classCode: '11488-4',
        title, description: null, author: { kind: 'professional', accountId: claire.accountId, rpps: claire.rpps, displayName: claire.displayName, profession: 'G15:10', specialty: null, structure: claire.structure },
        date: at.toISOString(), periodStart: null, periodEnd: null, facilityType: null, practiceSetting: null, authorSpecialty: null, formatCode: null,
        contentType: 'text/plain', size: 1, sha256: 'a'.repeat(64), level: 'N', labels, invisibleToPatientSince: labels.includes('INVISIBLE_PATIENT') ? at.toISOString() : null,
        depositedInSecret: false, createdAt: at.toISOString(), deletedAt: null,
      };
      await insertDocument(t.db, meta, at);
      await appendAudit(t.db, {
        dossierId, occurredAt: at, action: 'document.feed', outcome: 'allowed', reason: 'POLICY_PRO_FEED', mode: 'normal', actorKind: 'professional',
        actorId: claire.accountId, actor: { displayName: claire.displayName, rpps: claire.rpps, profession: 'G15:10', specialty: null, structure: claire.structure },
        // Upper case on purpose: the join must still find the document.
        targetType: 'DocumentReference', targetId: documentId.toUpperCase(), requestId: null, details: { typeCode: '11488-4', title },
      });
      return documentId;
    }

    it('shows the holder the newest entries first, in plain French, and traces the read after the page', async () => {
      const { res, entry } = await traced(marie, { action: 'dossier.audit.read', outcome: 'allowed', reason: 'POLICY_HOLDER', target_type: 'AuditTrail' },
        () => history(marie, marieActor(), '?limit=3'));
      expect(res.statusCode).toBe(200);
      const page = res.json() as { entries: Item[]; nextBefore: string };
      // Entries and cursors are named by opaque ids, never by their position in the chain.
      const idOf = async (seq: number) => auditPublicId((await t.db.query<{ hash: string }>('SELECT hash FROM audit_event WHERE dossier_id = $1 AND seq = $2', [marie, seq])).rows[0]!.hash);
      expect(page.entries).toHaveLength(3);
      expect(page.entries.map((e) => e.id)).toEqual([await idOf(entry.seq - 1), await idOf(entry.seq - 2), await idOf(entry.seq - 3)]);
      expect(page.entries.every((e) => !('seq' in e))).toBe(true);
      expect(page.nextBefore).toBe(await idOf(entry.seq - 3));
      const next = (await history(marie, marieActor(), `?limit=2&before=${page.nextBefore}`)).json();
      expect(next.entries.map((e: Item) => e.id)).toEqual([await idOf(entry.seq - 4), await idOf(entry.seq - 5)]);
      expect((await history(marie, marieActor(), `?limit=2&before=${entry.seq - 3}`)).statusCode).toBe(400);
      const all = await allOf(marie, marieActor());
      const samu = all.find((e) => e.action === 'emergency.start' && e.outcome === 'allowed')!;
      expect(samu).toMatchObject({ mode: 'samu', actor: { name: 'Dr Sophie Regul', profession: { label: 'Médecin' }, structure: { name: 'SAMU 75' } } });
      expect(samu.text).toMatch(/Dr Sophie Regul/);
      const block = all.find((e) => e.action === 'professional.block' && e.outcome === 'allowed')!;
      expect(block.text).toMatch(/Omar Haddad/);
      expect(all.find((e) => e.action === 'settings.read' && e.outcome === 'denied')).toBeDefined();
    });

    it('hides secret-connection entries from a parent, shows them to the minor holder and to the operator', async () => {
      const parent = await allOf(lea, marieActor());
      expect(parent.filter((e) => e.mode === 'secret')).toEqual([]);
      expect(parent.some((e) => e.action === 'settings.update')).toBe(true);
      const holder = await allOf(lea, leaActor());
      // The start, its replay (same Idempotency-Key, traced again), the consent recorded in the session.
      expect(holder.filter((e) => e.mode === 'secret').map((e) => e.action).sort()).toEqual(['consent.record', 'secret.start', 'secret.start']);
      const op = await allOf(lea, operator);
      expect(op.filter((e) => e.mode === 'secret')).toHaveLength(3);
      // The parent's page is full despite the hidden entries: nothing shows that they exist.
      const page = (await history(lea, marieActor(), '?limit=5')).json();
      expect(page.entries).toHaveLength(5);
    });

    it('hides entries about documents kept from the representatives, and about documents the patient cannot see yet', async () => {
      const now = new Date(START);
      const secretDoc = await addDocument(lea, 'Consultation confidentielle', ['INVISIBLE_REPRESENTANTS_LEGAUX'], now);
      const invisible = await addDocument(lea, 'Résultat à annoncer', ['INVISIBLE_PATIENT'], now);
      const normal = await addDocument(lea, 'Vaccination', [], now);
      const ids = (items: Item[]) => items.filter((e) => e.target.type === 'DocumentReference').map((e) => e.target.id!.toLowerCase());
      expect(ids(await allOf(lea, marieActor()))).toEqual([normal]);
      expect(ids(await allOf(lea, leaActor())).sort()).toEqual([normal, secretDoc].sort());
      expect(ids(await allOf(lea, operator)).sort()).toEqual([normal, secretDoc, invisible].sort());
      const seen = (await allOf(lea, leaActor())).find((e) => e.target.id?.toLowerCase() === normal)!;
      expect(seen).toMatchObject({ action: 'document.feed', target: { title: 'Vaccination' } });
      expect(seen.text).toMatch(/Vaccination/);
      // No document stays invisible forever: once the delay in force has run out, the entry shows.
      t.clock.set('2026-04-15T10:00:00.000Z');
      expect(ids(await allOf(lea, leaActor()))).toContain(invisible);
      t.clock.set(START);
    });

    it('refuses professionals and strangers like a dossier that does not exist', async () => {
      const { res } = await traced(marie, { action: 'dossier.audit.read', outcome: 'denied', reason: 'POLICY_NO_RULE' }, () => history(marie, doctor));
      expect(res.statusCode).toBe(404);
      const { res: stranger } = await traced(marie, { action: 'dossier.audit.read', outcome: 'denied', reason: 'POLICY_NO_RELATIONSHIP' }, () => history(marie, hugoActor()));
      expect(stranger.statusCode).toBe(404);
      expect((await history(marie, marieActor(), '?limit=0')).statusCode).toBe(400);
      expect((await history(marie, marieActor(), '?limit=500')).statusCode).toBe(400);
    });
  });

  // Issue 8, item 15: each refusal names its real reason, in words the person can act on.
  describe('refusals that say why', () => {
    const DIRECTIVES_MESSAGE = 'Un aidant peut consulter les directives anticipées, mais seule la personne (ou son représentant) peut les ajouter, les remplacer ou les supprimer.';
    const upload = async (actor: Actor, o: { typeCode: string; title: string; replaces?: string }) => call('POST', '/fhir/R4/DocumentReference', actor,
      documentReference({ patientId: marie, masterIdentifier: `urn:uuid:${randomUUID()}`, ...o }));
    const reason = (res: Res) => (res.json() as { issue: { details: { coding: { code: string }[]; text?: string } }[] }).issue[0]!.details;

    it('tells a carer who may read the advance directives that only the person replaces or deletes them', async () => {
      const created = await upload(marieActor(), { typeCode: 'EXPPAT_3', title: 'Mes directives anticipées' });
      expect(created.statusCode, created.body).toBe(201);
      const id = (created.json() as { id: string }).id;
      expect((await call('GET', `/fhir/R4/DocumentReference/${id}`, paulActor())).statusCode).toBe(200);

      const replaced = await traced(marie, { action: 'document.replace', outcome: 'denied', reason: 'POLICY_ADVANCE_DIRECTIVES_PROTECTED' },
        () => upload(paulActor(), { typeCode: 'EXPPAT_3', title: 'Directives réécrites', replaces: id }));
      expect(replaced.res.statusCode, replaced.res.body).toBe(403);
      expect(reason(replaced.res)).toMatchObject({ coding: [{ code: 'POLICY_ADVANCE_DIRECTIVES_PROTECTED' }], text: DIRECTIVES_MESSAGE });

      const deleted = await traced(marie, { action: 'document.delete', outcome: 'denied', reason: 'POLICY_ADVANCE_DIRECTIVES_PROTECTED' },
        () => call('DELETE', `/fhir/R4/DocumentReference/${id}`, paulActor()));
      expect(deleted.res.statusCode).toBe(403);
      expect(reason(deleted.res)).toMatchObject({ coding: [{ code: 'POLICY_ADVANCE_DIRECTIVES_PROTECTED' }], text: DIRECTIVES_MESSAGE });
      expect(deleted.res.body).not.toContain('paramètres');

      // The person themselves replaces them (a new version; the old one stays, superseded).
      const mine = await upload(marieActor(), { typeCode: 'EXPPAT_3', title: 'Mes directives anticipées (2026)', replaces: id });
      expect(mine.statusCode, mine.body).toBe(201);
      const old = await call('GET', `/fhir/R4/DocumentReference/${id}`, marieActor());
      expect(old.json()).toMatchObject({ status: 'superseded' });
    });

    it('tells a carer that they may add documents but not remove the person’s own', async () => {
      const created = await upload(marieActor(), { typeCode: 'DOCPAT03', title: 'Compte rendu que je garde' });
      const id = (created.json() as { id: string }).id;
      const { res } = await traced(marie, { action: 'document.delete', outcome: 'denied', reason: 'POLICY_CARER_CANNOT_REMOVE_DOCUMENT' },
        () => call('DELETE', `/fhir/R4/DocumentReference/${id}`, paulActor()));
      expect(res.statusCode).toBe(403);
      expect(reason(res).text).toBe("Un aidant peut consulter et ajouter des documents, mais seule la personne (ou son représentant) peut remplacer ou supprimer un document déjà présent.");
      expect((await upload(paulActor(), { typeCode: 'DOCPAT03', title: 'Ajouté par l’aidant' })).statusCode).toBe(201);
    });

    it('tells the holder of a closed space since when, until when and how to reopen it; professionals still learn nothing', async () => {
      const zoeIns = insWithKey('2900575056009');
      const zoe = await insertDossier(t.db, { ins: zoeIns, birthName: 'ROUX', firstNames: 'Zoé', birthDate: '1990-01-09', sex: 'F', state: 'active' });
      const zoeActor = personFor(zoe, 'Zoé Roux');
      expect((await call('POST', `/api/dossiers/${zoe}/consents`, claire, { scope: 'professional' })).statusCode).toBe(201);
      expect((await call('POST', `/api/dossiers/${zoe}/close`, zoeActor, {})).statusCode).toBe(200);

      const closedMessage = "Cet espace santé est clôturé depuis le 15 janvier 2026 : plus personne ne peut consulter ses documents ni son historique. "
        + "Son titulaire (ou son représentant légal) peut le rouvrir jusqu'au 15 janvier 2036 en demandant sa réouverture ; tout redevient alors accessible comme avant la clôture. "
        + 'Passé ce délai, les données sont détruites.';
      const settings = await traced(zoe, { action: 'settings.read', outcome: 'denied', reason: 'DOSSIER_CLOSED_REOPENABLE' },
        () => call('GET', `/api/dossiers/${zoe}/settings`, zoeActor));
      expectDenied(settings.res, 403, 'DOSSIER_CLOSED_REOPENABLE', closedMessage);
      const search = await call('GET', `/fhir/R4/DocumentReference?patient=Patient/${zoe}`, zoeActor);
      expect(search.statusCode).toBe(403);
      expect(reason(search)).toMatchObject({ coding: [{ code: 'DOSSIER_CLOSED_REOPENABLE' }], text: closedMessage });

      // A professional (even one the patient had consented to) is answered as for a space that does not exist.
      for (const url of [`/fhir/R4/DocumentReference?patient=Patient/${zoe}`, `/api/dossiers/${zoe}/professional-status`]) {
        const closed = await call('GET', url, claire);
        const absent = await call('GET', url.replace(zoe, NOBODY), claire);
        expect(closed.statusCode, url).toBe(404);
        expect(closed.body.replace(zoe, NOBODY).replace(/"instance":"[^"]*"/, '')).toBe(absent.body.replace(/"instance":"[^"]*"/, ''));
      }

      expect((await call('POST', `/api/dossiers/${zoe}/reopen`, zoeActor, {})).statusCode).toBe(200);
      expect((await call('GET', `/api/dossiers/${zoe}/settings`, zoeActor)).statusCode).toBe(200);
    });
  });

  it('documents every route in French in the OpenAPI description', async () => {
    const doc = (await call('GET', '/api/docs/json', null)).json();
    const paths = Object.keys(doc.paths);
    expect(paths).toEqual(expect.arrayContaining([
      '/api/dossiers/{dossierId}/settings', '/api/dossiers/{dossierId}/blocked-professionals', '/api/dossiers/{dossierId}/blocked-professionals/{rpps}',
      '/api/directory/professionals', '/api/dossiers/{dossierId}/consents', '/api/dossiers/{dossierId}/feeding-information',
      '/api/dossiers/{dossierId}/oppositions', '/api/dossiers/{dossierId}/emergency-access', '/api/dossiers/{dossierId}/secret-connection',
      '/api/dossiers/{dossierId}/access-session', '/api/dossiers/{dossierId}/history',
    ]));
    expect(doc.paths['/api/dossiers/{dossierId}/settings'].put.summary).toMatch(/paramètres/);
  });

  it('keeps every chain verifiable after all of the above', async () => {
    const result = await verifyAudit(t.db);
    expect(result.problems).toEqual([]);
  });
});
