import { describe, expect, it } from 'vitest';
import { DIJON, MONTAGNE } from '../helpers/app.js';
import { failWithoutChromium, skipBrowserTests, useBrowserApp } from '../helpers/browser.js';

failWithoutChromium();

// The real app listening on 127.0.0.1; Chromium resolves *.localhost to the loopback by itself.
// Whole user journeys in a real browser: slow on a loaded 2-core machine.
describe.skipIf(skipBrowserTests)('accounts in Chromium', { timeout: 90_000 }, () => {
  const session = useBrowserApp();
  const { originOf, openPage, expectAccessible } = session;

  it('signs up, opens the development mailbox, follows the verification link, logs in and sees the account page', async () => {
    const { page, problems } = await openPage(MONTAGNE);
    const origin = originOf(MONTAGNE);
    await page.goto(`${origin}/`);
    await page.getByRole('link', { name: 'Créer un compte' }).click();
    await page.waitForURL(`${origin}/compte/inscription`);
    await expectAccessible(page);

    await page.getByLabel('Prénom et nom').fill('Élise Charvet');
    await page.getByLabel('Adresse e-mail').fill('elise.charvet@exemple.fr');
    await page.getByLabel('Mot de passe').fill('le téléski du matin');
    await page.getByLabel('Je recrute pour une entreprise').check();
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await page.waitForURL(`${origin}/compte/inscription/envoye`);
    expect(await page.locator('main h1').textContent()).toBe('Consultez votre messagerie');

    await session.app.app.mail.idle();
    await page.goto(`${origin}/_dev/mail`);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Confirmez votre adresse e-mail – Emploi Montagne' }).first().click();
    await page.waitForURL(/\/_dev\/mail\/[0-9a-f-]+$/);
    expect(await page.locator('main').textContent()).toContain('elise.charvet@exemple.fr');
    await page.locator('pre.mail-text a[href*="/compte/verification?jeton="]').click();

    await page.waitForURL(`${origin}/compte/connexion?info=adresse-confirmee`);
    expect(await page.getByRole('status').textContent()).toContain('Votre adresse e-mail est confirmée');
    await page.getByLabel('Adresse e-mail').fill('elise.charvet@exemple.fr');
    await page.getByLabel('Mot de passe').fill('le téléski du matin');
    await page.getByRole('button', { name: 'Se connecter' }).click();

    await page.waitForURL(`${origin}/compte`);
    expect(await page.locator('main h1').textContent()).toBe('Mon compte');
    expect(await page.locator('main dl').textContent()).toContain('Élise Charvet');
    expect(await page.locator('main dl').textContent()).toContain('Employeur');
    await expect.poll(() => page.getByRole('link', { name: /Mon compte/ }).count()).toBe(1);
    await expectAccessible(page);

    // Log-out from the account page: the account page then asks to log in again.
    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(`${origin}/compte/connexion?info=deconnexion`);
    await page.goto(`${origin}/compte`);
    expect(new URL(page.url()).pathname).toBe('/compte/connexion');

    await page.waitForLoadState('networkidle');
    // No console error (CSP included) nor failing request on the way.
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('shows a refused form with its errors: summary focused, messages tied to the fields, values kept', async () => {
    const { page } = await openPage(DIJON);
    const origin = originOf(DIJON);
    await page.goto(`${origin}/compte/inscription`);
    await page.getByLabel('Prénom et nom').fill('Yanis');
    await page.getByLabel('Adresse e-mail').fill('yanis@');
    await page.getByLabel('Mot de passe').fill('court');
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await page.waitForLoadState('load');

    expect(await page.title()).toMatch(/^Erreur : Créer un compte/);
    const summary = page.getByRole('alert');
    expect(await summary.textContent()).toContain('Le formulaire contient des erreurs');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('resume-erreurs');
    expect(await page.getByLabel('Adresse e-mail').inputValue()).toBe('yanis@');
    expect(await page.getByLabel('Prénom et nom').inputValue()).toBe('Yanis');
    expect(await page.getByLabel('Mot de passe').inputValue()).toBe('');
    const description = await page.getByLabel('Adresse e-mail').evaluate((input) =>
      (input.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent?.trim()).join(' | '),
    );
    expect(description).toContain('Saisissez une adresse e-mail valide');
    // The summary links move to the field.
    await summary.getByRole('link', { name: /adresse e-mail valide/ }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('champ-email');
    await expectAccessible(page);
  });
});
