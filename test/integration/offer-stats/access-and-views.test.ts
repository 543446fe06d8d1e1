import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHtml, FormClient } from '../../helpers/accounts.js';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { livePlatformOffer } from '../../helpers/applications.js';
import { apiClient, apiToken, companyIdOf, createAccount, createCompany, DEMO_PASSWORD, type Api } from '../../helpers/company-space.js';

/**
 * Who sees what among the new pages and API routes (staff, the employer of the offer, another
 * employer of the board, a job seeker, anonymous; ids of another board), and offer views counted
 * through the real offer page: robots, repeated visits and the board's own people left out.
 */
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
type Who = 'staff' | 'owner' | 'other' | 'candidate' | 'anonymous';
const WHO: Who[] = ['staff', 'owner', 'other', 'candidate', 'anonymous'];

describe('reports, hires and offer statistics: the authorisation matrix', () => {
  let t: TestApp;
  let offerId: string;
  let hireId: string;
  let companyId: string;
  let foreignHireId: string;
  let foreignOfferId: string;
  const pages = {} as Record<Who, FormClient>;
  const apis = {} as Record<Who, Api>;

  beforeAll(async () => {
    t = await createTestApp();
    const offer = await livePlatformOffer(t.db.admin, 'montagne', 'employeur@montagne.demo');
    offerId = offer.id;
    companyId = await companyIdOf(t, 'montagne', 'employeur@montagne.demo');
    const hire = (tenant: string, company?: string) => {
      let query = t.db.admin.selectFrom('hires').select('id').where('tenant_id', '=', tenant);
      if (company) query = query.where('company_id', '=', company);
      return query.orderBy('id').executeTakeFirstOrThrow();
    };
    hireId = (await hire('montagne', companyId)).id;
    foreignHireId = (await hire('dijon')).id;
    foreignOfferId = (await livePlatformOffer(t.db.admin, 'dijon')).id;
    const otherCompany = await createCompany(t, 'montagne', 'Chalet Concurrent');
    await createAccount(t, 'montagne', { email: 'autre@montagne.test', role: 'employer', companyId: otherCompany });
    const emails: Record<Exclude<Who, 'anonymous'>, string> = {
      staff: 'admin@montagne.demo',
      owner: 'employeur@montagne.demo',
      other: 'autre@montagne.test',
      candidate: 'candidat@montagne.demo',
    };
    for (const who of WHO) {
      pages[who] = new FormClient(t.app, MONTAGNE);
      if (who === 'anonymous') {
        apis[who] = apiClient(t.app, MONTAGNE);
        continue;
      }
      await pages[who].logIn(emails[who], DEMO_PASSWORD);
      apis[who] = apiClient(t.app, MONTAGNE, await apiToken(t.app, MONTAGNE, emails[who]));
    }
  });
  afterAll(async () => t?.close());

  // 'login' = the page sends an anonymous visitor to the log-in page (303).
  const PAGE_MATRIX: [string, (ids: { offerId: string; hireId: string; companyId: string }) => string, Record<Who, number>][] = [
    ['report', () => '/admin/rapports', { staff: 200, owner: 403, other: 403, candidate: 403, anonymous: 303 }],
    ['report CSV', () => '/admin/rapports/csv/embauches-contrat', { staff: 200, owner: 403, other: 403, candidate: 403, anonymous: 303 }],
    ['rows of a count', () => '/admin/rapports/lignes?tableau=embauches-contrat&ligne=total&colonne=total', { staff: 200, owner: 403, other: 403, candidate: 403, anonymous: 303 }],
    ['hires of the board', () => '/admin/embauches', { staff: 200, owner: 403, other: 403, candidate: 403, anonymous: 303 }],
    ['offer statistics', (ids) => `/compte/offres/${ids.offerId}/statistiques`, { staff: 200, owner: 200, other: 404, candidate: 403, anonymous: 303 }],
    ['company statistics', (ids) => `/compte/statistiques?entreprise=${ids.companyId}`, { staff: 200, owner: 200, other: 404, candidate: 403, anonymous: 303 }],
    ['a hire', (ids) => `/compte/embauches/${ids.hireId}`, { staff: 200, owner: 200, other: 404, candidate: 403, anonymous: 303 }],
    ['public bilan', () => '/bilan', { staff: 200, owner: 200, other: 200, candidate: 200, anonymous: 200 }],
  ];

  it.for(PAGE_MATRIX)('page: %s', async ([, path, expected]) => {
    const url = path({ offerId, hireId, companyId });
    const actual = Object.fromEntries(await Promise.all(WHO.map(async (who) => [who, (await pages[who].get(url)).statusCode] as const)));
    expect(actual).toEqual(expected);
  });

  const API_MATRIX: [string, (ids: { offerId: string; companyId: string }) => string, Record<Who, number>][] = [
    ['report', () => '/api/v1/reports', { staff: 200, owner: 403, other: 403, candidate: 403, anonymous: 401 }],
    ['offer statistics', (ids) => `/api/v1/offers/${ids.offerId}/stats`, { staff: 200, owner: 200, other: 404, candidate: 403, anonymous: 401 }],
    ['company statistics', (ids) => `/api/v1/companies/${ids.companyId}/stats`, { staff: 200, owner: 200, other: 404, candidate: 403, anonymous: 401 }],
  ];

  it.for(API_MATRIX)('API: %s', async ([, path, expected]) => {
    const url = path({ offerId, companyId });
    const actual = Object.fromEntries(await Promise.all(WHO.map(async (who) => [who, (await apis[who]('GET', url)).statusCode] as const)));
    expect(actual).toEqual(expected);
  });

  it('answers 404 to the ids of another board, even to its staff', async () => {
    expect((await pages.staff.get(`/compte/embauches/${foreignHireId}`)).statusCode).toBe(404);
    expect((await pages.staff.get(`/compte/offres/${foreignOfferId}/statistiques`)).statusCode).toBe(404);
    expect((await apis.staff('GET', `/api/v1/offers/${foreignOfferId}/stats`)).statusCode).toBe(404);
    // Dijon's own staff sees them.
    const dijon = new FormClient(t.app, DIJON);
    await dijon.logIn('admin@dijon.demo', DEMO_PASSWORD);
    expect((await dijon.get(`/compte/embauches/${foreignHireId}`)).statusCode).toBe(200);
  });

  it('counts a person’s view of the offer page once per 30 minutes, and never robots nor the board’s employers', async () => {
    const views = async () =>
      Number((await sql<{ n: string }>`select coalesce(sum(views), 0) as n from offer_views_daily where offer_id = ${offerId}`.execute(t.db.admin)).rows[0].n);
    const visit = (agent: string, ip: string, cookie = '') =>
      t.app.inject({ method: 'GET', url: `/offres/${offerId}`, headers: { host: MONTAGNE, 'user-agent': agent, ...(cookie ? { cookie } : {}) }, remoteAddress: ip });
    await t.app.offerViews.flush();
    const before = await views();

    expect((await visit(BROWSER, '198.51.100.40')).statusCode).toBe(200);
    await visit(BROWSER, '198.51.100.40');
    await visit(BROWSER, '198.51.100.41');
    await visit('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', '66.249.66.1');
    await visit('curl/8.5.0', '198.51.100.42');
    // The employer looking at its own offer, signed in.
    const employerCookie = [...pages.owner.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    await visit(BROWSER, '198.51.100.43', employerCookie);
    await t.app.offerViews.flush();
    expect(await views()).toBe(before + 2);
    // No address is stored: the table has counts per offer and day only.
    const columns = (await sql<{ column_name: string }>`select column_name from information_schema.columns where table_name = 'offer_views_daily' order by column_name`.execute(t.db.admin)).rows.map((r) => r.column_name);
    expect(columns).toEqual(['day', 'offer_id', 'tenant_id', 'views']);

    // The employer's dashboard reads the same count.
    const stats = await apis.owner('GET', `/api/v1/offers/${offerId}/stats`);
    expect(stats.json().offer.views).toBe(before + 2);
    expect(decodeHtml((await pages.owner.get(`/compte/offres/${offerId}/statistiques`)).body)).toContain(String(before + 2));
  });
});
