import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../helpers/app.js';

const TENANTS = [
  { host: MONTAGNE, name: 'Emploi Montagne', sector: 'remontees-mecaniques', primary: '#0b4f6c', commonContract: 'seasonal' },
  { host: DIJON, name: 'Jeunes &amp; Emploi Dijon', sector: 'commerce-vente', primary: '#5b21b6', commonContract: 'apprenticeship' },
];

function jsonLd(html: string): Record<string, any> {
  const match = /<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html);
  if (!match) throw new Error('no JSON-LD block');
  return JSON.parse(match[1]);
}

/** Handlebars escapes `=` in attributes (`&#x3D;`); browsers decode it, so do the assertions. */
const decoded = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

const offerLinks = (html: string) => [...html.matchAll(/href="\/offres\/([0-9a-f-]{36})"/g)].map((m) => m[1]);

describe.each(TENANTS)('public pages of $host', ({ host, name, sector, primary, commonContract }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());
  const get = (url: string) => t.app.inject({ url, headers: { host } });

  it('home: search box, latest offers, sectors with counts, accessible skeleton', async () => {
    const response = await get('/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/html');
    const html = response.body;
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain(`<title>${name}</title>`);
    expect(html).toMatch(/<a class="skip-link" href="#contenu">/);
    expect(html).toMatch(/<main id="contenu"/);
    expect(html).toMatch(/<form[^>]*role="search"[^>]*action="\/offres"/);
    expect(html).toMatch(/<label for="search-q">/);
    expect(offerLinks(html).length).toBeGreaterThanOrEqual(5);
    expect(decoded(html)).toMatch(new RegExp(`href="/offres\\?secteur=${sector}"[^>]*>[^<]*</a>\\s*<span[^>]*>\\(\\d+\\)`));
  });

  it('offer list: 20 per page, filters, pagination that keeps the filters', async () => {
    const first = await get('/offres');
    expect(first.statusCode).toBe(200);
    const page1 = offerLinks(first.body);
    expect(page1).toHaveLength(20);
    const second = await get('/offres?page=2');
    const page2 = offerLinks(second.body);
    expect(page2).toHaveLength(20);
    expect(page2.filter((id) => page1.includes(id))).toEqual([]);

    const filtered = await get(`/offres?secteur=${sector}&contrat=cdi`);
    expect(filtered.statusCode).toBe(200);
    for (const id of offerLinks(filtered.body).slice(0, 5)) {
      const offer = await get(`/offres/${id}`);
      expect(offer.body).toMatch(/<dt>Contrat<\/dt><dd>CDI/);
    }
    expect(decoded(first.body)).toMatch(/href="\/offres\?page=2"/);
    const common = await get(`/offres?contrat=${commonContract}`);
    expect(decoded(common.body)).toContain(`href="/offres?contrat=${commonContract}&page=2"`);
  });

  it('offer list: a bad parameter gets a French 400 naming the field, not a crash', async () => {
    const response = await get('/offres?page=abc');
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('page');
    expect(response.body).toMatch(/doit être|invalide/);
    const contract = await get('/offres?contrat=esclavage');
    expect(contract.statusCode).toBe(400);
    expect(contract.body).toContain('contrat');
  });

  it('offer page: facts and a JobPosting JSON-LD block with the required fields', async () => {
    const id = offerLinks((await get('/')).body)[0];
    const response = await get(`/offres/${id}`);
    expect(response.statusCode).toBe(200);
    const ld = jsonLd(response.body);
    const h1 = /<h1>([^<]+)<\/h1>/.exec(response.body)![1];
    expect(ld).toMatchObject({ '@context': 'https://schema.org/', '@type': 'JobPosting', title: h1.replace(/&#x27;/g, "'") });
    expect(ld.description.length).toBeGreaterThan(50);
    expect(new Date(ld.datePosted).getTime()).toBeLessThanOrEqual(Date.now());
    expect(new Date(ld.validThrough).getTime()).toBeGreaterThan(Date.now());
    expect(ld.hiringOrganization).toMatchObject({ '@type': 'Organization', name: expect.any(String) });
    expect(ld.jobLocation.address).toMatchObject({ '@type': 'PostalAddress', addressCountry: 'FR', postalCode: expect.stringMatching(/^\d{5}$/), addressLocality: expect.any(String) });
    expect(ld.jobLocation.geo).toMatchObject({ latitude: expect.any(Number), longitude: expect.any(Number) });
    expect(ld.employmentType).toEqual(expect.arrayContaining([expect.stringMatching(/^(FULL_TIME|PART_TIME|TEMPORARY|CONTRACTOR|INTERN|OTHER)$/)]));
    expect(ld.identifier).toMatchObject({ value: id });
    expect(ld.url).toBe(`http://${host}/offres/${id}`);
    if (ld.baseSalary) expect(ld.baseSalary).toMatchObject({ currency: 'EUR', value: { unitText: expect.stringMatching(/^(HOUR|DAY|WEEK|MONTH|YEAR)$/) } });
    expect(response.body).toMatch(/<link rel="canonical" href="http:\/\/[^"]+\/offres\/[0-9a-f-]{36}">/);
  });

  it('company page lists the company’s live offers', async () => {
    const offer = await get(`/offres/${offerLinks((await get('/')).body)[0]}`);
    const slug = /href="\/entreprises\/([a-z0-9-]+)"/.exec(offer.body)![1];
    const company = await get(`/entreprises/${slug}`);
    expect(company.statusCode).toBe(200);
    expect(offerLinks(company.body).length).toBeGreaterThan(0);
  });

  it('unknown and unpublished offers are 404, expired ones 410, with French pages', async () => {
    for (const url of ['/offres/00000000-0000-4000-8000-000000000000', '/offres/pas-un-id', '/entreprises/inconnue', '/nulle-part']) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.body).toContain('introuvable');
      expect(response.body).toContain(name);
    }
    const tenant = host === MONTAGNE ? 'montagne' : 'dijon';
    const byStatus = (status: 'draft' | 'pending_review' | 'expired' | 'published') =>
      t.db.admin.selectFrom('offers').select('id').where('tenant_id', '=', tenant).where('status', '=', status).orderBy('id').executeTakeFirstOrThrow();
    // Never public: as if it did not exist.
    for (const status of ['draft', 'pending_review'] as const) {
      expect((await get(`/offres/${(await byStatus(status)).id}`)).statusCode, status).toBe(404);
    }
    // Public once: 410 Gone, so that search engines drop it.
    const expired = await get(`/offres/${(await byStatus('expired')).id}`);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('Cette offre n’est plus disponible');
    // Published but past its expiry date (the expiry job has not run yet): gone too.
    const live = await byStatus('published');
    await t.db.admin.updateTable('offers').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', live.id).execute();
    expect((await get(`/offres/${live.id}`)).statusCode).toBe(410);
  });

  it('theme: tenant colours, logo and security headers', async () => {
    const css = await get('/theme.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toContain('text/css');
    expect(css.body.toLowerCase()).toContain(primary);
    expect((await get('/assets/logo.svg')).statusCode).toBe(200);
    expect((await get('/assets/css/base.css')).statusCode).toBe(200);
    expect((await get('/assets/../tenant.json')).statusCode).toBe(404);

    const headers = (await get('/')).headers;
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['strict-transport-security']).toContain('max-age=31536000');
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  });
});

describe('request limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('refuses a body over 1 MiB with 413', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/offres', headers: { host: MONTAGNE, 'content-type': 'application/json' }, payload: JSON.stringify({ x: 'a'.repeat(1024 * 1024 + 10) }) });
    expect(response.statusCode).toBe(413);
  });
});
