import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAccessToken } from '../../src/services/access-token.ts';
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

/** A demo professional breaks the glass on the patient's space through the API (as their software would). */
async function emergencyAccessByProfessional(): Promise<void> {
  const pharmacist = s.demo.professionals[2]!;
  const token = await issueAccessToken(s.platform.tokenKeys, {
    kind: 'professional', accountId: pharmacist.accountId, displayName: pharmacist.displayName, rpps: pharmacist.rpps,
    profession: 'G15:21', specialty: null, structure: { finess: '750000036', name: pharmacist.structureName ?? '' },
  }, 300, new Date());
  const res = await fetch(`${s.baseUrl}/api/dossiers/${s.dossierId}/emergency-access`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ mode: 'bris_de_glace', reason: 'Malaise grave à l’officine' }),
  });
  expect(res.status).toBe(201);
}

describe('notification centre in Chromium', () => {
  beforeAll(async () => {
    if (!existsSync(`${WEB_ROOT}/index.html`)) throw new Error('dist/web is missing: run `npm run build:web` (npm test does it)');
    s = await startSignInServer({ webRoot: WEB_ROOT, notifications: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('a professional breaks the glass and the signed-in patient sees the notification arrive live, then marks it read', async () => {
    const page = await (await browser.newContext({ locale: 'fr-FR' })).newPage();
    await page.goto(`${s.baseUrl}/notifications`);
    await page.getByRole('button', { name: 'Se connecter' }).first().click();
    await page.waitForSelector('#email');
    await page.fill('#email', DEMO_PATIENT.email);
    await page.fill('#password', s.demo.password);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.waitForSelector('#code');
    await page.fill('#code', await oneTimeCode());
    await page.getByRole('button', { name: 'Valider le code' }).click();
    await page.waitForURL(`${s.baseUrl}/notifications`);
    await expect.poll(() => page.getByTestId('unread-summary').textContent(), { timeout: 15_000 }).toBe('Toutes vos notifications sont lues.');
    await expect.poll(() => page.textContent('main')).toContain('Vous n’avez aucune notification pour le moment.');
    await expectAccessible(page, 'patient-notifications-empty');

    // The page stays open; the professional acts, the dispatcher delivers: the item appears without reload.
    await emergencyAccessByProfessional();
    await s.dispatcher.runOnce();
    const item = page.getByTestId('notification-list').getByRole('listitem').first();
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain('Sophie Moreau (Pharmacien) a accédé en urgence (bris de glace) à votre dossier');
    await expect.poll(() => page.getByTestId('unread-summary').textContent()).toBe('Vous avez 1 notification non lue.');
    await expect.poll(() => page.getByTestId('notification-bell').first().textContent()).toContain('1 non lue');
    await expectAccessible(page, 'patient-notifications-live');
    // Watching the centre: no e-mail was needed.
    expect((await s.db.query(`SELECT 1 FROM outbox WHERE kind = 'email' AND payload->>'to' = $1 AND payload->>'subject' LIKE 'Un nouvel%'`, [DEMO_PATIENT.email])).rowCount).toBe(0);

    await item.getByRole('button', { name: 'Marquer comme lue' }).click();
    await expect.poll(() => page.getByTestId('unread-summary').textContent()).toBe('Toutes vos notifications sont lues.');
    await expect.poll(() => page.getByTestId('notification-bell').first().textContent()).toContain('aucune non lue');
    expect(await item.getByRole('button', { name: 'Marquer comme lue' }).count()).toBe(0);

    // Preferences: e-mail for new documents off, saved.
    // DSFR draws the box on the label: click it, as a person does.
    await page.locator('label', { hasText: 'Nouveau document dans le dossier' }).click();
    expect(await page.getByLabel('Nouveau document dans le dossier').isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Enregistrer mes préférences' }).click();
    await expect.poll(() => page.textContent('main')).toContain('Vos préférences ont été enregistrées.');
    await expectAccessible(page, 'patient-notifications-read');
    const saved = await s.db.query<{ kind: string; email: boolean }>('SELECT kind, email FROM notification_preference');
    expect(saved.rows).toContainEqual({ kind: 'document.added', email: false });

    // Home: the latest notifications.
    await page.getByRole('link', { name: 'Accueil' }).first().click();
    await expect.poll(() => page.textContent('main'), { timeout: 15_000 }).toContain('Dernières notifications');
    await expect.poll(() => page.textContent('main')).toContain('a accédé en urgence (bris de glace) à votre dossier');
    await expectAccessible(page, 'patient-home-latest-notifications');
    await page.close();
  });
});
