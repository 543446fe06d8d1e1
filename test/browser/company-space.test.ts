import { describe, expect, it } from 'vitest';
import { DIJON } from '../helpers/app.js';
import { failWithoutChromium, skipBrowserTests, useBrowserApp } from '../helpers/browser.js';

failWithoutChromium();

// Whole user journeys in a real browser: slow on a loaded 2-core machine.
describe.skipIf(skipBrowserTests)('an employer publishes an offer, in Chromium', { timeout: 90_000 }, () => {
  const session = useBrowserApp();
  const { originOf, openPage, expectAccessible } = session;

  it('signs up, verifies the e-mail, creates the company and an offer; the admin approves it; it is on the public list', async () => {
    const { page, problems } = await openPage(DIJON, { width: 1280, height: 900 });
    await page.goto(`${originOf(DIJON)}/compte/inscription`);
    await page.getByLabel('Prénom et nom').fill('Karim Benali');
    await page.getByLabel('Adresse e-mail').fill('karim.benali@exemple.fr');
    await page.getByLabel('Mot de passe').fill('la moutarde de dijon');
    await page.getByLabel('Je recrute pour une entreprise').check();
    await page.getByRole('button', { name: 'Créer mon compte' }).click();
    await page.waitForURL(`${originOf(DIJON)}/compte/inscription/envoye`);

    await session.app.app.mail.idle();
    await page.goto(`${originOf(DIJON)}/_dev/mail`);
    await page.getByRole('link', { name: /Confirmez votre adresse e-mail/ }).first().click();
    await page.locator('pre.mail-text a[href*="/compte/verification?jeton="]').click();
    await page.waitForURL(`${originOf(DIJON)}/compte/connexion?info=adresse-confirmee`);
    await page.getByLabel('Adresse e-mail').fill('karim.benali@exemple.fr');
    await page.getByLabel('Mot de passe').fill('la moutarde de dijon');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${originOf(DIJON)}/compte`);

    // The company, from the header link.
    await page.getByRole('link', { name: 'Mon entreprise' }).click();
    await page.waitForURL(`${originOf(DIJON)}/compte/entreprise/nouvelle`);
    await expectAccessible(page);
    await page.getByLabel('Nom de l’entreprise').fill('Épicerie Benali');
    await page.getByLabel('SIRET').fill('443 061 841 00047');
    await page.getByLabel('Code NAF (APE)').fill('47.11B');
    await page.getByLabel('Effectif (salariés)').fill('4');
    await page.getByLabel('Commune du siège').fill('21231');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForURL(`${originOf(DIJON)}/compte/entreprise?info=creee`);
    expect(await page.locator('main h1').textContent()).toBe('Épicerie Benali');

    // The offer form: a first attempt without the place shows the error, then it is saved.
    await page.getByRole('link', { name: 'Mes offres' }).first().click();
    await page.waitForURL(`${originOf(DIJON)}/compte/offres`);
    await page.getByRole('link', { name: 'Créer une offre' }).click();
    await page.waitForURL(`${originOf(DIJON)}/compte/offres/nouvelle`);
    await expectAccessible(page);
    await page.getByLabel('Intitulé du poste').fill('Employé·e polyvalent·e d’épicerie');
    await page.getByLabel('Description du poste').fill('Mise en rayon, caisse et conseil aux clients du quartier, dans une petite équipe.');
    await page.getByLabel('Type de contrat').selectOption('cdd');
    await page.getByLabel('Secteur').selectOption('commerce-vente');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForLoadState('load');
    expect(await page.getByRole('alert').textContent()).toContain('Indiquez le code INSEE de la commune');
    expect(await page.getByLabel('Intitulé du poste').inputValue()).toBe('Employé·e polyvalent·e d’épicerie');
    await page.getByLabel('Commune du poste (code INSEE)').fill('21231');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.waitForURL(`${originOf(DIJON)}/compte/offres?info=creee`);
    await expectAccessible(page);
    await page.getByRole('button', { name: /Soumettre à la relecture/ }).click();
    await page.waitForURL(`${originOf(DIJON)}/compte/offres?info=soumettre`);
    expect(await page.locator('main table').textContent()).toContain('En attente de relecture');

    // Dijon moderates: its admin approves the offer.
    const { page: adminPage } = await openPage(DIJON, { width: 1280, height: 900 });
    await adminPage.goto(`${originOf(DIJON)}/compte/connexion`);
    await adminPage.getByLabel('Adresse e-mail').fill('admin@dijon.demo');
    await adminPage.getByLabel('Mot de passe').fill('cordee-demo');
    await adminPage.getByRole('button', { name: 'Se connecter' }).click();
    await adminPage.waitForURL(`${originOf(DIJON)}/compte`);
    await adminPage.getByRole('link', { name: 'Administration' }).click();
    await adminPage.waitForURL(`${originOf(DIJON)}/admin/moderation`);
    await expectAccessible(adminPage);
    await adminPage.getByRole('link', { name: 'Employé·e polyvalent·e d’épicerie' }).click();
    await adminPage.getByRole('button', { name: 'Approuver et publier' }).click();
    await adminPage.waitForURL(`${originOf(DIJON)}/admin/moderation?info=approuvee`);

    // The employer sees it online, and so does everyone on the public list.
    await page.goto(`${originOf(DIJON)}/offres?tri=date`);
    const link = page.getByRole('link', { name: 'Employé·e polyvalent·e d’épicerie' });
    await expect.poll(() => link.count()).toBe(1);
    await link.click();
    await page.waitForURL(/\/offres\/[0-9a-f-]{36}$/);
    expect(await page.locator('main h1').textContent()).toBe('Employé·e polyvalent·e d’épicerie');
    expect(await page.locator('script[type="application/ld+json"]').count()).toBe(1);

    await page.waitForLoadState('networkidle');
    // The refused first attempt answered 400 on purpose (the form came back with its errors).
    const refusedOnPurpose = (p: string) => p.includes('/compte/offres/nouvelle') && p.includes('400');
    const real = problems.filter((p) => !refusedOnPurpose(p));
    expect(real, real.join('\n')).toEqual([]);
  });
});
