import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../server/db/seed/demo-seed.js';
import { MONTAGNE } from '../helpers/app.js';
import { livePlatformOffer } from '../helpers/applications.js';
import { failWithoutChromium, skipBrowserTests, useBrowserApp } from '../helpers/browser.js';
import { PDF } from '../helpers/multipart-form.js';

failWithoutChromium();

describe.skipIf(skipBrowserTests)('applications in Chromium', { timeout: 120_000 }, () => {
  const session = useBrowserApp();
  const { originOf, openPage, expectAccessible } = session;

  it('a candidate searches and applies with a PDF, the employer moves it to "interview", the candidate sees it', async () => {
    const origin = originOf(MONTAGNE);
    const db = session.app.db.admin;
    // A live offer of the demo employer, applied to on the platform.
    const offer = await livePlatformOffer(db, 'montagne', 'employeur@montagne.demo');

    // The candidate, signed in, searches and applies.
    const { page: candidate, problems } = await openPage(MONTAGNE);
    await candidate.goto(`${origin}/compte/connexion`);
    await candidate.getByLabel('Adresse e-mail').fill('candidat@montagne.demo');
    await candidate.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await candidate.getByRole('button', { name: 'Se connecter' }).click();
    await candidate.waitForURL(`${origin}/compte`);
    await candidate.goto(`${origin}/offres?q=${encodeURIComponent(offer.title)}`);
    await candidate.locator(`a[href="/offres/${offer.id}"]`).first().click();
    await candidate.waitForURL(`${origin}/offres/${offer.id}`);
    await candidate.getByRole('link', { name: 'Postuler en ligne' }).click();
    await candidate.waitForURL(`${origin}/offres/${offer.id}/candidater`);
    await expectAccessible(candidate);
    await candidate.getByLabel('Téléphone').fill('06 12 34 56 78');
    await candidate.locator('#champ-cv').setInputFiles({ name: 'CV Léa.pdf', mimeType: 'application/pdf', buffer: PDF });
    await candidate.getByLabel(/J’accepte que/).check();
    await candidate.getByRole('button', { name: 'Envoyer ma candidature' }).click();
    await candidate.waitForURL(new RegExp(`/offres/${offer.id}/candidater/envoyee`));
    expect(await candidate.locator('main h1').textContent()).toBe('Candidature envoyée');

    // The employer sees it in the pipeline and moves it to "interview".
    const { page: employer } = await openPage(MONTAGNE);
    await employer.goto(`${origin}/compte/connexion`);
    await employer.getByLabel('Adresse e-mail').fill('employeur@montagne.demo');
    await employer.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await employer.getByRole('button', { name: 'Se connecter' }).click();
    await employer.waitForURL(`${origin}/compte`);
    await employer.goto(`${origin}/compte/offres/${offer.id}/candidatures`);
    await expectAccessible(employer);
    await employer.locator('table a[href^="/compte/candidatures/"]').first().click();
    await employer.waitForURL(/\/compte\/candidatures\/[0-9a-f-]{36}$/);
    await expectAccessible(employer);
    await employer.getByLabel('Nouveau statut').selectOption('interview');
    await employer.getByRole('button', { name: 'Changer le statut' }).click();
    await employer.waitForLoadState('load');
    expect(await employer.locator('main dl').textContent()).toContain('Entretien');

    // The candidate sees the new status in their space.
    await candidate.goto(`${origin}/compte/candidat`);
    await expectAccessible(candidate);
    expect(await candidate.locator('#candidatures ~ table, section:has(#candidatures) table').first().textContent()).toContain('Entretien');
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
