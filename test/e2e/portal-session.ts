import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEMO_PATIENT, startSignInServer, type SignInServer } from '../support/sign-in-server.ts';
import { keepScreenshot, launchChromium, seriousViolations } from './browser.ts';

/**
 * What the browser tests share: the built portals, signing in on each portal as a person does, the page
 * checks (screenshot + axe) and moving through a page from the keyboard.
 */

export const WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** The tests serve dist/web: say how to get it rather than fail on a blank page. */
export function assertPortalsBuilt(): void {
  if (!existsSync(`${WEB_ROOT}/index.html`)) throw new Error('dist/web is missing: run `npm run build:web` (npm test does it)');
}

export type Portals = { s: SignInServer; browser: Browser };

/** The application serving the built portals (demo accounts seeded) and a Chromium to drive them. */
export async function startPortals(options: Omit<NonNullable<Parameters<typeof startSignInServer>[0]>, 'webRoot'> = {}): Promise<Portals> {
  assertPortalsBuilt();
  const s = await startSignInServer({ ...options, webRoot: WEB_ROOT });
  try {
    return { s, browser: await launchChromium() };
  } catch (err) {
    await s.close();
    throw err;
  }
}

/** Closes what startPortals opened (either may be missing when the start failed). */
export async function stopPortals(portals: Partial<Portals>): Promise<void> {
  await portals.browser?.close();
  await portals.s?.close();
}

/** A page in a browser context of its own (its own cookies and session storage: one person). */
export async function newPortalPage(browser: Browser, options: { acceptDownloads?: boolean } = {}): Promise<Page> {
  return (await browser.newContext({ locale: 'fr-FR', ...options })).newPage();
}

/** Keeps a screenshot of the page as shown (test-results/NAME.png), then axe: no serious or critical violation. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  await keepScreenshot(page, name);
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
}

const CODE_MAILS = "SELECT body_text FROM dev_mail WHERE to_address = $1 AND subject LIKE 'Votre code de connexion%' ORDER BY sent_at DESC";

/** How many sign-in codes `email` has received in the development mailbox. */
export async function codeMailCount(s: SignInServer, email: string = DEMO_PATIENT.email): Promise<number> {
  return (await s.db.query(CODE_MAILS, [email])).rowCount ?? 0;
}

/**
 * The one-time code of the sign-in e-mail sent after the `seen` first ones, read from the development
 * mailbox once the dispatcher has delivered it (a round is run here; a running dispatcher may beat it).
 */
export async function oneTimeCode(s: SignInServer, email: string = DEMO_PATIENT.email, seen = 0): Promise<string> {
  let latest = '';
  await expect.poll(async () => {
    await s.dispatcher.runOnce();
    const mails = await s.db.query<{ body_text: string }>(CODE_MAILS, [email]);
    latest = mails.rows[0]?.body_text ?? '';
    return mails.rows.length;
  }, { timeout: 15_000 }).toBeGreaterThan(seen);
  return /(\d{6})/.exec(latest)![1]!;
}

/** Screenshot + axe names for the sign-in pages, for the tests that check them. */
export type SignInPages = { signedOut?: string; password?: string; code?: string };

/**
 * The demo patient signs in from `at` (opened unless the page is already there): e-mail, password, then
 * the code e-mailed to them. Resolves once the portal is back on `at`, signed in.
 */
export async function signInPatient(page: Page, s: SignInServer, options: { at?: string; check?: SignInPages; email?: string } = {}): Promise<void> {
  const email = options.email ?? DEMO_PATIENT.email;
  const at = options.at ?? '/';
  if (page.url() === 'about:blank' || new URL(page.url()).pathname !== at) await page.goto(`${s.baseUrl}${at}`);
  const signIn = page.getByRole('button', { name: 'Se connecter' }).first();
  await signIn.waitFor();
  if (options.check?.signedOut) await expectAccessible(page, options.check.signedOut);
  await signIn.click();
  await page.waitForSelector('#email');
  if (options.check?.password) await expectAccessible(page, options.check.password);
  await page.fill('#email', email);
  await page.fill('#password', s.demo.password);
  // Counted for this address: the code awaited is the one sent to `email`, not to the demo patient.
  const seen = await codeMailCount(s, email);
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.waitForSelector('#code');
  if (options.check?.code) await expectAccessible(page, options.check.code);
  await page.fill('#code', await oneTimeCode(s, email, seen));
  await page.getByRole('button', { name: 'Valider le code' }).click();
  try {
    await page.waitForURL(`${s.baseUrl}${at}`, { timeout: 20_000 });
  } catch (err) {
    // Say where the flow stopped (an error page, a refused code) rather than only that it timed out.
    throw new Error(`sign-in did not come back to ${at}: at ${page.url()}, showing « ${(await page.textContent('body'))?.slice(0, 500)} »`, { cause: err });
  }
}

