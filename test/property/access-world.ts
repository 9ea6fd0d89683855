/**
 * Random worlds and random action sequences for the R1 access-model property (RELIABILITY §R1):
 * what fast-check generates (plain, printable data: a shrunk counterexample reads as a story), and
 * how a world is laid down in the database (dossiers, relationships, professionals of the directory).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Actor } from '../../src/domain/actor.ts';
import { insertAccount } from '../../src/store/account-repo.ts';
import { upsertRegulationCentre } from '../../src/store/regulation-centre-repo.ts';
import { insertDossier, insWithKey, relate } from '../support/fixtures.ts';
import { personAccount } from '../support/notifications.ts';
import type { TestApp } from '../support/test-app.ts';
import type { Dossier, Label, Pro } from './access-oracle.ts';

export const START = '2026-01-15T10:00:00.000Z';
const DAY = 86_400_000;

/** Médecin, pharmacien, infirmier, chirurgien-dentiste, pédicure-podologue, assistant de service social. */
export const PROFESSIONS = ['G15:10', 'G15:21', 'G15:60', 'G15:40', 'G15:80', 'R94:41'] as const;
/** Real DMP types chosen to exercise the matrix (68599-0 / 83901-9: physicians only; 15508-5: not dentists nor podiatrists). */
export const PRO_TYPES = ['11488-4', '68599-0', '15508-5', '83901-9', '60591-5', '11502-2'] as const;
/** Patient uploads (DOCPAT03 report, EXPPAT_3 advance directives), and one professional type a patient may not use. */
export const UPLOAD_TYPES = ['DOCPAT03', 'EXPPAT_3', '11488-4'] as const;

export type ProSpec = { profession: string; specialty: string | null; structure: number | null };
export type WorldSpec = {
  holderState: 'active' | 'created';
  /** A minor with two legal representatives (the first may be the adult holder). */
  minor: null | { turns18InDays: number; parentIsHolder: boolean; state: 'active' | 'created' };
  /** An adult with a carer (who may be the minor's second parent). */
  carer: null | { carerIsParent: boolean };
  pros: ProSpec[];
};

export type SearchFilter = 'MASQUE_PS' | 'INVISIBLE_PATIENT' | 'INVISIBLE_REPRESENTANTS_LEGAUX' | 'page' | (typeof PRO_TYPES)[number] | 'DOCPAT03';
const filterArb: fc.Arbitrary<SearchFilter | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constantFrom<SearchFilter>('MASQUE_PS', 'INVISIBLE_PATIENT', 'INVISIBLE_REPRESENTANTS_LEGAUX', 'page') },
  { weight: 1, arbitrary: fc.constantFrom<SearchFilter>(...PRO_TYPES, 'DOCPAT03') },
);

type SettingsChange =
  | { maskAll: boolean } | { blockSamu: boolean } | { blockEmergency: boolean } | { blockMaskedInEmergency: boolean }
  | { medecinTraitant: number | null };

/** Indices are resolved modulo the world's lists at run time; `rel` picks among the person's own spaces. */
export type Action =
  | { t: 'read'; who: number; doc: number; rel: boolean; binary: boolean }
  /** `filter`: none, a label (probing for hidden documents must find nothing more), a type, or pages of one. */
  | { t: 'search'; who: number; dossier: number; rel: boolean; filter?: SearchFilter }
  | { t: 'missing'; who: number; dossier: number; rel: boolean }
  | { t: 'history'; who: number; dossier: number; rel: boolean }
  | { t: 'feed'; pro: number; dossier: number; type: string; labels: Label[] }
  | { t: 'upload'; who: number; dossier: number; rel: boolean; type: string; mask: boolean }
  | { t: 'inform'; pro: number; dossier: number }
  | { t: 'consent'; pro: number; dossier: number; scope: 'professional' | 'structure' }
  | { t: 'block'; who: number; dossier: number; rel: boolean; pro: number; on: boolean }
  | { t: 'settings'; who: number; dossier: number; rel: boolean; change: SettingsChange }
  | { t: 'mask'; who: number; doc: number; rel: boolean; on: boolean }
  | { t: 'reveal'; doc: number; label: 'INVISIBLE_PATIENT' | 'INVISIBLE_REPRESENTANTS_LEGAUX'; confirm: boolean }
  | { t: 'emergency'; pro: number; dossier: number; mode: 'bris_de_glace' | 'samu' }
  | { t: 'secret'; pro: number; dossier: number }
  | { t: 'delete'; who: number; doc: number; rel: boolean }
  /** Carers by invitation (issue 8, item 6): `who` invites person `whom` by e-mail to a space they manage. */
  | { t: 'invite'; who: number; dossier: number; rel: boolean; whom: number }
  /** An answer to invitation `inv`, by its invitee (`self`) or by person `who`. */
  | { t: 'answer'; inv: number; self: boolean; who: number; accept: boolean }
  | { t: 'withdraw'; who: number; inv: number }
  | { t: 'giveUp'; who: number; dossier: number; rel: boolean }
  /** The holder side ends the mandate of carer `carer` (a person) on a space it manages. */
  | { t: 'revoke'; who: number; dossier: number; rel: boolean; carer: number }
  /** An earlier write (`pick` among those sent with an Idempotency-Key) sent again: same key, same body (issue 8, item 7a). */
  | { t: 'replay'; pick: number }
  /** A new version of a document, mostly by its author (`byAuthor`), else by professional `pro`. */
  | { t: 'replace'; doc: number; byAuthor: boolean; pro: number; labels: Label[] }
  | { t: 'cycle'; dossier: number }
  | { t: 'days'; n: number }
  | { t: 'minutes'; n: number }
  /** To just before, at, or just after the next moment something changes by itself (end of invisibility, end of a session). */
  | { t: 'edge'; of: 'invisibility' | 'session'; pick: number; offset: -1000 | 0 | 1000 };

