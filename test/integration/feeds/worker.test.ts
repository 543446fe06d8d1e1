import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleDuePolls } from '../../../server/features/feeds/import-service.js';
import { BUILD_EXPORTS, defineFeedJobs, POLL_FEED, SCHEDULE_FEED_POLLS } from '../../../server/jobs/feed-jobs.js';
import { Worker } from '../../../server/jobs/worker.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { companyIdOf } from '../../helpers/company-space.js';
import { aggregatorXml } from '../../helpers/feed-fixtures.js';
import { FeedServer } from '../../helpers/feed-server.js';

const HOUR = 3_600_000;
const silent = { info() {}, warn() {}, error() {} };

/**
 * The worker runs the polls: due URL sources get one poll job each (never two, whatever the number
 * of nodes), the next poll moves on by 24 h / polls per day, and the exports are made on schedule.
 */
describe('feed jobs on the worker', () => {
  let t: TestApp;
  let server: FeedServer;
  let sourceId: string;

  beforeAll(async () => {
    t = await createTestApp({ feeds: { allowNetworks: ['127.0.0.1'], timeoutMs: 2_000, maxBytes: 1024 * 1024 } });
    server = await FeedServer.start();
    server.serve('/ats.xml', { body: aggregatorXml([{ ref: 'W-1', title: 'Conducteur de télésiège', contract: 'Saisonnier', city: 'Chamonix-Mont-Blanc', postalCode: '74400' }]) });
    const companyId = await companyIdOf(t, 'montagne', 'employeur@montagne.demo');
    sourceId = (
      await t.db.admin
        .insertInto('feed_sources')
        .values({ tenant_id: 'montagne', company_id: companyId, name: 'ATS', kind: 'url', format: 'aggregator_xml', url: server.url('/ats.xml'), polls_per_day: 4, next_poll_at: new Date(Date.now() - 60_000) })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  it('schedules each due source once, even with two schedulers at the same moment, and moves its next poll by 6 h', async () => {
    const enqueued: string[] = [];
    const enqueue = async (job: { sourceId: string }) => void enqueued.push(job.sourceId);
    const now = new Date();
    const [a, b] = await Promise.all([scheduleDuePolls(t.app.db, t.app.tenants.tenants, enqueue, now), scheduleDuePolls(t.app.db, t.app.tenants.tenants, enqueue, now)]);
    expect(a + b).toBe(1);
    expect(enqueued).toEqual([sourceId]);
    const row = await t.db.admin.selectFrom('feed_sources').select('next_poll_at').where('id', '=', sourceId).executeTakeFirstOrThrow();
    expect(row.next_poll_at!.getTime() - now.getTime()).toBeGreaterThan(5.9 * HOUR);
    expect(row.next_poll_at!.getTime() - now.getTime()).toBeLessThanOrEqual(6 * HOUR);
    expect(await scheduleDuePolls(t.app.db, t.app.tenants.tenants, enqueue, now)).toBe(0);
  });

  // Slow on a loaded 2-core machine: the first export pass reads the 13 000 ROME appellations and both boards.
  it('polls the feed through the queue and makes the exports', { timeout: 120_000 }, async () => {
    await t.db.admin.updateTable('feed_sources').set({ next_poll_at: new Date(Date.now() - 1000), poll_requested: true }).where('id', '=', sourceId).execute();
    const worker = new Worker(t.app.db, { pollIntervalMs: 50, log: silent });
    defineFeedJobs(worker, t.app);
    await worker.start();
    try {
      await expect.poll(async () => (await t.db.admin.selectFrom('feed_runs').select(['status', 'trigger', 'created']).where('source_id', '=', sourceId).execute()), { timeout: 60_000 }).toEqual([
        { status: 'ok', trigger: 'manual', created: 1 },
      ]);
      await expect
        .poll(async () => (await t.db.admin.selectFrom('offer_exports').select(['tenant_id', 'kind']).orderBy('tenant_id').orderBy('kind').execute()), { timeout: 60_000 })
        // Both exports for every board of the deployment.
        .toEqual(
          [...t.app.tenants.tenants.map((tenant) => tenant.id)].sort().flatMap((tenant_id) => [
            { tenant_id, kind: 'aggregator_xml' },
            { tenant_id, kind: 'france_travail' },
          ]),
        );
    } finally {
      await worker.stop();
    }
    const schedules = await t.db.admin.selectFrom('job_schedules').select(['name', 'every_ms']).where('name', 'in', [SCHEDULE_FEED_POLLS, BUILD_EXPORTS]).orderBy('name').execute();
    expect(schedules).toEqual([
      { name: BUILD_EXPORTS, every_ms: 300_000 },
      { name: SCHEDULE_FEED_POLLS, every_ms: 60_000 },
    ]);
    expect(await t.db.admin.selectFrom('jobs').select('id').where('name', '=', POLL_FEED).execute()).toEqual([]);
  });
});
