import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../../server/db/tenant-db.js';
import { PostgresSearchEngine } from '../../../server/features/search/engines/postgres.js';
import type { IndexChanges, SearchEngine } from '../../../server/features/search/port.js';
import { SearchService } from '../../../server/features/search/service.js';
import { createWorker } from '../../../server/jobs/index.js';
import { firstLiveOffer } from '../../helpers/database.js';
import { createTestApp, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { freePort } from '../../helpers/net.js';

/** An external engine that records what it is sent, and can be switched off like a crashed server. */
class RecordingEngine implements SearchEngine {
  readonly name = 'meilisearch';
  readonly external = true;
  down = false;
  applied: { tenantId: string; changes: IndexChanges }[] = [];
  beforeApply: (() => Promise<void>) | undefined;
  constructor(private readonly delegate: SearchEngine) {}
  search = (q: Parameters<SearchEngine['search']>[0]) => this.delegate.search(q);
  map = (q: Parameters<SearchEngine['map']>[0]) => this.delegate.map(q);
  async apply(tenantId: string, changes: IndexChanges) {
    await this.beforeApply?.();
    if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:7700');
    this.applied.push({ tenantId, changes });
  }
  rebuild = async () => 0;
  health = async () => !this.down;
  upserted = () => this.applied.flatMap((a) => a.changes.upserts.map((d) => d.id));
  removed = () => this.applied.flatMap((a) => a.changes.removals);
}

describe('search outbox', () => {
  let t: TestApp;
  let engine: RecordingEngine;
  let service: SearchService;
  let offer: { id: string; company_id: string };

  const outbox = () => t.db.admin.selectFrom('search_outbox').selectAll().where('tenant_id', '=', 'montagne').execute();
  const emptyOutbox = () => t.db.admin.deleteFrom('search_outbox').execute();

  beforeAll(async () => {
    t = await createTestApp();
    engine = new RecordingEngine(new PostgresSearchEngine(t.app.db));
    service = new SearchService(t.app.db, engine, null, t.app.log);
    offer = await firstLiveOffer(t.db.admin, 'montagne');
  });
  afterAll(async () => t?.close());

  it('records an offer change in the same transaction, and nothing when it rolls back', async () => {
    await emptyOutbox();
    await withTenant(t.app.db, 'montagne', (m) => m.trx.updateTable('offers').set({ title: 'Perchman confirmé H/F' }).where('id', '=', offer.id).execute());
    expect((await outbox()).map((r) => r.offer_id)).toEqual([offer.id]);

    await emptyOutbox();
    const failed = withTenant(t.app.db, 'montagne', async (m) => {
      await m.trx.updateTable('offers').set({ title: 'Jamais visible H/F' }).where('id', '=', offer.id).execute();
      throw new Error('rollback');
    });
    await expect(failed).rejects.toThrow('rollback');
    expect(await outbox()).toEqual([]);
  });

  it('coalesces repeated changes of one offer into one row, and records renamed companies’ offers', async () => {
    await emptyOutbox();
    for (const title of ['Perchman A H/F', 'Perchman B H/F']) {
      await withTenant(t.app.db, 'montagne', (m) => m.trx.updateTable('offers').set({ title }).where('id', '=', offer.id).execute());
    }
    const rows = await outbox();
    expect(rows).toHaveLength(1);
    expect(rows[0].revision).toBe(2);

    await emptyOutbox();
    await withTenant(t.app.db, 'montagne', (m) => m.trx.updateTable('companies').set({ name: 'Nouveau Nom SAS' }).where('id', '=', offer.company_id).execute());
    const companyOffers = await t.db.admin.selectFrom('offers').select('id').where('company_id', '=', offer.company_id).execute();
    expect((await outbox()).map((r) => r.offer_id).sort()).toEqual(companyOffers.map((o) => o.id).sort());
    // …and PostgreSQL search already sees the new name (the document is rebuilt by the trigger).
    const found = await t.app.offerSearch.search({ tenantId: 'montagne', text: 'Nouveau Nom SAS', filters: {}, sort: 'relevance', page: 1, perPage: 5 });
    expect(found.hits[0].companyName).toBe('Nouveau Nom SAS');
  });

  it('is drained into the engine: live offers upserted, others removed, rows gone once applied', async () => {
    await emptyOutbox();
    const hidden = await t.db.admin.selectFrom('offers').select('id').where('tenant_id', '=', 'montagne').where('status', '=', 'published').where('id', '!=', offer.id).executeTakeFirstOrThrow();
    await withTenant(t.app.db, 'montagne', async (m) => {
      await m.trx.updateTable('offers').set({ title: 'Perchman drainé H/F' }).where('id', '=', offer.id).execute();
      await m.trx.updateTable('offers').set({ status: 'filled' }).where('id', '=', hidden.id).execute();
    });
    engine.applied = [];
    const report = await service.drainOutbox('montagne');
    expect(report).toEqual({ indexed: 1, removed: 1, failed: 0 });
    expect(engine.upserted()).toEqual([offer.id]);
    expect(engine.applied[0].changes.upserts[0]).toMatchObject({ tenantId: 'montagne', title: 'Perchman drainé H/F' });
    expect(engine.removed()).toEqual([hidden.id]);
    expect(await outbox()).toEqual([]);
    // Another tenant's drain sees none of these rows (RLS on the outbox).
    engine.applied = [];
    expect(await service.drainOutbox('dijon')).toEqual({ indexed: 0, removed: 0, failed: 0 });
  });

  it('keeps the rows, with a backoff and the error, while the engine is down; drains them once it is back', async () => {
    await emptyOutbox();
    await withTenant(t.app.db, 'montagne', (m) => m.trx.updateTable('offers').set({ title: 'Perchman en attente H/F' }).where('id', '=', offer.id).execute());
    engine.down = true;
    expect(await service.drainOutbox('montagne')).toEqual({ indexed: 0, removed: 0, failed: 1 });
    const [row] = await outbox();
    expect(row).toMatchObject({ offer_id: offer.id, attempts: 1, locked_until: null });
    expect(row.last_error).toContain('ECONNREFUSED');
    expect(row.available_at.getTime()).toBeGreaterThan(Date.now());
    // Not due yet: a new pass does not hammer the engine.
    expect(await service.drainOutbox('montagne')).toEqual({ indexed: 0, removed: 0, failed: 0 });

    engine.down = false;
    await t.db.admin.updateTable('search_outbox').set({ available_at: new Date(Date.now() - 1000) }).execute();
    engine.applied = [];
    expect(await service.drainOutbox('montagne')).toEqual({ indexed: 1, removed: 0, failed: 0 });
    expect(engine.upserted()).toEqual([offer.id]);
    expect(await outbox()).toEqual([]);
  });

  it('keeps a row whose offer changed again while it was being indexed', async () => {
    await emptyOutbox();
    await withTenant(t.app.db, 'montagne', (m) => m.trx.updateTable('offers').set({ title: 'Perchman v1 H/F' }).where('id', '=', offer.id).execute());
    engine.beforeApply = async () => {
      engine.beforeApply = undefined;
      await withTenant(t.app.db, 'montagne', (m) => m.trx.updateTable('offers').set({ title: 'Perchman v2 H/F' }).where('id', '=', offer.id).execute());
    };
    engine.applied = [];
    await service.drainOutbox('montagne', 1);
    expect(engine.applied[0].changes.upserts[0].title).toBe('Perchman v1 H/F');
    expect(await outbox()).toHaveLength(1); // v2 still to send
    await service.drainOutbox('montagne');
    expect(engine.applied.at(-1)!.changes.upserts[0].title).toBe('Perchman v2 H/F');
    expect(await outbox()).toEqual([]);
  });

  it('is drained by the background worker', async () => {
    await emptyOutbox();
    const worker = createWorker(t.app);
    await worker.start();
    try {
      await withTenant(t.app.db, 'montagne', (m) => m.trx.updateTable('offers').set({ title: 'Perchman du worker H/F' }).where('id', '=', offer.id).execute());
      const deadline = Date.now() + 15_000;
      while ((await outbox()).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      // With PostgreSQL as the app's engine the documents are current already: the rows are dropped.
      expect(await outbox()).toEqual([]);
    } finally {
      await worker.stop();
    }
  });
});

describe('Meilisearch unreachable (MEILI_HOST pointing at a closed port)', () => {
  let t: TestApp;
  beforeAll(async () => {
    const port = await freePort();
    t = await createTestApp({ search: { engine: 'meilisearch', meilisearch: { host: `http://127.0.0.1:${port}`, index: 'offers', timeoutMs: 1000 }, cache: { entries: 100, ttlMs: 30_000 } } });
  });
  afterAll(async () => t?.close());

  it('keeps the board serving: the API and the search page answer from PostgreSQL', async () => {
    const api = await t.app.inject({ url: '/api/v1/offers?q=perchmann', headers: { host: MONTAGNE } });
    expect(api.statusCode).toBe(200);
    expect(api.headers['x-search-engine']).toBe('postgres');
    expect(api.json().hits[0].title).toBe('Perchman H/F');
    const page = await t.app.inject({ url: '/offres?q=moniteur+ski', headers: { host: MONTAGNE } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Moniteur de ski H/F');
    expect(page.body).toContain('mode simplifié');
  });

  it('reports it on /readyz without taking the node out of the load balancer', async () => {
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'degraded', checks: { database: 'ok', search: 'down' } });
  });

  it('keeps offer changes in the outbox until it is back', async () => {
    const offer = await t.db.admin.selectFrom('offers').select('id').where('tenant_id', '=', 'montagne').where('status', '=', 'published').executeTakeFirstOrThrow();
    await t.db.admin.deleteFrom('search_outbox').execute();
    await withTenant(t.app.db, 'montagne', (m) => m.trx.updateTable('offers').set({ title: 'Perchman hors ligne H/F' }).where('id', '=', offer.id).execute());
    const report = await t.app.offerSearch.drainOutbox('montagne');
    expect(report.failed).toBe(1);
    const rows = await sql<{ offer_id: string; last_error: string }>`select offer_id, last_error from search_outbox`.execute(t.db.admin);
    expect(rows.rows).toEqual([{ offer_id: offer.id, last_error: expect.any(String) }]);
  });
});
