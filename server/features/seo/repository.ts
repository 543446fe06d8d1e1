import type { TenantDb } from '../../db/tenant-db.js';
import { isVisible } from '../offers/repository.js';

/** Sitemaps hold at most 50 000 URLs; a board is far from it, but the cap keeps the query bounded. */
const SITEMAP_LIMIT = 45_000;

export async function visibleOffersForSitemap(t: TenantDb) {
  return t.trx
    .selectFrom('offers')
    .where(isVisible)
    .select(['offers.id', 'offers.updated_at'])
    .orderBy('offers.published_at', 'desc')
    .limit(SITEMAP_LIMIT)
    .execute();
}

/** Companies with at least one live offer: the others' pages are thin content. */
export async function companiesWithVisibleOffers(t: TenantDb) {
  return t.trx
    .selectFrom('companies')
    .innerJoin('offers', 'offers.company_id', 'companies.id')
    .where(isVisible)
    .select(['companies.slug', (eb) => eb.fn.max('offers.updated_at').as('updated_at')])
    .groupBy('companies.slug')
    .orderBy('companies.slug')
    .execute();
}

export async function latestVisibleOffers(t: TenantDb, limit: number) {
  return t.trx
    .selectFrom('offers')
    .innerJoin('companies', 'companies.id', 'offers.company_id')
    .where(isVisible)
    .select([
      'offers.id',
      'offers.title',
      'offers.description_html',
      'offers.contract',
      'offers.place_name',
      'offers.postal_code',
      'offers.published_at',
      'companies.name as company_name',
    ])
    .orderBy('offers.published_at', 'desc')
    .orderBy('offers.id')
    .limit(limit)
    .execute();
}
