import type { Kysely } from 'kysely';
import type { Database, PaymentMethod } from '../../db/database.js';
import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import type { Tenant } from '../../tenancy/registry.js';
import type { AuthUser } from '../accounts/service.js';
import { recordAdminAction } from '../admin/audit.js';
import { addOneYear, nextStatus, standing, type MembershipState } from './lifecycle.js';
import type { BillingProvider } from './providers/port.js';
import * as repo from './repository.js';
import { billingGrid, companyStanding, tenantDate } from './standing.js';
import { tierByCode, tierForHeadcount, type TierMembership } from './tiers.js';

export interface BillingContext {
  db: Kysely<Database>;
  tenant: Tenant;
  provider: BillingProvider;
}

/** The tenant's grid, or 404: billing pages do not exist on a free board. */
export function requireGrid(tenant: Tenant): TierMembership {
  const grid = billingGrid(tenant);
  if (!grid) throw notFound();
  return grid;
}

/** Receipt number shown to people: `2026-00042` (per tenant, per year, no gap). */
export const formatReceipt = (year: number, seq: number) => `${year}-${String(seq).padStart(5, '0')}`;

/** The tier the company pays: the admin's override when there is one, else the tier of its headcount. */
function currentTier(grid: TierMembership, company: { headcount: number | null }, membership: repo.MembershipRow | undefined) {
  if (membership?.tier_override_reason) {
    const overridden = tierByCode(grid, membership.tier_code);
    if (overridden) return overridden;
  }
  return tierForHeadcount(grid, company.headcount);
}

/** Everything the company's "Adhésion" page shows. */
export async function membershipOverview(ctx: BillingContext, companyId: string, now = new Date()) {
  const grid = requireGrid(ctx.tenant);
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const company = await repo.companyForBilling(t, companyId);
    if (!company) throw notFound();
    const membership = await repo.findMembership(t, companyId);
    const tier = currentTier(grid, company, membership);
    const payments = await repo.paymentsOfCompany(t, companyId);
    const state = await companyStanding(t, ctx.tenant, companyId, now);
    return { company, grid, tier, membership, payments, standing: state };
  });
}

/** A receipt of the company (printable page). */
export async function receipt(ctx: BillingContext, companyId: string, receiptNumber: string) {
  const grid = requireGrid(ctx.tenant);
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const [company, payment] = await Promise.all([repo.companyForBilling(t, companyId), repo.findReceipt(t, companyId, receiptNumber)]);
    if (!company || !payment) throw notFound();
    return { company, payment, tier: tierByCode(grid, payment.tier_code) };
  });
}

export interface ManualPaymentInput {
  companyId: string;
  method: Exclude<PaymentMethod, 'stripe'>;
  reference: string;
  paidOn: string;
  amountCents: number;
}

/**
 * Shared by the manual flow and Stripe's invoice.paid: a paid year for the company. A renewal paid
 * before the end (or within the grace period) continues the current period; otherwise the new year
 * starts on the payment date. The receipt number is taken in the same transaction.
 */
export async function applyPayment(
  t: TenantDb,
  grid: TierMembership,
  input: { companyId: string; method: PaymentMethod; reference: string; paidOn: string; amountCents: number; period?: { start: string; end: string } },
  extra: Partial<repo.MembershipWrite>,
  recordedBy: string | null,
) {
  const company = await repo.companyForBilling(t, input.companyId);
  if (!company) throw notFound();
  const membership = await repo.lockMembership(t, input.companyId);
  const from: MembershipState = membership?.status ?? 'none';
  const status = nextStatus(from, 'payment_received');
  const tier = currentTier(grid, company, membership);
  let period = input.period;
  // What the membership covers: the paid period, or, for an early renewal, from the running period's
  // start to the end of the new one, so that the company stays in good standing in between.
  let covered: { start: string; end: string } | undefined;
  if (!period) {
    const current = membership ? standing(membership, grid.graceDays, input.paidOn) : undefined;
    const renewsRunningPeriod = current?.ok === true && !!membership?.period_end;
    const start = renewsRunningPeriod ? membership!.period_end! : input.paidOn;
    period = { start, end: addOneYear(start) };
    if (renewsRunningPeriod && membership?.period_start) covered = { start: membership.period_start, end: period.end };
  }
  const saved = await repo.saveMembership(t, input.companyId, {
    tier_code: tier.code,
    amount_cents: tier.yearlyPriceCents,
    currency: grid.currency,
    status,
    provider: input.method === 'stripe' ? 'stripe' : 'manual',
    period_start: (covered ?? period).start,
    period_end: period.end,
    tier_override_reason: membership?.tier_override_reason ?? null,
    ...extra,
  });
  const year = Number(input.paidOn.slice(0, 4));
  const seq = await repo.nextReceiptSeq(t, year);
  const payment = await repo.insertPayment(t, {
    membership_id: saved.id,
    company_id: input.companyId,
    method: input.method,
    reference: input.reference,
    paid_on: input.paidOn,
    amount_cents: input.amountCents,
    currency: grid.currency,
    tier_code: tier.code,
    period_start: period.start,
    period_end: period.end,
    receipt_year: year,
    receipt_seq: seq,
    receipt_number: formatReceipt(year, seq),
    recorded_by: recordedBy,
  });
  return { membership: saved, payment };
}

