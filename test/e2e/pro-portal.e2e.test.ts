import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAccessToken } from '../../src/services/access-token.ts';
import { pdfBytes } from '../support/documents.ts';
import { insertDossier, insWithKey } from '../support/fixtures.ts';
import type { SignInServer } from '../support/sign-in-server.ts';
import { demoProfessional, documentBytesServed, expectAccessible, insAsTyped, mainHeading as h1, newPortalPage, openPatientRecord, signInProfessional, startPortals, stopPortals } from './portal-session.ts';

/** The demo patient's INS (see startSignInServer), as a professional reads it from the card: in groups. */
const INS = insWithKey('2850575123456');
const INS_TYPED = insAsTyped(INS);
const BLOCKED_MESSAGE = "Le patient vous a retiré les droits d'accès à son DMP.";
const EMERGENCY_BLOCKED_MESSAGE = "Le patient s'est opposé à l'accès en urgence (bris de glace) à son DMP.";

let s: SignInServer;
let browser: Browser;

/** A professional signs in by picking their demo card, and lands on the search page. */
async function signInPro(rpps: string): Promise<Page> {
  const page = await newPortalPage(browser, { acceptDownloads: true });
  await signInProfessional(page, s, rpps);
  return page;
}

/** Searches the demo patient by INS and opens their record. */
const openDemoPatient = (page: Page) => openPatientRecord(page, s, INS, 'DURAND Camille');

