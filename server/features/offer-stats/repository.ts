import { sql } from 'kysely';
import type { ApplicationStatus } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';
import type { PendingViews } from './view-counter.js';

/**
 * Adds a batch of counted views of this tenant (one statement). Views of an offer that no longer
 * exists in the tenant are dropped by the join, never an error that would lose the whole batch.
 */
export async function addViews(t: TenantDb, batch: PendingViews[]): Promise<void> {
  if (batch.length === 0) return;
  await sql`
    insert into offer_views_daily (tenant_id, offer_id, day, views)
    select o.tenant_id, o.id, v.day, v.views
    from unnest(${batch.map((b) => b.offerId)}::uuid[], ${batch.map((b) => b.day)}::date[], ${batch.map((b) => b.views)}::int[]) as v (offer_id, day, views)
    join offers o on o.id = v.offer_id and o.tenant_id = ${t.tenantId}
    on conflict (tenant_id, offer_id, day) do update set views = offer_views_daily.views + excluded.views`.execute(t.trx);
}

export interface OfferFigures {
  id: string;
  title: string;
  status: string;
  contract: string;
  apply_method: string;
  published_at: Date | null;
  views: number;
  applications: number;
  first_application_at: Date | null;
  hires: number;
  by_status: Partial<Record<ApplicationStatus, number>>;
}

/**
 * Every published-once offer of a company with its figures, newest first: views, applications,
 * the first application's time, hires and applications per status. One statement: each count is an
 * aggregate over an index of its table grouped by offer, never rows brought back to count.
 */
export async function offerFigures(t: TenantDb, companyId: string, offerId?: string): Promise<OfferFigures[]> {
  const { rows } = await sql<OfferFigures>`
    with offers_of as (
      select id, title, status, contract, apply_method, published_at from offers
      where tenant_id = ${t.tenantId} and company_id = ${companyId} and published_at is not null
        ${offerId ? sql`and id = ${offerId}` : sql``}),
    views as (
      select offer_id, sum(views)::int as views from offer_views_daily
      where tenant_id = ${t.tenantId} and offer_id in (select id from offers_of) group by offer_id),
    apps as (
      select offer_id, status, count(*)::int as n, min(created_at) as first_at from applications
      where tenant_id = ${t.tenantId} and company_id = ${companyId} ${offerId ? sql`and offer_id = ${offerId}` : sql``}
      group by offer_id, status),
    hired as (
      select offer_id, count(*)::int as n from hires
      where tenant_id = ${t.tenantId} and company_id = ${companyId} and offer_id in (select id from offers_of) group by offer_id)
    select o.id, o.title, o.status, o.contract, o.apply_method, o.published_at,
      coalesce(v.views, 0) as views,
      coalesce((select sum(n) from apps where apps.offer_id = o.id), 0)::int as applications,
      (select min(first_at) from apps where apps.offer_id = o.id) as first_application_at,
      coalesce(h.n, 0) as hires,
      coalesce((select jsonb_object_agg(status, n) from apps where apps.offer_id = o.id), '{}') as by_status
    from offers_of o
    left join views v on v.offer_id = o.id
    left join hired h on h.offer_id = o.id
    order by o.published_at desc, o.id`.execute(t.trx);
  return rows;
}

/** Views of one offer per day over [from, to] (tenant's days). */
export async function viewsByDay(t: TenantDb, offerId: string, from: string, to: string) {
  return t.trx
    .selectFrom('offer_views_daily')
    .select(['day', 'views'])
    .where('tenant_id', '=', t.tenantId)
    .where('offer_id', '=', offerId)
    .where('day', '>=', from)
    .where('day', '<=', to)
    .orderBy('day')
    .execute();
}

/** One offer's applications (name, date, status), newest first: the company already sees them in its pipeline. */
export async function applicationsOfOffer(t: TenantDb, offerId: string) {
  return t.trx
    .selectFrom('applications')
    .select(['id', 'full_name', 'status', 'created_at', 'anonymised_at'])
    .where('tenant_id', '=', t.tenantId)
    .where('offer_id', '=', offerId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function offerOwner(t: TenantDb, offerId: string) {
  return t.trx.selectFrom('offers').select(['id', 'company_id']).where('tenant_id', '=', t.tenantId).where('id', '=', offerId).executeTakeFirst();
}