const ix = fc.nat({ max: 11 });
/** Mostly a space the person has a role in; sometimes any space (expected: nothing). */
const relArb = fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) });

const labelsArb: fc.Arbitrary<Label[]> = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Label[]>([]) },
  { weight: 2, arbitrary: fc.constant<Label[]>(['MASQUE_PS']) },
  { weight: 2, arbitrary: fc.constant<Label[]>(['INVISIBLE_PATIENT']) },
  { weight: 2, arbitrary: fc.constant<Label[]>(['INVISIBLE_REPRESENTANTS_LEGAUX']) },
  { weight: 1, arbitrary: fc.constant<Label[]>(['INVISIBLE_PATIENT', 'INVISIBLE_REPRESENTANTS_LEGAUX']) },
  { weight: 1, arbitrary: fc.constant<Label[]>(['INVISIBLE_PATIENT', 'MASQUE_PS']) },
);

const feedArb: fc.Arbitrary<Action> = fc.record({ t: fc.constant('feed' as const), pro: ix, dossier: ix, type: fc.constantFrom(...PRO_TYPES, 'DOCPAT03'), labels: labelsArb });

const settingsArb: fc.Arbitrary<SettingsChange> = fc.oneof(
  { weight: 1, arbitrary: fc.boolean().map((maskAll) => ({ maskAll })) },
  { weight: 1, arbitrary: fc.boolean().map((blockSamu) => ({ blockSamu })) },
  { weight: 1, arbitrary: fc.boolean().map((blockEmergency) => ({ blockEmergency })) },
  { weight: 1, arbitrary: fc.boolean().map((blockMaskedInEmergency) => ({ blockMaskedInEmergency })) },
  { weight: 2, arbitrary: fc.option(ix, { nil: null, freq: 6 }).map((medecinTraitant) => ({ medecinTraitant })) },
);

