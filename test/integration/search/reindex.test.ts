import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../../server/db/tenant-db.js';
import { PostgresSearchEngine } from '../../../server/features/search/engines/postgres.js';
import { countOffers, recomputeDocumentBatch } from '../../../server/features/search/repository.js';
import { SearchService } from '../../../server/features/search/service.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';

/**
 * npm run search:reindex with the PostgreSQL engine: the documents are recomputed batch by batch (by
 * id, each batch its own transaction), so a large board never holds a statement for long.
 */
describe('PostgreSQL reindex', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  /** "Perchman" offers whose search document lacks the word of their own title. */
  const stale = async () => {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from offers
      where tenant_id = 'montagne' and title ilike '%perchman%' and not (search_vector @@ 'perchman'::tsquery)`.execute(t.db.admin);
    return rows[0].n;
  };

  it('goes through every offer in id order, a batch per transaction, none twice', async () => {
    const total = await withTenant(t.app.db, 'montagne', (m) => countOffers(m));
    expect(total).toBeGreaterThan(250);
    const batches: { count: number; lastId: string | null }[] = [];
    for (let after: string | null = null; ; ) {
      const batch = await withTenant(t.app.db, 'montagne', (m) => recomputeDocumentBatch(m, after, 100));
      batches.push(batch);
      if (batch.count < 100) break;
      after = batch.lastId;
    }
    expect(batches.map((b) => b.count).reduce((a, b) => a + b, 0)).toBe(total);
    expect(batches.slice(0, -1).every((b) => b.count === 100)).toBe(true);
    const lastIds = batches.filter((b) => b.lastId !== null).map((b) => b.lastId!);
    expect([...lastIds].sort()).toEqual(lastIds);
    expect(new Set(lastIds).size).toBe(lastIds.length);
  });

  it('puts lost documents back (rebuild), reports its progress, and the search finds the offers again', async () => {
    // A document lost without its trigger (as after a bug or a manual repair), for every "Perchman".
    await t.db.admin.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update offers set search_vector = to_tsvector('simple', 'rien') where tenant_id = 'montagne' and title ilike '%perchman%'`.execute(trx);
    });
    expect(await stale()).toBeGreaterThan(0);
    const engine = new PostgresSearchEngine(t.app.db);
    expect((await engine.search({ tenantId: 'montagne', text: 'perchman', filters: {}, sort: 'relevance', page: 1, perPage: 5 })).hits.map((h) => h.title)).not.toContain('Perchman H/F');

    const messages: string[] = [];
    const service = new SearchService(t.app.db, engine, null, t.app.log);
    const count = await service.rebuild(['montagne'], { log: (m) => messages.push(m) });
    expect(count).toBe(await withTenant(t.app.db, 'montagne', (m) => countOffers(m)));
    expect(messages.at(-1)).toMatch(/^montagne : \d+ offre\(s\) réindexée\(s\) dans PostgreSQL en [\d.]+ s$/);
    expect(await stale()).toBe(0);
    // The engine's board index caught up with the rewritten documents by itself.
    expect((await engine.search({ tenantId: 'montagne', text: 'perchman', filters: {}, sort: 'relevance', page: 1, perPage: 5 })).hits[0].title).toBe('Perchman H/F');
  });
});
