import type { FastifyInstance } from 'fastify';
import { defineSearchJobs } from './search-outbox.js';
import { Worker } from './worker.js';

/**
 * The worker with every job of the app. main.ts starts it after the app is built and stops it before
 * the app (and its pool) closes. New jobs: a file beside this one with a `define…Jobs(worker, …)`.
 */
export function createWorker(app: FastifyInstance): Worker {
  const worker = new Worker(app.db, { pollIntervalMs: app.config.worker.pollIntervalMs, log: app.log.child({ component: 'worker' }) });
  defineSearchJobs(worker, app.offerSearch, app.tenants);
  return worker;
}
