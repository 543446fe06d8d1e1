import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormClient } from '../helpers/accounts.js';
import { createTestApp, middayClock, MONTAGNE, type TestApp } from '../helpers/app.js';
import { livePlatformOffer } from '../helpers/applications.js';
import { DEMO_PASSWORD } from '../helpers/company-space.js';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const TTL_MS = 30_000;

/**
 * The anonymous page cache (plugins/page-cache.ts): the home, offer and company pages of a visitor
 * come from memory while the tenant's search generation is unchanged, never after a write, never for
 * someone signed in, and never past the time limit of the app's clock.
 */
describe('anonymous page cache', () => {
  let t: TestApp;
  let now = middayClock();
  let offer: { id: string; title: string; company_id: string };
  let companySlug: string;

  beforeAll(async () => {
    t = await createTestApp({ pageCache: { maxBytes: 8 * 1024 * 1024, ttlMs: TTL_MS } }, { clock: () => now });
    offer = await livePlatformOffer(t.db.admin, 'montagne');
    companySlug = (await t.db.admin.selectFrom('companies').select('slug').where('id', '=', offer.company_id).executeTakeFirstOrThrow()).slug;
  });
  afterAll(async () => t?.close());

  const visit = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers: { host: MONTAGNE, 'user-agent': BROWSER, ...headers }, remoteAddress: '198.51.100.60' });

  it('serves the second anonymous visit of each page from memory, byte for byte', async () => {
    for (const url of ['/', `/offres/${offer.id}`, `/entreprises/${companySlug}`]) {
      const first = await visit(url);
      expect(first.statusCode, url).toBe(200);
      expect(first.headers['x-page-cache'], url).toBeUndefined();
      const second = await visit(url);
      expect(second.statusCode, url).toBe(200);
      expect(second.headers['x-page-cache'], url).toBe('hit');
      expect(second.body, url).toBe(first.body);
      expect(second.headers['content-type'], url).toBe('text/html; charset=utf-8');
      // The security headers are the route's, whether the page was rendered or not.
      expect(second.headers['content-security-policy'], url).toBe(first.headers['content-security-policy']);
    }
    // Another query string is another page.
    expect((await visit(`/offres/${offer.id}?depuis=74056`)).headers['x-page-cache']).toBeUndefined();
  });

  it('shows a write at once: an offer or a company changed through any connection moves the generation', async () => {
    await visit(`/offres/${offer.id}`);
    await t.db.admin.updateTable('offers').set({ title: 'Pisteur secouriste (titre modifié)' }).where('id', '=', offer.id).execute();
    const afterOffer = await visit(`/offres/${offer.id}`);
    expect(afterOffer.headers['x-page-cache']).toBeUndefined();
    expect(afterOffer.body).toContain('Pisteur secouriste (titre modifié)');

    await visit(`/entreprises/${companySlug}`);
    await t.db.admin.updateTable('companies').set({ name: 'Remontées du Col (nom modifié)' }).where('id', '=', offer.company_id).execute();
    for (const url of [`/entreprises/${companySlug}`, `/offres/${offer.id}`]) {
      const page = await visit(url);
      expect(page.headers['x-page-cache'], url).toBeUndefined();
      expect(page.body, url).toContain('Remontées du Col (nom modifié)');
    }
    // A page of the other tenant does not move this one's generation.
    await t.db.admin.updateTable('offers').set({ title: sql`title` }).where('tenant_id', '=', 'dijon').execute();
    expect((await visit(`/offres/${offer.id}`)).headers['x-page-cache']).toBe('hit');
  });

  it('never serves nor keeps the page of someone signed in', async () => {
    const candidate = new FormClient(t.app, MONTAGNE);
    await candidate.logIn('candidat@montagne.demo', DEMO_PASSWORD);
    const anonymous = await visit(`/offres/${offer.id}`);
    const signedIn = await candidate.get(`/offres/${offer.id}`);
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.headers['x-page-cache']).toBeUndefined();
    expect(signedIn.body).not.toBe(anonymous.body);
    // A page with the candidate's own controls (CSRF token of the hearts) was not kept for others.
    expect(signedIn.body).toContain('name="_csrf"');
    const after = await visit(`/offres/${offer.id}`);
    expect(after.body).toBe(anonymous.body);
    expect(after.body).not.toContain('name="_csrf"');
    // Any cookie or Authorization header, even a stale one, is a reason to render.
    expect((await visit(`/offres/${offer.id}`, { cookie: 'autre=1' })).headers['x-page-cache']).toBeUndefined();
  });

  it('renders again once the time limit of the app clock has passed (relative dates, offers expiring)', async () => {
    await visit('/');
    expect((await visit('/')).headers['x-page-cache']).toBe('hit');
    now = new Date(now.getTime() + TTL_MS + 1);
    expect((await visit('/')).headers['x-page-cache']).toBeUndefined();
    expect((await visit('/')).headers['x-page-cache']).toBe('hit');
  });

  it('keeps neither errors nor closed offers', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await visit(`/offres/${unknown}`)).statusCode).toBe(404);
    expect((await visit(`/offres/${unknown}`)).headers['x-page-cache']).toBeUndefined();
  });

  it('still counts the views of pages served from memory', async () => {
    const views = async () =>
      Number((await sql<{ n: string }>`select coalesce(sum(views), 0) as n from offer_views_daily where offer_id = ${offer.id}`.execute(t.db.admin)).rows[0].n);
    await t.app.offerViews.flush();
    const before = await views();
    const from = (ip: string) => t.app.inject({ method: 'GET', url: `/offres/${offer.id}`, headers: { host: MONTAGNE, 'user-agent': BROWSER }, remoteAddress: ip });
    await from('198.51.100.61');
    const hit = await from('198.51.100.62');
    expect(hit.headers['x-page-cache']).toBe('hit');
    await t.app.offerViews.flush();
    expect(await views()).toBe(before + 2);
  });
});
