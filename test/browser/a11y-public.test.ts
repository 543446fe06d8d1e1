import { beforeAll, describe, expect, it } from 'vitest';
import { byHost, checkPages, openVisit } from '../helpers/a11y-run.js';
import { failWithoutChromium, skipBrowserTests } from '../helpers/browser.js';
import { makeFixtures, PAGE_VISITS, type Fixtures } from '../helpers/page-inventory.js';
import { useBrowserAppWithMap } from '../helpers/tiles.js';

failWithoutChromium();

// Every page a visitor can reach (test/helpers/page-inventory.ts), with the map on, at 375 and 1366 px.
describe.skipIf(skipBrowserTests)('public pages: axe-core, phone and desktop, screenshots, and without JavaScript', { timeout: 600_000 }, () => {
  const { session } = useBrowserAppWithMap();
  let fixtures: Fixtures;
  beforeAll(async () => {
    fixtures = await makeFixtures(session.app);
  });
  const visits = PAGE_VISITS.filter((v) => v.role === 'visitor');

  it('every public page template passes axe-core (no serious or critical violation) at 375 and 1366 px', async ({ annotate }) => {
    const failures = await checkPages(session, 'visitor', visits, fixtures, annotate);
    expect(failures, failures.join('\n\n')).toEqual([]);
  });

  it('every public page works without JavaScript: the same status, template and main heading', async () => {
    const failures: string[] = [];
    for (const [host, hostVisits] of byHost(visits)) {
      const { page, problems } = await session.openPage(host, { width: 375, height: 740 }, { javaScriptEnabled: false });
      for (const visit of hostVisits) {
        const url = `${session.originOf(visit.host)}${visit.path(fixtures)}`;
        const status = await openVisit(page, url, visit);
        if (status !== (visit.status ?? 200)) failures.push(`${url}: HTTP ${status}`);
        if ((await page.locator('body').getAttribute('data-template')) !== visit.template) failures.push(`${url}: gabarit`);
        if ((await page.locator('main h1').count()) === 0) failures.push(`${url}: pas de titre h1`);
      }
      const unexpected = problems.filter((p) => !/HTTP (400|404|410)|status of (400|404|410)/.test(p));
      if (unexpected.length > 0) failures.push(...unexpected);
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });
});
