import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Database, OffersTable } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';
import type { CardRow } from './card.js';

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
  'offers.hours_per_week',
  'offers.sector',
  'offers.place_name',
  'offers.postal_code',
  'offers.housing',
  'offers.season',
  'offers.salary_min',
  'offers.salary_max',
  'offers.salary_unit',
  'offers.published_at',
  'offers.expires_at',
  'companies.name as company_name',
  'companies.slug as company_slug',
  'companies.logo_file_id as company_logo',
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

/**
 * Every column of offers but search_vector (about 800 bytes per offer that only the search reads,
 * issue #16): listed as an object so that a column added to OffersTable fails the type check here.
 */
const OFFER_COLUMNS = Object.keys({
  id: true, tenant_id: true, company_id: true, title: true, description_html: true, rome_code: true, sector: true,
  contract: true, working_time: true, hours_per_week: true, start_date: true, end_date: true, season: true,
  commune_insee: true, postal_code: true, place_name: true, latitude: true, longitude: true, salary_min: true,
  salary_max: true, salary_unit: true, salary_currency: true, housing: true, experience: true, driving_licence: true,
  apply_method: true, apply_url: true, apply_email: true, status: true, job_nature: true, export_consent: true,
  published_at: true, expires_at: true, created_at: true, updated_at: true, department_code: true,
  without_diploma: true, open_to_minors: true, duplicate_key: true, search_revision: true, closed_at: true,
} satisfies Record<Exclude<keyof OffersTable, 'search_vector'>, true>).map((column) => `offers.${column}` as `offers.${Exclude<keyof OffersTable, 'search_vector'>}`);

/** One offer with what its pages and JSON-LD need of its company and trade; callers add the conditions. */
export function offerWithCompany(t: TenantDb) {
  return t.trx
    .selectFrom('offers')
    .innerJoin('companies', (join) => join.onRef('companies.id', '=', 'offers.company_id').onRef('companies.tenant_id', '=', 'offers.tenant_id'))
    .leftJoin('rome_codes', 'rome_codes.code', 'offers.rome_code')
    .where('offers.tenant_id', '=', t.tenantId)
    .select(OFFER_COLUMNS)
    .select([
      'companies.name as company_name',
      'companies.slug as company_slug',
      'companies.website as company_website',
      'companies.logo_file_id as company_logo_file_id',
      'companies.description as company_description',
      'rome_codes.label as rome_label',
    ]);
}

export async function findPublishedById(t: TenantDb, id: string) {
  return offerWithCompany(t).where('offers.id', '=', id).where(isVisible).executeTakeFirst();
}

export type PublishedOfferRow = NonNullable<Awaited<ReturnType<typeof findPublishedById>>>;

/** An offer of this tenant that was public once and no longer is (expired, filled, archived), with its company. */
export async function findNoLongerPublic(t: TenantDb, id: string) {
  return offerWithCompany(t)
    .where('offers.id', '=', id)
    .where('offers.published_at', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('offers.status', 'in', ['expired', 'filled', 'archived']),
        eb.and([eb('offers.status', '=', 'published'), eb('offers.expires_at', '<=', sql<Date>`now()`)]),
      ]),
    )
    .executeTakeFirst();
}

/** How an offer relates to the one a page shows. */
export type Relation = 'same_post' | 'company' | 'similar';

/** A related offer: the card columns, how it relates, and its distance from the page's offer. */
export interface RelatedOfferRow extends CardRow {
  relation: Relation;
  distance_m: number | null;
}

/** How many offers of each kind the offer page lists, and how far "nearby" reaches. */
export const RELATED_LIMITS = { samePost: 10, company: 5, similar: 4, similarRadiusKm: 60 } as const;

/**
 * In one statement, the live offers an offer page lists beside offer `id` (live or closed):
 * - `same_post`: the other offers of its group of near-duplicates (the "3 postes" of a card);
 * - `company`: the company's other live offers (one per group), latest first;
 * - `similar`: other companies' live offers of the same ROME code or sector within 60 km (one per
 *   group), same trade first, then the nearest and latest. Offers without coordinates compare by trade only.
 */
export async function relatedOffers(t: TenantDb, id: string): Promise<RelatedOfferRow[]> {
  const live = sql`o.status = 'published' and o.expires_at > now()`;
  const distance = sql`case when o.latitude is null or me.latitude is null then null else
    12742017.6 * asin(sqrt(power(sin(radians(o.latitude - me.latitude) / 2), 2)
      + cos(radians(me.latitude)) * cos(radians(o.latitude)) * power(sin(radians(o.longitude - me.longitude) / 2), 2))) end`;
  const names = sql.raw(
    'relation, id, title, company_name, company_slug, company_logo, contract, working_time, hours_per_week, sector, housing, place_name, postal_code, salary_min, salary_max, salary_unit, published_at, distance_m',
  );
  const columns = sql`o.id, o.title, c.name as company_name, c.slug as company_slug, c.logo_file_id as company_logo, o.contract,
    o.working_time, o.hours_per_week, o.sector, o.housing, o.place_name, o.postal_code, o.salary_min, o.salary_max, o.salary_unit,
    o.published_at, ${distance} as distance_m`;
  const { rows } = await sql<RelatedOfferRow>`
    with me as (select id, company_id, rome_code, sector, latitude, longitude, duplicate_key from offers where id = ${id}),
    same_post as (
      select 'same_post' as relation, ${columns}
      from me, offers o join companies c on c.id = o.company_id
      where o.duplicate_key = me.duplicate_key and o.id <> me.id and ${live}
      order by o.published_at desc, o.id limit ${RELATED_LIMITS.samePost}
    ),
    company_offers as (
      select ${names} from (
        select distinct on (o.duplicate_key) 'company' as relation, ${columns}
        from me, offers o join companies c on c.id = o.company_id
        where o.company_id = me.company_id and o.duplicate_key <> me.duplicate_key and ${live}
        order by o.duplicate_key, o.published_at desc, o.id
      ) x order by published_at desc, id limit ${RELATED_LIMITS.company}
    ),
    similar_offers as (
      select ${names} from (
        select distinct on (o.duplicate_key) 'similar' as relation, ${columns}, (o.rome_code is not distinct from me.rome_code) as same_trade
        from me, offers o join companies c on c.id = o.company_id
        where o.company_id <> me.company_id and ${live}
          and (o.rome_code = me.rome_code or o.sector = me.sector)
          and (o.latitude is null or me.latitude is null or ${distance} <= ${RELATED_LIMITS.similarRadiusKm * 1000}::float8)
        order by o.duplicate_key, o.published_at desc, o.id
      ) x order by same_trade desc, distance_m asc nulls last, published_at desc, id limit ${RELATED_LIMITS.similar}
    )
    select * from same_post union all select * from company_offers union all select * from similar_offers`.execute(t.trx);
  return rows;
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
