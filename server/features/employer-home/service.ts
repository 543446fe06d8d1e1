import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { withTenant } from '../../db/tenant-db.js';
import type { Tenant } from '../../tenancy/registry.js';
import type { AuthUser } from '../accounts/service.js';
import { billingGrid, companyStanding, tenantDate, type CompanyStanding } from '../billing/standing.js';
import * as companies from '../companies/repository.js';
import { listCompanyOffers, type CompanyOfferRow } from '../offers/manage-repository.js';

const DAY_MS = 86_400_000;
/** Offers ending within this many days are proposed for renewal. */
export const RENEW_WITHIN_DAYS = 7;
/** A membership ending within this many days is announced. */
export const MEMBERSHIP_NOTICE_DAYS = 30;

/** One thing the employer should do now, most urgent first. */
export type NextStep =
  | { kind: 'membership'; reason: 'required' | 'grace' | 'ending'; until: string | null }
  | { kind: 'applications'; unread: number; offers: { id: string; title: string; unread: number }[] }
  | { kind: 'renew'; offers: { id: string; title: string; expiresAt: Date; expired: boolean }[] }
  | { kind: 'drafts'; count: number }
  | { kind: 'first_offer' };

const isLive = (offer: CompanyOfferRow, now: Date) => offer.status === 'published' && offer.expires_at !== null && offer.expires_at > now;

/**
 * What the employer space's home lists, from the company's offers (with their application counts),
 * its membership standing and the clock (`now`, injected: tests run on any day). Pure.
 */
export function nextSteps(offers: CompanyOfferRow[], membership: CompanyStanding | null, now: Date, today: string): NextStep[] {
  const steps: NextStep[] = [];
  if (membership && !membership.ok) steps.push({ kind: 'membership', reason: 'required', until: null });
  else if (membership?.reason === 'grace') steps.push({ kind: 'membership', reason: 'grace', until: membership.until });
  else if (membership?.reason === 'active' && membership.until !== null) {
    const ends = Date.parse(`${membership.until}T00:00:00Z`);
    if (ends - Date.parse(`${today}T00:00:00Z`) <= MEMBERSHIP_NOTICE_DAYS * DAY_MS) steps.push({ kind: 'membership', reason: 'ending', until: membership.until });
  }
  const unread = offers.filter((o) => o.applications_unread > 0);
  if (unread.length > 0) {
    steps.push({
      kind: 'applications',
      unread: unread.reduce((sum, o) => sum + o.applications_unread, 0),
      offers: unread.map((o) => ({ id: o.id, title: o.title, unread: o.applications_unread })),
    });
  }
  const horizon = now.getTime() + RENEW_WITHIN_DAYS * DAY_MS;
  const renew = offers
    .filter((o) => o.expires_at !== null && ((isLive(o, now) && o.expires_at.getTime() <= horizon) || o.status === 'expired' || (o.status === 'published' && !isLive(o, now))))
    .sort((a, b) => a.expires_at!.getTime() - b.expires_at!.getTime())
    .map((o) => ({ id: o.id, title: o.title, expiresAt: o.expires_at!, expired: !isLive(o, now) }));
  if (renew.length > 0) steps.push({ kind: 'renew', offers: renew });
  const drafts = offers.filter((o) => o.status === 'draft').length;
  if (drafts > 0) steps.push({ kind: 'drafts', count: drafts });
  if (offers.length === 0) steps.push({ kind: 'first_offer' });
  return steps;
}

/** The employer's home (/compte/employeur): their company, what to do next, each offer with its applications. */
export async function employerHome(db: Kysely<Database>, tenant: Tenant, user: AuthUser, now: Date) {
  return withTenant(db, tenant.id, async (t) => {
    const [first] = await companies.companiesOfUser(t, user.id);
    if (!first) return undefined;
    const offers = await listCompanyOffers(t, first.id);
    // Only boards that bill their employers have a membership to pay.
    const membership = billingGrid(tenant) ? await companyStanding(t, tenant, first.id, now) : null;
    return {
      company: first,
      steps: nextSteps(offers, membership?.reason === 'not_required' ? null : membership, now, tenantDate(tenant, now)),
      offers: offers.map((o) => ({ ...o, live: isLive(o, now) })),
      totals: {
        live: offers.filter((o) => isLive(o, now)).length,
        applications: offers.reduce((sum, o) => sum + o.applications_total, 0),
        unread: offers.reduce((sum, o) => sum + o.applications_unread, 0),
      },
    };
  });
}
