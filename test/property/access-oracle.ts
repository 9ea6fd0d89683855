/**
 * A second, deliberately plain reading of SPEC §3 ("who may see what"), used as the oracle of the R1
 * property test (RELIABILITY §R1). It shares no code with src/domain/policy (nothing under src/ is
 * imported here) and follows the specification's words, section by section: where both agree on
 * thousands of random worlds, neither is likely wrong; where they differ, the test names the case.
 * Where SPEC §3 is silent, the choice made here is written next to the rule.
 *
 * The world is plain data: dossiers (state, birth date, settings, relationships, consents, blocks,
 * information flag, access sessions) and documents (type, labels, author, invisibility start,
 * deletion). Every question returns a Verdict: allowed, or denied with the status a caller must see —
 * 404 when the reason is about the document or the space existing for the caller (SPEC §3: never
 * reveal that a hidden document exists), 403 when the caller is told why (blocked, no consent, not
 * informed, emergency blocked, sector closed, reserved action), 400 for a request that cannot be done.
 *
 * Regulatory data is read from the shipped data files (reference-data/): the habilitation matrix and
 * its columns (sector of each column), and the delays in force.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DAY = 86_400_000;
const MINUTE = 60_000;

export type Label = 'MASQUE_PS' | 'INVISIBLE_PATIENT' | 'INVISIBLE_REPRESENTANTS_LEGAUX';
export type SessionMode = 'bris_de_glace' | 'samu' | 'secret';
export type Pro = { rpps: string; profession: string; specialty: string | null; finess: string | null };
export type Who = { kind: 'pro'; pro: Pro } | { kind: 'person'; dossierId: string };
/** `epoch`: how many times the space had been closed when it was recorded (see `closureRevokes`). */
export type Session = { rpps: string; mode: SessionMode; start: number; end: number; epoch: number };
export type Consent = { rpps: string | null; finess: string | null; epoch: number };
export type Dossier = {
  id: string;
  state: 'created' | 'active' | 'closed';
  birthDate: string;
  /** Dossier ids of the persons who are legal representatives / carers of this dossier's holder. */
  representatives: string[];
  carers: string[];
  maskAll: boolean; blockSamu: boolean; blockEmergency: boolean; blockMaskedInEmergency: boolean;
  medecinTraitant: string | null;
  informed: boolean;
  /** Consents recorded (for one professional, or for the care team of a structure). */
  consents: Consent[];
  closures: number;
  blocked: Set<string>;
  sessions: Session[];
};
export type Doc = {
  id: string; dossierId: string; type: string; labels: Set<Label>;
  author: { kind: 'pro'; rpps: string } | { kind: 'patient' };
  invisibleSince: number | null;
  deleted: boolean;
  /** Replaced by a newer version (listed no more, still readable by whom may read it). */
  superseded?: boolean;
  /** The id of the version this one replaces. */
  replaces?: string | null;
  /** Its mask (MASQUE_PS) is the patient side's choice: a new version keeps it. */
  patientMasked?: boolean;
};
/**
 * A carer invitation (issue 8, item 6): `invitee` is the space of the account with the address when it
 * was sent, if activated (null: nobody can accept it, and the inviter cannot tell).
 */
export type Invitation = { id: string; dossierId: string; invitee: string | null; email: string; sent: number; status: 'pending' | 'accepted' | 'declined' | 'withdrawn' };
export type World = {
  dossiers: Map<string, Dossier>; docs: Doc[]; directory: Map<string, Pro>; invitations: Invitation[];
  /** The structures (FINESS) listed as SAMU regulation centres (centres 15). */
  regulationCentres?: ReadonlySet<string>;
};
export type Verdict = { ok: true; why: string } | { ok: false; status: 400 | 403 | 404 | 429; why: string };

const allow = (why: string): Verdict => ({ ok: true, why });
const hidden = (why: string): Verdict => ({ ok: false, status: 404, why });
const refused = (why: string): Verdict => ({ ok: false, status: 403, why });
const invalid = (why: string): Verdict => ({ ok: false, status: 400, why });

// ---------------------------------------------------------------------------------------------------
// Regulatory data, parsed here from the files (the data is the regulation, not the code under test).

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows.filter((r) => r.some((f) => f !== ''));
}

export type Rules = {
  /** "type|column" → may read; a missing cell means the regulation says nothing: deny. */
  matrix: Map<string, boolean>;
  sector: Map<string, string>;
  medicoSocialEnabled: boolean;
  carersEnabled: boolean;
  /** OPENMES_MAX_CARERS: accepted mandates and pending invitations together. */
  maxCarers: number;
  visibleAfterDays: (at: number) => number;
  emergencyMinutes: (at: number) => number;
};

