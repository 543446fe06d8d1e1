import { describe, expect, it } from 'vitest';
import { DIJON, MONTAGNE } from '../helpers/app.js';
import { GE } from '../helpers/shared-time.js';
import { failWithoutChromium, horizontalOverflow, skipBrowserTests, useBrowserApp } from '../helpers/browser.js';

const TENANTS = [
  { host: MONTAGNE, name: 'Emploi Montagne', primary: '#0b4f6c' },
  { host: DIJON, name: 'Jeunes & Emploi Dijon', primary: '#5b21b6' },
  { host: GE, name: 'Temps Partagé Aveyron-Lozère', primary: '#9f1239' },
];

const OFFER_PATH = /^\/offres\/[0-9a-f-]{36}$/;

failWithoutChromium();

// The real app listening on 127.0.0.1; Chromium resolves *.localhost to the loopback by itself.
// Whole user journeys in a real browser: slow on a loaded 2-core machine.
describe.skipIf(skipBrowserTests)('public pages in Chromium', { timeout: 90_000 }, () => {
  const session = useBrowserApp();
  const { originOf, openPage, expectAccessible } = session;

  describe.each(TENANTS)('$host', ({ host, name, primary }) => {
    it('home: tenant brand and name, latest offers listed, no console/network errors, no serious a11y violations', async () => {
      const { page, problems } = await openPage(host);
      const response = await page.goto(`${originOf(host)}/`);
      expect(response?.status()).toBe(200);
      await expect.poll(() => page.title()).toBe(name);
      expect((await page.locator('main h1').textContent())?.trim()).toBe(name);
      expect((await page.locator('header .brand__name').textContent())?.trim()).toBe(name);
      const offers = page.locator('main .offer-card__title a');
      expect(await offers.count()).toBeGreaterThanOrEqual(1);
      for (const href of await offers.evaluateAll((links) => links.map((link) => link.getAttribute('href')))) {
        expect(href).toMatch(OFFER_PATH);
      }
      await expectAccessible(page);
      await page.waitForLoadState('networkidle');
      expect(problems, problems.join('\n')).toEqual([]);
    });

    it('offer page reached from the first home link: h1 title, JobPosting JSON-LD with the same title, no errors, no serious a11y violations', async () => {
      const { page, problems } = await openPage(host);
      await page.goto(`${originOf(host)}/`);
      const first = page.locator('main .offer-card__title a').first();
      const cardTitle = (await first.textContent())?.trim();
      await first.click();
      await page.waitForURL((url) => OFFER_PATH.test(url.pathname));

      const h1 = (await page.locator('main h1').textContent())?.trim();
      expect(h1).toBeTruthy();
      expect(h1).toBe(cardTitle);
      await expect.poll(() => page.title()).toContain(h1!);

      const blocks = await page.locator('script[type="application/ld+json"]').allTextContents();
      expect(blocks).toHaveLength(1);
      let jsonLd: Record<string, unknown>;
      try {
        jsonLd = JSON.parse(blocks[0]);
      } catch (error) {
        throw new Error(`the JSON-LD block does not parse: ${(error as Error).message}\n${blocks[0]}`);
      }
      expect(jsonLd['@type']).toBe('JobPosting');
      expect(jsonLd.title).toBe(h1);

      await expectAccessible(page);
      await page.waitForLoadState('networkidle');
      expect(problems, problems.join('\n')).toEqual([]);
    });

    it('mobile (375×740): no horizontal overflow on the home and offer pages', async () => {
      const { page, problems } = await openPage(host, { width: 375, height: 740 });
      await page.goto(`${originOf(host)}/`);
      const home = await horizontalOverflow(page);
      expect(home.scrollWidth, `home overflows: ${home.offenders.join(', ')}`).toBeLessThanOrEqual(home.innerWidth);

      await page.locator('main .offer-card__title a').first().click();
      await page.waitForURL((url) => OFFER_PATH.test(url.pathname));
      const offer = await horizontalOverflow(page);
      expect(offer.scrollWidth, `offer page ${page.url()} overflows: ${offer.offenders.join(', ')}`).toBeLessThanOrEqual(offer.innerWidth);
      expect(problems, problems.join('\n')).toEqual([]);
    });

    it(`theme: --color-primary is the tenant's ${primary} and colours the header`, async () => {
      const { page } = await openPage(host);
      await page.goto(`${originOf(host)}/`);
      const colours = await page.evaluate(() => ({
        primary: getComputedStyle(document.documentElement).getPropertyValue('--color-primary').trim(),
        header: getComputedStyle(document.querySelector('header.site-header')!).backgroundColor,
      }));
      expect(colours.primary.toLowerCase()).toBe(primary);
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(primary.slice(i, i + 2), 16));
      expect(colours.header).toBe(`rgb(${r}, ${g}, ${b})`);
    });
  });

  it('the tenants look different: brand name, primary colour and header colour differ', async () => {
    const looks = [];
    for (const { host } of TENANTS) {
      const { page } = await openPage(host);
      await page.goto(`${originOf(host)}/`);
      looks.push(
        await page.evaluate(() => ({
          brand: document.querySelector('.brand__name')?.textContent?.trim(),
          primary: getComputedStyle(document.documentElement).getPropertyValue('--color-primary').trim(),
          header: getComputedStyle(document.querySelector('header.site-header')!).backgroundColor,
        })),
      );
    }
    for (const key of ['brand', 'primary', 'header'] as const) expect(new Set(looks.map((look) => look[key])).size, key).toBe(TENANTS.length);
  });
});
