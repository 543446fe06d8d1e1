import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../../server/db/tenant-db.js';
import { PostgresSearchEngine } from '../../../server/features/search/engines/postgres.js';
import type { SearchQuery } from '../../../server/features/search/port.js';
import { foldSearchChanges, searchGeneration } from '../../../server/features/search/repository.js';
import { firstLiveOffer } from '../../helpers/database.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

const query = (overrides: Partial<SearchQuery> = {}): SearchQuery => ({
  tenantId: 'montagne',
  filters: {},
  sort: 'relevance',
  page: 1,
  perPage: 20,
  ...overrides,
});

describe('PostgreSQL search cache (generation per tenant)', () => {
  let t: TestApp;
  let cached: PostgresSearchEngine;
  let uncached: PostgresSearchEngine;
  let offer: { id: string; company_id: string; title: string };

  beforeAll(async () => {
    t = await createTestApp();
    cached = new PostgresSearchEngine(t.app.db, { entries: 100, ttlMs: 60_000 });
    uncached = new PostgresSearchEngine(t.app.db);
    offer = await firstLiveOffer(t.db.admin, 'montagne');
  });
  afterAll(async () => t?.close());

  const generation = (tenant: string) => searchGeneration(t.app.db, tenant);

  it('answers a repeated search from memory while the tenant’s offers are unchanged', async () => {
    const q = query({ text: 'perchman' });
    const first = await cached.search(q);
    const hitsBefore = cached.cache!.results.hits;
    const second = await cached.search(q);
    expect(cached.cache!.results.hits).toBe(hitsBefore + 1);
    expect(second).toBe(first);
    expect(second).toEqual(await uncached.search(q));
  });

  it('moves the generation with every committed change of the tenant only, not with a rolled-back one', async () => {
    const [montagne, dijon] = [await generation('montagne'), await generation('dijon')];
    await withTenant(t.app.db, 'montagne', (m) => m.trx.updateTable('offers').set({ title: 'Perchman confirmé H/F' }).where('id', '=', offer.id).execute());
    expect(await generation('montagne')).toBeGreaterThan(montagne);
    expect(await generation('dijon')).toBe(dijon);
    // Inside another tenant's transaction, reading a generation leaves that transaction's tenant alone.
    const inside = await withTenant(t.app.db, 'dijon', async (d) => {
      await sql`select search_generation('montagne')`.execute(d.trx);
      return (await sql<{ tenant: string }>`select current_setting('app.tenant_id') as tenant`.execute(d.trx)).rows[0].tenant;
    });
    expect(inside).toBe('dijon');

    const after = await generation('montagne');
    await expect(
      withTenant(t.app.db, 'montagne', async (m) => {
        await m.trx.updateTable('offers').set({ title: 'Jamais vu H/F' }).where('id', '=', offer.id).execute();
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await generation('montagne')).toBe(after);
  });

  it('never serves a result older than the data: an edited title, a company renamed, an offer withdrawn', async () => {
    const q = query({ text: 'dameur' });
    await cached.search(q);
    await withTenant(t.app.db, 'montagne', (m) => m.trx.updateTable('offers').set({ title: 'Dameur de nuit H/F' }).where('id', '=', offer.id).execute());
    const edited = await cached.search(q);
    expect(edited.hits.map((h) => h.title)).toContain('Dameur de nuit H/F');

    const before = edited.hits.find((h) => h.id === offer.id)!;
    await withTenant(t.app.db, 'montagne', (m) => m.trx.updateTable('companies').set({ name: 'Remontées du Mont Cache' }).where('id', '=', offer.company_id).execute());
    const renamed = await cached.search(q);
    expect(renamed.hits.find((h) => h.id === offer.id)!.companyName).toBe('Remontées du Mont Cache');
    expect(before.companyName).not.toBe('Remontées du Mont Cache');

    await withTenant(t.app.db, 'montagne', (m) => m.trx.updateTable('offers').set({ status: 'archived' }).where('id', '=', offer.id).execute());
    const withdrawn = await cached.search(q);
    expect(withdrawn.hits.map((h) => h.id)).not.toContain(offer.id);
    expect(withdrawn.total).toBe(edited.total - 1);
    expect(withdrawn).toEqual(await uncached.search(q));
  });

  it('gives, for a facet, a sort or a page, the same result cached as fresh', async () => {
    const base = query({ text: 'serveur' });
    const all = await cached.search(base);
    const contract = all.facets.contract[0].value;
    const variants = [{ ...base, filters: { contract } }, { ...base, sort: 'date' as const }, { ...base, perPage: 5, page: 2 }];
    for (const variant of variants) {
      const first = await cached.search(variant);
      expect(await cached.search(variant)).toBe(first);
      expect(first).toEqual(await uncached.search(variant));
    }
  });

  it('answers with an offer added since the last search, cached or not', async () => {
    const base = query({ text: 'serveur' });
    await cached.search(base);
    // A new offer of an existing one's trade arrives: the counts of generation N must not be reused.
    const template = await t.db.admin.selectFrom('offers').selectAll().where('tenant_id', '=', 'montagne').where('title', 'ilike', '%serveu%').where('status', '=', 'published').limit(1).executeTakeFirstOrThrow();
    await withTenant(t.app.db, 'montagne', (m) =>
      m.trx
        .insertInto('offers')
        .values({
          tenant_id: 'montagne',
          company_id: template.company_id,
          title: 'Serveur en terrasse H/F',
          description_html: '<p>Service en salle et en terrasse.</p>',
          contract: template.contract,
          working_time: 'full_time',
          status: 'published',
          published_at: new Date(),
          expires_at: new Date(Date.now() + 86_400_000),
        })
        .execute(),
    );
    const variant = { ...base, sort: 'date' as const };
    const fresh = await cached.search(variant);
    expect(fresh.hits[0].title).toBe('Serveur en terrasse H/F');
    expect(fresh).toEqual(await uncached.search(variant));
  });

  it('folds the change rows into one without moving the generation', async () => {
    const before = await generation('montagne');
    const rows = async () => (await withTenant(t.app.db, 'montagne', (m) => m.trx.selectFrom('search_changes').select('id').execute())).length;
    expect(await rows()).toBeGreaterThan(1);
    await withTenant(t.app.db, 'montagne', (m) => foldSearchChanges(m));
    expect(await rows()).toBe(1);
    expect(await generation('montagne')).toBe(before);
    // Folding one row changes nothing.
    await withTenant(t.app.db, 'montagne', (m) => foldSearchChanges(m));
    expect(await generation('montagne')).toBe(before);
  });

  it('runs the app’s queries without JIT compilation or parallel workers (startup options of its pool)', async () => {
    const { rows } = await sql<{ jit: string; workers: string }>`
      select current_setting('jit') as jit, current_setting('max_parallel_workers_per_gather') as workers`.execute(t.app.db);
    expect(rows[0]).toEqual({ jit: 'off', workers: '0' });
  });

  it('marks the search operators LEAKPROOF, so row-level security lets them into index scans', async () => {
    const { rows } = await sql<{ fn: string; leakproof: boolean }>`
      select oid::regprocedure::text as fn, proleakproof as leakproof from pg_proc
      where oid in ('ts_match_vq(tsvector, tsquery)'::regprocedure, 'similarity_op(text, text)'::regprocedure)
      order by 1`.execute(t.db.admin);
    expect(rows).toEqual([
      { fn: 'similarity_op(text,text)', leakproof: true },
      { fn: 'ts_match_vq(tsvector,tsquery)', leakproof: true },
    ]);
  });
});