export function loadRules(root: string, options: { medicoSocialEnabled: boolean; carersEnabled: boolean; maxCarers: number }): Rules {
  const dir = join(root, 'reference-data');
  // The matrix in force: the latest published version (one file per decree, named by its date).
  const file = readdirSync(dir).filter((f) => /^habilitation-matrix-\d{4}-\d{2}-\d{2}\.csv$/.test(f)).sort().at(-1)!;
  const matrix = new Map<string, boolean>();
  const [head, ...cells] = parseCsv(readFileSync(join(dir, file), 'utf8'));
  const col = (name: string) => head!.indexOf(name);
  for (const r of cells) matrix.set(`${r[col('type_code')]}|${r[col('profession_key')]}`, r[col('allowed')] === 'yes');
  const sector = new Map<string, string>();
  const [chead, ...columns] = parseCsv(readFileSync(join(dir, 'habilitation-matrix-columns.csv'), 'utf8'));
  for (const r of columns) sector.set(r[chead!.indexOf('profession_key')]!, r[chead!.indexOf('sector')]!);
  type Version = { effectiveFrom: string; effectiveTo?: string; values: Record<string, number> };
  const versions = (JSON.parse(readFileSync(join(dir, 'regulatory-parameters.json'), 'utf8')) as { versions: Version[] }).versions;
  const inForce = (at: number) => {
    const day = new Date(at).toISOString().slice(0, 10);
    const v = versions.find((x) => x.effectiveFrom <= day && (!x.effectiveTo || day < x.effectiveTo));
    if (!v) throw new Error(`no regulatory parameters in force on ${day}`);
    return v.values;
  };
  return {
    matrix, sector, ...options,
    visibleAfterDays: (at) => inForce(at).invisiblePatientVisibleAfterDays!,
    emergencyMinutes: (at) => inForce(at).emergencyAccessMinutes!,
  };
}

/** DOMAIN §5.4: the types a patient deposits (DOCPAT01…09, EXPPAT_1…3); no professional deposits them. */
export const isPatientType = (type: string) => /^(DOCPAT\d\d|EXPPAT_\d)$/.test(type);
export const ADVANCE_DIRECTIVES = 'EXPPAT_3';
const MEDECIN = 'G15:10';

/** Under 18 at `now`: the 18th birthday (UTC; 29 February → 1 March) has not come yet. */
export function isMinor(birthDate: string, now: number): boolean {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  return now < Date.UTC(y + 18, m - 1, d);
}

// ---------------------------------------------------------------------------------------------------

export class AccessOracle {
  /**
   * §1 "closure removes every access at once": read here as revoking the consents and ending the
   * sessions, so that reopening the space does not bring them back. `false` reads closure as a mere
   * suspension (what the implementation does, see KNOWN in the test).
   */
  closureRevokes = true;

  constructor(readonly rules: Rules, readonly world: World) {}

  /** Recorded before the space's last closure, hence revoked by it (when closure revokes). */
  private revoked(x: { epoch: number }, d: Dossier): boolean { return this.closureRevokes && x.epoch < d.closures; }

  dossier(id: string): Dossier { return this.world.dossiers.get(id)!; }

  /** SPEC §1: who acts on the patient side of this dossier, if anyone. */
  role(dossierId: string, d: Dossier, now: number): 'holder' | 'representative' | 'carer' | null {
    if (dossierId === d.id) return 'holder';
    if (d.representatives.includes(dossierId) && isMinor(d.birthDate, now)) return 'representative';
    if (this.rules.carersEnabled && d.carers.includes(dossierId)) return 'carer';
    return null;
  }

  /**
   * The session the professional is in: the latest one started that has not expired. A secret
   * connection exists for a minor (§3.10): once the patient is 18 it no longer means anything.
   */
  mode(pro: Pro, d: Dossier, now: number): SessionMode | 'normal' {
    const live = d.sessions.filter((s) => s.rpps === pro.rpps && s.start <= now && now < s.end && !this.revoked(s, d)
      && (s.mode !== 'secret' || isMinor(d.birthDate, now)));
    return live.at(-1)?.mode ?? 'normal';
  }

