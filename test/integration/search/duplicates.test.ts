import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresSearchEngine } from '../../../server/features/search/engines/postgres.js';
import type { SearchQuery } from '../../../server/features/search/port.js';
import { decodeHtml } from '../../helpers/accounts.js';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { createCompany } from '../../helpers/company-space.js';
import { insertLiveOffer } from '../../helpers/offers.js';

const HOUR = 3_600_000;
// A title no demo offer has, so each query sees only this file's offers.
const TITLE = 'Pisteur-artificier des Glaciers H/F';

const query = (overrides: Partial<SearchQuery> = {}): SearchQuery => ({
  tenantId: 'montagne',
  text: 'artificier glaciers',
  filters: {},
  sort: 'date',
  page: 1,
  perPage: 20,
  ...overrides,
});

describe('near-duplicates, the map and the youth filters in the search engine', () => {
  let t: TestApp;
  let engines: { name: string; engine: PostgresSearchEngine }[];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp();
    const glaciers = await createCompany(t, 'montagne', 'Glaciers Services');
    const other = await createCompany(t, 'montagne', 'Autre Station');
    const base = { title: TITLE, sector: 'pistes-neige', contract: 'seasonal' as const, housing: 'provided' as const, rome_code: 'K1726' };
    // Three posts of one job, same place: one group. The latest is its card.
    ids.a = await insertLiveOffer(t.db.admin, 'montagne', glaciers, { ...base, commune: '74056', publishedAt: new Date(Date.now() - 5 * HOUR) });
    ids.b = await insertLiveOffer(t.db.admin, 'montagne', glaciers, { ...base, commune: '74056', publishedAt: new Date(Date.now() - 1 * HOUR) });
    ids.c = await insertLiveOffer(t.db.admin, 'montagne', glaciers, {
      ...base,
      commune: '74056',
      publishedAt: new Date(Date.now() - 3 * HOUR),
      description_html: '<p>Une offre écrite par un test, avec le mot avalanche dans sa description.</p>',
    });
    // Not duplicates: another commune, another contract, another company.
    ids.elsewhere = await insertLiveOffer(t.db.admin, 'montagne', glaciers, { ...base, commune: '74143', publishedAt: new Date(Date.now() - 2 * HOUR) });
    ids.cdi = await insertLiveOffer(t.db.admin, 'montagne', glaciers, { ...base, contract: 'cdi', commune: '74056', publishedAt: new Date(Date.now() - 4 * HOUR) });
    ids.otherCompany = await insertLiveOffer(t.db.admin, 'montagne', other, { ...base, commune: '74056', publishedAt: new Date(Date.now() - 6 * HOUR) });
    // Closed: never counted.
    const closed = await insertLiveOffer(t.db.admin, 'montagne', glaciers, { ...base, commune: '74056' });
    await t.db.admin.updateTable('offers').set({ status: 'filled' }).where('id', '=', closed).execute();
    engines = [
      { name: 'uncached', engine: new PostgresSearchEngine(t.app.db) },
      { name: 'cached', engine: new PostgresSearchEngine(t.app.db, { entries: 100, ttlMs: 60_000 }) },
    ];
  });
  afterAll(async () => t?.close());

  it('gives the same duplicate key to the same company, title (whatever its case), commune, contract, housing and sector', async () => {
    const keys = await t.db.admin.selectFrom('offers').select(['id', 'duplicate_key']).where('id', 'in', Object.values(ids)).execute();
    const key = (id: string) => String(keys.find((k) => k.id === id)!.duplicate_key);
    expect(new Set([key(ids.a), key(ids.b), key(ids.c)]).size).toBe(1);
    for (const other of ['elsewhere', 'cdi', 'otherCompany']) expect(key(ids[other]), other).not.toBe(key(ids.a));
    await t.db.admin.updateTable('offers').set({ title: TITLE.toUpperCase() }).where('id', '=', ids.c).execute();
    expect(String((await t.db.admin.selectFrom('offers').select('duplicate_key').where('id', '=', ids.c).executeTakeFirstOrThrow()).duplicate_key)).toBe(key(ids.a));
    await t.db.admin.updateTable('offers').set({ title: TITLE }).where('id', '=', ids.c).execute();
  });

  it.each([0, 1])('shows a group as one hit, its latest offer, sized with the matching posts (engine %#)', async (n) => {
    const { engine } = engines[n];
    const collapsed = await engine.search(query({ collapseDuplicates: true }));
    expect(collapsed.total).toBe(6);
    expect(collapsed.groups).toBe(4);
    expect(collapsed.hits.map((h) => [h.id, h.positions])).toEqual([
      [ids.b, 3],
      [ids.elsewhere, 1],
      [ids.cdi, 1],
      [ids.otherCompany, 1],
    ]);
    const plain = await engine.search(query());
    expect(plain.total).toBe(6);
    expect(plain.groups).toBe(6);
    expect(plain.hits.map((h) => h.positions)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('keeps pagination honest: pages are cut from groups, none twice, none lost', async () => {
    const { engine } = engines[1];
    const seen: string[] = [];
    for (let page = 1; page <= 4; page++) {
      const result = await engine.search(query({ collapseDuplicates: true, perPage: 1, page }));
      expect(result.groups).toBe(4);
      expect(result.hits).toHaveLength(1);
      seen.push(result.hits[0].id);
    }
    expect(seen).toEqual([ids.b, ids.elsewhere, ids.cdi, ids.otherCompany]);
    expect((await engine.search(query({ collapseDuplicates: true, perPage: 1, page: 5 }))).hits).toEqual([]);
  });

  it('counts only the posts of a group that match the words, and groups under facet filters', async () => {
    const { engine } = engines[0];
    // Only one of the three posts says "avalanche": the group is that offer alone.
    const avalanche = await engine.search(query({ text: 'artificier avalanche', collapseDuplicates: true }));
    expect(avalanche.hits.map((h) => [h.id, h.positions])).toEqual([[ids.c, 1]]);
    const seasonal = await engine.search(query({ collapseDuplicates: true, filters: { contract: 'seasonal' } }));
    expect([seasonal.total, seasonal.groups]).toEqual([5, 3]);
    expect(seasonal.facets.contract).toEqual(expect.arrayContaining([{ value: 'seasonal', count: 5 }, { value: 'cdi', count: 1 }]));
  });

  it('the search page shows one card for the group, "3 postes à pourvoir", and counts every offer', async () => {
    const page = decodeHtml((await t.app.inject({ url: `/offres?q=${encodeURIComponent('artificier glaciers')}&tri=date`, headers: { host: MONTAGNE } })).body);
    expect(page).toContain('6 offres trouvées');
    const cards = [...page.matchAll(/data-offer-card="([0-9a-f-]{36})"/g)].map((m) => m[1]);
    expect(cards).toEqual([ids.b, ids.elsewhere, ids.cdi, ids.otherCompany]);
    expect(page).toContain('3 postes à pourvoir');
    expect(page.match(/postes? à pourvoir/g)).toHaveLength(1);
  });

  it('the API lists every offer unless asked to group (group_duplicates=true: positions and groups)', async () => {
    const get = async (qs: string) => (await t.app.inject({ url: `/api/v1/offers?q=artificier+glaciers&sort=date${qs}`, headers: { host: MONTAGNE } })).json();
    const every = await get('');
    expect([every.total, every.groups, every.hits.length]).toEqual([6, 6, 6]);
    const grouped = await get('&group_duplicates=true');
    expect([grouped.total, grouped.groups, grouped.hits.length]).toEqual([6, 4, 4]);
    expect(grouped.hits[0]).toMatchObject({ id: ids.b, positions: 3 });
  });

  it('map: one point per commune, counts adding up to the offers the list finds, with the same filters', async () => {
    const { engine } = engines[1];
    for (const filters of [{}, { contract: 'seasonal' }, { contract: 'cdi' }]) {
      const points = await engine.map(query({ filters }));
      const result = await engine.search(query({ filters, perPage: 100 }));
      expect(points.reduce((sum, p) => sum + p.count, 0), JSON.stringify(filters)).toBe(result.total);
      const perCommune = new Map<string, number>();
      for (const hit of result.hits) perCommune.set(hit.place.insee!, (perCommune.get(hit.place.insee!) ?? 0) + 1);
      expect(Object.fromEntries(points.map((p) => [p.insee, p.count]))).toEqual(Object.fromEntries(perCommune));
    }
  });

  it('map JSON: each marker with its commune, coordinates and a link to its offers, which lists exactly its count', async () => {
    const response = await t.app.inject({ url: '/offres/carte.json?q=artificier+glaciers', headers: { host: MONTAGNE } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.total).toBe(6);
    const chamonix = body.markers.find((m: { insee: string }) => m.insee === '74056');
    expect(chamonix).toEqual({ insee: '74056', name: 'Chamonix-Mont-Blanc', label: 'Chamonix-Mont-Blanc (74400)', lat: expect.any(Number), lon: expect.any(Number), count: 5, url: '/offres?q=artificier+glaciers&commune=74056' });
    const listed = decodeHtml((await t.app.inject({ url: chamonix.url, headers: { host: MONTAGNE } })).body);
    expect(listed).toContain('5 offres trouvées');
    expect(listed).toContain('À Chamonix-Mont-Blanc (74400)');
    expect((await t.app.inject({ url: '/offres/carte.json?commune=99999', headers: { host: MONTAGNE } })).statusCode).toBe(400);
  });

  it('youth filters: "débutant accepté", "sans diplôme", "accessible aux mineurs" on the engine, the page and the API', async () => {
    const dijon = (flags: Partial<SearchQuery>) => engines[0].engine.search(query({ tenantId: 'dijon', text: undefined, perPage: 100, ...flags }));
    const all = await dijon({});
    const beginners = await dijon({ beginnerWelcome: true });
    const noDiploma = await dijon({ withoutDiploma: true });
    const minors = await dijon({ openToMinors: true });
    for (const [name, result] of Object.entries({ beginners, noDiploma, minors })) {
      expect(result.total, name).toBeGreaterThan(0);
      expect(result.total, name).toBeLessThan(all.total);
    }
    const rows = await t.db.admin
      .selectFrom('offers')
      .select(['id', 'experience', 'without_diploma', 'open_to_minors'])
      .where('id', 'in', [...beginners.hits, ...noDiploma.hits, ...minors.hits].map((h) => h.id))
      .execute();
    const row = (id: string) => rows.find((r) => r.id === id)!;
    expect(beginners.hits.every((h) => row(h.id).experience === 'none')).toBe(true);
    expect(noDiploma.hits.every((h) => row(h.id).without_diploma)).toBe(true);
    expect(minors.hits.every((h) => row(h.id).open_to_minors)).toBe(true);

    const page = decodeHtml((await t.app.inject({ url: '/offres?sans-diplome=oui&mineurs=oui', headers: { host: DIJON } })).body);
    const both = await dijon({ withoutDiploma: true, openToMinors: true });
    expect(page).toContain(`${both.total} offres trouvées`);
    expect(page).toMatch(/<input type="checkbox" id="filter-sans-diplome" name="sans-diplome" value="oui" checked>/);
    expect(page).toContain('>Sans diplôme<');
    const api = (await t.app.inject({ url: '/api/v1/offers?beginner_welcome=true&per_page=1', headers: { host: DIJON } })).json();
    expect(api.total).toBe(beginners.total);
    // Boards that are not for young people accept the parameters but do not show the checkboxes.
    expect((await t.app.inject({ url: '/offres', headers: { host: MONTAGNE } })).body).not.toContain('filter-sans-diplome');
  });

  it('chips: each active filter once, each link removing only its own filter', async () => {
    const page = decodeHtml((await t.app.inject({ url: '/offres?q=serveur&contrat=apprenticeship&mineurs=oui&lieu=Dijon&rayon=10', headers: { host: DIJON } })).body);
    const chips = [...page.matchAll(/<a class="chip" href="([^"]+)">([^<]+)</g)].map((m) => [m[2], m[1]]);
    expect(chips).toEqual([
      ['« serveur »', '/offres?contrat=apprenticeship&lieu=Dijon+%2821000%29&rayon=10&mineurs=oui'],
      ['Dijon (21000) (10 km)', '/offres?q=serveur&contrat=apprenticeship&mineurs=oui'],
      ['Apprentissage', '/offres?q=serveur&lieu=Dijon+%2821000%29&rayon=10&mineurs=oui'],
      ['Accessible aux mineurs', '/offres?q=serveur&contrat=apprenticeship&lieu=Dijon+%2821000%29&rayon=10'],
    ]);
    expect((await t.app.inject({ url: '/offres', headers: { host: DIJON } })).body).not.toContain('class="chip"');
  });
});
