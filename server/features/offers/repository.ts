import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';

/** Search and its filters live in the search feature; here only the home page and company lists. */
export interface PublicOfferFilter {
  companyId?: string;
}

/** Published and not past its expiry (the expiry job may not have run yet). */
export function isVisible(eb: ExpressionBuilder<Database, 'offers'>) {
  return eb.and([eb('offers.status', '=', 'published'), eb('offers.expires_at', '>', sql<Date>`now()`)]);
}

function publicOffers(t: TenantDb, filter: PublicOfferFilter) {
  let query = t.trx
    .selectFrom('offers')
    .innerJoin('companies', 'companies.id', 'offers.company_id')
    .where(isVisible);
  if (filter.companyId) query = query.where('offers.company_id', '=', filter.companyId);
  return query;
}

const summaryColumns = [
  'offers.id',
  'offers.title',
  'offers.contract',
  'offers.working_time',
  'offers.sector',
  'offers.place_name',
  'offers.postal_code',
  'offers.housing',
  'offers.season',
  'offers.published_at',
  'offers.expires_at',
  'companies.name as company_name',
  'companies.slug as company_slug',
] as const;

export type OfferSummaryRow = Awaited<ReturnType<typeof selectSummaries>>[number];

function selectSummaries(query: SelectQueryBuilder<Database, 'offers' | 'companies', object>) {
  return query.select(summaryColumns).orderBy('offers.published_at', 'desc').orderBy('offers.id').execute();
}

export async function listPublished(t: TenantDb, filter: PublicOfferFilter, page: { limit: number; offset: number }) {
  const [rows, total] = await Promise.all([
    selectSummaries(publicOffers(t, filter).limit(page.limit).offset(page.offset)),
    publicOffers(t, filter)
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow(),
  ]);
  return { rows, total: total.count };
}

export async function countBySector(t: TenantDb): Promise<{ sector: string | null; count: number }[]> {
  return t.trx
    .selectFrom('offers')
    .where(isVisible)
    .select(['offers.sector', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('offers.sector')
    .execute();
}

/** One offer with what its pages and JSON-LD need of its company and trade; callers add the conditions. */
export function offerWithCompany(t: TenantDb) {
  return t.trx
    .selectFrom('offers')
    .innerJoin('companies', (join) => join.onRef('companies.id', '=', 'offers.company_id').onRef('companies.tenant_id', '=', 'offers.tenant_id'))
    .leftJoin('rome_codes', 'rome_codes.code', 'offers.rome_code')
    .where('offers.tenant_id', '=', t.tenantId)
    .selectAll('offers')
    .select([
      'companies.name as company_name',
      'companies.slug as company_slug',
      'companies.website as company_website',
      'companies.logo_file_id as company_logo_file_id',
      'rome_codes.label as rome_label',
    ]);
}

export async function findPublishedById(t: TenantDb, id: string) {
  return offerWithCompany(t).where('offers.id', '=', id).where(isVisible).executeTakeFirst();
}

export type PublishedOfferRow = NonNullable<Awaited<ReturnType<typeof findPublishedById>>>;

/** An offer of this tenant that was public once and no longer is (expired, filled, archived). */
export async function isNoLongerPublic(t: TenantDb, id: string): Promise<boolean> {
  const row = await t.trx
    .selectFrom('offers')
    .select('offers.id')
    .where('offers.id', '=', id)
    .where((eb) =>
      eb.or([
        eb('offers.status', 'in', ['expired', 'filled', 'archived']),
        eb.and([eb('offers.status', '=', 'published'), eb('offers.expires_at', '<=', sql<Date>`now()`)]),
      ]),
    )
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Every place of an offer, in order (migration 0012): a shared-time job lists all its sites there;
 * most offers have none and keep their one place in their own columns.
 */
export async function offerPlaces(t: TenantDb, offerId: string) {
  return t.trx
    .selectFrom('offer_places')
    .select(['commune_insee', 'postal_code', 'place_name', 'latitude', 'longitude', 'label'])
    .where('tenant_id', '=', t.tenantId)
    .where('offer_id', '=', offerId)
    .orderBy('position')
    .execute();
}

export type OfferPlaceRow = Awaited<ReturnType<typeof offerPlaces>>[number];
