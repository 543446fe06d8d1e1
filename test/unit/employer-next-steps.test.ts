import { describe, expect, it } from 'vitest';
import { nextSteps } from '../../server/features/employer-home/service.js';
import type { CompanyOfferRow } from '../../server/features/offers/manage-repository.js';

const NOW = new Date('2031-03-10T11:00:00Z');
const DAY = 86_400_000;
const TODAY = '2031-03-10';

const offer = (id: string, values: Partial<CompanyOfferRow>): CompanyOfferRow => ({
  id,
  title: `Offre ${id}`,
  status: 'published',
  contract: 'cdd',
  place_name: 'Dijon',
  published_at: new Date(NOW.getTime() - 10 * DAY),
  expires_at: new Date(NOW.getTime() + 30 * DAY),
  created_at: new Date(NOW.getTime() - 11 * DAY),
  updated_at: new Date(NOW.getTime() - 10 * DAY),
  applications_total: 0,
  applications_unread: 0,
  ...values,
});

describe('the employer home’s next steps', () => {
  it('asks for a first offer when there is none, and nothing else', () => {
    expect(nextSteps([], null, NOW, TODAY)).toEqual([{ kind: 'first_offer' }]);
  });

  it('lists unread applications, offers ending within 7 days or ended, and drafts, in that order', () => {
    const steps = nextSteps(
      [
        offer('quiet', {}),
        offer('busy', { applications_total: 5, applications_unread: 2 }),
        offer('ending', { expires_at: new Date(NOW.getTime() + 6 * DAY) }),
        offer('later', { expires_at: new Date(NOW.getTime() + 8 * DAY) }),
        offer('gone', { status: 'expired', expires_at: new Date(NOW.getTime() - 2 * DAY) }),
        offer('lapsed', { expires_at: new Date(NOW.getTime() - 60_000) }),
        offer('draft', { status: 'draft', published_at: null, expires_at: null }),
      ],
      null,
      NOW,
      TODAY,
    );
    expect(steps.map((s) => s.kind)).toEqual(['applications', 'renew', 'drafts']);
    expect(steps[0]).toEqual({ kind: 'applications', unread: 2, offers: [{ id: 'busy', title: 'Offre busy', unread: 2 }] });
    const renew = steps[1] as Extract<(typeof steps)[number], { kind: 'renew' }>;
    expect(renew.offers.map((o) => [o.id, o.expired])).toEqual([
      ['gone', true],
      ['lapsed', true],
      ['ending', false],
    ]);
    expect(steps[2]).toEqual({ kind: 'drafts', count: 1 });
  });

  it('puts the membership first: due, in its grace period, or ending within 30 days (not later)', () => {
    expect(nextSteps([offer('a', {})], { ok: false, reason: 'expired' }, NOW, TODAY)[0]).toEqual({ kind: 'membership', reason: 'required', until: null });
    expect(nextSteps([offer('a', {})], { ok: true, reason: 'grace', until: '2031-03-25' }, NOW, TODAY)[0]).toEqual({ kind: 'membership', reason: 'grace', until: '2031-03-25' });
    expect(nextSteps([offer('a', {})], { ok: true, reason: 'active', until: '2031-04-09' }, NOW, TODAY)[0]).toEqual({ kind: 'membership', reason: 'ending', until: '2031-04-09' });
    expect(nextSteps([offer('a', {})], { ok: true, reason: 'active', until: '2031-04-10' }, NOW, TODAY)).toEqual([]);
  });
});
