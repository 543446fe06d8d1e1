import type { TestContext } from 'vitest';
import type { BrowserApp } from './browser.js';
import { describeViolations, DESKTOP, horizontalOverflow, PHONE, screenshot, seriousA11yViolations } from './browser.js';
import { DEMO_PASSWORD } from './company-space.js';
import { accountOf, type Fixtures, type PageVisit, type Role } from './page-inventory.js';

const WIDTHS = [
  { name: 'telephone-375', viewport: PHONE },
  { name: 'bureau-1366', viewport: DESKTOP },
] as const;

/**
 * Visits pages as one role at 375 px and 1366 px: the status and the template drawing the page are
 * the expected ones, axe-core finds no serious or critical violation, nothing overflows on the phone,
 * the browser reports no error; a full-page screenshot of each goes to test-results/screenshots/.
 * Every problem of every page is collected, then reported together.
 */
export async function checkPages(session: BrowserApp, role: Role, visits: PageVisit[], fixtures: Fixtures, annotate: TestContext['annotate']): Promise<string[]> {
  const failures: string[] = [];
  for (const width of WIDTHS) {
    const host = visits[0].host;
    const { page, problems } = await session.openPage(host, width.viewport);
    if (role !== 'visitor') {
      await page.goto(`${session.originOf(host)}/compte/connexion`);
      await page.getByLabel('Adresse e-mail').fill(accountOf(role));
      await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.waitForURL(`${session.originOf(host)}/compte`);
    }
    for (const [index, visit] of visits.entries()) {
      const url = `${session.originOf(visit.host)}${visit.path(fixtures)}`;
      const label = `${width.name} ${role} ${visit.template} ${url}`;
      problems.length = 0;
      const response = await page.goto(url);
      await page.waitForLoadState('networkidle');
      const status = response?.status();
      if (status !== (visit.status ?? 200)) failures.push(`${label}: HTTP ${status}, ${visit.status ?? 200} attendu`);
      const template = await page.locator('body').getAttribute('data-template');
      if (template !== visit.template) failures.push(`${label}: gabarit ${template}`);
      const violations = await seriousA11yViolations(page);
      if (violations.length > 0) failures.push(`${label}: axe\n${describeViolations(violations)}`);
      if (width.viewport === PHONE) {
        const overflow = await horizontalOverflow(page);
        if (overflow.scrollWidth > overflow.innerWidth) failures.push(`${label}: débordement horizontal ${overflow.offenders.join(', ')}`);
      }
      // The page's own expected status is not a problem; anything else is.
      const expectedStatus = visit.status ? new RegExp(`(HTTP ${visit.status}: GET ${url.replace(/[.?*+^$()[\]{}|\\]/g, '\\$&')}$)|status of ${visit.status}`) : null;
      const unexpected = problems.filter((p) => !(expectedStatus && expectedStatus.test(p)));
      if (unexpected.length > 0) failures.push(`${label}: ${unexpected.join(' | ')}`);
      const host = visit.host.split('.')[0];
      await screenshot(page, `pages-${width.name}`, `${role}-${host}-${visit.template.replace(/^pages\//, '').replace(/\//g, '_')}-${index}`, annotate);
    }
  }
  return failures;
}
