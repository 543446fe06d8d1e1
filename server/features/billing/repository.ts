import { sql, type Selectable } from 'kysely';
import type { MembershipsTable, MembershipStatus, PaymentMethod, ReminderKind } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';

export type MembershipRow = Selectable<MembershipsTable>;

export async function findMembership(t: TenantDb, companyId: string): Promise<MembershipRow | undefined> {
  return t.trx.selectFrom('memberships').selectAll().where('tenant_id', '=', t.tenantId).where('company_id', '=', companyId).executeTakeFirst();
}

/** The membership row locked for this transaction (a payment and a webhook for one company never interleave). */
export async function lockMembership(t: TenantDb, companyId: string): Promise<MembershipRow | undefined> {
  return t.trx
    .selectFrom('memberships')
    .selectAll()
    .where('tenant_id', '=', t.tenantId)
    .where('company_id', '=', companyId)
    .forUpdate()
    .executeTakeFirst();
}

export async function findMembershipBySubscription(t: TenantDb, subscriptionId: string): Promise<MembershipRow | undefined> {
  return t.trx
    .selectFrom('memberships')
    .selectAll()
    .where('tenant_id', '=', t.tenantId)
    .where('stripe_subscription_id', '=', subscriptionId)
    .forUpdate()
    .executeTakeFirst();
}

export interface MembershipWrite {
  tier_code: string;
  amount_cents: number;
  currency: string;
  status: MembershipStatus;
  provider: 'manual' | 'stripe';
  period_start?: string | null;
  period_end?: string | null;
  stripe_customer_id?: string | null;
  stripe_subscription_id?: string | null;
  stripe_state_at?: Date | null;
  tier_override_reason?: string | null;
}

