import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeilisearchEngine } from '../../../server/features/search/engines/meilisearch.js';
import { PostgresSearchEngine } from '../../../server/features/search/engines/postgres.js';
import { FACETS, type SearchEngine, type SearchQuery } from '../../../server/features/search/port.js';
import { SearchService } from '../../../server/features/search/service.js';
import { liveDocuments } from '../../../server/features/search/repository.js';
import { withTenant } from '../../../server/db/tenant-db.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { meilisearchTarget, testIndexName } from './meilisearch-target.js';

/**
 * One contract, two adapters: every engine must give these answers on the demo data. The PostgreSQL
 * run always happens; the Meilisearch run needs MEILI_HOST or a container runtime (else it is skipped
 * with the reason printed).
 */
const meili = await meilisearchTarget();
if (!meili.available) console.warn(`[search] ${meili.reason}`);

interface EngineUnderTest {
  name: string;
  skip: boolean;
  create(t: TestApp): Promise<{ engine: SearchEngine; dispose(): Promise<void> }>;
}

const ENGINES: EngineUnderTest[] = [
  { name: 'postgres', skip: false, create: async (t) => ({ engine: new PostgresSearchEngine(t.app.db), dispose: async () => {} }) },
  {
    name: 'meilisearch',
    skip: !meili.available,
    async create(t) {
      if (!meili.available) throw new Error(meili.reason);
      const engine = new MeilisearchEngine({ host: meili.host, apiKey: meili.apiKey, index: testIndexName(), timeoutMs: 10_000 });
      const service = new SearchService(t.app.db, engine, null, t.app.log);
      await service.rebuild(t.app.tenants.tenants.map((x) => x.id));
      return { engine, dispose: () => engine.dropIndex() };
    },
  },
];

const query = (tenantId: string, overrides: Partial<SearchQuery> = {}): SearchQuery => ({
  tenantId,
  filters: {},
  sort: 'relevance',
  page: 1,
  perPage: 50,
  ...overrides,
});