/**
 * A professional signs in on /pro by picking their demo card (the development stand-in for the CPS card).
 * Resolves once the portal is back on /pro with the search form shown.
 */
export async function signInProfessional(page: Page, s: SignInServer, rpps: string, options: { check?: { signedOut?: string; cards?: string } } = {}): Promise<void> {
  await page.goto(`${s.baseUrl}/pro`);
  if (options.check?.signedOut) await expectAccessible(page, options.check.signedOut);
  await page.getByRole('button', { name: 'Se connecter' }).first().click();
  const card = page.getByRole('button', { name: new RegExp(`RPPS ${rpps}`) });
  await card.waitFor();
  if (options.check?.cards) await expectAccessible(page, options.check.cards);
  await card.click();
  await page.waitForURL(`${s.baseUrl}/pro`);
  await page.locator('#ins').waitFor({ timeout: 15_000 });
}

/** The demo professional whose name ends with `family` (Lambert, Benali, Moreau, Girard, Haddad). */
export function demoProfessional(s: SignInServer, family: string): SignInServer['demo']['professionals'][number] {
  const found = s.demo.professionals.find((p) => p.displayName.endsWith(family));
  if (!found) throw new Error(`no demo professional named ${family}`);
  return found;
}

/** An INS as a professional types it from the card: in groups (1 85 05 75 123 456 78). */
export const insAsTyped = (ins: string): string => ins.replace(/^(\d)(\d{2})(\d{2})(\d{2})(\d{3})(\d{3})(\d{2})$/, '$1 $2 $3 $4 $5 $6 $7');

export const mainHeading = (page: Page) => page.locator('main h1').first().textContent();

/** On the professional search page: finds the patient by INS and opens their record (heading `NOM Prénom`). */
export async function openPatientRecord(page: Page, s: SignInServer, ins: string, heading: string): Promise<void> {
  await page.fill('#ins', insAsTyped(ins));
  await page.getByRole('button', { name: 'Rechercher' }).click();
  await page.getByRole('button', { name: /Ouvrir le dossier/ }).click();
  await page.waitForURL(`${s.baseUrl}/pro/patient`);
  await expect.poll(() => mainHeading(page)).toBe(heading);
}

const isFocused = (target: Locator) => target.evaluate((el) => el === document.activeElement);

/** Presses Tab until `target` has the focus (from wherever the focus is), failing after `max` stops. */
export async function tabTo(page: Page, target: Locator, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await isFocused(target)) return;
    await page.keyboard.press('Tab');
  }
  if (!(await isFocused(target))) throw new Error(`Tab never reached ${target.toString()}`);
}

/** Keyboard only: Tab to `target`, then Enter (as a person who does not use a mouse). */
export async function pressWithKeyboard(page: Page, target: Locator, max = 60): Promise<void> {
  await tabTo(page, target, max);
  await page.keyboard.press('Enter');
}

/**
 * From now on, the document bytes (GET /fhir/R4/Binary/…, 200) the page receives, as the server sends them.
 * The portals show documents from blob: URLs, and their CSP refuses fetch() of blob: URLs (connect-src
 * 'self'): a test compares these bytes instead, then checks the frame shows a blob: URL.
 */
export async function documentBytesServed(page: Page): Promise<Buffer[]> {
  const served: Buffer[] = [];
  await page.route(/\/fhir\/R4\/Binary\//, async (route) => {
    const response = await route.fetch();
    if (route.request().method() === 'GET' && response.status() === 200) served.push(await response.body());
    await route.fulfill({ response });
  });
  return served;
}
