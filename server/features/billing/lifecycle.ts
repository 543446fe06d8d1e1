import type { MembershipStatus } from '../../db/database.js';
import { AppError } from '../../errors.js';

/** `none`: the company has no membership row yet. */
export type MembershipState = MembershipStatus | 'none';

/** What can happen to a membership; each provider and the reminder job speak in these terms. */
export type MembershipEvent =
  /** A payment was started (Stripe Checkout): waiting for the provider's confirmation. */
  | 'checkout_started'
  /** A payment was confirmed (Stripe invoice paid, or a tenant admin recorded a transfer): a paid period. */
  | 'payment_received'
  /** A renewal payment failed (Stripe): the company keeps publishing during the grace period. */
  | 'payment_failed'
  /** The paid period ended without renewal (reminder job). */
  | 'period_ended'
  /** The grace period after the end passed too (reminder job). */
  | 'grace_ended'
  /** The subscription was cancelled (Stripe) or the checkout abandoned. */
  | 'cancelled';

interface Transition {
  from: readonly MembershipState[];
  to: MembershipStatus;
}

/**
 * The membership lifecycle as data (STYLE.md §8):
 * none → pending_payment → active → past_due (grace) → expired | cancelled, and renewal (a payment
 * from active, past_due, expired or cancelled starts a new paid period). Services and tests use it alike.
 */
export const MEMBERSHIP_TRANSITIONS: Record<MembershipEvent, Transition> = {
  checkout_started: { from: ['none', 'pending_payment', 'expired', 'cancelled'], to: 'pending_payment' },
  payment_received: { from: ['none', 'pending_payment', 'active', 'past_due', 'expired', 'cancelled'], to: 'active' },
  payment_failed: { from: ['active', 'past_due'], to: 'past_due' },
  period_ended: { from: ['active'], to: 'past_due' },
  grace_ended: { from: ['past_due'], to: 'expired' },
  cancelled: { from: ['pending_payment', 'active', 'past_due'], to: 'cancelled' },
};

export function canTransition(from: MembershipState, event: MembershipEvent): boolean {
  return MEMBERSHIP_TRANSITIONS[event].from.includes(from);
}

/** The status after `event`, or MEMBERSHIP_TRANSITION_REFUSED (409). */
export function nextStatus(from: MembershipState, event: MembershipEvent): MembershipStatus {
  if (!canTransition(from, event)) throw new AppError('MEMBERSHIP_TRANSITION_REFUSED', 409, { status: `${from} → ${event}` });
  return MEMBERSHIP_TRANSITIONS[event].to;
}

/** 'YYYY-MM-DD' plus whole days (calendar arithmetic in UTC: dates carry no time zone). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** One paid year: the same date a year later (29 February → 1 March). */
export function addOneYear(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  return d.toISOString().slice(0, 10);
}

export interface MembershipPeriod {
  status: MembershipStatus;
  period_start: string | null;
  period_end: string | null;
}

/** Why a company may or may not publish; the refusal page explains `reason`. */
export type Standing =
  | { ok: true; reason: 'active' | 'grace'; until: string | null }
  | { ok: false; reason: 'none' | 'pending_payment' | 'not_started' | 'expired' | 'cancelled' };

/**
 * THE good-standing rule: a company is in good standing when its membership is active within its
 * period, or (past due, or active but past its end before the daily job noticed) within `graceDays`
 * after the end. Dates are the tenant's calendar days ('YYYY-MM-DD'); `period_end` is the last day covered.
 */
export function standing(membership: MembershipPeriod | undefined, graceDays: number, today: string): Standing {
  if (!membership) return { ok: false, reason: 'none' };
  const { status, period_start: start, period_end: end } = membership;
  if (status === 'pending_payment') return { ok: false, reason: 'pending_payment' };
  if (status === 'cancelled') return { ok: false, reason: 'cancelled' };
  if (status === 'expired') return { ok: false, reason: 'expired' };
  if (start !== null && start > today) return { ok: false, reason: 'not_started' };
  if (status === 'active' && (end === null || end >= today)) return { ok: true, reason: 'active', until: end };
  // past_due, or active past its end: the grace period counts from the end of the paid period.
  if (end === null) return { ok: false, reason: 'expired' };
  const graceEnd = addDays(end, graceDays);
  return graceEnd >= today ? { ok: true, reason: 'grace', until: graceEnd } : { ok: false, reason: 'expired' };
}