export const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 30, arbitrary: fc.record({ t: fc.constant('read' as const), who: ix, doc: ix, rel: relArb, binary: fc.boolean() }) },
  { weight: 16, arbitrary: fc.record({ t: fc.constant('search' as const), who: ix, dossier: ix, rel: relArb, filter: filterArb }, { requiredKeys: ['t', 'who', 'dossier', 'rel'] }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('missing' as const), who: ix, dossier: ix, rel: relArb }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('history' as const), who: ix, dossier: ix, rel: relArb }) },
  { weight: 9, arbitrary: feedArb },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('upload' as const), who: ix, dossier: ix, rel: relArb, type: fc.constantFrom(...UPLOAD_TYPES), mask: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('inform' as const), pro: ix, dossier: ix }) },
  { weight: 10, arbitrary: fc.record({ t: fc.constant('consent' as const), pro: ix, dossier: ix, scope: fc.constantFrom('professional' as const, 'structure' as const) }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('block' as const), who: ix, dossier: ix, rel: relArb, pro: ix, on: fc.oneof(fc.constant(true), fc.boolean()) }) },
  { weight: 7, arbitrary: fc.record({ t: fc.constant('settings' as const), who: ix, dossier: ix, rel: relArb, change: settingsArb }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('mask' as const), who: ix, doc: ix, rel: relArb, on: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('reveal' as const), doc: ix, label: fc.constantFrom('INVISIBLE_PATIENT' as const, 'INVISIBLE_REPRESENTANTS_LEGAUX' as const), confirm: fc.boolean() }) },
  { weight: 7, arbitrary: fc.record({ t: fc.constant('emergency' as const), pro: ix, dossier: ix, mode: fc.constantFrom('bris_de_glace' as const, 'samu' as const) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('secret' as const), pro: ix, dossier: ix }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('delete' as const), who: ix, doc: ix, rel: relArb }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('invite' as const), who: ix, dossier: ix, rel: relArb, whom: ix }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('answer' as const), inv: ix, self: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), who: ix, accept: fc.oneof(fc.constant(true), fc.boolean()) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('withdraw' as const), who: ix, inv: ix }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('giveUp' as const), who: ix, dossier: ix, rel: relArb }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('revoke' as const), who: ix, dossier: ix, rel: relArb, carer: ix }) },
  { weight: 6, arbitrary: fc.record({ t: fc.constant('replay' as const), pick: fc.nat({ max: 40 }) }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('replace' as const), doc: ix, byAuthor: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), pro: ix, labels: labelsArb }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('cycle' as const), dossier: ix }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('days' as const), n: fc.oneof(fc.integer({ min: 1, max: 120 }), fc.constantFrom(45, 89, 90, 91)) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('minutes' as const), n: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.constant(240)) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('edge' as const), of: fc.constantFrom('invisibility' as const, 'session' as const), pick: fc.nat({ max: 3 }), offset: fc.constantFrom(-1000 as const, -1000 as const, 0 as const, 1000 as const) }) },
);

export const worldArb: fc.Arbitrary<WorldSpec> = fc.record({
  holderState: fc.constantFrom('active' as const, 'active' as const, 'active' as const, 'created' as const),
  minor: fc.option(fc.record({
    turns18InDays: fc.oneof(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 401, max: 4000 })),
    parentIsHolder: fc.boolean(),
    state: fc.constantFrom('active' as const, 'active' as const, 'created' as const),
  }), { nil: null, freq: 3 }),
  carer: fc.option(fc.record({ carerIsParent: fc.boolean() }), { nil: null, freq: 3 }),
  pros: fc.array(fc.record({
    profession: fc.oneof({ weight: 2, arbitrary: fc.constant('G15:10') }, { weight: 5, arbitrary: fc.constantFrom(...PROFESSIONS) }),
    specialty: fc.constantFrom(null, null, 'SM54'),
    structure: fc.option(fc.nat({ max: 2 }), { nil: null, freq: 5 }),
  }), { minLength: 2, maxLength: 5 }),
});

/** Each world starts with its patients informed (by a random professional), some consents and documents. */
export const scenarioArb = fc.record({
  world: worldArb,
  setup: fc.tuple(
    fc.array(ix, { minLength: 0, maxLength: 6, size: 'max' }).map((pros) => pros.map((pro, dossier): Action => ({ t: 'inform', pro, dossier }))),
    fc.array(fc.record({ t: fc.constant('consent' as const), pro: ix, dossier: ix, scope: fc.constantFrom('professional' as const, 'structure' as const) }), { maxLength: 4, size: 'max' }),
    fc.array(feedArb, { minLength: 0, maxLength: 8, size: 'max' }),
    // Sometimes the adult declares a médecin traitant (a physician, or not: refused) or masks everything.
    fc.array(fc.record({ t: fc.constant('settings' as const), who: fc.constant(0), dossier: fc.constant(0), rel: fc.constant(true), change: settingsArb }), { maxLength: 2 }),
  ).map(([informs, consents, feeds, settings]) => [...informs, ...consents, ...settings, ...feeds] as Action[]),
  actions: fc.array(actionArb, { minLength: 0, maxLength: 60, size: 'max' }),
});
export type Scenario = { world: WorldSpec; setup: Action[]; actions: Action[] };

// ---------------------------------------------------------------------------------------------------
// Laying a world down in the database.

export type ProActor = Extract<Actor, { kind: 'professional' }>;
export type Person = { dossierId: string; name: string; actor: Actor };
export type Built = { dossiers: Dossier[]; subjects: Dossier[]; pros: { pro: Pro; actor: ProActor; name: string }[]; persons: Person[]; regulationCentres: Set<string> };

