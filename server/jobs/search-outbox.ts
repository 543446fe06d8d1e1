import type { SearchService } from '../features/search/service.js';
import type { TenantRegistry } from '../tenancy/registry.js';
import type { Worker } from './worker.js';

export const DRAIN_SEARCH_OUTBOX = 'search.drain-outbox';

/**
 * Every few seconds, each tenant's pending offer changes go to the search engine. Failures stay in
 * the outbox with their own backoff (service.ts), so this job itself does not need retries.
 */
export function defineSearchJobs(worker: Worker, search: SearchService, tenants: TenantRegistry, everyMs = 2_000): void {
  worker.define({
    name: DRAIN_SEARCH_OUTBOX,
    maxAttempts: 1,
    leaseMs: 60_000,
    async handler(_payload, { signal, log }) {
      for (const tenant of tenants.tenants) {
        if (signal.aborted) return;
        const report = await search.drainOutbox(tenant.id);
        if (search.engine.external && report.indexed + report.removed + report.failed > 0) {
          log.info({ tenant: tenant.id, ...report }, 'search outbox drained');
        }
      }
    },
  });
  worker.every(DRAIN_SEARCH_OUTBOX, everyMs);
}