/** A tenant admin records a bank transfer or an administrative mandate: the company is a member for a year. */
export async function recordManualPayment(ctx: BillingContext, actor: AuthUser, input: ManualPaymentInput) {
  if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 403);
  const grid = requireGrid(ctx.tenant);
  const duplicate = () => new AppError('PAYMENT_ALREADY_RECORDED', 409, { reference: 'errors.PAYMENT_ALREADY_RECORDED' });
  // Two admins recording the same transfer at once: the unique constraint decides, the loser gets the same 409.
  const recording = withTenant(ctx.db, ctx.tenant.id, async (t) => {
    if (await repo.paymentExists(t, input.method, input.reference)) throw duplicate();
    const result = await applyPayment(t, grid, input, {}, actor.id);
    await recordAdminAction(t, actor, 'membership.payment_recorded', { type: 'company', id: input.companyId }, {
      receipt: result.payment.receipt_number,
      method: input.method,
      reference: input.reference,
      amount_cents: input.amountCents,
    });
    return result;
  });
  return recording.catch((error: unknown) => {
    const pg = error as { code?: string; constraint?: string };
    if (pg.code === '23505' && pg.constraint === 'membership_payments_reference') throw duplicate();
    throw error;
  });
}

/** A tenant admin sets the company's tier by hand (a reason is required and audited); null → back to headcount. */
export async function overrideTier(ctx: BillingContext, actor: AuthUser, companyId: string, tierCode: string | null, reason: string) {
  if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 403);
  const grid = requireGrid(ctx.tenant);
  if (reason.trim().length < 3) throw new AppError('VALIDATION_FAILED', 400, { reason: 'form.billingTier.reason.required' });
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const company = await repo.companyForBilling(t, companyId);
    if (!company) throw notFound();
    const membership = await repo.lockMembership(t, companyId);
    const tier = tierCode === null ? tierForHeadcount(grid, company.headcount) : tierByCode(grid, tierCode);
    if (!tier) throw new AppError('VALIDATION_FAILED', 400, { tier: 'form.billingTier.tier.invalid' });
    await repo.saveMembership(t, companyId, {
      tier_code: tier.code,
      amount_cents: tier.yearlyPriceCents,
      currency: grid.currency,
      status: membership?.status ?? 'pending_payment',
      provider: membership?.provider ?? 'manual',
      tier_override_reason: tierCode === null ? null : reason.trim(),
    });
    await recordAdminAction(t, actor, 'membership.tier_override', { type: 'company', id: companyId }, {
      from: membership?.tier_code ?? null,
      to: tier.code,
      reason: reason.trim(),
    });
    return tier;
  });
}

/** Starts a Stripe Checkout for the company's current tier. The membership only becomes pending: Stripe's webhook activates it. */
export async function startCheckout(ctx: BillingContext, user: AuthUser, companyId: string, origin: string) {
  const grid = requireGrid(ctx.tenant);
  if (!ctx.provider.checkout) throw new AppError('ONLINE_PAYMENT_UNAVAILABLE', 409);
  const prepared = await withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const company = await repo.companyForBilling(t, companyId);
    if (!company) throw notFound();
    const membership = await repo.lockMembership(t, companyId);
    const tier = currentTier(grid, company, membership);
    const from: MembershipState = membership?.status ?? 'none';
    // A company already active or in grace renews through Stripe's portal, not a second subscription.
    if (membership?.stripe_subscription_id && (from === 'active' || from === 'past_due')) throw new AppError('MEMBERSHIP_ALREADY_ACTIVE', 409);
    if (from === 'none' || from === 'expired' || from === 'cancelled') {
      await repo.saveMembership(t, companyId, {
        tier_code: tier.code,
        amount_cents: tier.yearlyPriceCents,
        currency: grid.currency,
        status: nextStatus(from, 'checkout_started'),
        provider: 'stripe',
        tier_override_reason: membership?.tier_override_reason ?? null,
      });
    }
    return { company, tier, customerId: membership?.stripe_customer_id ?? null };
  });
  return ctx.provider.checkout({
    tenantId: ctx.tenant.id,
    companyId,
    companyName: prepared.company.name,
    tierCode: prepared.tier.code,
    tierLabel: prepared.tier.label,
    amountCents: prepared.tier.yearlyPriceCents,
    currency: grid.currency,
    priceLookupKey: priceLookupKey(ctx.tenant.id, prepared.tier.code, prepared.tier.yearlyPriceCents),
    customerEmail: user.email,
    customerId: prepared.customerId,
    successUrl: `${origin}/compte/entreprise/adhesion?paiement=merci`,
    cancelUrl: `${origin}/compte/entreprise/adhesion?paiement=annule`,
  });
}

/** The Stripe portal for a company that has a Stripe customer. */
export async function portalLink(ctx: BillingContext, companyId: string, origin: string) {
  requireGrid(ctx.tenant);
  if (!ctx.provider.portal) throw new AppError('ONLINE_PAYMENT_UNAVAILABLE', 409);
  const membership = await withTenant(ctx.db, ctx.tenant.id, (t) => repo.findMembership(t, companyId));
  if (!membership?.stripe_customer_id) throw new AppError('ONLINE_PAYMENT_UNAVAILABLE', 409);
  return ctx.provider.portal(membership.stripe_customer_id, `${origin}/compte/entreprise/adhesion`);
}

/** Lookup key of a tier's yearly price: the amount is part of it, so a new price gets a new Stripe Price. */
export const priceLookupKey = (tenantId: string, tierCode: string, amountCents: number) => `cordee:${tenantId}:${tierCode}:${amountCents}`;

/** The tenant admin's list and revenue. */
export async function membershipsReport(ctx: BillingContext, filters: repo.MembershipFilters) {
  const grid = requireGrid(ctx.tenant);
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const rows = await repo.listMemberships(t, filters);
    const revenue = await repo.revenueByYearAndTier(t);
    return { grid, rows, revenue, today: tenantDate(ctx.tenant) };
  });
}
