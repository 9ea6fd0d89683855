/**
 * The actions of the R1 scenarios, each one request (or a move of the clock), and the final sweep.
 * The oracle decides first (before any effect), the request is sent, the answer checked, and only
 * an action both sides allowed changes the model.
 */
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { documentFhirId } from '../../src/domain/resource-ids.ts';
import { documentReference, pdfBytes } from '../support/documents.ts';
import { isMinor, type Doc, type Label, type Verdict } from './access-oracle.ts';
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
        const shown = (sent.res.json() as { entries: { mode: string; occurredAt: string; outcome: string; action: string; actor: { rpps?: string }; seq?: unknown }[] }).entries;
        const secret = shown.filter((e) => e.mode === 'secret');
        if (secret.length) extra.push(`${secret.length} secret-connection entries shown to a ${role}`);
        // §3.10: everything a professional did while in a secret connection — refused requests included —
        // stays hidden from the representatives (issue 8, item 3), and no entry tells its chain position.
        const inSecret = shown.filter((e) => {
          const pro = e.actor.rpps ? o.world.directory.get(e.actor.rpps) : undefined;
          // Strictly inside the session: a request at the very instant it started may have come before it.
          const at = Date.parse(e.occurredAt);
          return pro && o.mode(pro, d, at) === 'secret' && o.mode(pro, d, at - 1) === 'secret';
        });
        if (inSecret.length) extra.push(`${role} sees ${inSecret.map((e) => `${e.action} ${e.outcome}`).join(', ')} made in a secret connection`);
        if (shown.some((e) => e.seq !== undefined)) extra.push(`history entries shown to a ${role} carry their chain position`);
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
      const line = `${name} ${byPro ? 'feeds' : 'uploads'} ${a.type}${labels.length ? ` [${labels.join('+')}]` : ''} into ${r.dossierName(d)}`;
      // Sent afresh later, the same body is decided as a deposit, then finds its document by masterIdentifier,
      // which the caller must still be able to read (the answer is its metadata).
      const sent = await r.sendWrite({ line, who, actor, dossier: d, method: 'POST', url, body, decide: (at) => {
        const deposit = who.kind === 'pro' ? o.canFeed(who.pro, d, a.type, labels, at) : o.canUpload(who.dossierId, d, a.type, labels, at);
        return deposit.ok && sent.replayable.doc ? o.canRead(who, sent.replayable.doc, at) : deposit;
      } });
      if (v.ok && sent.res.statusCode === 201) {
        const id = (sent.res.json() as { id: string }).id;
        const uuid = Buffer.from(id, 'base64url').subarray(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
        r.world.docs.push({
          id, dossierId: d.id, type: a.type, labels: new Set(labels), author: who.kind === 'pro' ? { kind: 'pro', rpps: who.pro.rpps } : { kind: 'patient' },
          invisibleSince: labels.includes('INVISIBLE_PATIENT') ? now : null, deleted: false, patientMasked: who.kind === 'person' && labels.includes('MASQUE_PS'),
        });
        r.info.set(id, { name: `doc${r.world.docs.length}(${a.type}${labels.length ? ` ${labels.join('+')}` : ''})`, uuid, title, marker });
        sent.replayable.doc = r.world.docs.at(-1);
      }
      return r.check(a.t, line, who, v, url, sent);
    }
    case 'inform': case 'consent': {
      const { who, actor, name } = r.actorOfPro(a.pro);
      const d = r.dossier(a.dossier);
      r.target = d;
      const scope = a.t === 'consent' ? a.scope : null;
      const v = r.decide(() => o.canRecord(who.pro, d, scope));
      const url = `/api/dossiers/${d.id}/${a.t === 'inform' ? 'feeding-information' : 'consents'}`;
      const line = `${name} records ${scope ? `consent (${scope})` : 'that the patient was informed'} for ${r.dossierName(d)}`;
      const sent = await r.sendWrite({ line, who, actor, dossier: d, method: 'POST', url, body: scope ? { scope } : {}, decide: () => o.canRecord(who.pro, d, scope) });
      if (v.ok && sent.res.statusCode < 300) {
        if (!scope) d.informed = true;
        else o.recordConsent(d, who.pro, scope);
      }
      return r.check(a.t, line, who, v, url, sent);
    }
    case 'block': {
      const { who, actor, name } = r.person(a.who);
      const d = r.at(r.spacesOf(who, a.rel), a.dossier)!;
      r.target = d;
      const target = r.pro(a.pro);
      const v = r.decide(() => o.canManage((who as { dossierId: string }).dossierId, d, now));
      const url = `/api/dossiers/${d.id}/blocked-professionals${a.on ? '' : `/${target.pro.rpps}`}`;
      const line = `${name} ${a.on ? 'blocks' : 'unblocks'} ${target.name} on ${r.dossierName(d)}`;
      const me = (who as { dossierId: string }).dossierId;
      const sent = await r.sendWrite({ line, who, actor, dossier: d, url, ...(a.on ? { method: 'POST', body: { rpps: target.pro.rpps } } : { method: 'DELETE' }), decide: (at) => o.canManage(me, d, at) });
      if (v.ok && sent.res.statusCode < 300) { if (a.on) d.blocked.add(target.pro.rpps); else d.blocked.delete(target.pro.rpps); }
      return r.check(a.t, line, who, v, url, sent);
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
      const what = mt === undefined ? JSON.stringify(change) : `médecin traitant = ${mt?.name ?? 'none'}`;
      const line = `${name} sets ${what} on ${r.dossierName(d)}`;
      const me = (who as { dossierId: string }).dossierId;
      const sent = await r.sendWrite({ line, who, actor, dossier: d, method: 'PUT', url, body, decide: (at) => {
        const manage = o.canManage(me, d, at);
        return manage.ok && mt ? o.canSetMedecinTraitant(mt.pro.rpps) : manage;
      } });
      if (v.ok && sent.res.statusCode < 300) {
        if (mt !== undefined) d.medecinTraitant = mt?.pro.rpps ?? null;
        else Object.assign(d, change);
      }
      return r.check(a.t, line, who, v, url, sent);
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
      const line = `${name} ${a.on ? 'masks' : 'unmasks'} ${r.docName(doc)}`;
      const me = (who as { dossierId: string }).dossierId;
      const sent = await r.sendWrite({ line, who, actor, dossier: r.target, method: 'PATCH', url, body: patch, doc, decide: (at) => o.canPatientRelabel(me, doc, at) });
      if (v.ok && sent.res.statusCode < 300) { if (a.on) doc.labels.add('MASQUE_PS'); else doc.labels.delete('MASQUE_PS'); doc.patientMasked = a.on; }
      return r.check(a.t, line, who, v, url, sent);
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
    case 'replace': {
      const old = r.at(r.world.docs, a.doc);
      if (!old) return;
      const author = old.author.kind === 'pro' ? old.author.rpps : null;
      const authorIndex = r.built.pros.findIndex((p) => p.pro.rpps === author);
      const { who, actor, name } = r.actorOfPro(a.byAuthor && authorIndex >= 0 ? authorIndex : a.pro);
      const d = o.dossier(old.dossierId);
      r.target = d;
      const v = r.decide(() => o.canReplace(who.pro, old, a.labels, now));
      const labels = o.replacementLabels(old, a.labels);
      const uid = randomUUID().slice(0, 13);
      const title = `Titre-${uid}`;
      const marker = `Contenu-${uid}`;
      const url = '/fhir/R4/DocumentReference';
      const body = documentReference({ patientId: d.id, typeCode: old.type, labels: a.labels, title, content: pdfBytes(marker), date: new Date(now - 3_600_000).toISOString(), replaces: old.id });
      const sent = await r.send(actor, 'POST', url, body);
      const extra: string[] = [];
      if (v.ok && sent.res.statusCode === 201) {
        const res = sent.res.json() as Resource;
        const uuid = Buffer.from(res.id, 'base64url').subarray(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
        old.superseded = true;
        const doc: Doc = {
          id: res.id, dossierId: d.id, type: old.type, labels: new Set(labels), author: { kind: 'pro', rpps: who.pro.rpps },
          invisibleSince: labels.includes('INVISIBLE_PATIENT') ? now : null, deleted: false, replaces: old.id, patientMasked: Boolean(old.patientMasked),
        };
        r.world.docs.push(doc);
        r.info.set(res.id, { name: `doc${r.world.docs.length}(${old.type} v2 of ${r.docName(old)}${labels.length ? ` ${labels.join('+')}` : ''})`, uuid, title, marker });
        extra.push(...r.resourceProblems(who, doc, res));
      }
      return r.check(a.t, `${name} replaces ${r.docName(old)}${a.labels.length ? ` [${a.labels.join('+')}]` : ''}`, who, v, url, sent, extra);
    }
    case 'delete': {
      const { who, actor, name } = r.at(r.actors, a.who)!;
      const doc = r.docOf(who, a.doc, a.rel);
      if (!doc) return;
      r.target = o.dossier(doc.dossierId);
      const v = r.decide(() => o.canDelete(who, doc, now));
      const url = `/fhir/R4/DocumentReference/${doc.id}`;
      const line = `${name} deletes ${r.docName(doc)}`;
      // Sent again, a deletion that was done asks whether the caller could delete the document now (were it still there).
      const sent = await r.sendWrite({ line, who, actor, dossier: r.target, method: 'DELETE', url, doc, decide: (at) => o.canDelete(who, { ...doc, deleted: false }, at) });
      if (v.ok && sent.res.statusCode < 300) doc.deleted = true;
      return r.check(a.t, line, who, v, url, sent);
    }
    case 'invite': {
      const { who, actor, name } = r.person(a.who);
      const me = (who as { dossierId: string }).dossierId;
      const d = r.at(r.spacesOf(who, a.rel), a.dossier)!;
      r.target = d;
      const whom = r.person(a.whom);
      const whomId = (whom.who as { dossierId: string }).dossierId;
      const v = r.decide(() => o.canInvite(me, d, whomId, now));
      const url = `/api/dossiers/${d.id}/carers`;
      const email = o.emailOf(whomId);
      const sent = await r.send(actor, 'POST', url, { email });
      if (v.ok && sent.res.statusCode === 202) {
        const id = (sent.res.json() as { invitation: { invitationId: string } }).invitation.invitationId;
        if (!r.world.invitations.some((i) => i.id === id)) {
          r.world.invitations.push({ id, dossierId: d.id, invitee: o.dossier(whomId).state === 'active' ? whomId : null, email, sent: now, status: 'pending' });
        }
      }
      return r.check(a.t, `${name} invites ${whom.name} to be a carer of ${r.dossierName(d)}`, who, v, url, sent);
    }
    case 'answer': {
      const inv = r.at(r.world.invitations, a.inv);
      if (!inv) return;
      const invitee = a.self && inv.invitee ? r.actors.find((x) => x.who.kind === 'person' && x.who.dossierId === inv.invitee) : undefined;
      const { who, actor, name } = invitee ?? r.person(a.who);
      const me = (who as { dossierId: string }).dossierId;
      const d = o.dossier(inv.dossierId);
      r.target = d;
      const v = r.decide(() => o.canAnswer(me, inv, a.accept, now));
      const url = `/api/dossiers/${d.id}/carer-invitations/${inv.id}/${a.accept ? 'accept' : 'decline'}`;
      const sent = await r.send(actor, 'POST', url);
      if (v.ok && sent.res.statusCode < 300) {
        inv.status = a.accept ? 'accepted' : 'declined';
        if (a.accept && !d.carers.includes(me)) d.carers.push(me);
      }
      return r.check(a.t, `${name} ${a.accept ? 'accepts' : 'declines'} the invitation to be a carer of ${r.dossierName(d)}`, who, v, url, sent);
    }
    case 'withdraw': {
      const inv = r.at(r.world.invitations, a.inv);
      if (!inv) return;
      const { who, actor, name } = r.person(a.who);
      const d = o.dossier(inv.dossierId);
      r.target = d;
      const v = r.decide(() => o.canWithdraw((who as { dossierId: string }).dossierId, inv, now));
      const url = `/api/dossiers/${d.id}/carer-invitations/${inv.id}`;
      const sent = await r.send(actor, 'DELETE', url);
      if (v.ok && sent.res.statusCode < 300) inv.status = 'withdrawn';
      return r.check(a.t, `${name} withdraws a carer invitation on ${r.dossierName(d)}`, who, v, url, sent);
    }
    case 'giveUp': {
      const { who, actor, name } = r.person(a.who);
      const me = (who as { dossierId: string }).dossierId;
      const d = r.at(r.spacesOf(who, a.rel), a.dossier)!;
      r.target = d;
      const v = r.decide(() => o.canGiveUp(me, d, now));
      const url = `/api/dossiers/${d.id}/carer-mandate`;
      const sent = await r.send(actor, 'DELETE', url);
      if (v.ok && sent.res.statusCode < 300) d.carers = d.carers.filter((c) => c !== me);
      return r.check(a.t, `${name} gives up being a carer of ${r.dossierName(d)}`, who, v, url, sent);
    }
    case 'revoke': {
      const { who, actor, name } = r.person(a.who);
      const me = (who as { dossierId: string }).dossierId;
      const d = r.at(r.spacesOf(who, a.rel), a.dossier)!;
      r.target = d;
      const carer = r.person(a.carer);
      const carerId = (carer.who as { dossierId: string }).dossierId;
      const v = r.decide(() => o.canRevoke(me, d, carerId, now));
      const url = `/api/dossiers/${d.id}/carers/${carerId}`;
      const line = `${name} ends the carer mandate of ${carer.name} on ${r.dossierName(d)}`;
      // Sent again, a revocation that was done asks whether the caller could revoke that mandate now (were it still running).
      const sent = await r.sendWrite({ line, who, actor, dossier: d, method: 'DELETE', url, decide: (at) => o.canManage(me, d, at) });
      if (v.ok && sent.res.statusCode < 300) d.carers = d.carers.filter((c) => c !== carerId);
      return r.check(a.t, line, who, v, url, sent);
    }
    case 'replay': return replay(r, a.pick);
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

/**
 * A write sent again with its Idempotency-Key and body (issue 8, item 7a). The oracle decides it as the
 * same request sent afresh now: allowed, the answer is the first one (the same resource); refused, it is
 * refused like a fresh request and carries nothing of the stored answer. A first refusal may be given
 * back as it was. Either way one audit entry, marked as a replay, with that outcome.
 */
async function replay(r: Runner, pick: number): Promise<void> {
  const w = r.at(r.replayable, pick);
  if (!w) return;
  r.target = w.dossier;
  const fresh = w.decide(r.now());
  const sent = await r.send(w.actor, w.method, w.url, w.body, w.headers);
  const status = sent.res.statusCode;
  const firstOk = w.first.status < 300;
  const v: Verdict = firstOk || (!fresh.ok && status === fresh.status) ? fresh
    : { ok: false, status: w.first.status as 400, why: `the first refusal (${w.first.status}) given back` };
  const extra: string[] = [];
  if (v.ok && status < 300) {
    if (status !== w.first.status) extra.push(`replay answered ${status}, the first answer was ${w.first.status}`);
    const same = w.doc ? (sent.res.json() as { id?: string }).id === w.doc.id : isDeepStrictEqual(JSON.parse(sent.res.body || 'null'), JSON.parse(w.first.body || 'null'));
    if (!same) extra.push(`replay answered another resource than the first answer: ${sent.res.body.slice(0, 200)} vs ${w.first.body.slice(0, 200)}`);
  }
  if (!v.ok && firstOk) {
    // Nothing of the stored answer: the document's id and title, or any value of the first body not in the request.
    const stored = w.doc ? [w.doc.id, r.info.get(w.doc.id)!.title, r.info.get(w.doc.id)!.uuid] : leaves(JSON.parse(w.first.body || 'null'));
    const request = `${w.url} ${JSON.stringify(w.body ?? null)}`;
    const leaked = stored.filter((x) => x.length >= 8 && !request.includes(x) && sent.res.body.includes(x));
    if (leaked.length) extra.push(`refused replay carries ${leaked.join(', ')} of the stored answer`);
  }
  const ours = String(sent.res.headers['x-request-id']);
  const marked = (await r.ctx.t.db.query<{ details: unknown }>('SELECT details FROM audit_event WHERE request_id = $1', [ours])).rows
    .map((x) => (typeof x.details === 'string' ? JSON.parse(x.details) : x.details) as { replay?: unknown });
  if (marked.length !== 1 || marked[0]!.replay !== true) extra.push(`replay entries: ${JSON.stringify(marked)} (expected one with replay: true)`);
  r.check('replay', `${w.line} — replayed (same key)`, w.who, v, w.url, sent, extra);
}

const leaves = (x: unknown): string[] => (typeof x === 'string' ? [x] : x && typeof x === 'object' ? Object.values(x).flatMap(leaves) : []);

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