  /** §3.7: an emergency mode that the patient has not blocked (a blocked one gives nothing extra). */
  emergency(pro: Pro, d: Dossier, now: number): boolean {
    const m = this.mode(pro, d, now);
    return (m === 'bris_de_glace' && !d.blockEmergency) || (m === 'samu' && !d.blockSamu);
  }

  /** §3.1, §3.2 and the sector setting of §3.4: what stops a professional before any document. */
  proEntry(pro: Pro, d: Dossier): Verdict | null {
    if (d.state === 'closed') return hidden('space closed');
    if (d.blocked.has(pro.rpps)) return refused('blocked by the patient');
    const sector = this.rules.sector.get(pro.profession);
    if (!sector) return hidden('profession not in the matrix');
    if (sector === 'medico_social' && !this.rules.medicoSocialEnabled) return refused('médico-social sector not opened');
    return null;
  }

  /** §3.3 médecin traitant, §3.5 consent (care team = same structure), §3.7 emergency. */
  consults(pro: Pro, d: Dossier, now: number): boolean {
    const covered = d.consents.some((c) => !this.revoked(c, d) && (c.rpps === pro.rpps || (c.finess !== null && c.finess === pro.finess)));
    return d.medecinTraitant === pro.rpps || covered || this.emergency(pro, d, now);
  }

  matrixAllows(pro: Pro, type: string): boolean {
    const refined = pro.specialty ? this.rules.matrix.get(`${type}|${pro.profession}/${pro.specialty}`) : undefined;
    return refined ?? this.rules.matrix.get(`${type}|${pro.profession}`) ?? false;
  }

  readsSomeType(pro: Pro): boolean {
    const types = new Set([...this.rules.matrix.keys()].map((k) => k.slice(0, k.indexOf('|'))));
    return [...types].some((type) => this.matrixAllows(pro, type));
  }

  masked(doc: Doc, d: Dossier): boolean { return doc.labels.has('MASQUE_PS') || d.maskAll; }

  /** §3.8: invisible to the patient side until revealed or until the delay has passed. */
  invisibleToPatient(doc: Doc, now: number): boolean {
    if (!doc.labels.has('INVISIBLE_PATIENT')) return false;
    return doc.invisibleSince === null || now < doc.invisibleSince + this.rules.visibleAfterDays(now) * DAY;
  }

  /**
   * §1 closure, as the patient side meets it: the holder side is told the space is closed and how to
   * reopen it (issue 8, item 15); a carer's mandate ended with it, so for them it is as if gone.
   */
  closedFor(role: 'holder' | 'representative' | 'carer'): Verdict {
    return role === 'carer' ? hidden('space closed') : refused('space closed: the holder side is told how to reopen it');
  }

  /** Patient side, before any document: the role, the state (reading needs an activated space). */
  personEntry(dossierId: string, d: Dossier, now: number): Verdict | null {
    const role = this.role(dossierId, d, now);
    if (!role) return hidden('no relationship with this space');
    if (d.state === 'closed') return this.closedFor(role);
    if (d.state !== 'active') return refused('space not activated');
    return null;
  }

  canRead(who: Who, doc: Doc, now: number): Verdict {
    const d = this.dossier(doc.dossierId);
    if (who.kind === 'person') {
      const entry = this.personEntry(who.dossierId, d, now);
      if (entry) return entry;
      if (doc.deleted) return hidden('deleted');
      if (this.invisibleToPatient(doc, now)) return hidden('invisible to the patient');
      const role = this.role(who.dossierId, d, now);
      if (doc.labels.has('INVISIBLE_REPRESENTANTS_LEGAUX') && role !== 'holder') return hidden('invisible to the representatives');
      return allow(role!);
    }
    const pro = who.pro;
    const entry = this.proEntry(pro, d);
    if (entry) return entry;
    const author = doc.author.kind === 'pro' && doc.author.rpps === pro.rpps;
    const medecinTraitant = d.medecinTraitant === pro.rpps;
    // The refusals that do not depend on the document come before those that do, so that they read
    // the same for any id, existing or not (§3, last paragraph: errors never reveal a hidden document).
    // Whether consent or the matrix refuses, the answer is a refusal either way (§3.4, §3.5).
    if (!author && !medecinTraitant && !this.consults(pro, d, now)) return refused('no consent');
    if (doc.deleted) return hidden('deleted');
    if (author) return allow('author');
    if (medecinTraitant) return allow('médecin traitant');
    if (!this.matrixAllows(pro, doc.type)) return hidden('habilitation matrix');
    const emergency = this.emergency(pro, d, now);
    if (this.masked(doc, d)) {
      if (!emergency) return hidden('masked');
      if (d.blockMaskedInEmergency) return hidden('masked, also in emergency');
      return allow('masked, read in emergency');
    }
    return allow(emergency ? 'consultation (emergency)' : 'consultation (consent)');
  }

