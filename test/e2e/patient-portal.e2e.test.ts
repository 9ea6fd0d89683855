import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/actor.ts';
import { cdaXml } from '../../src/domain/content/__fixtures__/samples.ts';
import { issueAccessToken } from '../../src/services/access-token.ts';
import { actorForAccount } from '../../src/services/actor-for-account.ts';
import { auditEntryFor } from '../../src/services/audit-entry.ts';
import { findAccountById } from '../../src/store/account-repo.ts';
import { appendAudit } from '../../src/store/audit-repo.ts';
import { documentReference, pdfBytes, type DocOptions } from '../support/documents.ts';
import { insertDossier, insWithKey, relate } from '../support/fixtures.ts';
import { DEMO_PATIENT, type SignInServer } from '../support/sign-in-server.ts';
import { expectAccessible as expectPageAccessible, newPortalPage, signInPatient, startPortals, stopPortals } from './portal-session.ts';

/**
 * The patient portal's record pages in Chromium, each checked against what professionals see through the
 * API: documents (view, mask, upload, delete), confidentiality settings, activity history, space switcher.
 */

const PARENT_INS = insWithKey('2850575123456'); // the demo patient's INS (sign-in-server.ts)
const CHILD_INS = insWithKey('2160575123457');
const BLOCKED_MESSAGE = "Le patient vous a retiré les droits d'accès à son DMP.";

let s: SignInServer;
let browser: Browser;
let page: Page;
let childId: string;
let camille: Actor;
const pros = {} as Record<'claire' | 'karim' | 'antoine', Actor>;
const titles = { pdf: 'Compte rendu de consultation du 10 janvier', cda: 'Compte rendu d’hospitalisation', toMask: 'Ordonnance de kinésithérapie', child: 'Carnet de vaccination de Lou' };

async function tokenOf(actor: Actor): Promise<string> {
  return issueAccessToken(s.platform.tokenKeys, actor, 600, new Date());
}

