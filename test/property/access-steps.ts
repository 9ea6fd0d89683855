/**
 * The actions of the R1 scenarios, each one request (or a move of the clock), and the final sweep.
 * The oracle decides first (before any effect), the request is sent, the answer checked, and only
 * an action both sides allowed changes the model.
 */
import { randomUUID } from 'node:crypto';
import { documentFhirId } from '../../src/domain/resource-ids.ts';
import { documentReference, pdfBytes } from '../support/documents.ts';
import { isMinor, type Doc, type Label } from './access-oracle.ts';
import { Runner, type Resource, type RunContext } from './access-runner.ts';
import { buildWorld, START, type Action, type Scenario } from './access-world.ts';

const LABEL_SYSTEM = 'urn:oid:1.2.250.1.213.1.1.4.13';
const LEVEL_N = { system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'N' };
const DAY = 86_400_000;

export async function step(r: Runner, a: Action): Promise<void> {
  const now = r.now();
  const o = r.oracle;
  switch (a.t) {
    case 'days': case 'minutes': {
      r.ctx.t.clock.set(new Date(now + a.n * (a.t === 'days' ? DAY : 60_000)).toISOString());
      r.transcript.push(`     … ${a.n} ${a.t} later (${r.ctx.t.clock().toISOString()})`);
      return;
    }
    case 'edge': {
      const edges = (a.of === 'invisibility'
        ? r.world.docs.filter((d) => d.labels.has('INVISIBLE_PATIENT') && d.invisibleSince !== null).map((d) => d.invisibleSince! + r.ctx.rules.visibleAfterDays(now) * DAY)
        : r.built.dossiers.flatMap((d) => d.sessions.map((x) => x.end))
      ).map((e) => e + a.offset).filter((e) => e > now).sort((x, y) => x - y);
      const to = r.at(edges, a.pick);
      if (to === undefined) return;
      r.ctx.t.clock.set(new Date(to).toISOString());
      r.transcript.push(`     … to ${a.offset < 0 ? 'just before' : a.offset > 0 ? 'just after' : 'exactly'} an edge (${r.ctx.t.clock().toISOString()})`);
      // At the edge, everyone looks: each person at its spaces, each professional at the patients' spaces.
      return lookAround(r, a.of === 'invisibility' ? 'persons' : 'all');
    }
    case 'read': {
      const { who, actor, name } = r.at(r.actors, a.who)!;
      const doc = r.docOf(who, a.doc, a.rel);
      if (!doc) return;
      r.target = o.dossier(doc.dossierId);
      const v = r.decide(() => o.canRead(who, doc, now));
      const url = `/fhir/R4/${a.binary ? 'Binary' : 'DocumentReference'}/${doc.id}`;
      const sent = await r.send(actor, 'GET', url);
      const ok = sent.res.statusCode === 200 && v.ok;
      const extra = !ok ? [] : a.binary ? (sent.res.body.includes(r.info.get(doc.id)!.marker) ? [] : ['content is not the document\'s'])
        : r.resourceProblems(who, doc, sent.res.json() as Resource);
      r.ctx.stats.reads += 1;
      return r.check(a.t, `${name} reads ${a.binary ? 'content of ' : ''}${r.docName(doc)}`, who, v, url, sent, extra);
    }
    case 'search': {
      const { who, actor, name } = r.at(r.actors, a.who)!;
      const d = r.at(r.spacesOf(who, a.rel), a.dossier)!;
      r.target = d;
      const v = r.decide(() => o.canSearch(who, d, now));
      const f = a.filter;
      const label = f === 'MASQUE_PS' || f === 'INVISIBLE_PATIENT' || f === 'INVISIBLE_REPRESENTANTS_LEGAUX' ? f : null;
      const query = label ? `&security-label=${label}` : f === 'page' ? '&_count=1' : f ? `&type=${f}` : '';
      const url = `/fhir/R4/DocumentReference?patient=Patient/${d.id}${f === 'page' ? '' : '&_count=200'}${query}`;
      const sent = await r.send(actor, 'GET', url);
      const extra: string[] = [];
      if (v.ok && sent.res.statusCode === 200) {
        const bundle = sent.res.json() as { total: number; entry?: { resource: Resource }[] };
        const expected = o.visible(who, d, now).filter((x) => (label ? x.labels.has(label) : !f || f === 'page' || x.type === f));
        const got = (bundle.entry ?? []).map((e) => e.resource);
        if (bundle.total !== expected.length) extra.push(`search total ${bundle.total}, the oracle lets the caller see ${expected.length}`);
        const names = (ids: string[]) => ids.map((id) => (r.info.get(id)?.name ?? id)).sort().join(', ') || '∅';
        const listed = names(got.map((x) => x.id));
        if (f === 'page' ? got.length !== Math.min(1, expected.length) || !expected.some((x) => x.id === got[0]?.id) && got.length > 0
          : listed !== names(expected.map((x) => x.id))) extra.push(`search lists ${listed}; the oracle: ${names(expected.map((x) => x.id))}`);
        for (const res of got) { const doc = expected.find((x) => x.id === res.id); if (doc) extra.push(...r.resourceProblems(who, doc, res)); }
      }
      r.ctx.stats.searches += 1;
      return r.check(a.t, `${name} searches ${r.dossierName(d)}${query ? ` (${query.slice(1)})` : ''}`, who, v, url, sent, extra);
    }
    case 'missing': {
      const { who, actor, name } = r.at(r.actors, a.who)!;
      const d = r.at(r.spacesOf(who, a.rel), a.dossier)!;
      r.target = d;
      const url = `/fhir/R4/DocumentReference/${documentFhirId(d.id, randomUUID())}`;
      const v = r.decide(() => o.canReadMissing(who, d, now));
      return r.check(a.t, `${name} reads a document id that does not exist in ${r.dossierName(d)}`, who, v, url, await r.send(actor, 'GET', url));
    }
    case 'history': {
      const { who, actor, name } = r.at(r.actors, a.who)!;
      const d = r.at(r.spacesOf(who, a.rel), a.dossier)!;
      r.target = d;
      const v = r.decide(() => o.canReadHistory(who, d, now));
      const url = `/api/dossiers/${d.id}/history?limit=100`;
      const sent = await r.send(actor, 'GET', url);
      const extra: string[] = [];
      const role = who.kind === 'person' ? o.role(who.dossierId, d, now) : null;
      if (v.ok && sent.res.statusCode === 200 && (role === 'representative' || role === 'carer')) {
        const secret = (sent.res.json() as { entries: { mode: string }[] }).entries.filter((e) => e.mode === 'secret');
        if (secret.length) extra.push(`${secret.length} secret-connection entries shown to a ${role}`);
      }
      const hides = (doc: Doc) => doc.dossierId === d.id && who.kind === 'person' && o.historyHides(who.dossierId, doc, now);
      return r.check(a.t, `${name} reads the history of ${r.dossierName(d)}`, who, v, url, sent, extra, hides);
    }
    case 'feed': case 'upload': {
      const byPro = a.t === 'feed';
      const { who, actor, name } = byPro ? { ...r.actorOfPro(a.pro) } : r.person(a.who);
      const d = byPro ? r.dossier(a.dossier) : r.at(r.spacesOf(who, a.rel), a.dossier)!;
      r.target = d;
      const labels: Label[] = a.t === 'feed' ? a.labels : a.mask ? ['MASQUE_PS'] : [];
      const v = r.decide(() => (who.kind === 'pro' ? o.canFeed(who.pro, d, a.type, labels, now) : o.canUpload(who.dossierId, d, a.type, labels, now)));
      const uid = randomUUID().slice(0, 13);
      const title = `Titre-${uid}`;
      const marker = `Contenu-${uid}`;
      const url = '/fhir/R4/DocumentReference';
      const body = documentReference({ patientId: d.id, typeCode: a.type, labels, title, content: pdfBytes(marker), date: new Date(now - 3_600_000).toISOString() });
      const sent = await r.send(actor, 'POST', url, body);
      if (v.ok && sent.res.statusCode === 201) {
        const id = (sent.res.json() as { id: string }).id;
        const uuid = Buffer.from(id, 'base64url').subarray(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
        r.world.docs.push({
          id, dossierId: d.id, type: a.type, labels: new Set(labels), author: who.kind === 'pro' ? { kind: 'pro', rpps: who.pro.rpps } : { kind: 'patient' },
          invisibleSince: labels.includes('INVISIBLE_PATIENT') ? now : null, deleted: false,
        });
        r.info.set(id, { name: `doc${r.world.docs.length}(${a.type}${labels.length ? ` ${labels.join('+')}` : ''})`, uuid, title, marker });
      }
      return r.check(a.t, `${name} ${byPro ? 'feeds' : 'uploads'} ${a.type}${labels.length ? ` [${labels.join('+')}]` : ''} into ${r.dossierName(d)}`, who, v, url, sent);
    }
    case 'inform': case 'consent': {
      const { who, actor, name } = r.actorOfPro(a.pro);
      const d = r.dossier(a.dossier);
      r.target = d;
      const scope = a.t === 'consent' ? a.scope : null;
      const v = r.decide(() => o.canRecord(who.pro, d, scope));
      const url = `/api/dossiers/${d.id}/${a.t === 'inform' ? 'feeding-information' : 'consents'}`;
      const sent = await r.send(actor, 'POST', url, scope ? { scope } : {});
      if (v.ok && sent.res.statusCode < 300) {
        if (!scope) d.informed = true;
        else o.recordConsent(d, who.pro, scope);
      }
      return r.check(a.t, `${name} records ${scope ? `consent (${scope})` : 'that the patient was informed'} for ${r.dossierName(d)}`, who, v, url, sent);
    }
    case 'block': {
      const { who, actor, name } = r.person(a.who);
      const d = r.at(r.spacesOf(who, a.rel), a.dossier)!;
      r.target = d;
      const target = r.pro(a.pro);
      const v = r.decide(() => o.canManage((who as { dossierId: string }).dossierId, d, now));
      const url = `/api/dossiers/${d.id}/blocked-professionals${a.on ? '' : `/${target.pro.rpps}`}`;
      const sent = a.on ? await r.send(actor, 'POST', url, { rpps: target.pro.rpps }) : await r.send(actor, 'DELETE', url);
      if (v.ok && sent.res.statusCode < 300) { if (a.on) d.blocked.add(target.pro.rpps); else d.blocked.delete(target.pro.rpps); }
      return r.check(a.t, `${name} ${a.on ? 'blocks' : 'unblocks'} ${target.name} on ${r.dossierName(d)}`, who, v, url, sent);
    }
    case 'settings': {
      const { who, actor, name } = r.person(a.who);
      const d = r.at(r.spacesOf(who, a.rel), a.dossier)!;
      r.target = d;
      let v = r.decide(() => o.canManage((who as { dossierId: string }).dossierId, d, now));
      const change = a.change;
      const mt = 'medecinTraitant' in change ? (change.medecinTraitant === null ? null : r.pro(change.medecinTraitant)) : undefined;
      if (v.ok && mt) v = o.canSetMedecinTraitant(mt.pro.rpps);
      const body = mt === undefined ? change : { medecinTraitant: mt && { rpps: mt.pro.rpps } };
      const url = `/api/dossiers/${d.id}/settings`;
      const sent = await r.send(actor, 'PUT', url, body);
      if (v.ok && sent.res.statusCode < 300) {
        if (mt !== undefined) d.medecinTraitant = mt?.pro.rpps ?? null;
        else Object.assign(d, change);
      }
      const what = mt === undefined ? JSON.stringify(change) : `médecin traitant = ${mt?.name ?? 'none'}`;
      return r.check(a.t, `${name} sets ${what} on ${r.dossierName(d)}`, who, v, url, sent);
    }
    case 'mask': {
      const { who, actor, name } = r.person(a.who);
      const doc = r.docOf(who, a.doc, a.rel);
      if (!doc) return;
      r.target = o.dossier(doc.dossierId);
      const v = r.decide(() => o.canPatientRelabel((who as { dossierId: string }).dossierId, doc, now));
      const kept = [...doc.labels].filter((l) => l !== 'MASQUE_PS').map((code) => ({ system: LABEL_SYSTEM, code }));
      const patch = a.on ? [{ op: 'add', path: '/securityLabel/-', value: { system: LABEL_SYSTEM, code: 'MASQUE_PS' } }]
        : [{ op: 'replace', path: '/securityLabel', value: [LEVEL_N, ...kept] }];
      const url = `/fhir/R4/DocumentReference/${doc.id}`;
      const sent = await r.send(actor, 'PATCH', url, patch);
      if (v.ok && sent.res.statusCode < 300) { if (a.on) doc.labels.add('MASQUE_PS'); else doc.labels.delete('MASQUE_PS'); }
      return r.check(a.t, `${name} ${a.on ? 'masks' : 'unmasks'} ${r.docName(doc)}`, who, v, url, sent);
    }
    case 'reveal': {
      const doc = r.at(r.world.docs, a.doc);
      if (!doc || doc.author.kind !== 'pro') return;
      r.target = o.dossier(doc.dossierId);
      const rpps = doc.author.rpps;
      const { who, actor, name } = r.actorOfPro(r.built.pros.findIndex((p) => p.pro.rpps === rpps));
      const v = r.decide(() => o.canAuthorReveal(who.pro, doc, a.label, a.confirm, now));
      const kept = [...doc.labels].filter((l) => l !== a.label).map((code) => ({ system: LABEL_SYSTEM, code }));
      const url = `/fhir/R4/DocumentReference/${doc.id}`;
      const sent = await r.send(actor, 'PATCH', url, [{ op: 'replace', path: '/securityLabel', value: [LEVEL_N, ...kept] }],
        a.confirm ? { 'openmes-confirm-irreversible': 'true' } : {});
      if (v.ok && sent.res.statusCode < 300) { doc.labels.delete(a.label); if (a.label === 'INVISIBLE_PATIENT') doc.invisibleSince = null; }
      return r.check(a.t, `${name} (author) removes ${a.label}${a.confirm ? ' (confirmed)' : ''} from ${r.docName(doc)}`, who, v, url, sent);
    }
    case 'emergency': case 'secret': {
      const { who, actor, name } = r.actorOfPro(a.pro);
      const d = r.dossier(a.dossier);
      r.target = d;
      const mode = a.t === 'secret' ? 'secret' as const : a.mode;
      const v = mode === 'secret' ? o.canStartSecret(who.pro, d, now) : o.canStartEmergency(who.pro, d, mode);
      const url = `/api/dossiers/${d.id}/${mode === 'secret' ? 'secret-connection' : 'emergency-access'}`;
      const sent = await r.send(actor, 'POST', url, mode === 'secret' ? {} : { mode, reason: 'Patient inconscient aux urgences' });
      if (v.ok && sent.res.statusCode < 300) { o.startSession(d, who.pro, mode, now); r.ctx.stats.started += 1; }
      // Two sessions started at the same instant have no order (the frozen test clock makes that
      // possible; a real one does not): let a second pass before the next request.
      r.ctx.t.clock.set(new Date(now + 1000).toISOString());
      return r.check(a.t, `${name} starts ${mode} on ${r.dossierName(d)}`, who, v, url, sent);
    }
    case 'delete': {
      const { who, actor, name } = r.at(r.actors, a.who)!;
      const doc = r.docOf(who, a.doc, a.rel);
      if (!doc) return;
      r.target = o.dossier(doc.dossierId);
      const v = r.decide(() => o.canDelete(who, doc, now));
      const url = `/fhir/R4/DocumentReference/${doc.id}`;
      const sent = await r.send(actor, 'DELETE', url);
      if (v.ok && sent.res.statusCode < 300) doc.deleted = true;
      return r.check(a.t, `${name} deletes ${r.docName(doc)}`, who, v, url, sent);
    }
    case 'cycle': {
      const d = r.dossier(a.dossier);
      r.target = d;
      if (isMinor(d.birthDate, now)) return;
      const action = d.state === 'created' ? 'activate' as const : d.state === 'active' ? 'close' as const : 'reopen' as const;
      const holder = r.actors.find((x) => x.who.kind === 'person' && x.who.dossierId === d.id)!;
      const v = r.decide(() => o.canTransition(d, action));
      const url = `/api/dossiers/${d.id}/${action}`;
      const sent = await r.send(holder.actor, 'POST', url);
      if (v.ok && sent.res.statusCode < 300) o.transition(d, action);
      return r.check(a.t, `${holder.name} ${action}s ${r.dossierName(d)}`, holder.who, v, url, sent);
    }
    default:
      return a satisfies never;
  }
}

/** Searches by every person of its own spaces, and (`all`) by every professional of the patients' spaces. */
async function lookAround(r: Runner, who: 'persons' | 'all'): Promise<void> {
  for (const [i, { who: w }] of r.actors.entries()) {
    if (w.kind === 'pro' && who === 'persons') continue;
    const spaces = w.kind === 'person' ? r.spacesOf(w, true) : r.built.subjects;
    for (const d of spaces) await step(r, { t: 'search', who: i, dossier: r.spacesOf(w, true).indexOf(d), rel: true });
  }
}

export async function play(ctx: RunContext, s: Scenario): Promise<void> {
  const { t, stats } = ctx;
  stats.worlds += 1;
  t.clock.set(START);
  const built = await buildWorld(t, s.world, stats.worlds);
  const runner = new Runner(ctx, built);
  runner.auditTotal = (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_event')).rows[0]!.n;
  const people = built.persons.map((p) => {
    const d = built.dossiers.find((x) => x.id === p.dossierId)!;
    return `${p.name} (${d.birthDate}, ${d.state}${d.representatives.length ? `, representatives ${d.representatives.map((id) => built.persons.find((x) => x.dossierId === id)!.name).join(' & ')}` : ''}${d.carers.length ? `, carer ${built.persons.find((x) => x.dossierId === d.carers[0])!.name}` : ''})`;
  });
  runner.transcript.push(`world: ${people.join('; ')}; professionals: ${built.pros.map((p) => p.name).join('; ')}`);
  for (const a of [...s.setup, ...s.actions]) await step(runner, a);
  // Final sweep: every actor searches every space it might reach and reads every document of them;
  // every person reads the history of its spaces. The end state is checked whole.
  runner.transcript.push('     … final sweep');
  const actors = runner.actors.map((_, i) => i);
  for (const who of actors) {
    const w = runner.actors[who]!.who;
    const spaces = runner.spacesOf(w, true);
    for (const i of spaces.keys()) {
      await step(runner, { t: 'search', who, dossier: i, rel: true });
      if (w.kind === 'person') await step(runner, { t: 'history', who, dossier: i, rel: true });
    }
    const spaceIds = new Set(spaces.map((d) => d.id));
    const docs = runner.world.docs.filter((d) => spaceIds.has(d.dossierId));
    for (const i of docs.keys()) await step(runner, { t: 'read', who, doc: i, rel: true, binary: false });
  }
  // Every professional tries to feed every patient's space (a block, a missing information…).
  for (const pro of built.pros.keys()) for (const dossier of built.subjects.keys()) await step(runner, { t: 'feed', pro, dossier, type: '11488-4', labels: [] });
  // And the next document to become visible to the patient side: just before, and at, that moment.
  for (const offset of [-1000, 0] as const) await step(runner, { t: 'edge', of: 'invisibility', pick: 0, offset });
}
