import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceKm } from '../../../server/geo/distance.js';
import { decodeHtml } from '../../helpers/accounts.js';
import { createTestApp, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { createCompany } from '../../helpers/company-space.js';
import { insertLiveOffer } from '../../helpers/offers.js';

const section = (html: string, id: string) => {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) return '';
  const end = html.indexOf('</section>', start);
  return html.slice(start, end);
};
const offerIds = (html: string) => [...html.matchAll(/data-offer-card="([0-9a-f-]{36})"/g)].map((m) => m[1]);

describe('offer page: key facts first, company, similar offers, share, report, closed offers', () => {
  let t: TestApp;
  const ids: Record<string, string> = {};
  let companyId: string;

  beforeAll(async () => {
    t = await createTestApp();
    companyId = await createCompany(t, 'montagne', 'Cimes Sécurité');
    await t.db.admin.updateTable('companies').set({ description: '<p>Sécurité des pistes <script>alert(1)</script>du Mont-Blanc.</p>' }).where('id', '=', companyId).execute();
    const rival = await createCompany(t, 'montagne', 'Pistes du Brévent');
    const far = await createCompany(t, 'montagne', 'Pistes de Briançon');
    const base = { rome_code: 'K1726', sector: 'pistes-neige', contract: 'seasonal' as const };
    ids.main = await insertLiveOffer(t.db.admin, 'montagne', companyId, {
      ...base,
      title: 'Pisteur-secouriste des Cimes H/F',
      commune: '74056',
      salary_min: 12.3,
      salary_max: 13.8,
      salary_unit: 'hour',
      hours_per_week: 35,
      housing: 'provided',
      start_date: '2031-12-12',
      end_date: '2032-04-20',
    });
    ids.samePost = await insertLiveOffer(t.db.admin, 'montagne', companyId, { ...base, title: 'Pisteur-secouriste des Cimes H/F', commune: '74056', housing: 'provided' });
    ids.companyOther = await insertLiveOffer(t.db.admin, 'montagne', companyId, { title: 'Dameur des Cimes H/F', commune: '74056', sector: 'pistes-neige', rome_code: 'F1303' });
    // Similar: same trade nearby, same sector nearby; not similar: too far, other trade and sector, closed.
    ids.similarTrade = await insertLiveOffer(t.db.admin, 'montagne', rival, { ...base, title: 'Pisteur au Brévent H/F', commune: '74056' });
    ids.similarSector = await insertLiveOffer(t.db.admin, 'montagne', rival, { title: 'Nivoculteur au Brévent H/F', commune: '74143', sector: 'pistes-neige', rome_code: 'I1331' });
    ids.far = await insertLiveOffer(t.db.admin, 'montagne', far, { ...base, title: 'Pisteur à Briançon H/F', commune: '05023' });
    ids.unrelated = await insertLiveOffer(t.db.admin, 'montagne', rival, { title: 'Serveur au Brévent H/F', commune: '74056', sector: 'hotellerie-restauration', rome_code: 'G1803' });
    ids.closed = await insertLiveOffer(t.db.admin, 'montagne', rival, { ...base, title: 'Pisteur parti H/F', commune: '74056' });
    await t.db.admin.updateTable('offers').set({ status: 'filled' }).where('id', '=', ids.closed).execute();
  });
  afterAll(async () => t?.close());
  const get = (url: string) => t.app.inject({ url, headers: { host: MONTAGNE } });

  it('opens with the title, then the apply action, then the key facts: pay, contract, dates, hours, housing, place', async () => {
    const html = decodeHtml((await get(`/offres/${ids.main}`)).body);
    const order = [
      '<h1>Pisteur-secouriste des Cimes H/F</h1>',
      'data-apply-bar',
      '12,30–13,80\u00a0€\u00a0brut/h',
      'Saisonnier',
      'Du 12 décembre 2031 au 20 avril 2032',
      'Temps plein · 35 h/sem.',
      'Logement fourni',
      '<dt>Lieu</dt><dd>Chamonix-Mont-Blanc (74400)',
      'id="description-title"',
    ];
    const positions = order.map((text) => html.indexOf(text));
    expect(positions.every((p) => p > 0), JSON.stringify(Object.fromEntries(order.map((o, i) => [o, positions[i]])))).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(html).toContain(`href="/offres/${ids.main}/candidater">Postuler</a>`);
  });

  it('says how far the offer is from the place chosen on the search page (?depuis=), and ignores a bad one', async () => {
    const near = decodeHtml((await get(`/offres/${ids.main}?depuis=74143`)).body);
    expect(near).toMatch(/Chamonix-Mont-Blanc \(74400\) · à \d+,\d km de Les Houches/);
    for (const bad of ['99999', 'abc']) {
      const response = await get(`/offres/${ids.main}?depuis=${bad}`);
      expect(response.statusCode, bad).toBe(200);
      expect(decodeHtml(response.body)).not.toContain(' km de ');
    }
  });

  it('lists its other posts, the company block (logo or initials, sanitised description, other offers) and similar offers nearby', async () => {
    const html = decodeHtml((await get(`/offres/${ids.main}`)).body);
    expect(section(html, 'postes-titre')).toContain(`/offres/${ids.samePost}`);
    expect(section(html, 'postes-titre')).toContain('2 postes identiques à pourvoir');
    const company = section(html, 'entreprise-titre');
    expect(company).toContain('Sécurité des pistes du Mont-Blanc.');
    expect(company).not.toContain('<script');
    expect(company).toContain('<span class="offer-card__initials">CS</span>');
    expect(offerIds(company)).toEqual([ids.companyOther]);
    const similar = offerIds(section(html, 'similaires-titre'));
    expect(similar.length).toBeGreaterThan(0);
    expect(similar.length).toBeLessThanOrEqual(4);
    // The same trade, nearest first; never too far, unrelated, closed or of the same company.
    expect(similar[0]).toBe(ids.similarTrade);
    for (const excluded of [ids.far, ids.unrelated, ids.closed, ids.samePost, ids.companyOther]) expect(similar).not.toContain(excluded);
    const rows = await t.db.admin
      .selectFrom('offers')
      .select(['id', 'rome_code', 'sector', 'company_id', 'status', 'latitude', 'longitude'])
      .where('id', 'in', similar)
      .execute();
    const main = await t.db.admin.selectFrom('offers').select(['latitude', 'longitude']).where('id', '=', ids.main).executeTakeFirstOrThrow();
    const trades = similar.map((id) => rows.find((r) => r.id === id)!);
    for (const row of trades) {
      expect(row.rome_code === 'K1726' || row.sector === 'pistes-neige', row.id).toBe(true);
      expect(row.company_id).not.toBe(companyId);
      expect(row.status).toBe('published');
      expect(distanceKm({ lat: main.latitude!, lon: main.longitude! }, { lat: row.latitude!, lon: row.longitude! })).toBeLessThanOrEqual(60);
    }
    // Same trade before same sector only.
    const sameTrade = trades.map((r) => r.rome_code === 'K1726');
    expect(sameTrade).toEqual([...sameTrade].sort((a, b) => Number(b) - Number(a)));
  });

  it('shares by link and e-mail, and links to the report page', async () => {
    const html = decodeHtml((await get(`/offres/${ids.main}`)).body);
    expect(html).toContain(`value="http://${MONTAGNE}/offres/${ids.main}" readonly`);
    const mailto = /href="(mailto:\?subject=[^"]+)"/.exec(html)![1];
    const params = new URLSearchParams(mailto.slice('mailto:?'.length));
    expect(params.get('subject')).toBe('Pisteur-secouriste des Cimes H/F – Cimes Sécurité');
    expect(params.get('body')).toContain(`http://${MONTAGNE}/offres/${ids.main}`);
    expect(html).toContain(`href="/offres/${ids.main}/signaler"`);
  });

  it('a closed offer answers 410, says so plainly and offers similar live ones, without JSON-LD nor apply button', async () => {
    const response = await get(`/offres/${ids.closed}`);
    expect(response.statusCode).toBe(410);
    const html = decodeHtml(response.body);
    expect(html).toContain('<h1>Pisteur parti H/F</h1>');
    expect(html).toMatch(/le poste a été pourvu le \d+ \S+ \d{4}/);
    expect(html).toContain('<meta name="robots" content="noindex">');
    expect(html).not.toContain('application/ld+json');
    expect(html).not.toContain('/candidater');
    // The open posts of the same job elsewhere (one card per group of near-duplicates).
    const similar = offerIds(section(html, 'similaires-titre'));
    expect(similar.some((id) => id === ids.main || id === ids.samePost)).toBe(true);
  });

  it('a draft is still 404: only offers that were public come back closed', async () => {
    const draft = await insertLiveOffer(t.db.admin, 'montagne', companyId, { title: 'Brouillon des Cimes H/F', commune: '74056' });
    await t.db.admin.updateTable('offers').set({ status: 'draft', published_at: null }).where('id', '=', draft).execute();
    expect((await get(`/offres/${draft}`)).statusCode).toBe(404);
  });
});
