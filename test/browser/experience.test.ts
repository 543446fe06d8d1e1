import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIJON, MONTAGNE } from '../helpers/app.js';
import { DESKTOP, failWithoutChromium, horizontalOverflow, PHONE, screenshot, skipBrowserTests } from '../helpers/browser.js';
import { createCompany, DEMO_PASSWORD } from '../helpers/company-space.js';
import { insertLiveOffer } from '../helpers/offers.js';
import { useBrowserAppWithMap } from '../helpers/tiles.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NBSP = '\u00a0';

failWithoutChromium();

// The job seeker's experience (issue #18) in Chromium: cards, grouping, the offer page on a phone,
// saving offers, the map on a local tile server, similar offers. The pages' clock is fixed (midday in
// Paris on the day the file runs) and this file's offers are dated from it.
describe.skipIf(skipBrowserTests)('the job seeker’s experience in Chromium', { timeout: 180_000 }, () => {
  const { session, tiles, clock } = useBrowserAppWithMap();
  const { originOf, openPage, expectAccessible } = session;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const db = session.app.db.admin;
    const company = await createCompany(session.app, 'montagne', 'Lacs et Glaciers');
    const base = { sector: 'remontees-mecaniques', rome_code: 'N4402', contract: 'seasonal' as const };
    ids.fresh = await insertLiveOffer(db, 'montagne', company, {
      ...base,
      title: 'Vigie des lacs gelés H/F',
      commune: '74143',
      salary_min: 12.3,
      salary_max: 13.8,
      salary_unit: 'hour',
      hours_per_week: 35,
      housing: 'provided',
      publishedAt: new Date(clock.getTime() - HOUR),
    });
    ids.older = await insertLiveOffer(db, 'montagne', company, {
      ...base,
      title: 'Vigie des lacs gelés H/F',
      commune: '74056',
      salary_min: 1850,
      salary_max: 2100,
      salary_unit: 'month',
      working_time: 'part_time',
      hours_per_week: 24,
      publishedAt: new Date(clock.getTime() - 3 * DAY),
    });
    // Three posts of one job at Les Houches: one card.
    for (const n of [1, 2, 3]) {
      ids[`post${n}`] = await insertLiveOffer(db, 'montagne', company, { ...base, title: 'Gardien du téléphérique des cimes H/F', commune: '74143', publishedAt: new Date(clock.getTime() - n * HOUR) });
    }
    // Similar to "Vigie": the same trade nearby, another company.
    const other = await createCompany(session.app, 'montagne', 'Téléskis du Prarion');
    ids.similar = await insertLiveOffer(db, 'montagne', other, { ...base, title: 'Vigie du Prarion H/F', commune: '74143', publishedAt: new Date(clock.getTime() - 2 * DAY) });
  });

  /** Every problem the browser saw (console, CSP, failed requests), but the 410 a closed offer answers on purpose. */
  const clean = (problems: string[]) => problems.filter((p) => !p.startsWith('HTTP 410') && !p.includes('status of 410 (Gone)'));

  it('result cards: pay, hours, housing, distance, freshness in <time>, "nouveau", initials, chips and French plurals', async ({ annotate }) => {
    const { page, problems } = await openPage(MONTAGNE, DESKTOP);
    await page.goto(`${originOf(MONTAGNE)}/offres?q=${encodeURIComponent('vigie lacs gelés')}&lieu=Chamonix&rayon=20&tri=date`);
    expect(await page.locator('.result-count').textContent()).toContain('2 offres trouvées');
    const fresh = page.locator(`[data-offer-card="${ids.fresh}"]`);
    const freshText = (await fresh.textContent())!.replace(/[ \t\r\n]+/g, ' ');
    expect(freshText).toContain(`12,30–13,80${NBSP}€${NBSP}brut/h`);
    expect(freshText).toContain('Temps plein · 35 h/sem.');
    expect(freshText).toContain('Logement fourni');
    expect(freshText).toMatch(/Les Houches \(74310\) · à \d+,\d km/);
    expect(await fresh.locator('.badge--new').textContent()).toBe('Nouveau');
    expect(await fresh.locator('time').textContent()).toBe('aujourd’hui');
    expect(await fresh.locator('time').getAttribute('datetime')).toBe(new Date(clock.getTime() - HOUR).toISOString());
    expect(await fresh.locator('.offer-card__initials').textContent()).toBe('LG');

    const older = page.locator(`[data-offer-card="${ids.older}"]`);
    const olderText = (await older.textContent())!.replace(/[ \t\r\n]+/g, ' ');
    expect(olderText).toContain(`1${'\u202f'}850–2${'\u202f'}100${NBSP}€${NBSP}brut/mois`);
    expect(olderText).toContain('Temps partiel · 24 h/sem.');
    expect(olderText).not.toContain('Logement');
    expect(await older.locator('time').textContent()).toBe('il y a 3 jours');
    expect(await older.locator('.badge--new').count()).toBe(0);
    await expectAccessible(page);
    await screenshot(page, 'experience', 'cards-desktop', annotate);

    // Removing the place chip: the same words, every place.
    await page.getByRole('link', { name: /Chamonix-Mont-Blanc \(74400\) \(20 km\)/ }).click();
    await page.waitForURL((url) => !url.search.includes('lieu'));
    expect(new URL(page.url()).searchParams.get('q')).toBe('vigie lacs gelés');
    await page.goto(`${originOf(MONTAGNE)}/offres?q=${encodeURIComponent('vigie lacs gelés')}&contrat=seasonal&logement=provided`);
    expect((await page.locator('.result-count').textContent())!.trim()).toBe('1 offre trouvée');
    expect(clean(problems), problems.join('\n')).toEqual([]);
  });

  it('duplicate grouping: three posts of one job are one card, "3 postes à pourvoir", leading to the offers', async ({ annotate }) => {
    const { page, problems } = await openPage(MONTAGNE, DESKTOP);
    await page.goto(`${originOf(MONTAGNE)}/offres?q=${encodeURIComponent('gardien téléphérique cimes')}`);
    expect(await page.locator('.result-count').textContent()).toContain('3 offres trouvées');
    const cards = page.locator('.offer-card');
    expect(await cards.count()).toBe(1);
    expect(await cards.first().getAttribute('data-offer-card')).toBe(ids.post1);
    expect((await cards.first().locator('.offer-card__positions').textContent())!.trim()).toBe('3 postes à pourvoir');
    await screenshot(page, 'experience', 'grouped-card', annotate);
    await cards.first().locator('.offer-card__title a').click();
    await page.waitForURL(`${originOf(MONTAGNE)}/offres/${ids.post1}`);
    const others = page.locator('.offer__same-post a');
    expect(new Set(await others.evaluateAll((links) => links.map((a) => a.getAttribute('href'))))).toEqual(new Set([`/offres/${ids.post2}`, `/offres/${ids.post3}`]));
    expect(await page.locator('#postes-titre').textContent()).toBe('3 postes identiques à pourvoir');
    expect(clean(problems), problems.join('\n')).toEqual([]);
  });

  it('offer page on a phone: apply at the top and still in reach after scrolling, no overflow; similar offers listed', async ({ annotate }) => {
    const { page, problems } = await openPage(MONTAGNE, PHONE);
    await page.goto(`${originOf(MONTAGNE)}/offres/${ids.fresh}?depuis=74056`);
    const apply = page.getByRole('link', { name: 'Postuler', exact: true });
    const inView = async () => {
      const box = (await apply.boundingBox())!;
      return box.y >= 0 && box.y + box.height <= PHONE.height;
    };
    expect(await inView()).toBe(true);
    const title = (await page.locator('h1').boundingBox())!;
    expect((await apply.boundingBox())!.y).toBeGreaterThan(title.y);
    await screenshot(page, 'experience', 'offer-phone-top', annotate);
    for (const y of [600, 1500, 3000]) {
      await page.evaluate((top) => window.scrollTo(0, top), y);
      expect(await inView(), `apply button after scrolling to ${y}`).toBe(true);
    }
    await screenshot(page, 'experience', 'offer-phone-scrolled', annotate, { fullPage: false });
    expect((await page.locator('.offer__fact', { hasText: 'Lieu' }).textContent())!.replace(/\s+/g, ' ')).toMatch(/à \d+,\d km de Chamonix-Mont-Blanc/);
    const overflow = await horizontalOverflow(page);
    expect(overflow.scrollWidth, overflow.offenders.join(', ')).toBeLessThanOrEqual(overflow.innerWidth);
    // Similar offers: the same trade nearby, from another company.
    const similar = page.locator('#similaires [data-offer-card]');
    expect(await similar.evaluateAll((cards) => cards.map((c) => c.getAttribute('data-offer-card')))).toContain(ids.similar);
    await similar.locator(`[href="/offres/${ids.similar}"]`).first().click();
    await page.waitForURL(`${originOf(MONTAGNE)}/offres/${ids.similar}`);
    await expectAccessible(page);
    expect(clean(problems), problems.join('\n')).toEqual([]);

    // On a desktop the bar is not pinned: it scrolls away with the title.
    const { page: wide } = await openPage(MONTAGNE, DESKTOP);
    await wide.goto(`${originOf(MONTAGNE)}/offres/${ids.fresh}`);
    await wide.evaluate(() => window.scrollTo(0, 1500));
    const box = (await wide.getByRole('link', { name: 'Postuler', exact: true }).boundingBox())!;
    expect(box.y + box.height).toBeLessThan(0);
  });

  it('a closed offer says so and leads to similar offers instead of a dead end', async ({ annotate }) => {
    const closed = await insertLiveOffer(session.app.db.admin, 'montagne', (await session.app.db.admin.selectFrom('offers').select('company_id').where('id', '=', ids.similar).executeTakeFirstOrThrow()).company_id, {
      title: 'Vigie partie H/F',
      commune: '74143',
      sector: 'remontees-mecaniques',
      rome_code: 'N4402',
      contract: 'seasonal',
    });
    await session.app.db.admin.updateTable('offers').set({ status: 'filled' }).where('id', '=', closed).execute();
    const { page, problems } = await openPage(MONTAGNE, PHONE);
    const response = await page.goto(`${originOf(MONTAGNE)}/offres/${closed}`);
    expect(response?.status()).toBe(410);
    expect(await page.locator('.notice--closed').textContent()).toContain('le poste a été pourvu');
    expect(await page.getByRole('link', { name: 'Postuler', exact: true }).count()).toBe(0);
    expect(await page.locator('#similaires [data-offer-card]').count()).toBeGreaterThan(0);
    await expectAccessible(page);
    await screenshot(page, 'experience', 'closed-offer-phone', annotate);
    expect(clean(problems), problems.join('\n')).toEqual([]);
  });

  it('saving: a visitor keeps offers in the browser, is invited to sign in, and finds them in the account after log-in', async ({ annotate }) => {
    const { page, problems } = await openPage(MONTAGNE, PHONE);
    const origin = originOf(MONTAGNE);
    await page.goto(`${origin}/offres?q=${encodeURIComponent('vigie lacs gelés')}`);
    const heart = page.locator(`a[data-save-offer="${ids.fresh}"]`);
    expect(await heart.getAttribute('role')).toBe('button');
    expect(await heart.getAttribute('aria-pressed')).toBe('false');
    await heart.click();
    expect(await heart.getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('[data-save-invite]').textContent()).toContain('Créez un compte');
    // Keyboard: Space toggles the second one.
    const second = page.locator(`a[data-save-offer="${ids.older}"]`);
    await second.focus();
    await page.keyboard.press(' ');
    expect(await second.getAttribute('aria-pressed')).toBe('true');
    await page.goto(`${origin}/offres/sauvegardees`);
    expect(await page.locator('[data-saved-list] li a').allTextContents()).toEqual(['Vigie des lacs gelés H/F', 'Vigie des lacs gelés H/F']);
    await expectAccessible(page);
    await screenshot(page, 'experience', 'saved-visitor-phone', annotate);
    // Remove one from the list (the latest saved comes first).
    await page.locator('[data-saved-list] li button').first().click();
    expect(await page.locator('[data-saved-list] li').count()).toBe(1);

    await page.goto(`${origin}/compte/connexion`);
    await page.getByLabel('Adresse e-mail').fill('candidat@montagne.demo');
    await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${origin}/compte`);
    await page.locator('[data-saved-imported]').waitFor();
    expect(await page.locator('[data-saved-imported]').textContent()).toBe('1 offre gardée sur cet appareil a été ajoutée à votre compte.');
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('cordee:saved:')))).toEqual([]);
    await page.goto(`${origin}/compte/candidat`);
    expect(await page.locator('#offres-sauvegardees + ul, .saved-offers').first().textContent()).toContain('Vigie des lacs gelés H/F');

    // Signed in, the heart posts in the background and switches in place.
    await page.goto(`${origin}/offres/${ids.similar}`);
    const form = page.locator(`form[data-offer="${ids.similar}"]`).first();
    await form.locator('button').click();
    await expect.poll(() => form.getAttribute('action')).toBe(`/compte/candidat/offres/${ids.similar}/retirer`);
    expect(await form.locator('.save-toggle__label').textContent()).toBe('Retirer des offres sauvegardées');
    const row = await session.app.db.admin
      .selectFrom('saved_offers')
      .innerJoin('users', 'users.id', 'saved_offers.user_id')
      .select('offer_id')
      .where('users.email', '=', 'candidat@montagne.demo')
      .execute();
    expect(row.map((r) => r.offer_id).sort()).toEqual([ids.fresh, ids.similar].sort());
    expect(clean(problems), problems.join('\n')).toEqual([]);
  });

  it('saving without JavaScript: the heart is a form that comes back to the page', async () => {
    const { page, problems } = await openPage(MONTAGNE, DESKTOP, { javaScriptEnabled: false });
    const origin = originOf(MONTAGNE);
    await page.goto(`${origin}/compte/connexion`);
    await page.getByLabel('Adresse e-mail').fill('candidat@montagne.demo');
    await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(`${origin}/compte`);
    await page.goto(`${origin}/offres?q=${encodeURIComponent('gardien téléphérique cimes')}`);
    const listUrl = page.url();
    await Promise.all([page.waitForNavigation(), page.locator(`form[data-offer="${ids.post1}"] button`).click()]);
    expect(page.url()).toBe(listUrl);
    expect(await page.locator(`form[data-offer="${ids.post1}"]`).getAttribute('action')).toBe(`/compte/candidat/offres/${ids.post1}/retirer`);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  /** The markers on the map, once loaded: commune → count. */
  async function markers(page: Page): Promise<Record<string, number>> {
    await page.locator('[data-map]:not([aria-busy])').waitFor();
    return page.evaluate(() =>
      Object.fromEntries(Array.from(document.querySelectorAll('.map-marker')).map((m) => [m.getAttribute('data-insee'), Number(m.getAttribute('data-count'))])),
    );
  }

  it('the map: local tiles, one keyboard-reachable marker per commune, agreeing with the list and its filters', async ({ annotate }) => {
    const { page, problems } = await openPage(MONTAGNE, DESKTOP);
    const origin = originOf(MONTAGNE);
    tiles().requests.length = 0;
    await page.goto(`${origin}/offres?q=${encodeURIComponent('vigie')}`);
    await page.locator('.map-marker').first().waitFor();
    const all = await markers(page);
    const total = Number(/(\d+) offres? trouvées?/.exec((await page.locator('.result-count').textContent())!)![1]);
    expect(Object.values(all).reduce((a, b) => a + b, 0)).toBe(total);
    const listed = await page.locator('.offer-card__place').allTextContents();
    expect(Object.keys(all).length).toBeGreaterThan(1);
    expect(listed.length).toBe(total);
    await expect.poll(() => tiles().requests.length).toBeGreaterThan(0);
    expect(await page.locator('.leaflet-tile-loaded').count()).toBeGreaterThan(0);
    await screenshot(page, 'experience', 'map-desktop', annotate);

    // A filter chosen in the form: list and markers change together (search.js, then map.js).
    await page.locator('#filter-contract').selectOption('seasonal');
    await page.waitForURL((url) => url.searchParams.get('contrat') === 'seasonal');
    await expect
      .poll(async () => Object.values(await markers(page)).reduce((a, b) => a + b, 0))
      .toBe(Number(/(\d+) offres? trouvées?/.exec((await page.locator('.result-count').textContent())!)![1]));

    // Keyboard: Tab reaches a marker, Enter opens it, its link lists exactly its offers.
    const marker = page.locator('.map-marker[data-insee="74143"]');
    await marker.focus();
    expect(await marker.getAttribute('aria-label')).toMatch(/^\d+ offres? à Les Houches \(74310\)$/);
    await page.keyboard.press('Enter');
    const link = page.locator('.leaflet-popup a', { hasText: 'Voir ces offres' });
    await link.waitFor();
    const count = Number(await marker.getAttribute('data-count'));
    await link.click();
    await page.waitForURL((url) => url.searchParams.get('commune') === '74143');
    expect(await page.locator('.result-count').textContent()).toContain(`${count} offre`);
    expect(new Set(await page.locator('.offer-card__place').allTextContents())).toEqual(new Set(['Les Houches (74310)']));
    await expectAccessible(page);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('the map on a phone comes after the list, reachable by a link; without MAP_TILES_URL there is none (other test file)', async ({ annotate }) => {
    const { page, problems } = await openPage(MONTAGNE, PHONE);
    await page.goto(`${originOf(MONTAGNE)}/offres?q=vigie`);
    await page.locator('.map-marker').first().waitFor();
    const list = (await page.locator('.offer-list').boundingBox())!;
    const map = (await page.locator('#carte').boundingBox())!;
    expect(map.y).toBeGreaterThan(list.y);
    await page.getByRole('link', { name: 'Voir les offres sur la carte' }).click();
    await expect.poll(async () => (await page.locator('#carte').boundingBox())!.y).toBeLessThan(PHONE.height);
    await screenshot(page, 'experience', 'map-phone', annotate);
    const overflow = await horizontalOverflow(page);
    expect(overflow.scrollWidth, overflow.offenders.join(', ')).toBeLessThanOrEqual(overflow.innerWidth);
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('youth board on a phone: three questions first, youth filters, the mission locale’s phone, address and hours', async ({ annotate }) => {
    const { page, problems } = await openPage(DIJON, PHONE);
    await page.goto(`${originOf(DIJON)}/`);
    const questions = page.locator('.youth-question');
    expect((await questions.allInnerTexts()).map((q) => q.replace(/\s+/g, ' ').trim())).toEqual([
      'une alternance Apprentissage : se former en étant payé',
      'un premier emploi Offres ouvertes aux débutants',
      'un job d’été Contrats saisonniers',
    ]);
    const first = (await questions.first().boundingBox())!;
    expect(first.y + first.height).toBeLessThan(PHONE.height);
    expect(await page.locator('.contact-card a[href^="tel:"]').textContent()).toBe('Appeler le 0 800 21 00 00');
    expect(await page.locator('.contact-card__hours li').count()).toBe(3);
    await expectAccessible(page);
    await screenshot(page, 'experience', 'youth-home-phone', annotate);
    const overflow = await horizontalOverflow(page);
    expect(overflow.scrollWidth, overflow.offenders.join(', ')).toBeLessThanOrEqual(overflow.innerWidth);

    await questions.nth(1).click();
    await page.waitForURL((url) => url.searchParams.get('debutant') === 'oui');
    // On a phone the filters are folded, but open when one of them is chosen.
    expect(await page.locator('[data-filters-more]').getAttribute('open')).not.toBeNull();
    expect(await page.getByLabel('Débutant accepté').isChecked()).toBe(true);
    await page.getByLabel('Accessible aux mineurs').check();
    await page.waitForURL((url) => url.searchParams.get('mineurs') === 'oui');
    expect(await page.locator('.chip').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Débutant accepté'), expect.stringContaining('Accessible aux mineurs')]));
    await expectAccessible(page);
    await screenshot(page, 'experience', 'youth-search-phone', annotate);
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
