import { randomUUID } from 'node:crypto';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { pdfBytes } from '../support/documents.ts';
import { insertDossier, insWithKey, relate } from '../support/fixtures.ts';
import { personAccount } from '../support/notifications.ts';
import { hashPassword } from '../../src/services/password.ts';
import { DEMO_PATIENT, startSignInServer, type SignInServer } from '../support/sign-in-server.ts';
import { launchChromium } from './browser.ts';
import {
  assertPortalsBuilt, demoProfessional, documentBytesServed, expectAccessible, insAsTyped, mainHeading, newPortalPage, openPatientRecord, pressWithKeyboard,
  signInPatient, signInProfessional, WEB_ROOT,
} from './portal-session.ts';

/**
 * The user stories of issue 4, each across both portals: a patient and a professional, each in a browser
 * context of their own, drive the portals as people do (the UI only). Each story runs on a platform of its
 * own (fresh database, demo accounts, its dispatcher running as in `openmes start`), so none depends on
 * another's data or order. Every page shown is screenshot (test-results/story-*.png) and checked with axe.
 */

const PATIENT_INS = insWithKey('2850575123456'); // the demo patient's INS (sign-in-server.ts)
const PATIENT_HEADING = 'DURAND Camille';
const BLOCKED_MESSAGE = "Le patient vous a retiré les droits d'accès à son DMP.";

let browser: Browser;

type Story = {
  s: SignInServer; patient: Page; pro: Page;
  /** The file name of a step's screenshot: story-NAME-STEP. */
  name(step: string): string;
  /** Screenshot (test-results/story-NAME-STEP.png) and axe on the page as shown. */
  check(page: Page, step: string): Promise<void>;
};

/** A fresh platform and the two people of story `name`, closed when the story ends. */
async function startStory(name: string): Promise<Story> {
  const s = await startSignInServer({ webRoot: WEB_ROOT, notifications: true });
  // Delivers sign-in codes and notifications on its own, as the platform does.
  s.dispatcher.start();
  const patient = await newPortalPage(browser);
  const pro = await newPortalPage(browser, { acceptDownloads: true });
  onTestFinished(async () => {
    // The pages first: the patient's live notification stream holds a connection the server waits for.
    await patient.context().close();
    await pro.context().close();
    await s.close();
  });
  const named = (step: string) => `story-${name}-${step}`;
  return { s, patient, pro, name: named, check: (page, step) => expectAccessible(page, named(step)) };
}

/** The demo patient signs in from `at` (e-mail, password, e-mailed code), each page checked. */
async function patientSignsIn(story: Story, at: string): Promise<void> {
  await signInPatient(story.patient, story.s, { at, check: { signedOut: story.name('patient-signed-out'), password: story.name('sign-in-password'), code: story.name('sign-in-code') } });
}

/** The demo professional named `family` signs in with their card and lands on the search page, each page checked. */
async function professionalSignsIn(story: Story, family: string): Promise<void> {
  const { rpps } = demoProfessional(story.s, family);
  await signInProfessional(story.pro, story.s, rpps, { check: { signedOut: story.name('pro-signed-out'), cards: story.name('pro-cards') } });
  await story.check(story.pro, 'pro-search');
}

/** The patient's document list (patient portal, /documents). */
const documentItem = (page: Page, title: string): Locator =>
  page.locator('main li[data-document-id]').filter({ has: page.getByRole('link', { name: title, exact: true }) });
const documentTitles = (page: Page) => page.locator('main li[data-document-id] h3').allTextContents();
/** The professional's list of the patient's documents (/pro/patient). */
const proDocuments = (page: Page) => page.locator('section[aria-labelledby="documents"]');

/** The patient adds a PDF of their own with the upload form of /documents; `submit` sends the form. */
async function uploadDocument(page: Page, o: { title: string; type: string; content: Buffer; screenshot: string; submit?: (button: Locator) => Promise<void> }): Promise<void> {
  await page.getByRole('button', { name: 'Ajouter un document' }).click();
  await page.getByRole('heading', { name: 'Ajouter un document' }).waitFor();
  await page.setInputFiles('#upload-file', { name: 'document.pdf', mimeType: 'application/pdf', buffer: o.content });
  await page.locator('#upload-type').selectOption({ label: o.type });
  await page.locator('#upload-title').fill(o.title);
  await expectAccessible(page, o.screenshot);
  const button = page.getByRole('button', { name: 'Ajouter le document' });
  await (o.submit ? o.submit(button) : button.click());
  await expect.poll(() => page.textContent('main'), { timeout: 15_000 }).toContain(`Le document « ${o.title} » a été ajouté`);
  await expect.poll(() => documentTitles(page)).toContain(o.title);
}

