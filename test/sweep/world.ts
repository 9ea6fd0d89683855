import type { Actor } from '../../src/domain/actor.ts';
import { insertAccount } from '../../src/store/account-repo.ts';
import { upsertRegulationCentre } from '../../src/store/regulation-centre-repo.ts';
import { newDossierId } from '../../src/store/dossier-repo.ts';
import { documentFhirId, parseDocumentFhirId } from '../../src/domain/resource-ids.ts';
import { documentReference } from '../support/documents.ts';
import { insertDossier, insWithKey, operator, personFor, relate } from '../support/fixtures.ts';
import type { SweepApp, SweepRequest } from './harness.ts';

type Pro = Extract<Actor, { kind: 'professional' }>;

/**
 * The actors of the sweep, in the order they are replayed (those allowed to change things come last, so
 * their changes cannot hide a denial of an earlier actor).
 */
export const ACTOR_NAMES = [
  'noToken', 'expiredToken', 'foreignKeyToken',
  'strangerPatient', 'carerFeatureOff', 'representativeOfAdult',
  'blockedPro', 'unrelatedPro', 'consentedPro', 'owner', 'operator',
] as const;
export type ActorName = (typeof ACTOR_NAMES)[number];

/** Actors whose token never authenticates: 401, never an access decision, never an audit entry. */
export const TOKEN_ACTORS: ReadonlySet<ActorName> = new Set(['noToken', 'expiredToken', 'foreignKeyToken']);
/**
 * People with no standing on the target dossier: a stranger, a carer while the carer feature is off,
 * and the legal representative of a child who has turned 18. Nothing explicit may be said to them.
 */
export const NO_STANDING: ReadonlySet<ActorName> = new Set(['strangerPatient', 'carerFeatureOff', 'representativeOfAdult']);

const pro = (accountId: string, rpps: string, given: string, family: string, profession: string, finess: string): Pro => ({
  kind: 'professional', accountId, displayName: `${profession === 'G15:10' ? 'Dr ' : ''}${given} ${family}`, rpps, profession,
  specialty: profession === 'G15:10' ? 'SM54' : null, structure: { finess, name: `Structure ${family}` },
});

export const PROS = {
  author: pro('5e000000-0000-4000-8000-000000000001', '10000000011', 'Alice', 'Auteur', 'G15:10', '750000101'),
  unrelated: pro('5e000000-0000-4000-8000-000000000002', '10000000029', 'Ulysse', 'Inconnu', 'G15:60', '750000102'),
  blocked: pro('5e000000-0000-4000-8000-000000000003', '10000000037', 'Bruno', 'Bloque', 'G15:10', '750000103'),
  consented: pro('5e000000-0000-4000-8000-000000000004', '10000000045', 'Karine', 'Consentie', 'G15:10', '750000104'),
  /** In the directory only: the professional the owner blocks in the block route's valid request. */
  directory: pro('5e000000-0000-4000-8000-000000000005', '10000000052', 'Denis', 'Annuaire', 'G15:10', '750000105'),
};

export type DocRef = { fhirId: string; documentId: string; masterIdentifier: string; title: string };
export type WorldOptions = {
  /** The target holder is a minor (the secret connection exists for minors only). */
  minor?: boolean;
  /** The consented professional has an emergency access in force (so access-session has something to show). */
  consentedProSession?: boolean;
};

export type ActorDef = { name: ActorName; actor: Actor | null; token: string | null };

/** One target dossier with everything the routes need, and the actors around it. */
export type World = {
  n: number;
  options: WorldOptions;
  target: { id: string; ins: string; family: string; given: string; birthDate: string };
  /** Ids shaped like the target's that name nothing. */
  absent: { id: string; ins: string; family: string; docOfTarget: string; docOfAbsent: string; docOfStranger: string };
  proDoc: DocRef;
  patientDoc: DocRef;
  stranger: { id: string; ins: string; doc: DocRef };
  actors: Record<ActorName, ActorDef>;
  /** What must never appear in an answer to someone without standing (unless they sent it). */
  canaries: string[];
};

