import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/db/seed/demo-seed.js';
import { stableUuid } from '../../server/db/seed/random.js';
import { DIJON } from '../helpers/app.js';
import { failWithoutChromium, horizontalOverflow, skipBrowserTests, useBrowserApp } from '../helpers/browser.js';

failWithoutChromium();

const id = (name: string) => stableUuid(`dijon:collaboration:${name}`);

/**
 * Every page of the collaborative board, as each role reaches it with the demo data, at phone and
 * desktop widths: axe-core finds no serious or critical violation, nothing overflows sideways,
 * nothing fails in the console. Forms are shown refused once too (errors next to the fields).
 */
describe.skipIf(skipBrowserTests)('collaborative board pages in Chromium', { timeout: 240_000 }, () => {
  const session = useBrowserApp();
  const { originOf, openPage, expectAccessible } = session;

  async function logIn(page: Page, email: string) {
    await page.goto(`${originOf(DIJON)}/compte/connexion`);
    await page.getByLabel('Adresse e-mail').fill(email);
    await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${originOf(DIJON)}/compte`);
  }

  async function walk(email: string, paths: string[]) {
    for (const width of [375, 1366]) {
      const { page, problems } = await openPage(DIJON, { width, height: 900 });
      await logIn(page, email);
      for (const path of paths) {
        const response = await page.goto(`${originOf(DIJON)}${path}`);
        expect(response?.status(), `${path} at ${width}px`).toBe(200);
        await expectAccessible(page);
        const overflow = await horizontalOverflow(page);
        expect(overflow.scrollWidth, `${path} at ${width}px: ${overflow.offenders.join(', ')}`).toBeLessThanOrEqual(overflow.innerWidth);
      }
      expect(problems, problems.join('\n')).toEqual([]);
    }
  }

  it('the counsellor’s pages', async () => {
    const ines = stableUuid('dijon:user:jeune@dijon.demo');
    await walk('conseiller@dijon.demo', [
      '/conseiller',
      '/conseiller/inviter',
      `/conseiller/jeunes/${ines}`,
      `/conseiller/jeunes/${ines}/suivi`,
      `/conseiller/jeunes/${ines}/note`,
      `/conseiller/jeunes/${ines}/rendez-vous`,
      `/conseiller/jeunes/${ines}/collegues`,
      `/conseiller/jeunes/${ines}/proposer-offre`,
      `/conseiller/jeunes/${ines}/recommander`,
      `/messages/${id('thread:accompaniment:jeune@dijon.demo')}`,
      `/messages/${id('thread:partnership')}`,
      '/messages',
      '/messages/reglages',
      '/compte/cvtheque',
    ]);
  });

  it('the young person’s pages', async () => {
    await walk('jeune@dijon.demo', [
      '/compte/accompagnement',
      '/compte/accompagnement/consentement-parental',
      '/compte/candidat',
      '/messages',
      `/messages/${id('thread:application:ines')}`,
      `/messages/signaler/${id('message:app-ines-1')}`,
    ]);
  });

  it('the employer’s and the admin’s pages', async () => {
    const lucas = stableUuid('dijon:user:lucas.bernard@jeunes.dijon.example');
    await walk('employeur@dijon.demo', [
      `/compte/candidatures/${id('application:lucas')}`,
      `/compte/candidatures/${id('application:ines')}`,
      '/compte/cvtheque',
      `/messages/cvtheque/${lucas}`,
      '/messages',
    ]);
    await walk('admin@dijon.demo', ['/admin/signalements', '/admin/conseillers', '/admin/conseillers/nouveau']);
  });

  it('refused forms show their errors accessibly (report without a reason, empty message)', async () => {
    const { page, problems } = await openPage(DIJON, { width: 375, height: 900 });
    await logIn(page, 'jeune@dijon.demo');
    await page.goto(`${originOf(DIJON)}/messages/signaler/${id('message:app-ines-1')}`);
    await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('.error-summary').textContent()).toContain('Choisissez un motif.');
    await expectAccessible(page);
    await page.goto(`${originOf(DIJON)}/messages/${id('thread:application:ines')}`);
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('.error-summary').textContent()).toContain('Écrivez un message');
    await expectAccessible(page);
    // The refused posts answer 400 (reported twice: the response and Chromium's console): expected here.
    expect(problems.filter((p) => !/\b400\b/.test(p)), problems.join('\n')).toEqual([]);
  });

  it('a visitor reports an offer from its public form', async () => {
    const { page, problems } = await openPage(DIJON);
    const offer = await session.app.db.admin
      .selectFrom('offers')
      .select('id')
      .where('tenant_id', '=', 'dijon')
      .where('status', '=', 'published')
      .where('expires_at', '>', new Date())
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await page.goto(`${originOf(DIJON)}/offres/${offer.id}/signaler`);
    await expectAccessible(page);
    await page.getByLabel('Offre frauduleuse').check();
    await page.getByLabel('Précisions (facultatif)').fill('On me demande de payer une formation.');
    await page.getByRole('button', { name: 'Envoyer le signalement' }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('main h1').textContent()).toBe('Signalement envoyé');
    await expectAccessible(page);
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