  /**
   * §4 with §3.8–3.10: the patient side reads the space's history at any time (professionals do not);
   * entries about a document it may not see, and for representatives and carers the secret
   * connections, are left out (see `historyHides`).
   */
  canReadHistory(who: Who, d: Dossier, now: number): Verdict {
    if (who.kind === 'pro') return this.proEntry(who.pro, d) ?? hidden("the history is the patient side's");
    const role = this.role(who.dossierId, d, now);
    if (!role) return hidden('no relationship with this space');
    return d.state === 'closed' ? this.closedFor(role) : allow(role);
  }

  /** What a history entry about `doc` would reveal to this patient-side reader. */
  historyHides(dossierId: string, doc: Doc, now: number): boolean {
    const role = this.role(dossierId, this.dossier(doc.dossierId), now);
    return this.invisibleToPatient(doc, now) || (doc.labels.has('INVISIBLE_REPRESENTANTS_LEGAUX') && role !== 'holder');
  }

  /** A document id that does not exist in this (existing) dossier. */
  canReadMissing(who: Who, d: Dossier, now: number): Verdict {
    if (who.kind === 'person') return this.personEntry(who.dossierId, d, now) ?? hidden('no such document');
    return this.proEntry(who.pro, d) ?? (this.consults(who.pro, d, now) ? hidden('no such document') : refused('no consent'));
  }

  canSearch(who: Who, d: Dossier, now: number): Verdict {
    if (who.kind === 'person') return this.personEntry(who.dossierId, d, now) ?? allow('patient side');
    const entry = this.proEntry(who.pro, d);
    if (entry) return entry;
    return this.consults(who.pro, d, now) ? allow('consultation') : refused('no consent');
  }

  /** What a search lists and counts: current documents of the dossier the caller may read. */
  visible(who: Who, d: Dossier, now: number): Doc[] {
    return this.world.docs.filter((doc) => doc.dossierId === d.id && !doc.deleted && !doc.superseded && this.canRead(who, doc, now).ok);
  }

  /**
   * What a returned document may say of the version it replaces: its reference only when the caller may
   * read that version too (otherwise the link would reveal a document answered as "not found").
   */
  namedPredecessor(who: Who, doc: Doc, now: number): string | null {
    const previous = doc.replaces ? this.world.docs.find((x) => x.id === doc.replaces) : undefined;
    return previous && this.canRead(who, previous, now).ok ? previous.id : null;
  }

  /**
   * §2 replacement: a new version of the same document, by its author (who must still be able to read it),
   * decided as a deposit. The patient's own mask on the old version is part of the new one's labels (their
   * confidentiality choice is about the document, whatever its version); the author's mask is not carried.
   */
  replacementLabels(old: Doc, labels: readonly Label[]): Label[] {
    return old.patientMasked && !labels.includes('MASQUE_PS') ? [...labels, 'MASQUE_PS'] : [...labels];
  }

  canReplace(pro: Pro, old: Doc, labels: readonly Label[], now: number): Verdict {
    const read = this.canRead({ kind: 'pro', pro }, old, now);
    if (!read.ok) return read;
    if (old.author.kind !== 'pro' || old.author.rpps !== pro.rpps) return refused('not the author');
    const deposit = this.canFeed(pro, this.dossier(old.dossierId), old.type, this.replacementLabels(old, labels), now);
    if (!deposit.ok) return deposit;
    return old.superseded ? invalid('already replaced') : allow('replace');
  }

  /** §2 and §3.8–3.10: a professional deposits a document. */
  canFeed(pro: Pro, d: Dossier, type: string, labels: readonly Label[], now: number): Verdict {
    const entry = this.proEntry(pro, d);
    if (entry) return entry;
    if (!d.informed) return refused('patient not informed');
    if (isPatientType(type)) return refused('type reserved to the patient');
    // §3.8: a document cannot be both invisible to the patient and masked to professionals.
    if (labels.includes('INVISIBLE_PATIENT') && labels.includes('MASQUE_PS')) return refused('invisible and masked');
    if (labels.includes('INVISIBLE_REPRESENTANTS_LEGAUX') && !isMinor(d.birthDate, now)) return refused('representatives only for minors');
    if (this.mode(pro, d, now) === 'secret' && !labels.includes('INVISIBLE_REPRESENTANTS_LEGAUX')) return refused('secret mode deposits are hidden from representatives');
    return allow('deposit');
  }

