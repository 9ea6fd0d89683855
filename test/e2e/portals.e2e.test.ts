import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PATIENT, startSignInServer, type SignInServer } from '../support/sign-in-server.ts';
import { keepScreenshot, launchChromium, seriousViolations } from './browser.ts';

const WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

let s: SignInServer;
let browser: Browser;

async function oneTimeCode(): Promise<string> {
  await s.dispatcher.runOnce();
  const res = await s.db.query<{ body_text: string }>('SELECT body_text FROM dev_mail ORDER BY sent_at DESC LIMIT 1');
  return /(\d{6})/.exec(res.rows[0]!.body_text)![1]!;
}

async function expectAccessible(page: Page, name: string): Promise<void> {
  await keepScreenshot(page, name);
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

describe('portals in Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(`${WEB_ROOT}/index.html`)) throw new Error('dist/web is missing: run `npm run build:web` (npm test does it)');
    s = await startSignInServer({ webRoot: WEB_ROOT });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('a demo patient signs in with e-mail, password and the code sent by e-mail, and sees their name', async () => {
    const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    await page.goto(`${s.baseUrl}/`);
    await expect.poll(() => page.locator('main h1').first().textContent()).toContain('Bienvenue');
    await expectAccessible(page, 'patient-home-signed-out');

    await page.getByRole('button', { name: 'Se connecter' }).first().click();
    await page.waitForSelector('#email');
    await expectAccessible(page, 'sign-in-password');
    await page.fill('#email', DEMO_PATIENT.email);
    await page.fill('#password', s.demo.password);
    await page.getByRole('button', { name: 'Continuer' }).click();

    await page.waitForSelector('#code');
    await expectAccessible(page, 'sign-in-code');
    await page.fill('#code', await oneTimeCode());
    await page.getByRole('button', { name: 'Valider le code' }).click();

    await page.waitForURL(`${s.baseUrl}/`);
    await expect.poll(() => page.locator('main h1').first().textContent(), { timeout: 15_000 }).toContain(`Bonjour, ${DEMO_PATIENT.givenName} ${DEMO_PATIENT.familyName}`);
    await expectAccessible(page, 'patient-home-signed-in');

    // The navigation reaches the sections; a patient with no document yet is told so and offered to add one.
    await page.getByRole('link', { name: 'Documents' }).first().click();
    await expect.poll(() => page.locator('main h1').first().textContent()).toContain('Documents');
    await expect.poll(() => page.textContent('main'), { timeout: 15_000 }).toContain('Aucun document dans cet espace santé pour le moment.');
    expect(await page.getByRole('button', { name: 'Ajouter un document' }).isVisible()).toBe(true);
    await expectAccessible(page, 'patient-documents-empty');

    await page.getByRole('button', { name: 'Se déconnecter' }).first().click();
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect.poll(() => page.locator('main h1').first().textContent(), { timeout: 15_000 }).toContain('Bienvenue');
    await page.close();
  });

  it('a professional signs in with a demo card and sees the professional portal', async () => {
    const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    await page.goto(`${s.baseUrl}/pro`);
    await expectAccessible(page, 'pro-home-signed-out');
    await page.getByRole('button', { name: 'Se connecter' }).first().click();
    const doctor = s.demo.professionals[0]!;
    await page.getByRole('button', { name: new RegExp(`RPPS ${doctor.rpps}`) }).waitFor();
    await expectAccessible(page, 'pro-card-choice');
    await page.getByRole('button', { name: new RegExp(`RPPS ${doctor.rpps}`) }).click();
    await page.waitForURL(`${s.baseUrl}/pro`);
    await expect.poll(() => page.textContent('body'), { timeout: 15_000 }).toContain(doctor.rpps);
    await expectAccessible(page, 'pro-home-signed-in');
    await page.close();
  });

  it('the main flows work from the keyboard: the first Tab reaches the skip link', async () => {
    const page = await browser.newPage();
    await page.goto(`${s.baseUrl}/`);
    // Wait for the application to render (the skip links are part of it) before using the keyboard.
    await page.locator('main h1').first().waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toMatch(/Contenu/);
    await page.keyboard.press('Enter');
    // Let the browser move its sequential focus starting point to the target before the next Tab.
    await page.waitForTimeout(300);
    await page.keyboard.press('Tab');
    // After the skip link, the next Tab stop is inside the main content, not the header.
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest('#contenu')))).toBe(true);
    await page.close();
  });
});