let serial = 0;

/** A valid, never reused INS (and so a fresh dossier id) for each person of each world. */
function nextIns(sex: '1' | '2', birth: string): string {
  serial += 1;
  return insWithKey(`${sex}${birth.slice(2, 4)}${birth.slice(5, 7)}75${String(serial).padStart(6, '0')}`);
}

const dateOnly = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export async function buildWorld(t: TestApp, spec: WorldSpec, worldNo: number): Promise<Built> {
  const start = Date.parse(START);
  const dossiers: Dossier[] = [];
  const persons: Person[] = [];
  const add = async (name: string, birthDate: string, state: 'active' | 'created') => {
    const ins = nextIns(persons.length % 2 ? '2' : '1', birthDate);
    const id = await insertDossier(t.db, { ins, birthName: name.toUpperCase(), firstNames: name, birthDate, state });
    const d: Dossier = {
      id, state, birthDate, representatives: [], carers: [], maskAll: false, blockSamu: false, blockEmergency: false,
      blockMaskedInEmergency: false, medecinTraitant: null, informed: false, consents: [], closures: 0,
      blocked: new Set(), sessions: [],
    };
    dossiers.push(d);
    const actor = { kind: 'person' as const, accountId: randomUUID(), dossierId: id, displayName: name };
    persons.push({ dossierId: id, name, actor });
    // Every person has an account: invitations name them by its address (AccessOracle.emailOf).
    await personAccount(t.db, actor, `p-${id}@r1.test`);
    return { d, ins };
  };
  const holder = await add('Alice', '1979-04-12', spec.holderState);
  const subjects = [holder.d];
  let secondParent: Awaited<ReturnType<typeof add>> | null = null;
  if (spec.minor) {
    const eighteenth = new Date(start + spec.minor.turns18InDays * DAY);
    const birth = dateOnly(Date.UTC(eighteenth.getUTCFullYear() - 18, eighteenth.getUTCMonth(), eighteenth.getUTCDate()));
    const minor = await add('Mila', birth, spec.minor.state);
    subjects.push(minor.d);
    const first = spec.minor.parentIsHolder ? holder : await add('Paul', '1981-09-30', 'active');
    secondParent = await add('Nora', '1983-02-28', 'active');
    for (const p of [first, secondParent]) {
      await relate(t.db, minor.d.id, 'legal_representative', p.d.id, p.ins);
      minor.d.representatives.push(p.d.id);
    }
  }
  if (spec.carer) {
    const cared = await add('Bernard', '1941-06-03', 'active');
    subjects.push(cared.d);
    const carer = spec.carer.carerIsParent && secondParent ? secondParent : await add('Chloé', '1970-12-01', 'active');
    await relate(t.db, cared.d.id, 'carer', carer.d.id, carer.ins);
    cared.d.carers.push(carer.d.id);
  }
  const pros: Built['pros'] = [];
  for (const [i, p] of spec.pros.entries()) {
    serial += 1;
    const rpps = `9${String(serial).padStart(10, '0')}`;
    const finess = p.structure === null ? null : `7${String(worldNo % 100000).padStart(5, '0')}${String(p.structure).padStart(3, '0')}`;
    const name = `Pro${i} ${p.profession}${p.specialty ? `/${p.specialty}` : ''}${finess ? ` @S${p.structure}` : ''}`;
    const actor: ProActor = {
      kind: 'professional', accountId: randomUUID(), displayName: `Soignant ${i}`, rpps, profession: p.profession, specialty: p.specialty,
      structure: finess ? { finess, name: `Structure ${p.structure}` } : null,
    };
    await insertAccount(t.db, {
      account_id: actor.accountId, kind: 'professional', email: null, password_hash: null, given_name: 'Soignant', family_name: String(i),
      dossier_id: null, rpps, profession: p.profession, specialty: p.specialty, structure_finess: finess, structure_name: actor.structure?.name ?? null,
    }, new Date(start));
    pros.push({ pro: { rpps, profession: p.profession, specialty: p.specialty, finess }, actor, name });
  }
  // Structure 0 of each world is a SAMU regulation centre: its physicians may start the regulation mode.
  const regulationCentres = new Set(pros.flatMap((p) => (p.pro.finess?.endsWith('000') ? [p.pro.finess] : [])));
  for (const finess of regulationCentres) await upsertRegulationCentre(t.db, finess, 'Centre de régulation', new Date(start));
  return { dossiers, subjects, pros, persons, regulationCentres };
}