  /** §2: the patient side uploads its own documents (patient types; it may mask them, nothing more). */
  canUpload(dossierId: string, d: Dossier, type: string, labels: readonly Label[], now: number): Verdict {
    const entry = this.personEntry(dossierId, d, now);
    if (entry) return entry;
    if (!isPatientType(type)) return refused('professional document type');
    if (labels.some((l) => l !== 'MASQUE_PS')) return refused('invisibility is for professionals');
    if (type === ADVANCE_DIRECTIVES && this.role(dossierId, d, now) === 'carer') return refused('carers never touch advance directives');
    return allow('upload');
  }

  /** §3.5 and §2: recordings made in the professional's software (consent, information). */
  canRecord(pro: Pro, d: Dossier, scope: 'professional' | 'structure' | null): Verdict {
    const entry = this.proEntry(pro, d);
    if (entry) return entry;
    if (scope === 'structure' && pro.finess === null) return invalid('no structure to consent for');
    return allow('recorded');
  }

  canStartEmergency(pro: Pro, d: Dossier, mode: 'bris_de_glace' | 'samu'): Verdict {
    const entry = this.proEntry(pro, d);
    if (entry) return entry;
    // §3.7 as decided for OpenMES (docs/access-rules.md): the regulation mode is for physicians practising in a
    // listed regulation centre; bris de glace for health professionals whom the matrix lets read some type.
    if (mode === 'samu' && (pro.profession !== MEDECIN || pro.finess === null || !this.world.regulationCentres?.has(pro.finess))) {
      return refused('regulation is for physicians of a regulation centre');
    }
    if (mode === 'bris_de_glace' && (this.rules.sector.get(pro.profession) !== 'health' || !this.readsSomeType(pro))) {
      return refused('bris de glace is for health professionals of the matrix');
    }
    if (mode === 'samu' ? d.blockSamu : d.blockEmergency) return refused('emergency access blocked by the patient');
    return allow(mode);
  }

  canStartSecret(pro: Pro, d: Dossier, now: number): Verdict {
    const entry = this.proEntry(pro, d);
    if (entry) return entry;
    return isMinor(d.birthDate, now) ? allow('secret') : refused('secret connection is for minors');
  }

  /** Settings and blocks: the holder, or a legal representative for a minor; a carer only looks. */
  canManage(dossierId: string, d: Dossier, now: number): Verdict {
    const role = this.role(dossierId, d, now);
    if (!role) return hidden('no access to this space');
    if (d.state === 'closed') return this.closedFor(role);
    return role === 'carer' ? refused('a carer does not decide who sees the record') : allow(role);
  }

  // --- carers by invitation (SPEC §1; issue 8, item 6) ---------------------------------------------

  /** Still answerable: not answered nor withdrawn, and sent less than 30 days ago. */
  pending(i: Invitation, now: number): boolean { return i.status === 'pending' && now < i.sent + 30 * DAY; }

  /**
   * The holder side invites someone by e-mail. The same answer for any address (an unknown one, a space
   * not activated); refused only for what the inviter already knows (their own or the holder's address),
   * past the maximum (mandates and pending invitations together) or past 10 invitations in 24 hours.
   * An address already invited and pending is answered again with that invitation.
   */
  canInvite(who: string, d: Dossier, whom: string, now: number): Verdict {
    const manage = this.canManage(who, d, now);
    if (!manage.ok) return manage;
    if (!this.rules.carersEnabled) return invalid('carers are not open');
    if (whom === d.id) return invalid('the holder is not their own carer');
    if (whom === who) return invalid('one does not invite oneself');
    const pending = this.world.invitations.filter((i) => i.dossierId === d.id && this.pending(i, now));
    if (pending.some((i) => i.email === this.emailOf(whom))) return allow('already invited');
    if (this.world.invitations.filter((i) => i.dossierId === d.id && i.sent > now - DAY).length >= 10) return { ok: false, status: 429, why: '10 invitations a day' };
    if (pending.length + d.carers.length >= this.rules.maxCarers) return invalid('maximum of carers (mandates and invitations)');
    return allow('invited');
  }

