/**
 * The R1 runner: plays one scenario over the real API and compares every answer with the oracle
 * (access-oracle.ts). One request = one check: status, the single audit entry and its outcome, and no
 * trace of a hidden document in the body; a disagreement throws a Violation carrying the transcript.
 */
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../src/domain/actor.ts';
import type { TestApp } from '../support/test-app.ts';
import { ENGINE } from '../support/test-db.ts';
import { AccessOracle, isMinor, type Doc, type Dossier, type Rules, type Verdict, type Who, type World } from './access-oracle.ts';
import type { Action, Built } from './access-world.ts';

const WARNING = 'patient-invisible-warning';

export type Stats = {
  worlds: number; requests: number; searches: number; reads: number; denied: number; started: number;
  known: Map<string, number>; why: Map<string, number>;
};
/** What the request's situation was, for a known discrepancy to be recognised narrowly. */
export type Situation = { emergencyBlocked: boolean; secretAfterMajority: boolean };
/** A disagreement already reported against src/: a denial answered with another status, on a request that changes nothing. */
export type Known = { id: string; about: string; matches: (kind: Action['t'], v: Verdict, status: number, s: Situation) => boolean };
/** See KNOWN in the test: closure read as a suspension by the implementation, as a revocation by the oracle. */
export type RunContext = { t: TestApp; rules: Rules; stats: Stats; strict: boolean; known: readonly Known[] };

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;
type Info = { name: string; uuid: string; title: string; marker: string };
export type Resource = { id: string; securityLabel?: { coding?: { code: string }[] }[]; extension?: { url: string }[]; relatesTo?: { target?: { reference?: string } }[] };
export class Violation extends Error {}
/**
 * A write sent with an Idempotency-Key, to be sent again by a `replay` step (issue 8, item 7a): `decide`
 * is the oracle's decision of the same request sent afresh at a later moment, on the model as it is then.
 */
export type Replayable = {
  line: string; who: Who; actor: Actor; dossier: Dossier; method: 'POST' | 'PUT' | 'PATCH' | 'DELETE'; url: string; body?: unknown;
  headers: Record<string, string>; first: { status: number; body: string }; decide: (now: number) => Verdict;
  /** The document the first answer created or was about (its id and title must not come back in a refusal). */
  doc?: Doc;
};

/** Plays one scenario against a fresh world; throws a Violation with the transcript on the first disagreement. */
export class Runner {
  readonly oracle: AccessOracle;
  readonly world: World;
  readonly info = new Map<string, Info>();
  readonly transcript: string[] = [];
  readonly actors: { who: Who; actor: Actor; name: string }[];
  auditTotal = 0;
  /** The writes sent so far with an Idempotency-Key, in order. */
  readonly replayable: Replayable[] = [];
  /** The space the current request is about (for the situation a known discrepancy names). */
  target: Dossier | undefined;
  private requests = 0;
  private tokens = { at: 0, byAccount: new Map<string, string>() };

  constructor(readonly ctx: RunContext, readonly built: Built) {
    this.world = { dossiers: new Map(built.dossiers.map((d) => [d.id, d])), docs: [], directory: new Map(built.pros.map((p) => [p.pro.rpps, p.pro])), invitations: [], regulationCentres: built.regulationCentres };
    this.oracle = new AccessOracle(ctx.rules, this.world);
    this.actors = [
      ...built.pros.map((p) => ({ who: { kind: 'pro' as const, pro: p.pro }, actor: p.actor as Actor, name: p.name })),
      ...built.persons.map((p) => ({ who: { kind: 'person' as const, dossierId: p.dossierId }, actor: p.actor, name: p.name })),
    ];
  }

  now = () => this.ctx.t.clock().getTime();
  dossierName = (d: Dossier) => `space(${this.built.persons.find((p) => p.dossierId === d.id)!.name})`;
  docName = (doc: Doc) => this.info.get(doc.id)!.name;
  at = <T>(list: readonly T[], i: number): T | undefined => (list.length ? list[i % list.length] : undefined);
  pro = (i: number) => this.at(this.built.pros, i)!;
  /** Mostly the patients of the story (adult, minor, cared-for adult), sometimes a parent's or carer's own space. */
  dossier = (i: number) => (i < 8 ? this.at(this.built.subjects, i) : this.at(this.built.dossiers, i))!;
  person = (i: number) => this.at(this.actors.filter((a) => a.who.kind === 'person'), i)!;

