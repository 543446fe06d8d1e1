import { describe, expect, it } from 'vitest';
import { isAutomatedView, OfferViewCounter } from '../../../server/features/offer-stats/view-counter.js';

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const at = (iso: string) => new Date(iso);

describe('offer views: who counts', () => {
  it('leaves out robots, link previews, scripts, prefetches and requests without a user agent', () => {
    expect(isAutomatedView({ 'user-agent': BROWSER })).toBe(false);
    for (const agent of ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'facebookexternalhit/1.1', 'curl/8.5.0', 'python-requests/2.31', 'Slackbot-LinkExpanding 1.0', 'Mozilla/5.0 HeadlessChrome/126.0']) {
      expect(isAutomatedView({ 'user-agent': agent }), agent).toBe(true);
    }
    expect(isAutomatedView({})).toBe(true);
    expect(isAutomatedView({ 'user-agent': BROWSER, 'sec-purpose': 'prefetch;prerender' })).toBe(true);
  });
});

describe('offer views: each visitor once per offer and 30 minutes', () => {
  const view = (counter: OfferViewCounter, when: string, visitor = '203.0.113.7\nfirefox', offerId = 'o1') =>
    counter.record({ tenantId: 'montagne', offerId, day: when.slice(0, 10), visitor, at: at(when) });

  it('counts a repeated visit once within 30 minutes and again after', () => {
    const counter = new OfferViewCounter();
    expect(view(counter, '2026-06-01T10:00:00Z')).toBe(true);
    expect(view(counter, '2026-06-01T10:20:00Z')).toBe(false);
    expect(view(counter, '2026-06-01T10:29:59Z')).toBe(false);
    // The window starts at the counted visit, not at the last one.
    expect(view(counter, '2026-06-01T10:30:01Z')).toBe(true);
    expect(view(counter, '2026-06-01T10:31:00Z', '198.51.100.9\nfirefox')).toBe(true);
    expect(view(counter, '2026-06-01T10:31:00Z', '203.0.113.7\nfirefox', 'o2')).toBe(true);
    expect(counter.drain()).toEqual([
      { tenantId: 'montagne', offerId: 'o1', day: '2026-06-01', views: 3 },
      { tenantId: 'montagne', offerId: 'o2', day: '2026-06-01', views: 1 },
    ]);
    expect(counter.drain()).toEqual([]);
  });

  it('does not count twice a visit across midnight, although the day’s secret changed', () => {
    const counter = new OfferViewCounter();
    expect(counter.record({ tenantId: 't', offerId: 'o', day: '2026-06-01', visitor: 'v', at: at('2026-06-01T21:50:00Z') })).toBe(true);
    expect(counter.record({ tenantId: 't', offerId: 'o', day: '2026-06-02', visitor: 'v', at: at('2026-06-01T22:05:00Z') })).toBe(false);
    expect(counter.record({ tenantId: 't', offerId: 'o', day: '2026-06-02', visitor: 'v', at: at('2026-06-01T22:25:00Z') })).toBe(true);
  });

  it('keeps counts that could not be written for the next batch, and forgets visitors past their window', () => {
    const counter = new OfferViewCounter();
    view(counter, '2026-06-01T10:00:00Z');
    const batch = counter.drain();
    view(counter, '2026-06-01T10:00:00Z', 'other');
    counter.restore(batch);
    expect(counter.drain()).toEqual([{ tenantId: 'montagne', offerId: 'o1', day: '2026-06-01', views: 2 }]);
    expect(counter.visitors).toBe(2);
    counter.prune(at('2026-06-01T10:31:00Z'));
    expect(counter.visitors).toBe(0);
  });
});