type Shared = { stranger: { id: string; ins: string; doc: DocRef }; carer: { id: string; ins: string }; representative: { id: string; ins: string } };
const shared = new WeakMap<SweepApp, Shared>();

const letters = (n: number) => {
  let s = '';
  let v = n;
  do { s = String.fromCharCode(65 + (v % 26)) + s; v = Math.floor(v / 26); } while (v > 0);
  return s;
};
const pad3 = (n: number) => String(n).padStart(3, '0');
const RANDOM_DOC = (n: number, k: number) => `0badc0de-${pad3(n).padStart(4, '0')}-4000-8000-${String(k).padStart(12, '0')}`;

async function expectStatus(s: SweepApp, label: string, request: SweepRequest, actor: Actor, ok: (status: number) => boolean = (x) => x < 300) {
  const res = await s.send(request, await s.token(actor));
  if (!ok(res.status)) throw new Error(`sweep fixture step failed: ${label}: ${res.status} ${res.body.slice(0, 400)}`);
  return res;
}

async function feed(s: SweepApp, actor: Actor, dossierId: string, o: { title: string; masterIdentifier: string; typeCode?: string }): Promise<DocRef> {
  const res = await expectStatus(s, `feed ${o.title}`, {
    method: 'POST', url: '/fhir/R4/DocumentReference', contentType: 'application/fhir+json',
    body: documentReference({ patientId: dossierId, title: o.title, masterIdentifier: o.masterIdentifier, ...(o.typeCode ? { typeCode: o.typeCode } : {}) }),
  }, actor, (st) => st === 201);
  const fhirId = JSON.parse(res.body).id as string;
  return { fhirId, documentId: parseDocumentFhirId(fhirId)!.documentId, masterIdentifier: o.masterIdentifier, title: o.title };
}

/** Professionals (the directory), the stranger's own dossier with a document, the carer's and representative's dossiers. */
async function sharedFixtures(s: SweepApp): Promise<Shared> {
  const existing = shared.get(s);
  if (existing) return existing;
  const now = s.clock();
  for (const p of Object.values(PROS)) {
    const [given, ...family] = p.displayName.replace(/^Dr /, '').split(' ');
    await insertAccount(s.db, {
      account_id: p.accountId, kind: 'professional', email: null, password_hash: null, given_name: given!, family_name: family.join(' '),
      dossier_id: null, rpps: p.rpps, profession: p.profession, specialty: p.specialty, structure_finess: p.structure!.finess,
      structure_name: p.structure!.name,
    }, now);
  }
  // The consented physician practises in a listed regulation centre: the SAMU mode is theirs to use.
  await upsertRegulationCentre(s.db, PROS.consented.structure!.finess, 'Centre de régulation (SAMU)', now);
  const strangerIns = insWithKey('2850575099001');
  const carerIns = insWithKey('1800575099002');
  const representativeIns = insWithKey('2750575099003');
  const stranger = await insertDossier(s.db, { ins: strangerIns, birthName: 'ETRANGER', firstNames: 'Sonia', birthDate: '1985-05-20', sex: 'F', state: 'active' });
  const carer = await insertDossier(s.db, { ins: carerIns, birthName: 'AIDANT', firstNames: 'Charles', birthDate: '1980-05-02', sex: 'M', state: 'active' });
  const representative = await insertDossier(s.db, { ins: representativeIns, birthName: 'PARENT', firstNames: 'Rose', birthDate: '1975-05-02', sex: 'F', state: 'active' });
  await expectStatus(s, 'inform the stranger', { method: 'POST', url: `/api/dossiers/${stranger}/feeding-information`, body: {} }, PROS.author);
  const doc = await feed(s, PROS.author, stranger, { title: 'Compte rendu de la patiente étrangère', masterIdentifier: 'urn:oid:1.2.250.1.999.7.1' });
  const value: Shared = { stranger: { id: stranger, ins: strangerIns, doc }, carer: { id: carer, ins: carerIns }, representative: { id: representative, ins: representativeIns } };
  shared.set(s, value);
  return value;
}

let worlds = 0;

