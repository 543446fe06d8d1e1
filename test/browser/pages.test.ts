import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../helpers/app.js';
import {
  describeViolations,
  horizontalOverflow,
  launchChromium,
  missingChromiumError,
  seriousA11yViolations,
  skipBrowserTests,
  watchPage,
} from '../helpers/browser.js';
import { freePort } from '../helpers/net.js';

const TENANTS = [
  { host: MONTAGNE, name: 'Emploi Montagne', primary: '#0b4f6c' },
  { host: DIJON, name: 'Jeunes & Emploi Dijon', primary: '#5b21b6' },
];

const OFFER_PATH = /^\/offres\/[0-9a-f-]{36}$/;

if (missingChromiumError) {
  it('Chromium is installed for the browser tests', () => {
    throw new Error(missingChromiumError);
  });
}

// The real app listening on 127.0.0.1; Chromium resolves *.localhost to the loopback by itself.
describe.skipIf(skipBrowserTests)('public pages in Chromium', () => {
  let t: TestApp | undefined;
  let browser: Browser | undefined;
  let port: number;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    t = await createTestApp();
    port = await freePort();
    await t.app.listen({ host: '127.0.0.1', port });
  });

  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const originOf = (host: string) => `http://${host}:${port}`;

  /** A fresh context (no shared cookies or cache) and a page whose problems are recorded. */
  async function openPage(host: string, viewport = { width: 1280, height: 800 }): Promise<{ page: Page; problems: string[] }> {
    const context = await browser!.newContext({ viewport, locale: 'fr-FR' });
    contexts.push(context);
    const page = await context.newPage();
    return { page, problems: watchPage(page, originOf(host)) };
  }

  async function expectNoSeriousA11yViolations(page: Page) {
    const violations = await seriousA11yViolations(page);
    expect(violations, `axe: serious/critical violations on ${page.url()}:\n${describeViolations(violations)}`).toEqual([]);
  }

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
      await expectNoSeriousA11yViolations(page);
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

      await expectNoSeriousA11yViolations(page);
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

  it('the two tenants look different: brand name, primary colour and header colour differ', async () => {
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
    const [montagne, dijon] = looks;
    expect(montagne.brand).not.toBe(dijon.brand);
    expect(montagne.primary).not.toBe(dijon.primary);
    expect(montagne.header).not.toBe(dijon.header);
  });
});