/** The patient's own space, signed in on /documents, before anything was added to it. */
async function patientSeesNoDocument(story: Story): Promise<void> {
  await expect.poll(() => story.patient.textContent('main'), { timeout: 15_000 }).toContain('Aucun document dans cet espace santé pour le moment.');
  await story.check(story.patient, 'patient-documents-empty');
}

/** The professional records the patient's consent to consultation on /pro/patient (SPEC §3.1). */
async function recordConsent(pro: Page): Promise<void> {
  await pro.getByRole('button', { name: 'Enregistrer le consentement' }).click();
  await expect.poll(() => pro.locator('section[aria-labelledby="consentement"]').textContent()).toContain('Consentement enregistré le');
}

// Each story drives two or three people through several pages and sign-ins: more than vitest's default minute
// on a loaded two-core machine.
describe('user stories across both portals, in Chromium', { timeout: 180_000 }, () => {
  beforeAll(async () => {
    assertPortalsBuilt();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('a patient masks a document: the professional who saw it in the list no longer sees it after a reload', async () => {
    const story = await startStory('mask');
    const { s, patient, pro } = story;
    const title = 'Résultats de l’échographie abdominale';

    await patientSignsIn(story, '/documents');
    await patientSeesNoDocument(story);
    await uploadDocument(patient, { title, type: 'CR déposé par le patient', content: pdfBytes('Échographie'), screenshot: story.name('patient-upload-form') });
    await story.check(patient, 'patient-documents');

    // The physician is not the author: once masked, the document is hidden from them (SPEC §3.3).
    await professionalSignsIn(story, 'Girard');
    await openPatientRecord(pro, s, PATIENT_INS, PATIENT_HEADING);
    await recordConsent(pro);
    await expect.poll(() => proDocuments(pro).textContent(), { timeout: 15_000 }).toContain(title);
    await story.check(pro, 'pro-sees-document');

    // Keyboard only: from the document's link, Tab to its mask button and press Enter.
    const item = documentItem(patient, title);
    await item.getByRole('link').focus();
    await pressWithKeyboard(patient, item.getByRole('button', { name: /^Masquer aux professionnels/ }), 5);
    await expect.poll(() => patient.getByRole('status').filter({ hasText: `Le document « ${title} » est maintenant masqué` }).first().isVisible()).toBe(true);
    await expect.poll(() => item.textContent()).toContain('Masqué');
    await story.check(patient, 'patient-masked');

    await pro.reload();
    await expect.poll(() => mainHeading(pro), { timeout: 15_000 }).toBe(PATIENT_HEADING);
    await expect.poll(() => proDocuments(pro).textContent(), { timeout: 15_000 }).toContain('Aucun document');
    expect(await proDocuments(pro).textContent()).not.toContain(title);
    await story.check(pro, 'pro-no-longer-sees');
  });

  it('a professional breaks the glass: the patient finds the notification and the entry in their history', async () => {
    const story = await startStory('emergency');
    const { s, patient, pro } = story;

    await patientSignsIn(story, '/notifications');
    await expect.poll(() => patient.getByTestId('unread-summary').textContent(), { timeout: 15_000 }).toBe('Toutes vos notifications sont lues.');
    await story.check(patient, 'patient-notifications-empty');

    await professionalSignsIn(story, 'Girard');
    await openPatientRecord(pro, s, PATIENT_INS, PATIENT_HEADING);
    await story.check(pro, 'pro-patient');

    // Keyboard only from the reason on: the panel moves the focus into its form, the reason is typed, Tab to confirm, Enter.
    await pro.getByRole('button', { name: 'Accès en urgence (bris de glace)' }).click();
    await expect.poll(() => pro.evaluate(() => document.activeElement?.id)).toBe('emergency-reason');
    await pro.keyboard.type('Patiente inconsciente aux urgences, traitements en cours à connaître');
    await story.check(pro, 'pro-reason');
    await pressWithKeyboard(pro, pro.getByRole('button', { name: 'Confirmer l’accès en urgence' }));
    await expect.poll(() => pro.locator('#acces-en-cours').textContent(), { timeout: 15_000 }).toContain('Accès en urgence (bris de glace) en cours');
    await story.check(pro, 'pro-banner');

    // The patient's centre, left open: the notification arrives live once the dispatcher has delivered it.
    const notification = patient.getByTestId('notification-list').getByRole('listitem').filter({ hasText: 'a accédé en urgence (bris de glace) à votre dossier' });
    await expect.poll(() => notification.first().textContent(), { timeout: 20_000 }).toContain('Antoine Girard');
    await expect.poll(() => patient.getByTestId('unread-summary').textContent()).toMatch(/^Vous avez \d+ notifications? non lues?\.$/);
    await story.check(patient, 'patient-notification');

    await patient.getByRole('link', { name: 'Accueil' }).first().click();
    await patient.getByRole('link', { name: 'Historique d’activité' }).first().click();
    await expect.poll(() => mainHeading(patient), { timeout: 15_000 }).toBe('Historique d’activité');
    await expect.poll(() => patient.textContent('main'), { timeout: 15_000 }).toContain('Accès en urgence (bris de glace) par Dr Antoine Girard');
    await story.check(patient, 'patient-history');
  });

  it('a professional the patient blocked in their settings sees the refusal of SPEC §3.2', async () => {
    const story = await startStory('blocked');
    const { s, patient, pro } = story;

    // Before the block, the nurse opens the record with the patient's consent.
    await professionalSignsIn(story, 'Benali');
    await openPatientRecord(pro, s, PATIENT_INS, PATIENT_HEADING);
    await recordConsent(pro);
    await expect.poll(() => proDocuments(pro).textContent(), { timeout: 15_000 }).toContain('Aucun document');
    await story.check(pro, 'pro-patient-before');

    await patientSignsIn(story, '/parametres/confidentialite');
    await patient.getByRole('heading', { name: 'Masquer tous mes documents' }).waitFor({ timeout: 15_000 });
    await story.check(patient, 'patient-privacy');
    // Keyboard only: type the name, Enter searches the directory; Tab to the block button, Enter.
    const search = patient.getByRole('search').first();
    await search.getByLabel('Rechercher un professionnel').focus();
    await patient.keyboard.type('Benali');
    await patient.keyboard.press('Enter');
    const block = patient.getByRole('button', { name: 'Bloquer Karim Benali' });
    await block.waitFor({ timeout: 15_000 });
    await story.check(patient, 'patient-directory');
    await pressWithKeyboard(patient, block, 10);
    await expect.poll(() => patient.textContent('main')).toContain('Karim Benali est désormais bloqué');
    await expect.poll(() => patient.getByRole('list', { name: 'Professionnels bloqués' }).textContent()).toContain('Karim Benali');
    await story.check(patient, 'patient-blocked');

    // The record the nurse had open now refuses them, in the words of SPEC §3.2.
    await pro.reload();
    await expect.poll(() => proDocuments(pro).locator('.openmes-server-message').first().textContent(), { timeout: 15_000 }).toBe(BLOCKED_MESSAGE);
    await story.check(pro, 'pro-patient-refused');
    // And so does a new search.
    await pro.getByRole('link', { name: 'Rechercher un patient', exact: true }).first().click();
    await pro.fill('#ins', insAsTyped(PATIENT_INS));
    await pro.getByRole('button', { name: 'Rechercher' }).click();
    await expect.poll(() => pro.locator('.openmes-server-message').first().textContent(), { timeout: 15_000 }).toBe(BLOCKED_MESSAGE);
    expect(await pro.getByRole('alert').first().textContent()).toContain('Accès au dossier refusé');
    await story.check(pro, 'pro-search-refused');
  });

  it('a patient uploads a document and a general practitioner (DOCPAT05 readable by G15:10) opens it in the professional portal', async () => {
    const story = await startStory('upload');
    const { s, patient, pro } = story;
    const title = 'Bilan sanguin de mars';
    const content = pdfBytes('Bilan sanguin : hémoglobine 13,5 g/dL');

    await patientSignsIn(story, '/documents');
    await patientSeesNoDocument(story);
    // Keyboard only for sending: from the title, Tab to the submit button and Enter.
    await uploadDocument(patient, {
      title, type: 'CR de biologie déposé par le patient', content, screenshot: story.name('patient-upload-form'),
      submit: async (button) => {
        await patient.locator('#upload-title').focus();
        await pressWithKeyboard(patient, button, 5);
      },
    });
    expect(await documentItem(patient, title).textContent()).toMatch(/Ajouté (le .+ )?par vous/);
    await story.check(patient, 'patient-documents');

    await professionalSignsIn(story, 'Lambert');
    await openPatientRecord(pro, s, PATIENT_INS, PATIENT_HEADING);
    await recordConsent(pro);
    const row = pro.locator('tr', { hasText: title });
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain('CR de biologie déposé par le patient');
    await story.check(pro, 'pro-patient-documents');

    const served = await documentBytesServed(pro);
    await row.getByRole('link', { name: 'Ouvrir', exact: true }).click();
    await pro.waitForURL(/\/pro\/document\?id=/);
    await expect.poll(() => mainHeading(pro), { timeout: 15_000 }).toBe(title);
    const frame = pro.locator('iframe[data-testid="document-frame"]');
    await frame.waitFor({ state: 'attached', timeout: 15_000 });
    // What the page shows (from a blob: URL) is the very PDF the patient sent.
    expect(await frame.getAttribute('src')).toMatch(/^blob:/);
    expect(served.map((bytes) => bytes.equals(content))).toEqual([true]);
    await story.check(pro, 'pro-document');
  });

  it('a patient invites a carer, who accepts in their own space and later gives it up', async () => {
    const story = await startStory('carer');
    const { s, patient } = story;
    // Fixture: the carer activated their own space, and signs in to it with this e-mail and the demo password.
    const carerId = await insertDossier(s.db, { ins: insWithKey('1880575123458'), state: 'active', birthName: 'MOREAU', firstNames: 'Hugo', birthDate: '1988-02-02', sex: 'M' });
    await personAccount(s.db, { kind: 'person', accountId: randomUUID(), dossierId: carerId, displayName: 'Hugo Moreau' }, 'hugo.moreau@example.test');
    await s.db.query('UPDATE account SET password_hash = $1 WHERE lower(email) = $2', [await hashPassword(s.demo.password), 'hugo.moreau@example.test']);
    const SENT = 'Si cette adresse correspond à un espace santé activé, la personne a reçu une invitation.';

    await patientSignsIn(story, '/parametres/confidentialite');
    const carers = patient.locator('section[aria-labelledby="carers-title"]');
    await patient.getByRole('heading', { name: 'Mes aidants' }).waitFor({ timeout: 15_000 });
    await expect.poll(() => carers.textContent(), { timeout: 15_000 }).toContain('Vous n’avez aucun aidant.');
    // An address that names nobody gets the very same answer; the pending invitation can be withdrawn.
    await carers.locator('input[type="email"]').fill('personne.inconnue@example.test');
    await story.check(patient, 'patient-carer-form');
    await patient.getByRole('button', { name: 'Envoyer l’invitation' }).click();
    await expect.poll(() => carers.textContent(), { timeout: 15_000 }).toContain(SENT);
    await expect.poll(() => patient.getByRole('list', { name: 'Invitations d’aidant en attente' }).textContent()).toContain('personne.inconnue@example.test');
    await story.check(patient, 'patient-carer-invitation-pending');
    await patient.getByRole('button', { name: 'Retirer l’invitation personne.inconnue@example.test' }).click();
    await expect.poll(() => carers.textContent(), { timeout: 15_000 }).toContain('L’invitation envoyée à personne.inconnue@example.test est retirée.');

    await carers.locator('input[type="email"]').fill('hugo.moreau@example.test');
    await patient.getByRole('button', { name: 'Envoyer l’invitation' }).click();
    await expect.poll(() => carers.textContent(), { timeout: 15_000 }).toContain(SENT);
    expect(await carers.textContent()).not.toContain('Hugo Moreau');

    // The carer, in a browser of their own, finds the invitation in their space and accepts it.
    const carer = await newPortalPage(browser);
    onTestFinished(async () => carer.context().close());
    await signInPatient(carer, s, { at: '/parametres/confidentialite', email: 'hugo.moreau@example.test' });
    const received = carer.getByRole('list', { name: 'Invitations à devenir aidant' });
    await expect.poll(() => received.textContent(), { timeout: 15_000 }).toContain('Camille Durand vous invite à devenir son aidant');
    await story.check(carer, 'carer-invitation-received');
    await carer.getByRole('button', { name: 'Accepter : Camille Durand vous invite à devenir son aidant' }).click();
    await expect.poll(() => carer.locator('main').textContent(), { timeout: 15_000 }).toContain('Vous êtes désormais aidant de Camille Durand');
    await expect.poll(() => carer.getByRole('list', { name: 'Personnes dont vous êtes l’aidant' }).textContent()).toContain('Camille Durand');
    await story.check(carer, 'carer-invitation-accepted');

    // The holder now sees who the carer is.
    await patient.reload();
    await expect.poll(() => patient.getByRole('list', { name: 'Aidants ayant un mandat en cours' }).textContent(), { timeout: 15_000 }).toContain('Hugo Moreau');
    await story.check(patient, 'patient-carer-granted');

    // The carer gives it up; the holder's list is empty again.
    await carer.getByRole('button', { name: 'Ne plus être aidant : Camille Durand' }).click();
    await expect.poll(() => carer.locator('main').textContent(), { timeout: 15_000 }).toContain('Vous n’êtes plus aidant de Camille Durand');
    await story.check(carer, 'carer-gave-up');
    await patient.reload();
    await expect.poll(() => carers.textContent(), { timeout: 15_000 }).toContain('Vous n’avez aucun aidant.');
    await story.check(patient, 'patient-carer-ended');
  });

  it('a parent switches to their child’s space and finds the document a professional fed for the child', async () => {
    const story = await startStory('child');
    const { s, patient, pro } = story;
    const title = 'Consultation pédiatrique de Lou';
    // Fixture, as no portal creates them: the child's dossier comes from the population import, the
    // parental link from the registry of relationships.
    const childIns = insWithKey('2160575123457');
    const childId = await insertDossier(s.db, { ins: childIns, state: 'active', birthName: 'DURAND', firstNames: 'Lou', birthDate: '2016-05-03' });
    await relate(s.db, childId, 'legal_representative', s.dossierId, PATIENT_INS);

    // The general practitioner informs the child and feeds a report to the child's record.
    await professionalSignsIn(story, 'Lambert');
    await openPatientRecord(pro, s, childIns, 'DURAND Lou');
    await pro.getByRole('button', { name: 'Enregistrer l’information du patient' }).click();
    await expect.poll(() => pro.locator('section[aria-labelledby="information"]').textContent()).toContain('Information du patient enregistrée le');
    await story.check(pro, 'pro-patient');
    await pro.getByRole('link', { name: 'Déposer un document' }).click();
    await pro.waitForURL(`${s.baseUrl}/pro/deposer`);
    await pro.locator('#deposit-type option', { hasText: 'CR ou fiche de consultation ou de visite' }).waitFor({ state: 'attached' });
    await pro.setInputFiles('#deposit-file', { name: 'consultation.pdf', mimeType: 'application/pdf', buffer: pdfBytes('Consultation pédiatrique') });
    await pro.fill('#deposit-title', title);
    await pro.selectOption('#deposit-type', { label: 'CR ou fiche de consultation ou de visite' });
    await story.check(pro, 'pro-deposit-form');
    await pro.getByRole('button', { name: 'Déposer le document' }).click();
    await expect.poll(() => pro.locator('main').textContent(), { timeout: 15_000 }).toContain(`Le document « ${title} » a été déposé dans le DMP du patient.`);
    await story.check(pro, 'pro-deposit-done');

    // The parent's own space does not hold it; the child's space, chosen in the switcher, does.
    await patientSignsIn(story, '/documents');
    await patientSeesNoDocument(story);
    const switcher = patient.getByLabel('Espace santé affiché');
    await expect.poll(() => switcher.locator('option').allTextContents()).toEqual([
      `Mon espace (${DEMO_PATIENT.givenName} ${DEMO_PATIENT.familyName})`,
      'Lou Durand — enfant dont je suis représentant légal',
    ]);
    await switcher.selectOption({ label: 'Lou Durand — enfant dont je suis représentant légal' });
    await expect.poll(() => documentTitles(patient), { timeout: 15_000 }).toEqual([title]);
    expect(await documentItem(patient, title).textContent()).toMatch(/Ajouté (le .+ )?par Dr Claire Lambert/);
    await story.check(patient, 'patient-child-space');

    // Keyboard only: from the switcher, Tab to the document and Enter opens it in the page.
    await switcher.focus();
    await pressWithKeyboard(patient, documentItem(patient, title).getByRole('link'));
    await patient.locator(`iframe[title="Aperçu du document PDF « ${title} »"]`).waitFor({ timeout: 15_000 });
    await story.check(patient, 'patient-document');
  });
});