  /** Only the invited person answers, while the invitation is pending and the space open; accepting needs a free place. */
  canAnswer(who: string, inv: Invitation, accept: boolean, now: number): Verdict {
    const d = this.dossier(inv.dossierId);
    if (!this.rules.carersEnabled || inv.invitee !== who || !this.pending(inv, now) || d.state === 'closed') return hidden('no such invitation for this person');
    if (!accept) return allow('declined');
    if (!d.carers.includes(who) && d.carers.length >= this.rules.maxCarers) return invalid('maximum of carers reached since');
    if (this.dossier(who).state !== 'active') return invalid('the carer’s own space is not active');
    return allow('accepted');
  }

  canWithdraw(who: string, inv: Invitation, now: number): Verdict {
    const d = this.dossier(inv.dossierId);
    const manage = this.canManage(who, d, now);
    if (!manage.ok) return manage;
    return this.pending(inv, now) ? allow('withdrawn') : hidden('no pending invitation');
  }

  /** A carer ends their own mandate; anyone else with a role has none to give up. */
  canGiveUp(who: string, d: Dossier, now: number): Verdict {
    const role = this.role(who, d, now);
    if (!role) return hidden('no relationship with this space');
    if (d.state === 'closed') return this.closedFor(role);
    return role === 'carer' ? allow('gave up') : refused('not a carer of this space');
  }

  /** The holder side ends a carer's mandate at any time; there must be one to end. */
  canRevoke(who: string, d: Dossier, carer: string, now: number): Verdict {
    const manage = this.canManage(who, d, now);
    if (!manage.ok) return manage;
    return d.carers.includes(carer) ? allow('mandate revoked') : hidden('no mandate to end');
  }

  emailOf(dossierId: string): string { return `p-${dossierId}@r1.test`; }

  canSetMedecinTraitant(rpps: string): Verdict {
    const pro = this.world.directory.get(rpps);
    if (!pro) return invalid('unknown professional');
    return pro.profession === MEDECIN ? allow('médecin') : invalid('médecin traitant must be a physician');
  }

  /** §3.6: the patient side masks or unmasks a document it can see. */
  canPatientRelabel(dossierId: string, doc: Doc, now: number): Verdict {
    const d = this.dossier(doc.dossierId);
    const manage = this.canManage(dossierId, d, now);
    if (!manage.ok) return manage;
    return this.canRead({ kind: 'person', dossierId }, doc, now);
  }

  /** §3.8 / §3.9: the author makes a document visible earlier (to representatives: confirmed, irreversible). */
  canAuthorReveal(pro: Pro, doc: Doc, label: Label, confirmed: boolean, now: number): Verdict {
    const read = this.canRead({ kind: 'pro', pro }, doc, now);
    if (!read.ok) return read;
    if (label === 'INVISIBLE_REPRESENTANTS_LEGAUX' && doc.labels.has(label) && !confirmed) return refused('irreversible: confirm');
    return allow('reveal');
  }

  /** §2: only the author, or the patient side (holder, representative) for the patient's uploads. */
  canDelete(who: Who, doc: Doc, now: number): Verdict {
    const read = this.canRead(who, doc, now);
    if (!read.ok) return read;
    if (who.kind === 'pro') return doc.author.kind === 'pro' && doc.author.rpps === who.pro.rpps ? allow('author') : refused('not the author');
    if (doc.author.kind !== 'patient') return refused('not the author');
    return read.why === 'carer' ? refused(doc.type === ADVANCE_DIRECTIVES ? 'carers never touch advance directives' : 'a carer does not delete') : allow('own upload');
  }

  /** §1: the holder activates, closes, reopens. */
  canTransition(d: Dossier, action: 'activate' | 'close' | 'reopen'): Verdict {
    const from = { activate: 'created', close: 'active', reopen: 'closed' }[action];
    return d.state === from ? allow(action) : refused(`cannot ${action} from ${d.state}`);
  }

  // --- effects of allowed actions on the model ---------------------------------------------------

  startSession(d: Dossier, pro: Pro, mode: SessionMode, now: number): void {
    d.sessions.push({ rpps: pro.rpps, mode, start: now, end: now + this.rules.emergencyMinutes(now) * MINUTE, epoch: d.closures });
  }

  recordConsent(d: Dossier, pro: Pro, scope: 'professional' | 'structure'): void {
    d.consents.push(scope === 'professional' ? { rpps: pro.rpps, finess: null, epoch: d.closures } : { rpps: null, finess: pro.finess, epoch: d.closures });
  }

  transition(d: Dossier, action: 'activate' | 'close' | 'reopen'): void {
    d.state = action === 'close' ? 'closed' : 'active';
    if (action === 'close') d.closures += 1;
  }
}
