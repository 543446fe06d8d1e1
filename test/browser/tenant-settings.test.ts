import { describe, expect, it } from 'vitest';
import { MONTAGNE } from '../helpers/app.js';
import { failWithoutChromium, skipBrowserTests, useBrowserApp } from '../helpers/browser.js';

failWithoutChromium();

describe.skipIf(skipBrowserTests)('the tenant admin changes the site settings, in Chromium', { timeout: 90_000 }, () => {
  const session = useBrowserApp();
  const { originOf, openPage, expectAccessible } = session;

  it('shows file and current values, refuses a wrong lifetime next to its field, then applies the phone at once', async () => {
    const origin = originOf(MONTAGNE);
    const { page, problems } = await openPage(MONTAGNE, { width: 1280, height: 900 });
    await page.goto(`${origin}/compte/connexion`);
    await page.getByLabel('Adresse e-mail').fill('admin@montagne.demo');
    await page.getByLabel('Mot de passe').fill('cordee-demo');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${origin}/compte`);
    await page.goto(`${origin}/admin/parametres`);
    await expect.poll(() => page.locator('main h1').textContent()).toBe('Paramètres du site');
    await expectAccessible(page);

    await page.getByLabel('Durée de publication des offres, en jours').fill('0');
    await page.getByRole('button', { name: 'Enregistrer les paramètres' }).click();
    await expect.poll(() => page.locator('.error-summary').textContent()).toContain('Durée de publication des offres : indiquez un nombre entier de jours entre 1 et 365.');
    await expectAccessible(page);

    await page.getByLabel('Durée de publication des offres, en jours').fill('30');
    await page.getByLabel('Numéro de téléphone (un numéro vert par exemple)').fill('0 800 11 22 33');
    await page.getByRole('group', { name: 'Relecture des offres avant publication' }).getByLabel('Désactivée').check();
    await page.getByRole('button', { name: 'Enregistrer les paramètres' }).click();
    await page.waitForURL(`${origin}/admin/parametres?info=enregistres`);
    expect(await page.locator('footer').textContent()).toContain('0 800 11 22 33');
    await expectAccessible(page);
    // The refused post answered 400 on purpose; nothing else may fail.
    const unexpected = problems.filter((problem) => !/400.*\/admin\/parametres|\/admin\/parametres.*400/.test(problem));
    expect(unexpected, unexpected.join('\n')).toEqual([]);
  });
});
