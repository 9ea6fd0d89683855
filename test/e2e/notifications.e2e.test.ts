import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAccessToken } from '../../src/services/access-token.ts';
import { DEMO_PATIENT, type SignInServer } from '../support/sign-in-server.ts';
import { expectAccessible, newPortalPage, signInPatient, startPortals, stopPortals } from './portal-session.ts';

let s: SignInServer;
let browser: Browser;

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
    ({ s, browser } = await startPortals({ notifications: true }));
  });
  afterAll(() => stopPortals({ s, browser }));

  it('a professional breaks the glass and the signed-in patient sees the notification arrive live, then marks it read', async () => {
    const page = await newPortalPage(browser);
    await signInPatient(page, s, { at: '/notifications' });
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