/** Creates the company's membership row or updates it (one row per company: unique (tenant_id, company_id)). */
export async function saveMembership(t: TenantDb, companyId: string, values: MembershipWrite): Promise<MembershipRow> {
  return t.trx
    .insertInto('memberships')
    .values({ tenant_id: t.tenantId, company_id: companyId, ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'company_id']).doUpdateSet({ ...values, updated_at: sql`now()` }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function companyForBilling(t: TenantDb, companyId: string) {
  return t.trx.selectFrom('companies').select(['id', 'name', 'slug', 'headcount']).where('tenant_id', '=', t.tenantId).where('id', '=', companyId).executeTakeFirst();
}

/**
 * The next receipt number of this tenant and year: the counter row is created or incremented with one
 * statement whose row lock is held until the payment's transaction ends, so concurrent payments queue
 * there, and a rolled-back payment gives its number back (no gap, no duplicate).
 */
export async function nextReceiptSeq(t: TenantDb, year: number): Promise<number> {
  const row = await t.trx
    .insertInto('receipt_counters')
    .values({ tenant_id: t.tenantId, year, last_seq: 1 })
    .onConflict((oc) => oc.columns(['tenant_id', 'year']).doUpdateSet({ last_seq: sql`receipt_counters.last_seq + 1` }))
    .returning('last_seq')
    .executeTakeFirstOrThrow();
  return row.last_seq;
}

export interface PaymentInsert {
  membership_id: string;
  company_id: string;
  method: PaymentMethod;
  reference: string;
  paid_on: string;
  amount_cents: number;
  currency: string;
  tier_code: string;
  period_start: string;
  period_end: string;
  receipt_year: number;
  receipt_seq: number;
  receipt_number: string;
  recorded_by: string | null;
}

export async function insertPayment(t: TenantDb, payment: PaymentInsert) {
  return t.trx.insertInto('membership_payments').values({ tenant_id: t.tenantId, ...payment }).returningAll().executeTakeFirstOrThrow();
}

export async function paymentExists(t: TenantDb, method: PaymentMethod, reference: string): Promise<boolean> {
  const row = await t.trx
    .selectFrom('membership_payments')
    .select('id')
    .where('tenant_id', '=', t.tenantId)
    .where('method', '=', method)
    .where('reference', '=', reference)
    .executeTakeFirst();
  return row !== undefined;
}

export async function paymentsOfCompany(t: TenantDb, companyId: string) {
  return t.trx
    .selectFrom('membership_payments')
    .select(['receipt_number', 'paid_on', 'amount_cents', 'currency', 'method', 'reference', 'period_start', 'period_end', 'tier_code'])
    .where('tenant_id', '=', t.tenantId)
    .where('company_id', '=', companyId)
    .orderBy('paid_on', 'desc')
    .orderBy('receipt_seq', 'desc')
    .execute();
}

/** One receipt of a company, by its number (another company's number is not found). */
export async function findReceipt(t: TenantDb, companyId: string, receiptNumber: string) {
  return t.trx
    .selectFrom('membership_payments')
    .select(['receipt_number', 'paid_on', 'amount_cents', 'currency', 'method', 'reference', 'period_start', 'period_end', 'tier_code'])
    .where('tenant_id', '=', t.tenantId)
    .where('company_id', '=', companyId)
    .where('receipt_number', '=', receiptNumber)
    .executeTakeFirst();
}

/** Records a Stripe event id; false when it was already processed (the caller then changes nothing). */
export async function claimEvent(t: TenantDb, eventId: string, type: string, createdAt: Date): Promise<boolean> {
  const rows = await t.trx
    .insertInto('billing_events')
    .values({ tenant_id: t.tenantId, event_id: eventId, type, stripe_created_at: createdAt })
    .onConflict((oc) => oc.columns(['tenant_id', 'event_id']).doNothing())
    .returning('event_id')
    .execute();
  return rows.length === 1;
}

export interface MembershipFilters {
  status?: MembershipStatus;
  tier?: string;
  year?: number;
}

/** The tenant admin's list: every company with its membership (or none), filtered. */
export async function listMemberships(t: TenantDb, filters: MembershipFilters) {
  let query = t.trx
    .selectFrom('companies')
    .leftJoin('memberships', (join) => join.onRef('memberships.company_id', '=', 'companies.id').onRef('memberships.tenant_id', '=', 'companies.tenant_id'))
    .select([
      'companies.id as company_id',
      'companies.name as company_name',
      'companies.headcount',
      'memberships.tier_code',
      'memberships.amount_cents',
      'memberships.currency',
      'memberships.status',
      'memberships.provider',
      'memberships.period_start',
      'memberships.period_end',
      'memberships.tier_override_reason',
    ])
    .where('companies.tenant_id', '=', t.tenantId);
  if (filters.status) query = query.where('memberships.status', '=', filters.status);
  if (filters.tier) query = query.where('memberships.tier_code', '=', filters.tier);
  if (filters.year !== undefined) {
    const start = `${filters.year}-01-01`;
    const end = `${filters.year}-12-31`;
    // Memberships whose paid period overlaps that calendar year.
    query = query.where('memberships.period_start', '<=', end).where('memberships.period_end', '>=', start);
  }
  return query.orderBy('companies.name').execute();
}

/** Revenue (sum of payments) per receipt year and tier. */
export async function revenueByYearAndTier(t: TenantDb) {
  return t.trx
    .selectFrom('membership_payments')
    .select(['receipt_year as year', 'tier_code', 'currency'])
    .select((eb) => [eb.fn.sum<string>('amount_cents').as('total_cents'), eb.fn.countAll<string>().as('payments')])
    .where('tenant_id', '=', t.tenantId)
    .groupBy(['receipt_year', 'tier_code', 'currency'])
    .orderBy('receipt_year', 'desc')
    .orderBy('tier_code')
    .execute();
}

/** Memberships whose status the calendar may change, or that may need a reminder. */
export async function membershipsDue(t: TenantDb, horizon: string) {
  return t.trx
    .selectFrom('memberships')
    .selectAll()
    .where('tenant_id', '=', t.tenantId)
    .where('status', 'in', ['active', 'past_due'])
    .where('period_end', 'is not', null)
    .where('period_end', '<=', horizon)
    .forUpdate()
    .execute();
}

export async function setStatus(t: TenantDb, membershipId: string, status: MembershipStatus): Promise<void> {
  await t.trx.updateTable('memberships').set({ status, updated_at: sql`now()` }).where('tenant_id', '=', t.tenantId).where('id', '=', membershipId).execute();
}

/** Records a reminder; false when this one (membership, kind, period end) was already sent. */
export async function claimReminder(t: TenantDb, membershipId: string, kind: ReminderKind, periodEnd: string): Promise<boolean> {
  const rows = await t.trx
    .insertInto('membership_reminders')
    .values({ tenant_id: t.tenantId, membership_id: membershipId, kind, period_end: periodEnd })
    .onConflict((oc) => oc.columns(['tenant_id', 'membership_id', 'kind', 'period_end']).doNothing())
    .returning('id')
    .execute();
  return rows.length === 1;
}

/** Where a company's billing mail goes: its owners' addresses (active accounts). */
export async function ownerEmails(t: TenantDb, companyId: string): Promise<string[]> {
  const rows = await t.trx
    .selectFrom('company_members')
    .innerJoin('users', (join) => join.onRef('users.id', '=', 'company_members.user_id').onRef('users.tenant_id', '=', 'company_members.tenant_id'))
    .select('users.email')
    .where('company_members.tenant_id', '=', t.tenantId)
    .where('company_members.company_id', '=', companyId)
    .where('company_members.member_role', '=', 'owner')
    .where('users.disabled_at', 'is', null)
    .orderBy('users.email')
    .execute();
  return rows.map((r) => r.email);
}
