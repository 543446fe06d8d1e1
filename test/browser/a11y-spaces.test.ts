import { beforeAll, describe, expect, it } from 'vitest';
import { checkPages } from '../helpers/a11y-run.js';
import { middayClock } from '../helpers/app.js';
import { failWithoutChromium, skipBrowserTests, useBrowserApp } from '../helpers/browser.js';
import { makeFixtures, PAGE_VISITS, type Fixtures, type Role } from '../helpers/page-inventory.js';

failWithoutChromium();

// Every page of the job seeker's, the employer's, the counsellor's and the tenant admin's spaces, on each
// board, signed in with that board's demo account (test/helpers/page-inventory.ts).
describe.skipIf(skipBrowserTests)('signed-in pages: axe-core at 375 and 1366 px, with screenshots', { timeout: 600_000 }, () => {
  const clock = middayClock();
  const session = useBrowserApp({ clock: () => clock });
  let fixtures: Fixtures;
  beforeAll(async () => {
    fixtures = await makeFixtures(session.app);
  });

  it.for(['candidate', 'employer', 'counsellor', 'admin'] as Role[])('every %s page passes axe-core (no serious or critical violation)', async (role, { annotate }) => {
    const failures = await checkPages(session, role, PAGE_VISITS.filter((v) => v.role === role), fixtures, annotate);
    expect(failures, failures.join('\n\n')).toEqual([]);
  });
});
