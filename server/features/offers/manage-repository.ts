import { sql } from 'kysely';
import type { NewOffer, OfferStatus, OfferUpdate } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';
import { offerWithCompany } from './repository.js';

// Offers as their company and the tenant admin see them: every status.

/** One offer of this tenant with its company's name and slug, whatever its status. */
export async function findOffer(t: TenantDb, id: string) {
  return offerWithCompany(t).where('offers.id', '=', id).executeTakeFirst();
}

export type ManagedOfferRow = NonNullable<Awaited<ReturnType<typeof findOffer>>>;

/** Locks the offer's row for a status change (two clicks on "publish" make one transition). */
export async function lockOffer(t: TenantDb, id: string) {
  return t.trx
    .selectFrom('offers')
    .select(['id', 'status', 'company_id', 'expires_at', 'published_at', 'title'])
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

/** The company's offers, each with its number of applications and of those not opened yet (one query). */
export async function listCompanyOffers(t: TenantDb, companyId: string, page: { limit: number; offset: number } = { limit: 200, offset: 0 }) {
  return t.trx
    .selectFrom('offers')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('applications')
          .where('applications.company_id', '=', companyId)
          .select([
            'applications.offer_id',
            sql<number>`count(*)::int`.as('total'),
            sql<number>`(count(*) filter (where applications.status = 'new'))::int`.as('unread'),
          ])
          .groupBy('applications.offer_id')
          .as('counts'),
      (join) => join.onRef('counts.offer_id', '=', 'offers.id'),
    )
    .where('offers.tenant_id', '=', t.tenantId)
    .where('offers.company_id', '=', companyId)
    .select([
      'offers.id',
      'offers.title',
      'offers.status',
      'offers.contract',
      'offers.place_name',
      'offers.published_at',
      'offers.expires_at',
      'offers.created_at',
      'offers.updated_at',
      sql<number>`coalesce(counts.total, 0)`.as('applications_total'),
      sql<number>`coalesce(counts.unread, 0)`.as('applications_unread'),
    ])
    .orderBy('offers.updated_at', 'desc')
    .orderBy('offers.id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
}

export type CompanyOfferRow = Awaited<ReturnType<typeof listCompanyOffers>>[number];

export async function listPendingReview(t: TenantDb) {
  return t.trx
    .selectFrom('offers')
    .innerJoin('companies', 'companies.id', 'offers.company_id')
    .where('offers.tenant_id', '=', t.tenantId)
    .where('offers.status', '=', 'pending_review')
    .select(['offers.id', 'offers.title', 'offers.contract', 'offers.place_name', 'offers.updated_at', 'companies.name as company_name'])
    .orderBy('offers.updated_at')
    .orderBy('offers.id')
    .execute();
}

export async function insertOffer(t: TenantDb, values: Omit<NewOffer, 'tenant_id'>) {
  return t.trx.insertInto('offers').values({ ...values, tenant_id: t.tenantId }).returning('id').executeTakeFirstOrThrow();
}

export async function updateOffer(t: TenantDb, id: string, values: OfferUpdate) {
  await t.trx
    .updateTable('offers')
    .set({ ...values, updated_at: sql<Date>`now()` })
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .execute();
}

export async function deleteOffer(t: TenantDb, id: string) {
  await t.trx.deleteFrom('offers').where('tenant_id', '=', t.tenantId).where('id', '=', id).execute();
}

export async function romeExists(t: TenantDb, code: string): Promise<boolean> {
  return (await t.trx.selectFrom('rome_codes').select('code').where('code', '=', code).executeTakeFirst()) !== undefined;
}

/**
 * The expiry (lifecycle action `expire`): published offers whose expires_at has passed become
 * `expired`, all in one statement. State-based: whatever was missed while no worker ran is caught
 * up by the next run.
 */
export async function expireDue(t: TenantDb, from: readonly OfferStatus[], to: OfferStatus, now: Date): Promise<string[]> {
  const rows = await t.trx
    .updateTable('offers')
    .set({ status: to, updated_at: sql<Date>`now()` })
    .where('tenant_id', '=', t.tenantId)
    .where('status', 'in', from)
    .where('expires_at', '<=', now)
    .returning('id')
    .execute();
  return rows.map((r) => r.id);
}
