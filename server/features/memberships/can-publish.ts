import type { TenantDb } from '../../db/tenant-db.js';
import type { Tenant } from '../../tenancy/registry.js';
import { companyStanding } from '../billing/standing.js';

/** Today's date (YYYY-MM-DD) on the tenant's clock: a membership paid "until 31 May" covers all of that day in Paris. */
export function tenantToday(tenant: Tenant, now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tenant.config.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Whether the tenant makes publishing depend on a membership at all. */
export function membershipRequired(tenant: Tenant): boolean {
  const { membership, features } = tenant.config;
  return features.billing && membership.mode === 'tiers' && membership.required;
}

/**
 * THE publishing rule (issue #3 item 4), the only place that decides whether a company's offers may go
 * public. Allowed when the tenant does not ask for a membership (billing off, free board, or
 * `membership.required: false`); otherwise the company must be in good standing, as billing defines
 * it (`standing` in features/billing/lifecycle.ts): `active` within its period, or up to
 * `membership.graceDays` after its period ended (past due, or active before the daily job noticed).
 */
export async function canPublish(t: TenantDb, tenant: Tenant, companyId: string, now: Date = new Date()): Promise<boolean> {
  if (!membershipRequired(tenant)) return true;
  // The membership rules (lifecycle, grace period) belong to billing: one definition of good standing.
  return (await companyStanding(t, tenant, companyId, now)).ok;
}
