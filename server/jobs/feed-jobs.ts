import type { FastifyInstance } from 'fastify';
import { canonicalOrigin, feedDeps } from '../features/feeds/deps.js';
import { AGGREGATOR_MAX_AGE_MS, buildAggregatorFeed, franceTravailFileOf } from '../features/feeds/export-service.js';
import { pollSource, scheduleDuePolls, type PollJob } from '../features/feeds/import-service.js';
import type { Worker } from './worker.js';

export const SCHEDULE_FEED_POLLS = 'feeds.schedule-polls';
export const POLL_FEED = 'feeds.poll';
export const BUILD_EXPORTS = 'feeds.build-exports';

/**
 * Offers in and out, on the worker:
 * - every minute, the URL sources whose poll is due get a `feeds.poll` job (1–4 a day each);
 * - a poll that fails on the database is retried with backoff under the same poll id, so it is
 *   applied once whatever happens (a feed that fails is recorded, not retried: the next poll is);
 * - every 5 minutes, each tenant's aggregator feed is rebuilt and, once a day, its France Travail
 *   file is made (the first pass of the tenant's day).
 */
export function defineFeedJobs(worker: Worker, app: FastifyInstance, options: { now?: () => Date } = {}): void {
  const now = options.now ?? (() => new Date());
  const deps = feedDeps(app);
  worker.define<PollJob>({
    name: POLL_FEED,
    maxAttempts: 5,
    leaseMs: 15 * 60_000,
    backoffMs: (attempt) => Math.min(30 * 60_000, 60_000 * 2 ** attempt),
    async handler(job, { log }) {
      // Moderation and membership rules are runtime settings: read them current.
      await app.tenants.refreshSettings();
      const tenant = app.tenants.get(job.tenantId);
      if (!tenant) return;
      const outcome = await pollSource(deps, tenant, job.sourceId, job.pollId, job.trigger, now());
      if (outcome.status === 'failed') log.warn({ tenant: tenant.id, source: job.sourceId, error: outcome.error }, 'feed poll failed');
      else if (outcome.status !== 'skipped') log.info({ tenant: tenant.id, source: job.sourceId, status: outcome.status, ...outcome.counts }, 'feed polled');
    },
  });
  worker.define({
    name: SCHEDULE_FEED_POLLS,
    maxAttempts: 1,
    async handler() {
      await scheduleDuePolls(app.db, app.tenants.tenants, (job, singletonKey, trx) => worker.enqueue(POLL_FEED, job, { singletonKey }, trx), now());
    },
  });
  worker.every(SCHEDULE_FEED_POLLS, 60_000);
  worker.define({
    name: BUILD_EXPORTS,
    maxAttempts: 1,
    leaseMs: 10 * 60_000,
    async handler(_payload, { log }) {
      for (const tenant of app.tenants.tenants) {
        const origin = canonicalOrigin(tenant);
        await buildAggregatorFeed(app.db, tenant, origin, now());
        const { file, created } = await franceTravailFileOf(app.db, tenant, origin, now());
        if (created) log.info({ tenant: tenant.id, day: file.generated_on, offers: file.offer_count }, 'France Travail file made');
      }
    },
  });
  worker.every(BUILD_EXPORTS, AGGREGATOR_MAX_AGE_MS);
}
