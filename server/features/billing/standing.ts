import type { TenantDb } from '../../db/tenant-db.js';
import type { Tenant } from '../../tenancy/registry.js';
import { standing, type Standing } from './lifecycle.js';
import { findMembership } from './repository.js';

/** Today's date (YYYY-MM-DD) on the tenant's clock: a membership paid "until 31 May" covers all of that day in Paris. */
export function tenantDate(tenant: Tenant, at: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tenant.config.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** The tenant's tier grid when it bills its employers (billing feature on, tier mode), else undefined. */
export function billingGrid(tenant: Tenant) {
  const { membership, features } = tenant.config;
  return features.billing && membership.mode === 'tiers' ? membership : undefined;
}

export type CompanyStanding = Standing | { ok: true; reason: 'not_required'; until: null };

/**
 * Whether a company is in good standing on this tenant (see `standing` in lifecycle.ts): always yes
 * where the tenant does not require a membership (free board, billing off, `required: false`).
 */
export async function companyStanding(t: TenantDb, tenant: Tenant, companyId: string, now: Date = new Date()): Promise<CompanyStanding> {
  const grid = billingGrid(tenant);
  if (!grid || !grid.required) return { ok: true, reason: 'not_required', until: null };
  return standing(await findMembership(t, companyId), grid.graceDays, tenantDate(tenant, now));
}