/** The patient's side, through the API: a token for the demo patient's account. */
async function asPatient(method: string, path: string, body?: unknown): Promise<Response> {
  const patient = s.demo.patients[0]!;
  const token = await issueAccessToken(s.platform.tokenKeys, { kind: 'person', accountId: patient.accountId, dossierId: s.dossierId, displayName: patient.displayName }, 300, new Date());
  return fetch(`${s.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

const professional = (family: string) => demoProfessional(s, family);

describe('professional portal in Chromium', () => {
  beforeAll(async () => {
    ({ s, browser } = await startPortals());
  });
  afterAll(() => stopPortals({ s, browser }));

  it('a doctor finds the patient by INS, records consent and information, feeds a PDF, sees it in the list and opens it', async () => {
    const doctor = professional('Lambert');
    const page = await signInPro(doctor.rpps);
    await expectAccessible(page, 'pro-search');

    await page.fill('#ins', INS_TYPED);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    const results = page.locator('section[aria-labelledby="resultats"]');
    await expect.poll(() => results.textContent()).toContain('1 patient trouvé');
    // Only what identifies the person: names, birth date, sex, INS.
    expect(await results.locator('dt').allTextContents()).toEqual(['Nom de naissance', 'Prénoms de naissance', 'Date de naissance', 'Sexe', 'INS']);
    expect(await results.locator('dd').allTextContents()).toEqual(['DURAND', 'Camille', '12 mai 1985', 'Féminin', INS_TYPED]);
    await expectAccessible(page, 'pro-search-result');

    await page.getByRole('button', { name: /Ouvrir le dossier/ }).click();
    await page.waitForURL(`${s.baseUrl}/pro/patient`);
    await expect.poll(() => h1(page)).toBe('DURAND Camille');
    // Before consent, the list says why it is empty: the server's refusal.
    const documents = page.locator('section[aria-labelledby="documents"]');
    await expect.poll(() => documents.textContent()).toContain("Le consentement du patient à la consultation de son DMP n'a pas été enregistré.");
    await expectAccessible(page, 'pro-patient-before-consent');

    await page.locator('label', { hasText: 'par l’équipe de soins de ma structure' }).click();
    await page.getByRole('button', { name: 'Enregistrer le consentement' }).click();
    await expect.poll(() => page.locator('section[aria-labelledby="consentement"]').textContent()).toContain('pour l’équipe de soins de votre structure');
    await page.getByRole('button', { name: 'Enregistrer l’information du patient' }).click();
    await expect.poll(() => page.locator('section[aria-labelledby="information"]').textContent()).toMatch(/Information du patient enregistrée le .+ par Dr Claire Lambert\./);
    await expect.poll(() => documents.textContent()).toContain('Aucun document');
    await expectAccessible(page, 'pro-patient-consented');

    // Feed a PDF with the form; the required fields are checked first.
    await page.getByRole('link', { name: 'Déposer un document' }).click();
    await page.waitForURL(`${s.baseUrl}/pro/deposer`);
    await page.locator('#deposit-type option', { hasText: 'CR ou fiche de consultation ou de visite' }).waitFor({ state: 'attached' });
    const delays = s.platform.reference.regulatory.at(new Date());
    expect(await page.locator('form').textContent()).toContain(`au bout de ${delays.invisiblePatientInformAfterDays} jours, le patient est informé`);
    await expectAccessible(page, 'pro-deposit-form');
    await page.fill('#deposit-title', '');
    await page.getByRole('button', { name: 'Déposer le document' }).click();
    await expect.poll(() => page.locator('form').textContent()).toContain('Ce champ est obligatoire.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('deposit-file');
    await expectAccessible(page, 'pro-deposit-required');

    await page.setInputFiles('#deposit-file', { name: 'cr-consultation.pdf', mimeType: 'application/pdf', buffer: pdfBytes('Consultation du 10 janvier') });
    await page.fill('#deposit-title', 'Compte rendu de consultation du 10 janvier');
    await page.selectOption('#deposit-type', { label: 'CR ou fiche de consultation ou de visite' });
    // The class follows the type (J66 → J57).
    expect(await page.inputValue('#deposit-documentClass')).toBe('urn:oid:1.2.250.1.213.1.1.4.1|10');
    await page.getByRole('button', { name: 'Déposer le document' }).click();
    await expect.poll(() => page.locator('main').textContent(), { timeout: 15_000 }).toContain('Le document « Compte rendu de consultation du 10 janvier » a été déposé dans le DMP du patient.');
    await expectAccessible(page, 'pro-deposit-done');

    // The patient opposed another document: the DMP refuses it, and the form says so in the server's words.
    await page.getByRole('link', { name: 'Retour au dossier du patient' }).click();
    await page.fill('#opposition-identifier', 'urn:oid:1.2.250.1.999.1.1^4242');
    await page.getByRole('button', { name: 'Enregistrer l’opposition' }).click();
    await expect.poll(() => page.locator('section[aria-labelledby="opposition"]').textContent()).toContain('Opposition enregistrée le');
    await page.getByRole('link', { name: 'Déposer un document' }).click();
    await page.locator('#deposit-type option', { hasText: 'CR ou fiche de consultation ou de visite' }).waitFor({ state: 'attached' });
    await page.setInputFiles('#deposit-file', { name: 'refuse.pdf', mimeType: 'application/pdf', buffer: pdfBytes('Opposé') });
    await page.fill('#deposit-title', 'Document refusé par le patient');
    await page.selectOption('#deposit-type', { label: 'CR ou fiche de consultation ou de visite' });
    await page.fill('#deposit-masterIdentifier', 'urn:oid:1.2.250.1.999.1.1^4242');
    await page.getByRole('button', { name: 'Déposer le document' }).click();
    await expect.poll(() => page.locator('.openmes-server-message').first().textContent()).toBe("Le patient s'est opposé à l'envoi de ce document dans son DMP.");
    await expectAccessible(page, 'pro-deposit-opposed');

    // The list shows the document fed; open it in the page.
    await page.getByRole('link', { name: 'Dossier du patient', exact: true }).first().click();
    await expect.poll(() => documents.textContent()).toContain('Compte rendu de consultation du 10 janvier');
    expect(await documents.textContent()).not.toContain('Document refusé par le patient');
    await expectAccessible(page, 'pro-patient-documents');
    // "Importer": the file arrives with the title as its name and the PDF extension, bytes intact.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Importer' }).first().click();
    expect((await download).suggestedFilename()).toBe('Compte rendu de consultation du 10 janvier.pdf');
    expect((await readFile((await (await download).path())!)).toString('latin1')).toBe(pdfBytes('Consultation du 10 janvier').toString('latin1'));
    const served = await documentBytesServed(page);
    await page.getByRole('link', { name: 'Ouvrir', exact: true }).first().click();
    await page.waitForURL(/\/pro\/document\?id=/);
    await expect.poll(() => h1(page)).toBe('Compte rendu de consultation du 10 janvier');
    const frame = page.locator('iframe[data-testid="document-frame"]');
    await frame.waitFor({ state: 'attached' });
    expect(await frame.getAttribute('src')).toMatch(/^blob:/);
    // What the page shows is the PDF that was fed.
    expect(served.map((bytes) => bytes.toString('latin1'))).toEqual([pdfBytes('Consultation du 10 janvier').toString('latin1')]);
    await expectAccessible(page, 'pro-document-viewer');

    await page.close();
  });

  it('a document fed invisible to the patient carries a warning, and the professional makes it visible', async () => {
    const page = await signInPro(professional('Lambert').rpps);
    await openDemoPatient(page);
    await page.getByRole('link', { name: 'Déposer un document' }).click();
    await page.locator('#deposit-type option', { hasText: 'CR ou fiche de consultation ou de visite' }).waitFor({ state: 'attached' });
    await page.setInputFiles('#deposit-file', { name: 'annonce.pdf', mimeType: 'application/pdf', buffer: pdfBytes('Annonce') });
    await page.fill('#deposit-title', 'Résultats avant consultation d’annonce');
    await page.selectOption('#deposit-type', { label: 'CR ou fiche de consultation ou de visite' });
    await page.locator('label', { hasText: 'Invisible au patient' }).click();
    expect(await page.getByRole('checkbox', { name: /^Invisible au patient/ }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Déposer le document' }).click();
    await expect.poll(() => page.locator('main').textContent(), { timeout: 15_000 }).toContain('a été déposé dans le DMP du patient.');

    await page.getByRole('link', { name: 'Retour au dossier du patient' }).click();
    const row = page.locator('tr', { hasText: 'Résultats avant consultation d’annonce' });
    await expect.poll(() => row.textContent()).toContain('Ce document n’est pas visible du patient.');
    expect(await row.textContent()).toContain('Invisible pour le patient');
    await expectAccessible(page, 'pro-patient-invisible-document');
    await row.getByRole('button', { name: 'Rendre visible au patient' }).click();
    await expect.poll(() => page.locator('section[aria-labelledby="documents"]').textContent()).toContain('est désormais visible par le patient');
    await expect.poll(() => row.textContent()).not.toContain('Ce document n’est pas visible du patient.');
    // The patient now sees it in their record.
    const list = await (await asPatient('GET', `/fhir/R4/DocumentReference?patient=Patient/${s.dossierId}`)).json() as { entry?: { resource: { content: { attachment: { title: string } }[] } }[] };
    expect(list.entry?.map((e) => e.resource.content[0]!.attachment.title)).toContain('Résultats avant consultation d’annonce');
    await page.close();
  });

  it('a regulation physician breaks the glass with a reason: the banner stays on every page, and the patient’s history has the entry', async () => {
    const samu = professional('Girard');
    const page = await signInPro(samu.rpps);
    await openDemoPatient(page);
    // A physician may also use the SAMU regulation mode.
    expect(await page.getByRole('button', { name: 'Régulation SAMU' }).count()).toBe(1);

    await page.getByRole('button', { name: 'Accès en urgence (bris de glace)' }).click();
    await page.getByRole('button', { name: 'Confirmer l’accès en urgence' }).click();
    await expect.poll(() => page.locator('section[aria-labelledby="urgence"]').textContent()).toContain('Indiquez le motif de l’accès en urgence (10 caractères au moins).');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('emergency-reason');
    await expectAccessible(page, 'pro-emergency-reason-required');
    await page.fill('#emergency-reason', 'Patiente inconsciente aux urgences, traitements en cours à connaître');
    await page.getByRole('button', { name: 'Confirmer l’accès en urgence' }).click();

    const banner = page.locator('#acces-en-cours');
    await expect.poll(() => banner.textContent(), { timeout: 15_000 }).toContain('Accès en urgence (bris de glace) en cours');
    expect(await banner.textContent()).toContain('Dossier de DURAND Camille, jusqu’à');
    // In emergency, the record opens without consent.
    await expect.poll(() => page.locator('section[aria-labelledby="documents"]').textContent()).toContain('Compte rendu de consultation du 10 janvier');
    await expectAccessible(page, 'pro-patient-emergency');
    for (const [link, path, name] of [['Rechercher un patient', '/pro', 'pro-search-emergency'], ['Documents', '/pro/documents', 'pro-documents-emergency']] as const) {
      await page.getByRole('link', { name: link, exact: true }).first().click();
      await page.waitForURL(`${s.baseUrl}${path}`);
      await expect.poll(() => banner.textContent()).toContain('Accès en urgence (bris de glace) en cours');
      await expectAccessible(page, name);
    }
    await page.goto(`${s.baseUrl}/pro/deposer`);
    await expect.poll(() => banner.textContent(), { timeout: 15_000 }).toContain('Accès en urgence (bris de glace) en cours');

    // The patient reads it in their history, in plain French.
    const history = await (await asPatient('GET', `/api/dossiers/${s.dossierId}/history?limit=100`)).json() as { entries: { text: string }[] };
    expect(history.entries.map((e) => e.text)).toContain('Accès en urgence (bris de glace) par Dr Antoine Girard (Médecin)');
    await page.close();
  });

  it('a professional the patient blocked sees the exact refusal of SPEC §3.2; an emergency the patient blocked is refused in its own words', async () => {
    const nurse = professional('Benali');
    const blocked = await asPatient('POST', `/api/dossiers/${s.dossierId}/blocked-professionals`, { rpps: nurse.rpps });
    expect(blocked.status).toBe(201);
    const page = await signInPro(nurse.rpps);
    await page.fill('#ins', INS_TYPED);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    const message = page.locator('.openmes-server-message');
    await expect.poll(() => message.first().textContent()).toBe(BLOCKED_MESSAGE);
    expect(await page.getByRole('alert').first().textContent()).toContain('Accès au dossier refusé');
    await expectAccessible(page, 'pro-search-blocked');
    await page.close();

    const settings = await asPatient('PUT', `/api/dossiers/${s.dossierId}/settings`, { blockEmergency: true });
    expect(settings.status).toBe(200);
    const pharmacist = await signInPro(professional('Moreau').rpps);
    await openDemoPatient(pharmacist);
    await pharmacist.getByRole('button', { name: 'Accès en urgence (bris de glace)' }).click();
    await pharmacist.fill('#emergency-reason', 'Malaise à l’officine, besoin des traitements en cours');
    await pharmacist.getByRole('button', { name: 'Confirmer l’accès en urgence' }).click();
    await expect.poll(() => pharmacist.locator('section[aria-labelledby="urgence"] .openmes-server-message').textContent()).toBe(EMERGENCY_BLOCKED_MESSAGE);
    expect(await pharmacist.locator('#acces-en-cours').count()).toBe(0);
    await expectAccessible(pharmacist, 'pro-emergency-blocked');
    await pharmacist.close();
  });

  it('a secret connection at a minor’s request: banner, and only documents hidden from the representatives may be deposited', async () => {
    const minorIns = insWithKey('1120575123457');
    await insertDossier(s.db, { ins: minorIns, state: 'active', birthName: 'DURAND', firstNames: 'Léo', birthDate: '2012-04-02', sex: 'M' });
    const page = await signInPro(professional('Lambert').rpps);
    await page.fill('#ins', minorIns);
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.getByRole('button', { name: /Ouvrir le dossier/ }).click();
    await expect.poll(() => h1(page)).toBe('DURAND Léo');
    const secret = page.locator('section[aria-labelledby="connexion-secrete"]');
    expect(await secret.textContent()).toContain('Pendant une connexion secrète, vous ne pouvez déposer que des documents invisibles aux représentants légaux.');
    await page.getByRole('button', { name: 'Enregistrer l’information du patient' }).click();
    await expect.poll(() => page.locator('section[aria-labelledby="information"]').textContent()).toContain('Information du patient enregistrée le');
    await page.getByRole('button', { name: 'Démarrer une connexion secrète' }).click();
    const banner = page.locator('#acces-en-cours');
    await expect.poll(() => banner.textContent()).toContain('Connexion secrète en cours');
    await expectAccessible(page, 'pro-patient-secret');

    await page.getByRole('link', { name: 'Déposer un document' }).click();
    await page.locator('#deposit-type option', { hasText: 'CR ou fiche de consultation ou de visite' }).waitFor({ state: 'attached' });
    const hidden = page.getByRole('checkbox', { name: /^Invisible aux représentants légaux/ });
    expect(await hidden.isChecked()).toBe(true);
    expect(await hidden.isDisabled()).toBe(true);
    await expectAccessible(page, 'pro-deposit-secret');
    await page.setInputFiles('#deposit-file', { name: 'consultation.pdf', mimeType: 'application/pdf', buffer: pdfBytes('Consultation confidentielle') });
    await page.fill('#deposit-title', 'Consultation à la demande du patient');
    await page.selectOption('#deposit-type', { label: 'CR ou fiche de consultation ou de visite' });
    await page.getByRole('button', { name: 'Déposer le document' }).click();
    await expect.poll(() => page.locator('main').textContent(), { timeout: 15_000 }).toContain('a été déposé dans le DMP du patient.');
    // Back on the record (consultation still needs the minor's consent): the document is hidden from the representatives.
    await page.getByRole('link', { name: 'Retour au dossier du patient' }).click();
    await page.getByRole('button', { name: 'Enregistrer le consentement' }).click();
    const row = page.locator('tr', { hasText: 'Consultation à la demande du patient' });
    await expect.poll(() => row.textContent()).toContain('Invisible pour les représentants légaux');
    await page.close();
  });

  it('the main flow works from the keyboard: search by INS, open the record, record the consent', async () => {
    const page = await signInPro(professional('Lambert').rpps);
    const tabTo = async (matches: () => boolean | Promise<boolean>, what: string) => {
      for (let i = 0; i < 60; i++) {
        if (await matches()) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`Tab never reached ${what}`);
    };
    const focused = () => page.evaluate(() => ({ id: document.activeElement?.id ?? '', text: document.activeElement?.textContent?.trim() ?? '' }));
    await tabTo(async () => (await focused()).id === 'ins', 'the INS field');
    await page.keyboard.type(INS_TYPED);
    await page.keyboard.press('Enter');
    await page.locator('section[aria-labelledby="resultats"]').waitFor();
    await tabTo(async () => (await focused()).text === 'Ouvrir le dossier', 'the open button');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${s.baseUrl}/pro/patient`);
    // After the navigation the focus is on the page heading.
    await expect.poll(async () => (await focused()).text).toBe('DURAND Camille');
    await tabTo(async () => (await focused()).text === 'Enregistrer le consentement', 'the consent button');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('section[aria-labelledby="consentement"]').textContent()).toContain('Consentement enregistré le');
    await page.close();
  });
});
