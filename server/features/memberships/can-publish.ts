import { sql } from 'kysely';
import type { TenantDb } from '../../db/tenant-db.js';
import type { Tenant } from '../../tenancy/registry.js';

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
 * `membership.required: false`); otherwise the company needs a membership row that covers today:
 * `active` within its period, or `past_due` up to `membership.graceDays` after its period ended.
 * The billing issue fills the rows in (Stripe webhooks, manual payments); the rule stays here.
 */
export async function canPublish(t: TenantDb, tenant: Tenant, companyId: string, now: Date = new Date()): Promise<boolean> {
  if (!membershipRequired(tenant)) return true;
  const membership = tenant.config.membership;
  const graceDays = membership.mode === 'tiers' ? membership.graceDays : 0;
  const today = tenantToday(tenant, now);
  const row = await t.trx
    .selectFrom('memberships')
    .select('id')
    .where('tenant_id', '=', t.tenantId)
    .where('company_id', '=', companyId)
    .where((eb) =>
      eb.or([
        eb.and([
          eb('status', '=', 'active'),
          eb.or([eb('period_start', 'is', null), eb('period_start', '<=', today)]),
          eb.or([eb('period_end', 'is', null), eb('period_end', '>=', today)]),
        ]),
        eb.and([
          eb('status', '=', 'past_due'),
          eb.or([eb('period_start', 'is', null), eb('period_start', '<=', today)]),
          eb('period_end', 'is not', null),
          sql<boolean>`period_end + ${graceDays}::int >= ${today}::date`,
        ]),
      ]),
    )
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
