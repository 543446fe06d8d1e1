import type { Kysely } from 'kysely';
import type { Database, ReminderKind } from '../../db/database.js';
import { withTenant } from '../../db/tenant-db.js';
import type { MailService } from '../../mail/mail-service.js';
import type { Tenant } from '../../tenancy/registry.js';
import { addDays, canTransition } from './lifecycle.js';
import * as repo from './repository.js';
import { billingGrid, tenantDate } from './standing.js';

export interface CalendarReport {
  pastDue: number;
  expired: number;
  reminders: number;
}

/** Days from `from` to `to` ('YYYY-MM-DD'). */
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/**
 * The membership calendar of one tenant, run daily by the worker: an active membership past its end
 * becomes past due, a past-due one past its grace period expires (both through the lifecycle table),
 * and the owners get a reminder 30 and 7 days before the end. Each reminder is claimed in
 * membership_reminders (unique per membership, kind and period end) in the same transaction, so a
 * rerun or a restarted node never sends it twice; the e-mails leave after the commit.
 */
export async function runMembershipCalendar(db: Kysely<Database>, tenant: Tenant, mail: MailService, origin: string, now = new Date()): Promise<CalendarReport> {
  const grid = billingGrid(tenant);
  const report: CalendarReport = { pastDue: 0, expired: 0, reminders: 0 };
  if (!grid) return report;
  const today = tenantDate(tenant, now);
  const outbox: { to: string; company: string; periodEnd: string; automatic: boolean }[] = [];
  await withTenant(db, tenant.id, async (t) => {
    for (const m of await repo.membershipsDue(t, addDays(today, 30))) {
      const end = m.period_end!;
      if (m.status === 'active' && end < today && canTransition('active', 'period_ended')) {
        await repo.setStatus(t, m.id, 'past_due');
        report.pastDue += 1;
        continue;
      }
      if (m.status === 'past_due' && addDays(end, grid.graceDays) < today && canTransition('past_due', 'grace_ended')) {
        await repo.setStatus(t, m.id, 'expired');
        report.expired += 1;
        continue;
      }
      if (m.status !== 'active') continue;
      const left = daysBetween(today, end);
      const kind: ReminderKind | undefined = left <= 7 ? 'before_7' : left <= 30 ? 'before_30' : undefined;
      if (!kind || !(await repo.claimReminder(t, m.id, kind, end))) continue;
      report.reminders += 1;
      const company = await repo.companyForBilling(t, m.company_id);
      for (const to of await repo.ownerEmails(t, m.company_id)) {
        outbox.push({ to, company: company?.name ?? '', periodEnd: end, automatic: m.provider === 'stripe' && m.stripe_subscription_id !== null });
      }
    }
  });
  for (const message of outbox) {
    // Rendering is synchronous: yield between messages so a long batch never stalls requests.
    await new Promise((resolve) => setImmediate(resolve));
    mail.send({ tenant, origin, to: message.to, template: 'membership-reminder', data: { company: message.company, periodEnd: message.periodEnd, automatic: message.automatic } });
  }
  return report;
}
