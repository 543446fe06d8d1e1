import type { FastifyInstance } from 'fastify';
import { stableUuid } from '../../server/db/seed/random.js';
import { defineSharedTimeJobs } from '../../server/jobs/shared-time.js';
import { Worker } from '../../server/jobs/worker.js';

export const GE = 'ge-occitanie.localhost';

const silent = { info: () => {}, warn: () => {}, error: (o: object, m: string) => console.error(m, o) };

/** A worker with the shared-time jobs only; `tick()` runs what is queued (the recompute of a tenant). */
export function sharedTimeWorker(app: FastifyInstance): Worker {
  const worker = new Worker(app.db, { pollIntervalMs: 50, log: silent });
  defineSharedTimeJobs(worker, app, 60_000);
  return worker;
}

/** Runs the queue until it is empty (a recompute, then the catch-up it may schedule). */
export async function drain(worker: Worker): Promise<void> {
  for (let i = 0; i < 10 && (await worker.tick()) > 0; i++);
}

/** Id of a demo need of server/db/seed/shared-time-needs.ts. */
export const seededNeed = (tenant: string, key: string) => stableUuid(`${tenant}:shared-time-need:${key}`);

/** A valid body for POST /api/v1/shared-time/needs (a weekday morning need in Rodez). */
export function needBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Agent de conditionnement du matin',
    rome_code: 'H2102',
    sites: [{ commune_insee: '12202', label: 'Atelier' }],
    periods: [{ from: '01-01', to: '12-31', slots: [{ day: 'mon', start: '06:00', end: '10:00' }, { day: 'tue', start: '06:00', end: '10:00' }] }],
    licences: ['haccp'],
    start_date: '2027-01-04',
    min_commitment_months: 12,
    hourly_wage: 12.5,
    short_contracts_replaced: 2,
    ...overrides,
  };
}
