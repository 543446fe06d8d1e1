import type { Kysely } from 'kysely';
import { APPLICATION_STATUSES, type ApplicationStatus, type Database } from '../../db/database.js';
import { addDays, dayRange } from '../../calendar.js';
import { withTenant } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import type { Tenant } from '../../tenancy/registry.js';
import { isUuid } from '../../ids.js';
import type { AuthUser } from '../accounts/service.js';
import { tenantDate } from '../billing/standing.js';
import { companiesOfUser, findById as findCompany } from '../companies/repository.js';
import { companyAccess } from '../companies/space-service.js';
import * as repo from './repository.js';

export interface StatsContext {
  db: Kysely<Database>;
  tenant: Tenant;
  now: Date;
}

const DAY = 86_400_000;
/** The daily views chart of an offer covers this many days, today included. */
export const VIEW_CHART_DAYS = 30;

export interface OfferStats extends repo.OfferFigures {
  /** Applications per view, when there were views. */
  conversion: number | null;
  /** From publication to the first application, in days (fractional). */
  daysToFirstApplication: number | null;
}

function withRates(figures: repo.OfferFigures): OfferStats {
  return {
    ...figures,
    conversion: figures.views > 0 ? figures.applications / figures.views : null,
    daysToFirstApplication:
      figures.first_application_at && figures.published_at ? Math.max(0, (figures.first_application_at.getTime() - figures.published_at.getTime()) / DAY) : null,
  };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Totals across a company's offers: views, applications, conversion, median delay, hires, statuses. */
export function companySummary(offers: OfferStats[]) {
  const views = offers.reduce((sum, o) => sum + o.views, 0);
  const applications = offers.reduce((sum, o) => sum + o.applications, 0);
  const byStatus = Object.fromEntries(APPLICATION_STATUSES.map((s) => [s, offers.reduce((sum, o) => sum + (o.by_status[s] ?? 0), 0)])) as Record<ApplicationStatus, number>;
  return {
    offers: offers.length,
    live: offers.filter((o) => o.status === 'published').length,
    views,
    applications,
    conversion: views > 0 ? applications / views : null,
    medianDaysToFirstApplication: median(offers.flatMap((o) => (o.daysToFirstApplication === null ? [] : [o.daysToFirstApplication]))),
    hires: offers.reduce((sum, o) => sum + o.hires, 0),
    byStatus,
  };
}

/**
 * A company's dashboard: each offer it published with its figures, and the summary across them. For
 * its members (the company asked for, or their first) and the staff (a company must be named);
 * anyone else gets 404, as for an unknown company.
 */
export async function companyStats(ctx: StatsContext, user: AuthUser, companyId?: string) {
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    let id = companyId;
    if (id === undefined && user.role !== 'admin') id = (await companiesOfUser(t, user.id))[0]?.id;
    if (id === undefined) throw new AppError('COMPANY_REQUIRED', 403);
    if (!isUuid(id) || !(await companyAccess(t, user, id))) throw notFound();
    const company = await findCompany(t, id);
    if (!company) throw notFound();
    const offers = (await repo.offerFigures(t, id)).map(withRates);
    return { company, offers, summary: companySummary(offers) };
  });
}

/** One offer's figures, its views day by day over the last 30 days and each application's status. */
export async function offerStats(ctx: StatsContext, user: AuthUser, offerId: string) {
  if (!isUuid(offerId)) throw notFound();
  return withTenant(ctx.db, ctx.tenant.id, async (t) => {
    const owner = await repo.offerOwner(t, offerId);
    if (!owner || !(await companyAccess(t, user, owner.company_id))) throw notFound();
    const [figures] = await repo.offerFigures(t, owner.company_id, offerId);
    const company = (await findCompany(t, owner.company_id))!;
    const to = tenantDate(ctx.tenant, ctx.now);
    const days = dayRange(addDays(to, 1 - VIEW_CHART_DAYS), to);
    const counted = new Map((await repo.viewsByDay(t, offerId, days[0], to)).map((r) => [r.day, r.views]));
    return {
      company,
      // A draft never published has no figures yet.
      offer: figures ? withRates(figures) : undefined,
      daily: days.map((day) => ({ day, views: counted.get(day) ?? 0 })),
      applications: await repo.applicationsOfOffer(t, offerId),
    };
  });
}
