import type { Page } from 'playwright-core';
import type { TestContext } from 'vitest';
import type { BrowserApp } from './browser.js';
import { describeViolations, DESKTOP, horizontalOverflow, PHONE, screenshot, seriousA11yViolations } from './browser.js';
import { DEMO_PASSWORD } from './company-space.js';
import { accountOf, type Fixtures, type PageVisit, type Role } from './page-inventory.js';

const WIDTHS = [
  { name: 'telephone-375', viewport: PHONE },
  { name: 'bureau-1366', viewport: DESKTOP },
] as const;

/** The visits grouped by host, in their order: each host is visited in its own browser context, signed in there. */
export function byHost(visits: PageVisit[]): [string, PageVisit[]][] {
  const groups = new Map<string, PageVisit[]>();
  for (const visit of visits) groups.set(visit.host, [...(groups.get(visit.host) ?? []), visit]);
  return [...groups];
}

/** Signs in through the log-in page with the role's demo account of that host. */
export async function logIn(session: BrowserApp, page: Page, host: string, role: Exclude<Role, 'visitor'>): Promise<void> {
  const origin = session.originOf(host);
  await page.goto(`${origin}/compte/connexion`);
  await page.getByLabel('Adresse e-mail').fill(accountOf(role, host));
  await page.getByLabel('Mot de passe').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(`${origin}/compte`);
}

/**
 * Opens a visit's page; for a page shown in answer to a form, fills and sends the form of the visited
 * page. Returns the HTTP status of the document shown in the end (after any redirect).
 */
export async function openVisit(page: Page, url: string, visit: PageVisit): Promise<number | undefined> {
  const response = await page.goto(url);
  if (!visit.submit) return response?.status();
  for (const label of visit.submit.check ?? []) await page.getByLabel(label).check();
  for (const [label, value] of Object.entries(visit.submit.fill ?? {})) await page.getByLabel(label).fill(value);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.request().isNavigationRequest() && r.frame() === page.mainFrame() && (r.status() < 300 || r.status() >= 400)),
    page.getByRole('button', { name: visit.submit.button }).click(),
  ]);
  await page.waitForLoadState('load');
  return answer.status();
}

/**
 * Visits pages as one role at 375 px and 1366 px, signed in on each host with that host's demo
 * account of the role: the status and the template drawing the page are the expected ones, axe-core
 * finds no serious or critical violation, nothing overflows sideways, the browser reports no error; a
 * full-page screenshot of each goes to test-results/screenshots/. Every problem of every page is
 * collected, then reported together.
 */
export async function checkPages(session: BrowserApp, role: Role, visits: PageVisit[], fixtures: Fixtures, annotate: TestContext['annotate']): Promise<string[]> {
  const failures: string[] = [];
  for (const width of WIDTHS) {
    for (const [host, hostVisits] of byHost(visits)) {
      const { page, problems } = await session.openPage(host, width.viewport);
      if (role !== 'visitor') await logIn(session, page, host, role);
      for (const visit of hostVisits) {
        const url = `${session.originOf(visit.host)}${visit.path(fixtures)}`;
        const label = `${width.name} ${role} ${visit.template} ${url}${visit.submit ? ` (formulaire « ${visit.submit.button} »)` : ''}`;
        problems.length = 0;
        const status = await openVisit(page, url, visit);
        await page.waitForLoadState('networkidle');
        if (status !== (visit.status ?? 200)) failures.push(`${label}: HTTP ${status}, ${visit.status ?? 200} attendu`);
        const template = await page.locator('body').getAttribute('data-template');
        if (template !== visit.template) failures.push(`${label}: gabarit ${template}`);
        const violations = await seriousA11yViolations(page);
        if (violations.length > 0) failures.push(`${label}: axe\n${describeViolations(violations)}`);
        const overflow = await horizontalOverflow(page);
        if (overflow.scrollWidth > overflow.innerWidth) failures.push(`${label}: débordement horizontal ${overflow.offenders.join(', ')}`);
        // The page's own expected status is not a problem; anything else is.
        const expectedStatus = visit.status ? new RegExp(`(HTTP ${visit.status}: GET ${url.replace(/[.?*+^$()[\]{}|\\]/g, '\\$&')}$)|status of ${visit.status}`) : null;
        const unexpected = problems.filter((p) => !(expectedStatus && expectedStatus.test(p)));
        if (unexpected.length > 0) failures.push(`${label}: ${unexpected.join(' | ')}`);
        const tenant = visit.host.split('.')[0];
        await screenshot(page, `pages-${width.name}`, `${role}-${tenant}-${visit.template.replace(/^pages\//, '').replace(/\//g, '_')}-${visits.indexOf(visit)}`, annotate);
      }
    }
  }
  return failures;
}
