import type { FastifyInstance } from 'fastify';
import { createBillingProvider } from '../features/billing/providers/index.js';
import { defineBillingJobs } from './membership-reminders.js';
import { defineCandidateJobs, defineRetentionJob } from './candidate-jobs.js';
import { defineFeedJobs } from './feed-jobs.js';
import { defineMessagingJobs } from './messaging-jobs.js';
import { defineOfferJobs } from './offer-expiry.js';
import { defineSearchJobs } from './search-outbox.js';
import { defineSharedTimeJobs } from './shared-time.js';
import { Worker } from './worker.js';

/**
 * The worker with every job of the app. main.ts starts it after the app is built and stops it before
 * the app (and its pool) closes. New jobs: a file beside this one with a `define…Jobs(worker, …)`.
 */
export function createWorker(app: FastifyInstance): Worker {
  const worker = new Worker(app.db, { pollIntervalMs: app.config.worker.pollIntervalMs, log: app.log.child({ component: 'worker' }) });
  defineSearchJobs(worker, app.offerSearch, app.tenants);
  defineOfferJobs(worker, app.db, app.tenants);
  defineBillingJobs(worker, app.db, app.tenants, app.mail, { provider: createBillingProvider(app.config.billing) });
  defineCandidateJobs(worker, app);
  defineRetentionJob(worker, app);
  defineSharedTimeJobs(worker, app);
  defineFeedJobs(worker, app);
  defineMessagingJobs(worker, app);
  return worker;
}