/** A call to the platform's API as `actor` (the professional software's view of the record). */
async function api(actor: Actor, method: string, path: string, body?: unknown): Promise<{ status: number; json: () => Promise<any> }> {
  const fhir = path.startsWith('/fhir/');
  const res = await fetch(`${s.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await tokenOf(actor)}`,
      accept: fhir ? 'application/fhir+json' : 'application/json',
      ...(body !== undefined ? { 'content-type': fhir ? 'application/fhir+json' : 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const buffer = Buffer.from(await res.arrayBuffer());
  return { status: res.status, json: async () => JSON.parse(buffer.toString('utf8')) };
}

async function feed(actor: Actor, patientId: string, o: Omit<DocOptions, 'patientId'>): Promise<string> {
  const res = await api(actor, 'POST', '/fhir/R4/DocumentReference', documentReference({ ...o, patientId }));
  expect(res.status, JSON.stringify(await res.json())).toBe(201);
  return (await res.json()).id as string;
}

/** The titles of the documents `actor` finds in the demo patient's record (ITI-67). */
async function titlesFoundBy(actor: Actor, query = ''): Promise<string[]> {
  const res = await api(actor, 'GET', `/fhir/R4/DocumentReference?patient=Patient/${s.dossierId}${query}`);
  expect(res.status).toBe(200);
  return ((await res.json()).entry ?? []).map((e: any) => e.resource.content[0].attachment.title);
}

const expectAccessible = (name: string) => expectPageAccessible(page, name);

/** DSFR checkboxes and toggles are operated through their label, as a user clicks them. */
async function setChecked(label: string, checked: boolean): Promise<void> {
  const input = page.getByLabel(label, { exact: true });
  if ((await input.isChecked()) !== checked) await page.locator('label', { hasText: label }).first().click();
  await expect.poll(() => input.isChecked()).toBe(checked);
}

const h1 = () => page.locator('main h1').first().textContent();
const item = (title: string): Locator => page.locator('main li[data-document-id]').filter({ has: page.getByRole('link', { name: title, exact: true }) });
const documentTitles = () => page.locator('main li[data-document-id] h3').allTextContents();

async function signIn(): Promise<void> {
  await signInPatient(page, s);
  await expect.poll(h1, { timeout: 15_000 }).toContain(`Bonjour, ${DEMO_PATIENT.givenName}`);
}

describe('patient portal: documents, confidentiality, history, spaces', () => {
  beforeAll(async () => {
    ({ s, browser } = await startPortals());
    const actorOf = async (accountId: string) => actorForAccount((await findAccountById(s.db, accountId))!);
    const [claire, karim, , antoine] = s.demo.professionals;
    pros.claire = await actorOf(claire!.accountId);
    pros.karim = await actorOf(karim!.accountId);
    pros.antoine = await actorOf(antoine!.accountId);
    camille = await actorOf(s.demo.patients[0]!.accountId);

    // An access three months ago, so the history spans two months (a fixture: the server's clock is now).
    const past = new Date(Date.now() - 92 * 86_400_000);
    await appendAudit(s.db, auditEntryFor({ actor: pros.claire, requestId: null }, s.dossierId, 'document.read', { effect: 'allow', reason: 'POLICY_CONSENT' },
      { type: 'DocumentReference', id: null }, past, { title: 'Radiographie du genou' }));

    // The demo patient is the legal representative of a minor child.
    childId = await insertDossier(s.db, { ins: CHILD_INS, state: 'active', birthName: 'DURAND', firstNames: 'Lou', birthDate: '2016-05-03' });
    await relate(s.db, childId, 'legal_representative', s.dossierId, PARENT_INS);

    // The general practitioner informs the patient, records consents and feeds three documents.
    for (const dossier of [s.dossierId, childId]) {
      expect((await api(pros.claire, 'POST', `/api/dossiers/${dossier}/feeding-information`, {})).status).toBe(201);
    }
    expect((await api(pros.claire, 'POST', `/api/dossiers/${s.dossierId}/consents`, { scope: 'professional' })).status).toBe(201);
    expect((await api(pros.antoine, 'POST', `/api/dossiers/${s.dossierId}/consents`, { scope: 'professional' })).status).toBe(201);
    await feed(pros.claire, s.dossierId, { title: titles.pdf, typeCode: '11488-4', date: '2026-01-10T09:00:00Z', content: pdfBytes('consultation') });
    await feed(pros.claire, s.dossierId, {
      title: titles.cda, typeCode: '11490-0', date: '2026-02-02T16:00:00Z', contentType: 'text/xml',
      content: Buffer.from(cdaXml({
        ins: PARENT_INS, code: '11490-0', // a CDA must name the dossier's patient and the declared type
        title: 'Lettre de liaison à la sortie',
        body: `<structuredBody>
          <component><section><title>Motif d’hospitalisation</title><text>Pneumopathie &lt;b&gt;droite&lt;/b&gt;.</text></section></component>
          <component><section><title>Traitement de sortie</title><text><list><item>Amoxicilline 1 g matin et soir</item><item>Paracétamol si fièvre</item></list></text></section></component>
        </structuredBody>`,
      })),
    });
    await feed(pros.claire, s.dossierId, { title: titles.toMask, typeCode: '57833-6', date: '2026-03-01T10:00:00Z', content: pdfBytes('ordonnance') });
    await feed(pros.claire, childId, { title: titles.child, typeCode: '11369-6', date: '2026-03-05T10:00:00Z', content: pdfBytes('vaccins') });

    page = await newPortalPage(browser, { acceptDownloads: false });
  });
  afterAll(() => stopPortals({ s, browser }));

  it('the patient signs in, sees their documents, who added each and when, and filters them', async () => {
    await signIn();
    await page.getByRole('link', { name: 'Documents', exact: true }).first().click();
    await expect.poll(documentTitles, { timeout: 15_000 }).toEqual([titles.toMask, titles.cda, titles.pdf]);
    expect(await page.textContent('main')).not.toContain("Ce compte n'est pas adapté");
    await expect.poll(() => item(titles.pdf).textContent()).toMatch(/Ajouté (le .+ )?par Dr Claire Lambert — Cabinet médical des Lilas/);
    expect(await item(titles.pdf).textContent()).toContain('Document du 10 janvier 2026');
    expect(await item(titles.cda).textContent()).toContain('Lettre de liaison à la sortie d\'un établissement de soins');
    await expectAccessible('patient-documents-list');

    await page.getByLabel('Type de document', { exact: true }).selectOption({ label: 'Prescription de produits de santé' });
    await expect.poll(documentTitles).toEqual([titles.toMask]);
    await page.getByRole('button', { name: 'Réinitialiser les filtres' }).click();
    await page.getByLabel('Du', { exact: true }).fill('2026-02-01');
    await page.getByLabel('Au', { exact: true }).fill('2026-02-28');
    await expect.poll(documentTitles).toEqual([titles.cda]);
    await page.getByRole('button', { name: 'Réinitialiser les filtres' }).click();
    await page.getByLabel('Trier par').selectOption('oldest');
    await expect.poll(documentTitles).toEqual([titles.pdf, titles.cda, titles.toMask]);
    await page.getByRole('button', { name: 'Réinitialiser les filtres' }).click();
  });

  it('opens a PDF in the page and a CDA as a readable view where markup stays text', async () => {
    await page.getByRole('link', { name: titles.pdf, exact: true }).click();
    const frame = page.locator(`iframe[title="Aperçu du document PDF « ${titles.pdf} »"]`);
    await frame.waitFor({ timeout: 15_000 });
    expect(await frame.getAttribute('src')).toMatch(/^blob:/);
    expect(await page.textContent('main')).toContain('CR ou fiche de consultation ou de visite');
    await expectAccessible('patient-document-pdf');

    // From the keyboard: after axe has visited Chromium's PDF viewer frame, the mouse no longer reaches the page.
    await page.getByRole('link', { name: 'Retour à la liste des documents' }).press('Enter');
    await page.getByRole('link', { name: titles.cda, exact: true }).click();
    const cda = page.getByTestId('cda-view');
    await cda.waitFor({ timeout: 15_000 });
    expect(await cda.getByRole('heading').allTextContents()).toEqual(['Motif d’hospitalisation', 'Traitement de sortie']);
    expect(await cda.textContent()).toContain('Pneumopathie <b>droite</b>.');
    expect(await cda.locator('b').count()).toBe(0);
    expect(await cda.getByRole('listitem').allTextContents()).toEqual(['Amoxicilline 1 g matin et soir', 'Paracétamol si fièvre']);
    await expectAccessible('patient-document-cda');
    await page.getByRole('link', { name: 'Retour à la liste des documents' }).click();
    await expect.poll(documentTitles).toHaveLength(3);
  });

  it('masks a document from the keyboard, and another physician no longer finds it', async () => {
    expect(await titlesFoundBy(pros.antoine)).toContain(titles.toMask);
    // Keyboard only: from the document's link, Tab to its mask button and press Enter.
    await item(titles.toMask).getByRole('link').focus();
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      if ((await page.evaluate(() => document.activeElement?.textContent ?? '')).startsWith('Masquer aux professionnels')) break;
    }
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(`Masquer aux professionnels : « ${titles.toMask} »`);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('status').filter({ hasText: `Le document « ${titles.toMask} » est maintenant masqué` }).first().isVisible()).toBe(true);
    await expect.poll(() => item(titles.toMask).textContent()).toContain('Masqué');
    await expectAccessible('patient-document-masked');

    expect(await titlesFoundBy(pros.antoine)).toEqual([titles.cda, titles.pdf]);
    // The author still sees it (SPEC §3.3).
    expect(await titlesFoundBy(pros.claire)).toContain(titles.toMask);
  });

  it('uploads their own document with the form, and a physician reads it; clear French errors otherwise', async () => {
    await page.getByRole('button', { name: 'Ajouter un document' }).click();
    await page.getByRole('heading', { name: 'Ajouter un document' }).waitFor();
    await expectAccessible('patient-document-upload-form');

    // Not a format the record accepts: refused before sending.
    await page.setInputFiles('#upload-file', { name: 'tableau.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from('PK') });
    await page.locator('#upload-type').selectOption({ label: 'CR de biologie déposé par le patient' });
    await page.getByRole('button', { name: 'Ajouter le document' }).click();
    await expect.poll(() => page.textContent('main')).toContain('Ce format de fichier n’est pas accepté');

    // Says PDF but is not one: the server's OperationOutcome, in French.
    await page.setInputFiles('#upload-file', { name: 'faux.pdf', mimeType: 'application/pdf', buffer: Buffer.from('Ceci n’est pas un PDF') });
    await page.locator('#upload-title').fill('Faux PDF');
    await page.getByRole('button', { name: 'Ajouter le document' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Le document n’a pas pu être ajouté' });
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toMatch(/PDF/);
    await expectAccessible('patient-document-upload-error');

    const mine = pdfBytes('analyse personnelle');
    await page.setInputFiles('#upload-file', { name: 'analyse.pdf', mimeType: 'application/pdf', buffer: mine });
    await page.locator('#upload-title').fill('Analyse de sang personnelle');
    // Hold the upload at the network edge until the progress bar has been seen, then let it through.
    let release = () => {};
    const held = new Promise<void>((resolve) => { release = resolve; });
    await page.route('**/fhir/R4/DocumentReference', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      await held;
      return route.continue();
    });
    await page.getByRole('button', { name: 'Ajouter le document' }).click();
    await page.getByLabel('Envoi du document').waitFor();
    expect(await page.getByRole('button', { name: 'Ajouter le document' }).isDisabled()).toBe(true);
    release();
    await expect.poll(() => page.textContent('main'), { timeout: 15_000 }).toContain('Le document « Analyse de sang personnelle » a été ajouté');
    await page.unroute('**/fhir/R4/DocumentReference');
    await expect.poll(documentTitles).toContain('Analyse de sang personnelle');
    expect(await item('Analyse de sang personnelle').textContent()).toMatch(/Ajouté (le .+ )?par vous/);

    await setChecked('Uniquement les documents ajoutés par moi', true);
    await expect.poll(documentTitles).toEqual(['Analyse de sang personnelle']);
    await page.getByRole('button', { name: 'Réinitialiser les filtres' }).click();

    // A physician (habilitation matrix: DOCPAT05 for G15:10) finds and reads it through the API.
    const found = await api(pros.antoine, 'GET', `/fhir/R4/DocumentReference?patient=Patient/${s.dossierId}&type=DOCPAT05`);
    const entry = (await found.json()).entry[0].resource;
    expect(entry.content[0].attachment.title).toBe('Analyse de sang personnelle');
    expect(entry.author[0]).toMatchObject({ type: 'Patient', display: `${DEMO_PATIENT.givenName} ${DEMO_PATIENT.familyName}` });
    const binary = await api(pros.antoine, 'GET', `/fhir/R4/Binary/${entry.id}`);
    expect(binary.status).toBe(200);
    expect(Buffer.from((await binary.json()).data, 'base64').equals(mine)).toBe(true);

    // Their own upload can be deleted, after confirming.
    await item('Analyse de sang personnelle').getByRole('button', { name: /^Supprimer/ }).click();
    await item('Analyse de sang personnelle').getByRole('button', { name: 'Confirmer la suppression' }).click();
    await expect.poll(documentTitles).not.toContain('Analyse de sang personnelle');
    expect((await api(pros.antoine, 'GET', `/fhir/R4/Binary/${entry.id}`)).status).toBe(404);
  });

  it('changes confidentiality settings: mask all, emergency blocks, a blocked professional, the médecin traitant', async () => {
    await page.getByRole('link', { name: 'Paramètres', exact: true }).first().click();
    await page.getByRole('heading', { name: 'Masquer tous mes documents' }).waitFor({ timeout: 15_000 });
    expect(await page.textContent('main')).toContain('y compris ceux qui seront ajoutés plus tard');
    expect(await page.textContent('main')).toContain('médecin régulateur du SAMU');
    await expectAccessible('patient-settings-privacy');

    await setChecked('Masquer tous mes documents aux professionnels de santé', true);
    await expect.poll(() => page.textContent('main')).toContain('Tous vos documents, actuels et à venir, sont désormais masqués');
    expect((await (await api(camille, 'GET', `/api/dossiers/${s.dossierId}/settings`)).json()).maskAll).toBe(true);
    expect(await titlesFoundBy(pros.antoine)).toEqual([]);
    await setChecked('Masquer tous mes documents aux professionnels de santé', false);
    await expect.poll(async () => (await (await api(camille, 'GET', `/api/dossiers/${s.dossierId}/settings`)).json()).maskAll).toBe(false);

    await setChecked('Bloquer l’accès du SAMU (centre 15)', true);
    await expect.poll(async () => (await (await api(camille, 'GET', `/api/dossiers/${s.dossierId}/settings`)).json()).blockSamu).toBe(true);

    // Block the nurse, found by name in the directory: the API then refuses him with SPEC §3.2's message.
    expect(JSON.stringify(await (await api(pros.karim, 'GET', `/fhir/R4/DocumentReference?patient=Patient/${s.dossierId}`)).json())).not.toContain(BLOCKED_MESSAGE);
    const blockSearch = page.getByRole('search').first();
    await blockSearch.getByLabel('Rechercher un professionnel').fill('Benali');
    await blockSearch.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByRole('button', { name: 'Bloquer Karim Benali' }).click();
    await expect.poll(() => page.textContent('main')).toContain('Karim Benali est désormais bloqué');
    await expect.poll(() => page.getByRole('list', { name: 'Professionnels bloqués' }).textContent()).toContain('Karim Benali');
    const refused = await api(pros.karim, 'GET', `/fhir/R4/DocumentReference?patient=Patient/${s.dossierId}`);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(await refused.json())).toContain(BLOCKED_MESSAGE);

    await page.getByRole('button', { name: 'Déclarer mon médecin traitant' }).click();
    const medecinSearch = page.getByRole('search').last();
    await medecinSearch.getByLabel('Rechercher un professionnel').fill('Lambert');
    await medecinSearch.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByRole('button', { name: 'Choisir Dr Claire Lambert' }).click();
    await expect.poll(() => page.textContent('main')).toContain('Votre médecin traitant : Dr Claire Lambert');
    expect((await (await api(camille, 'GET', `/api/dossiers/${s.dossierId}/settings`)).json()).medecinTraitant).toMatchObject({ rpps: '10000010008' });
    await expectAccessible('patient-settings-privacy-changed');
  });

  it('reads the activity history in plain sentences, grouped by month, filtered by kind', async () => {
    await page.getByRole('link', { name: 'Historique d’activité' }).click();
    await expect.poll(h1).toBe('Historique d’activité');
    const month = (d: Date) => new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', month: 'long', year: 'numeric' }).format(d);
    const headings = () => page.locator('main section h2').allTextContents();
    await expect.poll(headings, { timeout: 15_000 }).toContain(month(new Date()));
    const history = () => page.locator('main').textContent();
    await expect.poll(history).toContain(`Vous avez masqué le document « ${titles.toMask} » aux professionnels`);
    // Older pages on demand, until the beginning of the space's history.
    const more = page.getByRole('button', { name: 'Afficher les activités plus anciennes' });
    while (await more.isVisible()) {
      await more.click();
      await expect.poll(() => more.isDisabled()).toBe(false);
    }
    const text = (await history())!;
    expect(text).toContain(`Dr Claire Lambert (médecin, Cabinet médical des Lilas) a ajouté le document « ${titles.pdf} »`);
    expect(text).toContain(`Dr Antoine Girard (médecin, SAMU de Paris — centre de régulation médicale) a consulté le contenu du document « Analyse de sang personnelle »`);
    expect(text).toContain('Vous avez bloqué l’accès de Karim Benali au dossier');
    expect(text).toContain('Karim Benali (infirmier, Centre de soins infirmiers de Belleville) a tenté de consulter la liste des documents : accès refusé');
    expect(text).toContain('Vous avez supprimé le document « Analyse de sang personnelle »');
    // The older access is under its own month, after the current one.
    const past = month(new Date(Date.now() - 92 * 86_400_000));
    const order = await headings();
    expect(order.indexOf(past)).toBeGreaterThan(order.indexOf(month(new Date())));
    expect(text).toContain('a consulté le document « Radiographie du genou »');
    await expectAccessible('patient-history');

    await page.getByLabel('Type d’activité').selectOption({ label: 'Confidentialité et droits d’accès' });
    await expect.poll(() => page.locator('main section li').allTextContents()).not.toHaveLength(0);
    const kept = await page.locator('main section li').allTextContents();
    expect(kept.every((e) => /paramètres de confidentialité|bloqué l’accès|consentement|information sur l’alimentation/.test(e)), kept.join('\n')).toBe(true);
  });

  it('a parent switches to their child’s space, and stays there after a reload', async () => {
    await page.getByRole('link', { name: 'Documents', exact: true }).first().click();
    await expect.poll(documentTitles).toContain(titles.pdf);
    const switcher = page.getByLabel('Espace santé affiché');
    await expect.poll(() => switcher.locator('option').allTextContents()).toEqual([
      `Mon espace (${DEMO_PATIENT.givenName} ${DEMO_PATIENT.familyName})`,
      'Lou Durand — enfant dont je suis représentant légal',
    ]);
    await switcher.selectOption({ label: 'Lou Durand — enfant dont je suis représentant légal' });
    await expect.poll(documentTitles).toEqual([titles.child]);
    await expectAccessible('patient-documents-child-space');

    await page.reload();
    await expect.poll(documentTitles, { timeout: 15_000 }).toEqual([titles.child]);
    await page.getByRole('link', { name: 'Paramètres', exact: true }).first().click();
    await page.getByRole('heading', { name: 'Mon médecin traitant' }).waitFor({ timeout: 15_000 });
    // The child's own settings: no médecin traitant declared there.
    expect(await page.textContent('main')).toContain('Vous n’avez pas déclaré de médecin traitant.');
    await switcher.selectOption({ index: 0 });
    await expect.poll(() => page.textContent('main')).toContain('Votre médecin traitant : Dr Claire Lambert');
  });
});
