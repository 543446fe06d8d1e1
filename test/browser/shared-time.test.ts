import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Worker } from '../../server/jobs/worker.js';
import { failWithoutChromium, skipBrowserTests, useBrowserApp } from '../helpers/browser.js';
import { GE, sharedTimeWorker } from '../helpers/shared-time.js';

failWithoutChromium();

// GE staff in a real browser, with the background worker running as in production.
describe.skipIf(skipBrowserTests)('GE staff combine two needs into a shared CDI, in Chromium', { timeout: 120_000 }, () => {
  const session = useBrowserApp();
  const { originOf, openPage, expectAccessible } = session;
  let worker: Worker;

  beforeAll(async () => {
    worker = sharedTimeWorker(session.app.app);
    await worker.start();
  });
  afterAll(async () => worker?.stop());

  it('validates two needs, sees the combination with its timetable, drafts the shared offer and publishes it', async () => {
    const { page, problems } = await openPage(GE, { width: 1280, height: 900 });
    const origin = originOf(GE);
    await page.goto(`${origin}/compte/connexion`);
    await page.getByLabel('Adresse e-mail').fill('admin@ge-occitanie.demo');
    await page.getByLabel('Mot de passe').fill('cordee-demo');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${origin}/compte`);

    // The drafts of the territory, from the header link.
    await page.getByRole('link', { name: 'Temps partagé', exact: true }).first().click();
    await page.waitForURL(`${origin}/temps-partage`);
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Besoins du territoire' }).click();
    await page.getByLabel('Statut').selectOption('draft');
    await page.getByRole('button', { name: 'Filtrer' }).click();
    await page.waitForURL(`${origin}/temps-partage/besoins?**`);
    await expectAccessible(page);
    for (const title of ['Conduite de ligne, atelier fromage', 'Conduite de presses à injecter']) {
      await page.getByRole('link', { name: title }).click();
      await page.getByRole('button', { name: 'Valider' }).click();
      await page.waitForURL(/info=valider/);
      expect(await page.getByRole('status').first().textContent()).toContain('Besoin validé');
      await page.goBack();
      await page.goBack();
      await page.reload();
    }

    // The worker recomputes in the background: the combination shows up on the overview.
    const pairTitle = 'Conduite de ligne, atelier fromage + Conduite de presses à injecter';
    await page.goto(`${origin}/temps-partage`);
    for (let i = 0; i < 40 && (await page.getByRole('link', { name: pairTitle }).count()) === 0; i++) {
      await page.waitForTimeout(250);
      await page.reload();
    }
    await page.getByRole('link', { name: pairTitle }).click();
    await page.waitForURL(/\/temps-partage\/propositions\//);
    const timetable = page.getByRole('img', { name: 'Emploi du temps de la semaine, toute l’année' });
    await expect(timetable.isVisible()).resolves.toBe(true);
    const rows = await page.locator('figure table tbody tr').allTextContents();
    expect(rows.map((r) => r.replace(/\s+/g, ' ').trim())).toContain('lundi05:0012:00Laiterie coopérative du LévézouPont-de-SalarsConduite de ligne, atelier fromage'.replace(/\s+/g, ' '));
    await expect(page.getByRole('img', { name: 'Heures sur 52 semaines' }).isVisible()).resolves.toBe(true);
    expect(await page.locator('main').textContent()).toContain('Régime hebdomadaire : chaque semaine entre 24 et 35 h (de 35 h à 35 h)');
    await expectAccessible(page);

    await page.getByLabel('Employeur (le groupement)').selectOption({ label: 'Groupement d’employeurs Aveyron-Lozère' });
    await page.getByRole('button', { name: 'Préparer l’offre' }).click();
    await page.waitForURL(/info=offre/);
    expect(await page.getByRole('status').first().textContent()).toContain('Brouillon d’offre créé');
    await page.getByRole('button', { name: 'Publier l’offre' }).click();
    await page.waitForURL(/info=publier/);
    await page.getByRole('link', { name: 'Voir l’offre en ligne' }).click();
    await page.waitForURL(/\/offres\/[0-9a-f-]{36}$/);
    expect(await page.locator('main h1').textContent()).toContain('en temps partagé – CDI 35 h/semaine');
    expect(await page.locator('.offer__places').textContent()).toBe('Lieux de travail : Pont-de-Salars (12290), Onet-le-Château (12000)');
    const ld = JSON.parse((await page.locator('script[type="application/ld+json"]').textContent())!);
    expect(ld.jobLocation).toHaveLength(2);
    await expectAccessible(page);
    expect(problems).toEqual([]);
  });
});

describe.skipIf(skipBrowserTests)('a member company declares a need, in Chromium', { timeout: 120_000 }, () => {
  const { originOf, openPage, expectAccessible } = useBrowserApp();

  it('fills the week grid, is told what is missing next to the field, and saves the need', async () => {
    const { page, problems } = await openPage(GE, { width: 1280, height: 900 });
    const origin = originOf(GE);
    await page.goto(`${origin}/compte/connexion`);
    await page.getByLabel('Adresse e-mail').fill('employeur@ge-occitanie.demo');
    await page.getByLabel('Mot de passe').fill('cordee-demo');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${origin}/compte`);
    await page.getByRole('link', { name: 'Temps partagé', exact: true }).click();
    await page.waitForURL(`${origin}/temps-partage/besoins`);
    await page.getByRole('link', { name: 'Déclarer un besoin' }).click();
    await expectAccessible(page);
    await page.getByLabel('Intitulé du besoin').fill('Lavage des cuves du soir');
    await page.getByLabel('Code métier ROME').fill('H2102');
    await page.getByRole('group', { name: 'Lieu 1' }).getByLabel('Commune (code INSEE)').fill('12185');
    await page.getByLabel('Période 1, mardi, créneau 1 : début').fill('17:00');
    await page.getByLabel('Période 1, mardi, créneau 1 : fin').fill('16:00');
    await page.getByRole('button', { name: 'Enregistrer le besoin' }).click();
    await page.waitForLoadState('load');
    const summary = await page.getByRole('alert').textContent();
    expect(summary).toContain('La fin doit suivre le début');
    expect(summary).toContain('Indiquez le salaire horaire brut de référence');
    expect(await page.getByLabel('Intitulé du besoin').inputValue()).toBe('Lavage des cuves du soir');
    await expectAccessible(page);
    await page.getByLabel('Période 1, mardi, créneau 1 : fin').fill('20:00');
    await page.getByLabel('Salaire horaire brut de référence (€)').fill('12,60');
    await page.getByRole('button', { name: 'Enregistrer le besoin' }).click();
    await page.waitForURL(/\/temps-partage\/besoins\/[0-9a-f-]{36}\?info=besoin-cree/);
    expect(await page.locator('main h1').textContent()).toBe('Lavage des cuves du soir');
    expect(await page.locator('main table tbody').first().textContent()).toContain('mardi17:0020:00Pont-de-Salars');
    await expectAccessible(page);
    // The refused post answers 422 on purpose (the form with its errors); nothing else may fail.
    const unexpected = problems.filter((problem) => !/422.*\/temps-partage\/besoins\/nouveau|\/temps-partage\/besoins\/nouveau.*422/.test(problem));
    expect(unexpected, unexpected.join('\n')).toEqual([]);
  });
});
