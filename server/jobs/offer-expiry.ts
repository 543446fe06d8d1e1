import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { expireDueOffers } from '../features/offers/manage-service.js';
import type { TenantRegistry } from '../tenancy/registry.js';
import type { Worker } from './worker.js';

export const EXPIRE_OFFERS = 'offers.expire-due';

/**
 * Every minute (once across all nodes), published offers past their expires_at become expired. The
 * work is state-based (a WHERE on status and expires_at), so restarts and missed runs lose nothing;
 * the public pages, sitemap and feed already hide an offer the moment expires_at passes.
 */
export function defineOfferJobs(worker: Worker, db: Kysely<Database>, tenants: TenantRegistry, everyMs = 60_000): void {
  worker.define({
    name: EXPIRE_OFFERS,
    maxAttempts: 1,
    leaseMs: 5 * 60_000,
    async handler(_payload, { log }) {
      const report = await expireDueOffers(db, tenants);
      const total = Object.values(report).reduce((sum, n) => sum + n, 0);
      if (total > 0) log.info({ expired: report }, 'offers expired');
    },
  });
  worker.every(EXPIRE_OFFERS, everyMs);
}
