import { describe, expect, it } from 'vitest';
import { MONTAGNE } from '../helpers/app.js';
import { failWithoutChromium, skipBrowserTests, useBrowserApp } from '../helpers/browser.js';
import { DEMO_PASSWORD } from '../helpers/company-space.js';
import { csvFile } from '../helpers/feed-fixtures.js';

failWithoutChromium();

describe.skipIf(skipBrowserTests)('feeds in Chromium: a company imports its offers, the admin manages exports', { timeout: 90_000 }, () => {
  const session = useBrowserApp();
  const { originOf, openPage, expectAccessible } = session;

  async function logIn(email: string) {
    const { page, problems } = await openPage(MONTAGNE, { width: 1280, height: 900 });
    await page.goto(`${originOf(MONTAGNE)}/compte/connexion`);
    await page.getByLabel('Adresse e-mail').fill(email);
    await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${originOf(MONTAGNE)}/compte`);
    return { page, problems };
  }

  it('sends a CSV file, reads the feed’s health, and adds a URL source after a refused address', async () => {
    const { page, problems } = await logIn('employeur@montagne.demo');
    await page.goto(`${originOf(MONTAGNE)}/compte/offres`);
    await page.getByRole('link', { name: 'Importer mes offres (flux)' }).click();
    await page.waitForURL(`${originOf(MONTAGNE)}/compte/flux`);
    await expectAccessible(page);

    await page.getByRole('link', { name: 'Envoyer un fichier' }).click();
    await expectAccessible(page);
    await page.getByRole('combobox', { name: /^Format/ }).selectOption('csv');
    const csv = csvFile([
      { reference: 'B-1', titre: 'Loueur de skis', description: 'Réglage et location du matériel de ski aux vacanciers de la station.', contrat: 'Saisonnier', code_postal: '74400', commune: 'Chamonix' },
      { reference: 'B-2', titre: 'Agent', description: 'Trop court.', contrat: 'CDI', code_postal: '74400' },
    ]);
    await page.getByLabel('Fichier').setInputFiles({ name: 'offres.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Importer le fichier' }).click();
    await page.waitForURL(/\/compte\/flux\/[0-9a-f-]{36}\?info=fichier$/);
    await expectAccessible(page);
    expect(await page.getByRole('status').first().textContent()).toContain('Fichier importé');
    const rejections = page.getByRole('table', { name: 'Offres rejetées au dernier relevé' });
    expect(await rejections.textContent()).toContain('La description doit contenir au moins 20 caractères de texte');

    await page.getByRole('link', { name: '← Tous les flux' }).click();
    await page.getByRole('link', { name: 'Ajouter un flux (adresse web)' }).click();
    await page.getByLabel('Nom du flux').fill('Logiciel de recrutement');
    await page.getByRole('combobox', { name: /^Format/ }).selectOption('aggregator_xml');
    await page.getByLabel('Adresse du flux').fill('http://192.168.1.20/flux.xml');
    await page.getByRole('button', { name: 'Ajouter le flux' }).click();
    await page.waitForLoadState('load');
    expect(await page.getByRole('alert').textContent()).toContain('Cette adresse désigne un réseau privé ou ce serveur');
    await expectAccessible(page);
    expect(await page.getByLabel('Nom du flux').inputValue()).toBe('Logiciel de recrutement');
    await page.getByLabel('Adresse du flux').fill('https://recrutement.houches.example/flux.xml');
    await page.getByRole('button', { name: 'Ajouter le flux' }).click();
    await page.waitForURL(/\/compte\/flux\/[0-9a-f-]{36}\?info=ajoute$/);
    expect(await page.locator('main h1').textContent()).toBe('Logiciel de recrutement');
    await expectAccessible(page);
    // The refused address answered 422 on purpose (the form came back with its error).
    const real = problems.filter((p) => !(p.includes('/compte/flux/nouveau') && p.includes('422')));
    expect(real, real.join('\n')).toEqual([]);
  });

  it('lets the admin see every source, the exports, and create a partner key shown once', async () => {
    const { page, problems } = await logIn('admin@montagne.demo');
    await page.goto(`${originOf(MONTAGNE)}/admin/flux`);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Préparer le fichier du jour' }).click();
    await page.waitForURL(`${originOf(MONTAGNE)}/admin/flux?info=france-travail`);
    expect(await page.getByRole('link', { name: /^Fichier du \d{4}-\d{2}-\d{2}$/ }).count()).toBe(1);
    await page.getByRole('link', { name: 'Gérer les clés d’API des sites partenaires' }).click();
    await expectAccessible(page);
    await page.getByLabel('Nom du partenaire').fill('Office de tourisme');
    await page.getByRole('button', { name: 'Créer la clé' }).click();
    await page.waitForLoadState('load');
    const key = await page.locator('code.break-word').textContent();
    expect(key).toMatch(/^cdk_/);
    await expectAccessible(page);
    const response = await session.app.app.inject({ url: '/api/v1/partner/offers?per_page=1', headers: { host: MONTAGNE, 'x-api-key': key! } });
    expect(response.statusCode).toBe(200);
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
