import type { FastifyInstance } from 'fastify';
import { RECOMPUTE_JOB } from '../features/shared-time/repository.js';
import { loadHighsSolver, type SetPackingSolver } from '../features/shared-time/engine/select.js';
import { recomputeAll, recomputeTenant } from '../features/shared-time/service.js';
import type { Worker } from './worker.js';

export { RECOMPUTE_JOB };
export const SHARED_TIME_CATCH_UP = 'shared-time.catch-up';

/**
 * The shared-time engine in the background. Every change of a need, a pin, a rejection or a member's
 * competitors queues `shared-time.recompute` for its tenant in the same transaction (one pending job
 * per tenant); the run recomputes until no change is left. Once a minute, a catch-up run recomputes
 * any tenant whose input or settings changed without a job (seed, import, a job lost to a crash).
 * HiGHS is loaded once per process; if it cannot load, the greedy pass decides.
 */
export function defineSharedTimeJobs(worker: Worker, app: FastifyInstance, everyMs = 60_000): void {
  let solver: Promise<SetPackingSolver | undefined> | undefined;
  const solverOnce = () =>
    (solver ??= loadHighsSolver().catch((error: unknown) => {
      app.log.error({ err: error }, 'shared time: HiGHS unavailable, greedy selection only');
      return undefined;
    }));
  worker.define<{ tenant?: string }>({
    name: RECOMPUTE_JOB,
    maxAttempts: 3,
    leaseMs: 10 * 60_000,
    async handler(payload, { log }) {
      await app.tenants.refreshSettings();
      const tenant = payload.tenant ? app.tenants.get(payload.tenant) : undefined;
      if (!tenant) return;
      const report = await recomputeTenant(app.db, tenant, await solverOnce(), log);
      if (report.ran) log.info({ sharedTime: report }, 'shared time recomputed');
    },
  });
  worker.define({
    name: SHARED_TIME_CATCH_UP,
    maxAttempts: 1,
    leaseMs: 10 * 60_000,
    async handler(_payload, { log }) {
      await app.tenants.refreshSettings();
      const reports = await recomputeAll(app.db, app.tenants, await solverOnce(), log);
      const ran = reports.filter((r) => r.ran);
      if (ran.length > 0) log.info({ sharedTime: ran }, 'shared time caught up');
    },
  });
  worker.every(SHARED_TIME_CATCH_UP, everyMs);
}
