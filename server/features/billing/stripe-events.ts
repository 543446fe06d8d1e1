import type { Kysely } from 'kysely';
import type { Database, MembershipStatus } from '../../db/database.js';
import { withTenant, type TenantDb } from '../../db/tenant-db.js';
import type { Tenant } from '../../tenancy/registry.js';
import { canTransition, type MembershipEvent, type MembershipState } from './lifecycle.js';
import type { WebhookEvent } from './providers/port.js';
import * as repo from './repository.js';
import { applyPayment } from './service.js';
import { billingGrid, tenantDate } from './standing.js';

export type WebhookOutcome = 'processed' | 'duplicate' | 'ignored' | 'stale';

/** The tenant an event is about (our metadata), when it carries one. */
export function tenantOfEvent(event: WebhookEvent): string | undefined {
  return str(metadataOf(event.data.object).tenant_id);
}

/** A payment-failure notice to send once the transaction committed. */
export interface FailureNotice {
  companyId: string;
  to: string[];
  periodEnd: string | null;
}

type Obj = Record<string, unknown>;
const obj = (value: unknown): Obj | undefined => (value && typeof value === 'object' ? (value as Obj) : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
/** A Stripe reference is an id, or the expanded object carrying it. */
const ref = (value: unknown): string | undefined => str(value) ?? str(obj(value)?.id);

/** Where our ids are, by object type: metadata set on the Checkout Session and copied to the subscription. */
function metadataOf(object: Obj): Obj {
  const direct = obj(object.metadata) ?? {};
  if (str(direct.company_id)) return direct;
  // Invoices: a snapshot of the subscription's metadata (API 2025+), or the legacy field.
  const details = obj(obj(object.parent)?.subscription_details) ?? obj(object.subscription_details);
  return obj(details?.metadata) ?? direct;
}

function subscriptionIdOf(object: Obj): string | undefined {
  if (object.object === 'subscription') return str(object.id);
  const details = obj(obj(object.parent)?.subscription_details);
  return ref(details?.subscription) ?? ref(object.subscription);
}

/** Stripe subscription status → ours (the state is derived from the object, never from arrival order). */
export function statusFromSubscription(status: string): MembershipStatus {
  switch (status) {
    case 'active':
    case 'trialing':
      return 'active';
    case 'past_due':
    case 'unpaid':
    case 'paused':
      return 'past_due';
    case 'canceled':
    case 'incomplete_expired':
      return 'cancelled';
    default:
      return 'pending_payment';
  }
}

const EVENT_FOR_STATUS: Record<MembershipStatus, MembershipEvent> = {
  active: 'payment_received',
  past_due: 'payment_failed',
  cancelled: 'cancelled',
  pending_payment: 'checkout_started',
  expired: 'grace_ended',
};

/** Whether our lifecycle allows reaching `to` from `from` (staying put is always allowed). */
function reachable(from: MembershipState, to: MembershipStatus): boolean {
  return from === to || canTransition(from, EVENT_FOR_STATUS[to]);
}

/** Current period of a subscription: on its items since API 2025-03 (basil), at the top level before. */
function subscriptionPeriod(tenant: Tenant, subscription: Obj): { start: string; end: string } | undefined {
  const item = obj((obj(subscription.items)?.data as unknown[] | undefined)?.[0]);
  const start = num(item?.current_period_start) ?? num(subscription.current_period_start);
  const end = num(item?.current_period_end) ?? num(subscription.current_period_end);
  if (start === undefined || end === undefined) return undefined;
  return { start: tenantDate(tenant, new Date(start * 1000)), end: tenantDate(tenant, new Date(end * 1000)) };
}

function invoicePeriod(tenant: Tenant, invoice: Obj): { start: string; end: string } | undefined {
  const line = obj((obj(invoice.lines)?.data as unknown[] | undefined)?.[0]);
  const period = obj(line?.period);
  const start = num(period?.start) ?? num(invoice.period_start);
  const end = num(period?.end) ?? num(invoice.period_end);
  if (start === undefined || end === undefined || end <= start) return undefined;
  return { start: tenantDate(tenant, new Date(start * 1000)), end: tenantDate(tenant, new Date(end * 1000)) };
}

/** Newer-or-equal than the Stripe state already applied: an older event never overwrites a newer one. */
function isCurrent(membership: repo.MembershipRow | undefined, at: Date): boolean {
  return !membership?.stripe_state_at || membership.stripe_state_at.getTime() <= at.getTime();
}

/**
 * Applies one verified Stripe event to the tenant's data, exactly once: the event id is claimed in the
 * same transaction as its effects (a duplicate, even concurrent, conflicts and changes nothing).
 * Events of another tenant (one Stripe account, one endpoint per tenant host) are acknowledged and ignored.
 */
export async function processStripeEvent(
  db: Kysely<Database>,
  tenant: Tenant,
  event: WebhookEvent,
): Promise<{ outcome: WebhookOutcome; notices: FailureNotice[] }> {
  const grid = billingGrid(tenant);
  const object = event.data.object;
  const metadata = metadataOf(object);
  const tenantOfEvent = str(metadata.tenant_id);
  if (!grid || (tenantOfEvent !== undefined && tenantOfEvent !== tenant.id)) return { outcome: 'ignored', notices: [] };
  const at = new Date(event.created * 1000);
  return withTenant(db, tenant.id, async (t) => {
    if (!(await repo.claimEvent(t, event.id, event.type, at))) return { outcome: 'duplicate' as const, notices: [] };
    const subscriptionId = subscriptionIdOf(object);
    let membership = subscriptionId ? await repo.findMembershipBySubscription(t, subscriptionId) : undefined;
    const companyId = membership?.company_id ?? str(metadata.company_id) ?? str(object.client_reference_id);
    if (!companyId || !(await repo.companyForBilling(t, companyId))) return { outcome: 'ignored' as const, notices: [] };
    membership ??= await repo.lockMembership(t, companyId);
    const from: MembershipState = membership?.status ?? 'none';
    const base = (m: repo.MembershipRow | undefined) => ({
      tier_code: m?.tier_code ?? str(metadata.tier_code) ?? grid.tiers[0].code,
      amount_cents: m?.amount_cents ?? grid.tiers[0].yearlyPriceCents,
      currency: m?.currency ?? grid.currency,
      provider: 'stripe' as const,
    });
    const notices: FailureNotice[] = [];

    switch (event.type) {
      case 'checkout.session.completed': {
        // Links the company to its Stripe customer and subscription; never activates by itself (invoice.paid does).
        await repo.saveMembership(t, companyId, {
          ...base(membership),
          status: membership?.status ?? 'pending_payment',
          stripe_customer_id: ref(object.customer) ?? membership?.stripe_customer_id ?? null,
          stripe_subscription_id: subscriptionId ?? membership?.stripe_subscription_id ?? null,
        });
        return { outcome: 'processed' as const, notices };
      }
      case 'invoice.paid': {
        const reference = str(object.id)!;
        if (await repo.paymentExists(t, 'stripe', reference)) return { outcome: 'duplicate' as const, notices };
        const amount = num(object.amount_paid) ?? 0;
        const period = invoicePeriod(tenant, object);
        if (amount <= 0 || !period) return { outcome: 'ignored' as const, notices };
        const stripeIds = {
          stripe_customer_id: ref(object.customer) ?? membership?.stripe_customer_id ?? null,
          stripe_subscription_id: subscriptionId ?? membership?.stripe_subscription_id ?? null,
        };
        if (!isCurrent(membership, at) || (membership?.period_end && membership.period_end > period.end)) {
          // Older news: the money is receipted, the (newer) state stays as it is.
          await receiptOnly(t, membership!, companyId, reference, tenantDate(tenant, at), amount, period);
          return { outcome: 'stale' as const, notices };
        }
        await applyPayment(
          t,
          grid,
          { companyId, method: 'stripe', reference, paidOn: tenantDate(tenant, at), amountCents: amount, period },
          { ...stripeIds, stripe_state_at: at },
          null,
        );
        return { outcome: 'processed' as const, notices };
      }
      case 'invoice.payment_failed': {
        if (!membership || !isCurrent(membership, at) || !canTransition(from, 'payment_failed')) return { outcome: 'stale' as const, notices };
        await repo.saveMembership(t, companyId, { ...base(membership), status: 'past_due', stripe_state_at: at });
        const periodEnd = membership.period_end ?? tenantDate(tenant, at);
        if (await repo.claimReminder(t, membership.id, 'payment_failed', periodEnd)) {
          notices.push({ companyId, to: await repo.ownerEmails(t, companyId), periodEnd: membership.period_end });
        }
        return { outcome: 'processed' as const, notices };
      }
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted': {
        const status = event.type === 'customer.subscription.deleted' ? 'cancelled' : statusFromSubscription(str(object.status) ?? '');
        // A cancelled subscription is final in Stripe: nothing about it may bring the membership back.
        const finished = membership?.status === 'cancelled' && membership.stripe_subscription_id === subscriptionId;
        if (!isCurrent(membership, at) || finished || !reachable(from, status)) return { outcome: 'stale' as const, notices };
        const period = subscriptionPeriod(tenant, object);
        await repo.saveMembership(t, companyId, {
          ...base(membership),
          status,
          ...(period && status !== 'pending_payment' ? { period_start: period.start, period_end: period.end } : {}),
          stripe_customer_id: ref(object.customer) ?? membership?.stripe_customer_id ?? null,
          stripe_subscription_id: subscriptionId ?? membership?.stripe_subscription_id ?? null,
          stripe_state_at: at,
        });
        return { outcome: 'processed' as const, notices };
      }
      default:
        return { outcome: 'ignored' as const, notices };
    }
  });
}

async function receiptOnly(
  t: TenantDb,
  membership: repo.MembershipRow,
  companyId: string,
  reference: string,
  paidOn: string,
  amountCents: number,
  period: { start: string; end: string },
) {
  const year = Number(paidOn.slice(0, 4));
  const seq = await repo.nextReceiptSeq(t, year);
  await repo.insertPayment(t, {
    membership_id: membership.id,
    company_id: companyId,
    method: 'stripe',
    reference,
    paid_on: paidOn,
    amount_cents: amountCents,
    currency: membership.currency,
    tier_code: membership.tier_code,
    period_start: period.start,
    period_end: period.end,
    receipt_year: year,
    receipt_seq: seq,
    receipt_number: `${year}-${String(seq).padStart(5, '0')}`,
    recorded_by: null,
  });
}
