import { sql } from 'kysely';
import type { TenantDb } from '../../db/tenant-db.js';

export async function findProfile(t: TenantDb, userId: string) {
  return t.trx.selectFrom('candidate_profiles').selectAll().where('tenant_id', '=', t.tenantId).where('user_id', '=', userId).executeTakeFirst();
}

/** Creates the profile on first use; every write counts as activity (retention clock). */
export async function upsertProfile(
  t: TenantDb,
  userId: string,
  values: { phone?: string | null; headline?: string | null; cv_file_id?: string | null; cv_file_name?: string | null },
) {
  await t.trx
    .insertInto('candidate_profiles')
    .values({ tenant_id: t.tenantId, user_id: userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...values, updated_at: sql`now()`, last_activity_at: sql`now()` }))
    .execute();
}

/** The candidate did something (applied, edited, saved an offer): the retention clock restarts. */
export async function touch(t: TenantDb, userId: string) {
  await t.trx
    .insertInto('candidate_profiles')
    .values({ tenant_id: t.tenantId, user_id: userId })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ last_activity_at: sql`now()` }))
    .execute();
}

export async function savedOffers(t: TenantDb, userId: string) {
  return t.trx
    .selectFrom('saved_offers')
    .innerJoin('offers', (j) => j.onRef('offers.id', '=', 'saved_offers.offer_id').onRef('offers.tenant_id', '=', 'saved_offers.tenant_id'))
    .innerJoin('companies', (j) => j.onRef('companies.id', '=', 'offers.company_id').onRef('companies.tenant_id', '=', 'offers.tenant_id'))
    .where('saved_offers.tenant_id', '=', t.tenantId)
    .where('saved_offers.user_id', '=', userId)
    .select([
      'offers.id',
      'offers.title',
      'offers.status',
      'offers.expires_at',
      'offers.place_name',
      'companies.name as company_name',
      'saved_offers.created_at as saved_at',
      sql<boolean>`offers.status = 'published' and (offers.expires_at is null or offers.expires_at > now())`.as('live'),
    ])
    .orderBy('saved_offers.created_at', 'desc')
    .execute();
}

export async function saveOffer(t: TenantDb, userId: string, offerId: string) {
  await t.trx.insertInto('saved_offers').values({ tenant_id: t.tenantId, user_id: userId, offer_id: offerId }).onConflict((oc) => oc.doNothing()).execute();
}

export async function unsaveOffer(t: TenantDb, userId: string, offerId: string) {
  await t.trx.deleteFrom('saved_offers').where('tenant_id', '=', t.tenantId).where('user_id', '=', userId).where('offer_id', '=', offerId).execute();
}

/** Which of `offerIds` the candidate has saved (the hearts of one page: one query, whatever the number of cards). */
export async function savedAmong(t: TenantDb, userId: string, offerIds: string[]): Promise<Set<string>> {
  if (offerIds.length === 0) return new Set();
  const rows = await t.trx
    .selectFrom('saved_offers')
    .select('offer_id')
    .where('tenant_id', '=', t.tenantId)
    .where('user_id', '=', userId)
    .where('offer_id', 'in', offerIds)
    .execute();
  return new Set(rows.map((r) => r.offer_id));
}

/** Saves every open offer among `offerIds` (others are skipped); returns the ids saved now or before. */
export async function saveOpenOffers(t: TenantDb, userId: string, offerIds: string[]): Promise<string[]> {
  if (offerIds.length === 0) return [];
  const { rows } = await sql<{ offer_id: string }>`
    insert into saved_offers (tenant_id, user_id, offer_id)
    select ${t.tenantId}, ${userId}, o.id from offers o
    where o.tenant_id = ${t.tenantId} and o.id = any(${offerIds}::uuid[]) and o.status = 'published' and o.expires_at > now()
    on conflict do nothing
    returning offer_id`.execute(t.trx);
  return rows.map((r) => r.offer_id);
}
