import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { catchUpStripeEvents } from '../features/billing/catch-up.js';
import type { BillingProvider } from '../features/billing/providers/port.js';
import { runMembershipCalendar } from '../features/billing/reminders.js';
import { billingGrid } from '../features/billing/standing.js';
import type { MailService } from '../mail/mail-service.js';
import type { TenantRegistry } from '../tenancy/registry.js';
import type { Worker } from './worker.js';

export const MEMBERSHIP_CALENDAR = 'billing.membership-calendar';
export const STRIPE_CATCH_UP = 'billing.stripe-catch-up';

export interface BillingJobOptions {
  everyMs?: number;
  /** The payment adapter: with Stripe, a catch-up job replays undelivered webhook events every 6 hours. */
  provider?: BillingProvider;
  /** The clock (tests move it). */
  now?: () => Date;
}

/**
 * Every hour (once across all nodes): memberships past their end become past due, then expired after
 * the grace period, and owners are reminded 30 and 7 days before the end. State-based and recorded
 * (membership_reminders), so missed or repeated runs neither lose nor double a reminder. With Stripe,
 * every 6 hours the events of the last days are replayed (duplicates change nothing).
 */
export function defineBillingJobs(worker: Worker, db: Kysely<Database>, tenants: TenantRegistry, mail: MailService, options: BillingJobOptions = {}): void {
  const now = options.now ?? (() => new Date());
  worker.define({
    name: MEMBERSHIP_CALENDAR,
    maxAttempts: 1,
    async handler(_payload, { log }) {
      // Billing on/off and the contact of the e-mails are runtime settings: read them current.
      await tenants.refreshSettings();
      for (const tenant of tenants.tenants) {
        if (!billingGrid(tenant)) continue;
        // Links in reminders point at the tenant's first declared host name.
        const origin = `https://${tenant.config.hostnames[0]}`;
        const report = await runMembershipCalendar(db, tenant, mail, origin, now());
        if (report.pastDue + report.expired + report.reminders > 0) log.info({ tenant: tenant.id, ...report }, 'membership calendar');
      }
    },
  });
  worker.every(MEMBERSHIP_CALENDAR, options.everyMs ?? 60 * 60_000);

  const provider = options.provider;
  if (provider?.recentEvents) {
    worker.define({
      name: STRIPE_CATCH_UP,
      maxAttempts: 3,
      async handler(_payload, { log }) {
        const counts = await catchUpStripeEvents(db, tenants, provider, now());
        if (counts.processed > 0) log.warn({ ...counts }, 'stripe events applied by the catch-up (webhook not delivered?)');
      },
    });
    worker.every(STRIPE_CATCH_UP, 6 * 60 * 60_000);
  }
}
