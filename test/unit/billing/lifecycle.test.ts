import { describe, expect, it } from 'vitest';
import { MEMBERSHIP_STATUSES } from '../../../server/db/database.js';
import {
  addOneYear,
  canTransition,
  MEMBERSHIP_TRANSITIONS,
  nextStatus,
  standing,
  type MembershipEvent,
  type MembershipState,
} from '../../../server/features/billing/lifecycle.js';
import { statusFromSubscription } from '../../../server/features/billing/stripe-events.js';

const STATES: MembershipState[] = ['none', ...MEMBERSHIP_STATUSES];

/** The whole table, spelled out: every (state, event) pair and where it leads (— = refused). */
const EXPECTED: Record<MembershipEvent, Partial<Record<MembershipState, string>>> = {
  checkout_started: { none: 'pending_payment', pending_payment: 'pending_payment', expired: 'pending_payment', cancelled: 'pending_payment' },
  payment_received: { none: 'active', pending_payment: 'active', active: 'active', past_due: 'active', expired: 'active', cancelled: 'active' },
  payment_failed: { active: 'past_due', past_due: 'past_due' },
  period_ended: { active: 'past_due' },
  grace_ended: { past_due: 'expired' },
  cancelled: { pending_payment: 'cancelled', active: 'cancelled', past_due: 'cancelled' },
};

describe('membership lifecycle', () => {
  for (const event of Object.keys(MEMBERSHIP_TRANSITIONS) as MembershipEvent[]) {
    for (const from of STATES) {
      const to = EXPECTED[event][from];
      it(`${from} --${event}--> ${to ?? 'refused'}`, () => {
        expect(canTransition(from, event)).toBe(to !== undefined);
        if (to) expect(nextStatus(from, event)).toBe(to);
        else expect(() => nextStatus(from, event)).toThrow(expect.objectContaining({ code: 'MEMBERSHIP_TRANSITION_REFUSED', statusCode: 409 }));
      });
    }
  }

  it('a paid year ends the same date a year later', () => {
    expect(addOneYear('2026-03-01')).toBe('2027-03-01');
    expect(addOneYear('2028-02-29')).toBe('2029-03-01');
  });
});

describe('good standing (what canPublish asks)', () => {
  const m = (status: (typeof MEMBERSHIP_STATUSES)[number], start: string | null, end: string | null) => ({ status, period_start: start, period_end: end });

  it('active within the period (end day included) is in good standing', () => {
    expect(standing(m('active', '2026-01-01', '2027-01-01'), 30, '2027-01-01')).toEqual({ ok: true, reason: 'active', until: '2027-01-01' });
    expect(standing(m('active', '2026-01-01', '2027-01-01'), 30, '2025-12-31')).toEqual({ ok: false, reason: 'not_started' });
  });

  it('past due (or active past its end) publishes during graceDays after the end, not a day more', () => {
    expect(standing(m('past_due', '2026-01-01', '2027-01-01'), 30, '2027-01-31')).toEqual({ ok: true, reason: 'grace', until: '2027-01-31' });
    expect(standing(m('past_due', '2026-01-01', '2027-01-01'), 30, '2027-02-01')).toEqual({ ok: false, reason: 'expired' });
    expect(standing(m('active', '2026-01-01', '2027-01-01'), 0, '2027-01-02')).toEqual({ ok: false, reason: 'expired' });
  });

  it('no membership, pending, expired and cancelled never publish', () => {
    expect(standing(undefined, 30, '2026-06-01').reason).toBe('none');
    expect(standing(m('pending_payment', null, null), 30, '2026-06-01').ok).toBe(false);
    expect(standing(m('expired', '2025-01-01', '2026-01-01'), 30, '2026-01-02').ok).toBe(false);
    expect(standing(m('cancelled', '2026-01-01', '2027-01-01'), 30, '2026-06-01').ok).toBe(false);
  });
});

describe('Stripe subscription status → membership status', () => {
  it.each([
    ['active', 'active'],
    ['trialing', 'active'],
    ['past_due', 'past_due'],
    ['unpaid', 'past_due'],
    ['canceled', 'cancelled'],
    ['incomplete_expired', 'cancelled'],
    ['incomplete', 'pending_payment'],
  ])('%s → %s', (stripe, ours) => expect(statusFromSubscription(stripe)).toBe(ours));
});
