import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PATIENT, type SignInServer } from '../support/sign-in-server.ts';
import { expectAccessible, newPortalPage, signInPatient, signInProfessional, startPortals, stopPortals } from './portal-session.ts';

let s: SignInServer;
let browser: Browser;

/** What the browser refused under the Content-Security-Policy while the page ran (nothing, for the portals to work). */
function cspViolations(page: Page): string[] {
  const refused: string[] = [];
  page.on('console', (m) => { if (m.text().includes('Content Security Policy')) refused.push(m.text()); });
  return refused;
}

describe('portals in Chromium', () => {
  beforeAll(async () => {
    ({ s, browser } = await startPortals());
  });
  afterAll(() => stopPortals({ s, browser }));

  it('a demo patient signs in with e-mail, password and the code sent by e-mail, and sees their name', async () => {
    const page = await newPortalPage(browser);
    const refused = cspViolations(page);
    const home = await page.goto(`${s.baseUrl}/`);
    expect(home?.headers()['content-security-policy']).toContain("script-src 'self';");
    await expect.poll(() => page.locator('main h1').first().textContent()).toContain('Bienvenue');
    await expectAccessible(page, 'patient-home-signed-out');

    await signInPatient(page, s, { check: { password: 'sign-in-password', code: 'sign-in-code' } });
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
    expect(refused).toEqual([]);
    await page.close();
  });

  it('a professional signs in with a demo card and sees the professional portal', async () => {
    const page = await newPortalPage(browser);
    const refused = cspViolations(page);
    const doctor = s.demo.professionals[0]!;
    await signInProfessional(page, s, doctor.rpps, { check: { signedOut: 'pro-home-signed-out', cards: 'pro-card-choice' } });
    await expect.poll(() => page.textContent('body'), { timeout: 15_000 }).toContain(doctor.rpps);
    await expectAccessible(page, 'pro-home-signed-in');
    expect(refused).toEqual([]);
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