/**
 * A fresh target dossier (active; an adult who turned 18 this year, or a minor) with: the carer and the
 * legal-representative relationships, the feeding information, a consent for `consentedPro`, a block of
 * `blockedPro`, a professional's document and the holder's own upload — all but the dossier itself
 * recorded through the API.
 */
export async function buildWorld(s: SweepApp, options: WorldOptions = {}): Promise<World> {
  const sh = await sharedFixtures(s);
  const n = ++worlds;
  const ins = insWithKey(`1${options.minor ? '12' : '07'}0675056${pad3(n)}`);
  const family = `SWEEP${letters(n).padStart(3, 'A')}`;
  const birthDate = options.minor ? '2012-06-03' : '2007-06-03';
  const id = await insertDossier(s.db, { ins, birthName: family, firstNames: 'Canari', birthDate, sex: 'M', state: 'active' });
  await relate(s.db, id, 'carer', sh.carer.id, sh.carer.ins);
  await relate(s.db, id, 'legal_representative', sh.representative.id, sh.representative.ins);
  const absentIns = insWithKey(`2070699099${pad3(n)}`);
  const absentId = newDossierId(); // no dossier has it (ids are random)
  const owner = personFor(id, `Canari ${family}`);
  await expectStatus(s, 'inform', { method: 'POST', url: `/api/dossiers/${id}/feeding-information`, body: {} }, PROS.author);
  await expectStatus(s, 'consent', { method: 'POST', url: `/api/dossiers/${id}/consents`, body: { scope: 'professional' } }, PROS.consented);
  await expectStatus(s, 'block', { method: 'POST', url: `/api/dossiers/${id}/blocked-professionals`, body: { rpps: PROS.blocked.rpps } }, owner);
  const proDoc = await feed(s, PROS.author, id, { title: `Bilan canari ${family} pro`, masterIdentifier: `urn:oid:1.2.250.1.999.8.${n}` });
  const patientDoc = await feed(s, owner, id, { title: `Note canari ${family} patient`, masterIdentifier: `urn:oid:1.2.250.1.999.9.${n}`, typeCode: 'DOCPAT03' });
  if (options.consentedProSession) {
    await expectStatus(s, 'emergency session', { method: 'POST', url: `/api/dossiers/${id}/emergency-access`, body: { mode: 'bris_de_glace', reason: 'Patient inconscient aux urgences' } }, PROS.consented);
  }
  const person = (dossierId: string, name: string) => personFor(dossierId, name);
  const defs: Array<[ActorName, Actor | null, string | null]> = [
    ['noToken', null, null],
    ['expiredToken', owner, await s.token(owner, { issuedSecondsAgo: 3600 })],
    ['foreignKeyToken', owner, await s.token(owner, { keys: s.foreignKeys })],
    ['strangerPatient', person(sh.stranger.id, 'Sonia Etranger'), null],
    ['carerFeatureOff', person(sh.carer.id, 'Charles Aidant'), null],
    ['representativeOfAdult', person(sh.representative.id, 'Rose Parent'), null],
    ['blockedPro', PROS.blocked, null],
    ['unrelatedPro', PROS.unrelated, null],
    ['consentedPro', PROS.consented, null],
    ['owner', owner, null],
    ['operator', operator, null],
  ];
  const actors = {} as Record<ActorName, ActorDef>;
  for (const [name, actor, token] of defs) {
    actors[name] = { name, actor, token: token ?? (actor && !TOKEN_ACTORS.has(name) ? await s.token(actor) : null) };
  }
  return {
    n, options,
    target: { id, ins, family, given: 'Canari', birthDate },
    absent: {
      id: absentId, ins: absentIns, family: `ABSNT${letters(n).padStart(3, 'A')}`,
      docOfTarget: documentFhirId(id, RANDOM_DOC(n, 1)), docOfAbsent: documentFhirId(absentId, RANDOM_DOC(n, 2)),
      docOfStranger: documentFhirId(sh.stranger.id, RANDOM_DOC(n, 3)),
    },
    proDoc, patientDoc, stranger: sh.stranger, actors,
    canaries: [id, ins, family, proDoc.fhirId, proDoc.documentId, proDoc.title, patientDoc.fhirId, patientDoc.documentId, patientDoc.title],
  };
}
