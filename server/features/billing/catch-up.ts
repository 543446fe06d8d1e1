import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { TenantRegistry } from '../../tenancy/registry.js';
import type { BillingProvider } from './providers/port.js';
import { processStripeEvent, tenantOfEvent, type WebhookOutcome } from './stripe-events.js';

/** How far back the catch-up looks (Stripe keeps events 30 days). */
export const CATCH_UP_DAYS = 3;

/**
 * Replays the Stripe events of the last days through the same processing as the webhook (SECURITY.md
 * §28): an event the webhook never delivered (endpoint down, misconfigured secret) is applied; one
 * already processed is a duplicate and changes nothing. Payment-failure notices are not sent from here.
 */
export async function catchUpStripeEvents(
  db: Kysely<Database>,
  tenants: TenantRegistry,
  provider: BillingProvider,
  now: Date = new Date(),
): Promise<Record<WebhookOutcome, number>> {
  const counts: Record<WebhookOutcome, number> = { processed: 0, duplicate: 0, ignored: 0, stale: 0 };
  if (!provider.recentEvents) return counts;
  const since = Math.floor(now.getTime() / 1000) - CATCH_UP_DAYS * 86_400;
  await tenants.refreshSettings();
  for await (const event of provider.recentEvents(since)) {
    const tenantId = tenantOfEvent(event);
    const tenant = tenantId ? tenants.get(tenantId) : undefined;
    if (!tenant) {
      counts.ignored += 1;
      continue;
    }
    counts[(await processStripeEvent(db, tenant, event)).outcome] += 1;
  }
  return counts;
}