describe.each(ENGINES)('search engine contract: $name', ({ skip, create }) => {
  let t: TestApp;
  let engine: SearchEngine;
  let dispose = async () => {};

  beforeAll(async () => {
    if (skip) return;
    t = await createTestApp();
    ({ engine, dispose } = await create(t));
  }, 180_000);
  afterAll(async () => {
    await dispose();
    await t?.close();
    if (meili.available) await meili.stop();
  });

  /** Live offers of a tenant, straight from the database (the privileged role sees every tenant). */
  async function live(tenantId: string, where: (q: any) => any = (q) => q) {
    return where(
      t.db.admin
        .selectFrom('offers')
        .select(['id', 'title', 'rome_code', 'sector', 'commune_insee'])
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'published')
        .where('expires_at', '>', new Date()),
    ).execute() as Promise<{ id: string; title: string; rome_code: string | null; sector: string | null; commune_insee: string | null }[]>;
  }

  it.skipIf(skip)('"moniteur ski" finds "Moniteur de ski H/F" first, and all of them', async () => {
    const result = await engine.search(query('montagne', { text: 'moniteur ski', perPage: 100 }));
    expect(result.hits[0].title).toBe('Moniteur de ski H/F');
    const expected = (await live('montagne')).filter((o) => o.title === 'Moniteur de ski H/F').map((o) => o.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(result.hits.map((h) => h.id)).toEqual(expect.arrayContaining(expected));
  });

  it.skipIf(skip)('"monitrice" and "moniteurs" match "Moniteur de ski H/F" (gender and plural forms)', async () => {
    for (const text of ['monitrice', 'moniteurs', 'Monitrice de ski']) {
      const result = await engine.search(query('montagne', { text }));
      expect(result.hits.map((h) => h.title), text).toContain('Moniteur de ski H/F');
    }
  });

  it.skipIf(skip)('"serveuse" finds the waiter offers, "hotellerie" the hôtellerie ones (accents ignored)', async () => {
    const serveuse = await engine.search(query('montagne', { text: 'serveuse' }));
    expect(serveuse.hits.map((h) => h.title)).toContain('Serveur en restaurant d’altitude H/F');
    const hospitality = (await live('montagne')).filter((o) => o.sector === 'hotellerie-restauration');
    const hotellerie = await engine.search(query('montagne', { text: 'hotellerie' }));
    expect(hotellerie.total).toBeGreaterThanOrEqual(hospitality.length);
    const accented = await engine.search(query('montagne', { text: 'hôtellerie' }));
    expect(accented.total).toBe(hotellerie.total);
  });

  it.skipIf(skip)('a misspelt trade ("perchmann", "pisteur secouristte") still finds it', async () => {
    const perchman = await engine.search(query('montagne', { text: 'perchmann' }));
    expect(perchman.hits[0]?.title).toBe('Perchman H/F');
    const pisteur = await engine.search(query('montagne', { text: 'pisteur secouristte' }));
    expect(pisteur.hits[0]?.title).toBe('Pisteur secouriste H/F');
  });

  it.skipIf(skip)('a ROME code finds its offers, as text and as a filter', async () => {
    const expected = (await live('montagne')).filter((o) => o.rome_code === 'G1204');
    expect(expected.length).toBeGreaterThan(0);
    const filtered = await engine.search(query('montagne', { rome: 'G1204', perPage: 100 }));
    expect(filtered.total).toBe(expected.length);
    expect(new Set(filtered.hits.map((h) => h.id))).toEqual(new Set(expected.map((o) => o.id)));
    const typed = await engine.search(query('montagne', { text: 'G1204', perPage: 100 }));
    expect(typed.hits.map((h) => h.id)).toEqual(expect.arrayContaining(expected.map((o) => o.id)));
  });

  it.skipIf(skip)('20 km around Chamonix-Mont-Blanc includes Les Houches and excludes Grenoble', async () => {
    const { latitude, longitude } = await t.db.admin.selectFrom('communes').select(['latitude', 'longitude']).where('insee_code', '=', '74056').executeTakeFirstOrThrow();
    const result = await engine.search(query('montagne', { near: { lat: latitude!, lon: longitude!, radiusKm: 20 }, sort: 'distance', perPage: 100 }));
    const communes = new Set(result.hits.map((h) => h.place.insee));
    expect(communes.has('74143')).toBe(true); // Les Houches
    expect(communes.has('38185')).toBe(false); // Grenoble
    expect((await live('montagne')).some((o) => o.commune_insee === '38185')).toBe(true); // …which has offers
    const distances = result.hits.map((h) => h.distanceKm!);
    for (const d of distances) expect(d).toBeLessThanOrEqual(20);
    expect([...distances].sort((a, b) => a - b)).toEqual(distances);
    // Everything within 20 km in the database is found.
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from offers
      where tenant_id = 'montagne' and status = 'published' and expires_at > now()
        and earth_distance(ll_to_earth(${latitude}, ${longitude}), ll_to_earth(latitude, longitude)) <= 20000`.execute(t.db.admin);
    expect(result.total).toBe(rows[0].n);
  });

  it.skipIf(skip)('each facet count equals the total obtained by choosing that value', async () => {
    for (const base of [query('montagne'), query('montagne', { text: 'saisonnier' }), query('dijon', { filters: { contract: 'apprenticeship' } })]) {
      const result = await engine.search(base);
      for (const facet of FACETS) {
        expect(result.facets[facet].length, facet).toBeGreaterThan(0);
        for (const { value, count } of result.facets[facet]) {
          const chosen = await engine.search({ ...base, filters: { ...base.filters, [facet]: value }, perPage: 1 });
          expect(chosen.total, `${base.tenantId} ${base.text ?? ''} ${facet}=${value}`).toBe(count);
        }
      }
    }
  });

  it.skipIf(skip)('a query on one tenant never returns another tenant’s offers', async () => {
    const dijonIds = new Set((await live('dijon')).map((o) => o.id));
    const montagneIds = new Set((await live('montagne')).map((o) => o.id));
    for (const text of [undefined, 'serveur', 'apprenti', 'H/F', 'Dijon']) {
      const fromMontagne = await engine.search(query('montagne', { text, perPage: 100 }));
      expect(fromMontagne.hits.filter((h) => dijonIds.has(h.id)), String(text)).toEqual([]);
      const fromDijon = await engine.search(query('dijon', { text, perPage: 100 }));
      expect(fromDijon.hits.filter((h) => montagneIds.has(h.id)), String(text)).toEqual([]);
    }
    expect((await engine.search(query('dijon', { text: 'perchman' }))).total).toBe(0);
    expect((await engine.search(query('montagne'))).total).toBe(montagneIds.size);
  });

  it.skipIf(skip)('sorts by date and pages without overlap', async () => {
    const first = await engine.search(query('montagne', { sort: 'date', perPage: 20 }));
    const second = await engine.search(query('montagne', { sort: 'date', perPage: 20, page: 2 }));
    const dates = [...first.hits, ...second.hits].map((h) => h.publishedAt.getTime());
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);
    expect(first.hits.filter((h) => second.hits.some((s) => s.id === h.id))).toEqual([]);
    expect(second.total).toBe(first.total);
  });

  it.skipIf(skip)('collapses near-duplicates: one hit per group, sized by its posts, pages cut from groups, counts still per offer', async () => {
    const company = (await t.db.admin.selectFrom('companies').select('id').where('tenant_id', '=', 'dijon').orderBy('id').executeTakeFirstOrThrow()).id;
    const { rows } = await sql<{ id: string }>`
      insert into offers (tenant_id, company_id, title, description_html, contract, working_time, housing, status, commune_insee, place_name,
                          postal_code, latitude, longitude, sector, published_at, expires_at)
      select 'dijon', ${company}, 'Animateur de contrat collapse H/F', '<p>Trois postes identiques pour le contrat du moteur.</p>', 'cdd', 'full_time',
             'none', 'published', '21231', 'Dijon', '21000', 47.32, 5.04, 'animation-sport', now() - make_interval(hours => n), now() + interval '30 days'
      from generate_series(1, 3) n returning id`.execute(t.db.admin);
    await engine.apply('dijon', { upserts: await withTenant(t.app.db, 'dijon', (d) => liveDocuments(d, rows.map((r) => r.id))), removals: [] });
    const grouped = await engine.search(query('dijon', { text: 'animateur contrat collapse', collapseDuplicates: true }));
    expect([grouped.total, grouped.groups, grouped.hits.length]).toEqual([3, 1, 1]);
    expect(grouped.hits[0].positions).toBe(3);
    const every = await engine.search(query('dijon', { text: 'animateur contrat collapse' }));
    expect([every.total, every.groups, every.hits.length]).toEqual([3, 3, 3]);
    const all = await engine.search(query('dijon', { collapseDuplicates: true, perPage: 1000 }));
    expect(all.hits.length).toBe(all.groups);
    expect(all.hits.reduce((sum, h) => sum + h.positions, 0)).toBe(all.total);
  });

  it.skipIf(skip)('counts the offers of each commune for the map, adding up to the list’s total with the same filters', async () => {
    for (const base of [query('montagne'), query('montagne', { filters: { contract: 'seasonal' } }), query('dijon', { text: 'serveur' })]) {
      const points = await engine.map(base);
      expect(points.reduce((sum, p) => sum + p.count, 0)).toBe((await engine.search(base)).total);
    }
  });
});