  /** The spaces a person has a role in (own, as representative, as carer), or all when `rel` is false. */
  spacesOf(who: Who, rel: boolean): Dossier[] {
    if (who.kind === 'pro' || !rel) return this.built.dossiers;
    const id = who.dossierId;
    return this.built.dossiers.filter((d) => d.id === id || d.representatives.includes(id) || d.carers.includes(id));
  }
  docOf(who: Who, i: number, rel: boolean): Doc | undefined {
    const spaces = new Set(this.spacesOf(who, rel).map((d) => d.id));
    const docs = this.world.docs.filter((d) => spaces.has(d.dossierId));
    return this.at(docs.length ? docs : this.world.docs, i);
  }

  /** A bearer token for `actor`, issued at the test clock's time (tokens live 5 minutes: reissued when the clock moves). */
  async token(actor: Actor): Promise<string> {
    if (this.tokens.at !== this.now()) this.tokens = { at: this.now(), byAccount: new Map() };
    const key = 'accountId' in actor ? actor.accountId : JSON.stringify(actor);
    let token = this.tokens.byAccount.get(key);
    if (!token) { token = await this.ctx.t.tokenFor(actor); this.tokens.byAccount.set(key, token); }
    return token;
  }

  async send(actor: Actor, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}) {
    const requestId = `r1-${randomUUID()}`;
    const contentType = method === 'PATCH' ? 'application/json-patch+json' : url.startsWith('/fhir') ? 'application/fhir+json' : 'application/json';
    const res = await this.ctx.t.app.inject({
      method, url,
      headers: { authorization: `Bearer ${await this.token(actor)}`, 'x-request-id': requestId, ...(body === undefined ? {} : { 'content-type': contentType }), ...headers },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    // Entries carry our own request id (returned in X-Request-Id); the one the client sent is kept apart.
    const ours = String(res.headers['x-request-id']);
    const audit = (await this.ctx.t.db.query<{ total: number; n: number; outcome: string | null }>(
      `SELECT (SELECT count(*)::int FROM audit_event) AS total, (SELECT count(*)::int FROM audit_event WHERE request_id = $1 AND client_request_id = $2) AS n,
              (SELECT outcome FROM audit_event WHERE request_id = $1 LIMIT 1) AS outcome`, [ours, requestId])).rows[0]!;
    return { res, audit };
  }

  /** Sends a write with a fresh Idempotency-Key and remembers it for a later replay. */
  async sendWrite(w: Omit<Replayable, 'first' | 'headers'>, headers: Record<string, string> = {}) {
    const all = { ...headers, 'idempotency-key': `r1-key-${randomUUID()}` };
    const sent = await this.send(w.actor, w.method, w.url, w.body, all);
    const replayable: Replayable = { ...w, headers: all, first: { status: sent.res.statusCode, body: sent.res.body } };
    this.replayable.push(replayable);
    return { ...sent, replayable };
  }

  fail(problems: string[]): never {
    const story = this.transcript.length <= 80 ? this.transcript : [this.transcript[0]!, '     …', ...this.transcript.slice(-70)];
    const lines = [...story, ...problems.map((p) => `   ✗ ${p}`)];
    throw new Violation(`R1 access model violation (${ENGINE}):\n${lines.join('\n')}`);
  }

  /** (1) status and leaks, (2) the one audit entry; `extra` adds the checks of an allowed answer. */
  check(kind: Action['t'], line: string, w: Who, v: Verdict, url: string, sent: { res: Res; audit: { total: number; n: number; outcome: string | null } }, extra: string[] = [],
    hides: (doc: Doc) => boolean = (doc) => !this.oracle.canRead(w, doc, this.now()).ok) {
    const { res, audit } = sent;
    const problems = [...extra];
    const allowed = res.statusCode >= 200 && res.statusCode < 300;
    this.ctx.stats.requests += 1;
    if (!v.ok) this.ctx.stats.denied += 1;
    const key = `${kind} ${v.ok ? 'allow' : v.status}: ${v.why}`;
    this.ctx.stats.why.set(key, (this.ctx.stats.why.get(key) ?? 0) + 1);
    this.requests += 1;
    this.transcript.push(`${String(this.requests).padStart(3)}. ${line} → ${res.statusCode}   [oracle: ${v.ok ? 'allow' : v.status} — ${v.why}]`);
    let outcome: Verdict = v;
    if (allowed !== v.ok || (!v.ok && res.statusCode !== v.status)) {
      // Only over-denials can be known: an answer the oracle would hide is never tolerated.
      const known = this.ctx.strict || allowed ? undefined : this.ctx.known.find((k) => k.matches(kind, v, res.statusCode, this.situation(w)));
      if (known) {
        this.ctx.stats.known.set(known.id, (this.ctx.stats.known.get(known.id) ?? 0) + 1);
        outcome = { ok: false, status: 403, why: known.id };
      } else problems.push(`status ${res.statusCode} ${allowed ? '' : res.body.slice(0, 200)}; the oracle expects ${v.ok ? '2xx' : v.status} (${v.why})`);
    }
    if (audit.total !== this.auditTotal + 1 || audit.n !== 1) problems.push(`${audit.total - this.auditTotal} new audit entries, ${audit.n} for this request (expected exactly 1)`);
    if (audit.outcome !== (outcome.ok ? 'allowed' : 'denied')) problems.push(`audit outcome ${audit.outcome}, the oracle's is ${outcome.ok ? 'allowed' : 'denied'}`);
    this.auditTotal = audit.total;
    const body = res.body;
    for (const doc of this.world.docs) {
      if (!hides(doc)) continue;
      const i = this.info.get(doc.id)!;
      // The id the caller sent may come back (in an error's `instance`); nothing else of the document may.
      const secrets = { title: i.title, content: i.marker, ...(url.includes(doc.id) ? {} : { id: doc.id, uuid: i.uuid }) };
      const leaked = Object.entries(secrets).filter(([, x]) => body.includes(x)).map(([k]) => k);
      if (leaked.length) problems.push(`response leaks the ${leaked.join(', ')} of ${this.docName(doc)}, hidden from this caller`);
    }
    if (problems.length) this.fail(problems);
  }

  /** The oracle's verdict (closure revokes the consents and sessions given before it: SPEC §1, K4). */
  decide(verdict: () => Verdict): Verdict {
    return verdict();
  }

  situation(w: Who): Situation {
    const d = this.target;
    if (w.kind !== 'pro' || !d) return { emergencyBlocked: false, secretAfterMajority: false };
    const now = this.now();
    const live = d.sessions.filter((x) => x.rpps === w.pro.rpps && x.start <= now && now < x.end).at(-1);
    return {
      emergencyBlocked: (live?.mode === 'bris_de_glace' && d.blockEmergency) || (live?.mode === 'samu' && d.blockSamu),
      secretAfterMajority: live?.mode === 'secret' && !isMinor(d.birthDate, now),
    };
  }

  /** A DocumentReference as returned: its labels are the model's, and the "patient cannot see it" warning only for professionals. */
  resourceProblems(w: Who, doc: Doc, r: Resource): string[] {
    const problems: string[] = [];
    const labels = (r.securityLabel ?? []).flatMap((s) => (s.coding ?? []).map((c) => c.code)).filter((c) => !['N', 'R', 'V'].includes(c)).sort();
    if (labels.join() !== [...doc.labels].sort().join()) problems.push(`${this.docName(doc)} labels ${labels.join() || '∅'}, model ${[...doc.labels].join() || '∅'}`);
    const warned = (r.extension ?? []).some((e) => e.url.includes(WARNING));
    if (w.kind === 'person' && warned) problems.push(`${this.docName(doc)} carries the professionals' warning for a patient-side reader`);
    if (w.kind === 'pro' && this.oracle.invisibleToPatient(doc, this.now()) && !warned) problems.push(`${this.docName(doc)} lacks the "invisible to the patient" warning`);
    // A replacement names the version it replaces only to whom may read that version.
    const named = (r.relatesTo ?? []).map((x) => x.target?.reference ?? '?').join();
    const previous = this.oracle.namedPredecessor(w, doc, this.now());
    if (named !== (previous ? `DocumentReference/${previous}` : '')) {
      problems.push(`${this.docName(doc)} relatesTo ${named || '∅'}; the oracle: ${previous ? this.docName(this.world.docs.find((x) => x.id === previous)!) : '∅'}`);
    }
    return problems;
  }

  actorOfPro(i: number) {
    const p = this.pro(i);
    return { who: { kind: 'pro' as const, pro: p.pro }, actor: p.actor as Actor, name: p.name };
  }
}
