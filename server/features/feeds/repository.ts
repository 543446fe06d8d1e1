import { sql, type Insertable, type Updateable } from 'kysely';
import type { FeedItemsTable, FeedRunsTable, FeedSourcesTable } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';
import { isVisible, offerWithCompany } from '../offers/repository.js';

// SQL of the feeds feature: sources, runs, items, and the reference lookups of the mapping.

export async function romeAppellations(t: TenantDb) {
  return t.trx.selectFrom('rome_appellations').select(['ogr_code', 'label', 'short_label', 'rome_code', 'is_main']).orderBy('ogr_code').execute();
}

const communeColumns = ['insee_code', 'name', 'department_code', 'postal_codes', 'population'] as const;

export async function communesByPostalCode(t: TenantDb, postalCode: string) {
  return t.trx
    .selectFrom('communes')
    .select(communeColumns)
    .where(sql<boolean>`postal_codes @> array[${postalCode}]::text[]`)
    .orderBy('population', (o) => o.desc().nullsLast())
    .execute();
}

/** Communes whose name is this one, accents and case aside (« saint etienne » finds Saint-Étienne). */
export async function communesByName(t: TenantDb, name: string) {
  return t.trx
    .selectFrom('communes')
    .select(communeColumns)
    .where(sql<boolean>`trim(regexp_replace(lower(immutable_unaccent(name)), '[^a-z0-9]+', ' ', 'g')) = ${name}`)
    .where('kind', '=', 'commune')
    .orderBy('population', (o) => o.desc().nullsLast())
    .limit(20)
    .execute();
}

export async function communeByInsee(t: TenantDb, insee: string) {
  return t.trx.selectFrom('communes').select(communeColumns).where('insee_code', '=', insee).executeTakeFirst();
}

export async function departments(t: TenantDb) {
  return t.trx.selectFrom('departments').select(['code', 'name']).execute();
}

// Sources

export type NewFeedSource = Omit<Insertable<FeedSourcesTable>, 'tenant_id'>;

export async function insertSource(t: TenantDb, values: NewFeedSource) {
  return t.trx.insertInto('feed_sources').values({ ...values, tenant_id: t.tenantId }).returning('id').executeTakeFirstOrThrow();
}

export async function updateSource(t: TenantDb, id: string, values: Updateable<FeedSourcesTable>) {
  await t.trx
    .updateTable('feed_sources')
    .set({ ...values, updated_at: sql<Date>`now()` })
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .execute();
}

export async function deleteSource(t: TenantDb, id: string) {
  await t.trx.deleteFrom('feed_sources').where('tenant_id', '=', t.tenantId).where('id', '=', id).execute();
}

function sourcesWithCompany(t: TenantDb) {
  return t.trx
    .selectFrom('feed_sources')
    .innerJoin('companies', (join) => join.onRef('companies.id', '=', 'feed_sources.company_id').onRef('companies.tenant_id', '=', 'feed_sources.tenant_id'))
    .where('feed_sources.tenant_id', '=', t.tenantId)
    .selectAll('feed_sources')
    .select(['companies.name as company_name', 'companies.slug as company_slug']);
}

export async function findSource(t: TenantDb, id: string) {
  return sourcesWithCompany(t).where('feed_sources.id', '=', id).executeTakeFirst();
}

export type FeedSourceRow = NonNullable<Awaited<ReturnType<typeof findSource>>>;

/** Every source of a company, or of the tenant when `companyId` is undefined; newest first. */
export async function listSources(t: TenantDb, companyId?: string) {
  let query = sourcesWithCompany(t);
  if (companyId) query = query.where('feed_sources.company_id', '=', companyId);
  return query.orderBy('companies.name').orderBy('feed_sources.created_at', 'desc').execute();
}

/** The source's row locked for a poll: two polls of one source apply one after the other. */
export async function lockSource(t: TenantDb, id: string) {
  return t.trx.selectFrom('feed_sources').selectAll().where('tenant_id', '=', t.tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findUploadSource(t: TenantDb, companyId: string, format: FeedSourcesTable['format']) {
  return t.trx
    .selectFrom('feed_sources')
    .select('id')
    .where('tenant_id', '=', t.tenantId)
    .where('company_id', '=', companyId)
    .where('kind', '=', 'upload')
    .where('format', '=', format)
    .executeTakeFirst();
}

/** URL sources whose poll is due, locked (SKIP LOCKED: several nodes schedule without doubling a poll). */
export async function lockDueSources(t: TenantDb, now: Date) {
  return t.trx
    .selectFrom('feed_sources')
    .select(['id', 'polls_per_day', 'next_poll_at', 'poll_requested'])
    .where('tenant_id', '=', t.tenantId)
    .where('kind', '=', 'url')
    .where('active', '=', true)
    .where('next_poll_at', '<=', now)
    .forUpdate()
    .skipLocked()
    .execute();
}

// Runs

export async function insertRun(t: TenantDb, values: Omit<Insertable<FeedRunsTable>, 'tenant_id'>) {
  await t.trx
    .insertInto('feed_runs')
    .values({ ...values, tenant_id: t.tenantId })
    .onConflict((oc) => oc.columns(['source_id', 'poll_id']).doNothing())
    .execute();
}

export async function listRuns(t: TenantDb, sourceId: string, limit: number) {
  return t.trx
    .selectFrom('feed_runs')
    .selectAll()
    .where('tenant_id', '=', t.tenantId)
    .where('source_id', '=', sourceId)
    .orderBy('finished_at', 'desc')
    .limit(limit)
    .execute();
}

// Items

export async function sourceItems(t: TenantDb, sourceId: string) {
  return t.trx
    .selectFrom('feed_items')
    .leftJoin('offers', (join) => join.onRef('offers.id', '=', 'feed_items.offer_id').onRef('offers.tenant_id', '=', 'feed_items.tenant_id'))
    .where('feed_items.tenant_id', '=', t.tenantId)
    .where('feed_items.source_id', '=', sourceId)
    .selectAll('feed_items')
    .select(['offers.status as offer_status', 'offers.expires_at as offer_expires_at', 'offers.company_id as offer_company_id'])
    .execute();
}

export type FeedItemRow = Awaited<ReturnType<typeof sourceItems>>[number];

export async function insertItem(t: TenantDb, values: Omit<Insertable<FeedItemsTable>, 'tenant_id'>) {
  await t.trx.insertInto('feed_items').values({ ...values, tenant_id: t.tenantId }).execute();
}

export async function updateItem(t: TenantDb, sourceId: string, reference: string, values: Updateable<FeedItemsTable>) {
  await t.trx
    .updateTable('feed_items')
    .set({ ...values, updated_at: sql<Date>`now()` })
    .where('tenant_id', '=', t.tenantId)
    .where('source_id', '=', sourceId)
    .where('reference', '=', reference)
    .execute();
}

/** These references are in the feed again (changed or not): no longer counted as missing. */
export async function markSeen(t: TenantDb, sourceId: string, references: string[]) {
  if (references.length === 0) return;
  await t.trx
    .updateTable('feed_items')
    .set({ missed_polls: 0 })
    .where('tenant_id', '=', t.tenantId)
    .where('source_id', '=', sourceId)
    .where('reference', 'in', references)
    .where('missed_polls', '>', 0)
    .execute();
}

/** Items of a source that want a person's eye: notes, duplicates, publication waiting for the membership. */
export async function itemsToReview(t: TenantDb, sourceId: string) {
  return t.trx
    .selectFrom('feed_items')
    .leftJoin('offers', (join) => join.onRef('offers.id', '=', 'feed_items.offer_id').onRef('offers.tenant_id', '=', 'feed_items.tenant_id'))
    .where('feed_items.tenant_id', '=', t.tenantId)
    .where('feed_items.source_id', '=', sourceId)
    .where('feed_items.closed_at', 'is', null)
    .where((eb) => eb.or([eb(sql<number>`jsonb_array_length(feed_items.notes)`, '>', 0), eb('feed_items.pending_publication', '=', true), eb('feed_items.missed_polls', '>', 0)]))
    .select([
      'feed_items.reference',
      'feed_items.notes',
      'feed_items.pending_publication',
      'feed_items.missed_polls',
      'feed_items.offer_id',
      'feed_items.duplicate_of',
      'offers.title as offer_title',
      'offers.status as offer_status',
    ])
    .orderBy('feed_items.reference')
    .limit(500)
    .execute();
}

/** The company's live offers (draft, in review, published), and whether this source imported each. */
export async function liveOffersOfCompany(t: TenantDb, companyId: string, sourceId: string) {
  return t.trx
    .selectFrom('offers')
    .select((eb) => [
      'offers.id',
      'offers.title',
      'offers.commune_insee',
      eb.exists(eb.selectFrom('feed_items').select('feed_items.reference').whereRef('feed_items.offer_id', '=', 'offers.id').where('feed_items.source_id', '=', sourceId)).as('from_source'),
    ])
    .where('offers.tenant_id', '=', t.tenantId)
    .where('offers.company_id', '=', companyId)
    .where('offers.status', 'in', ['draft', 'pending_review', 'published'])
    .execute();
}

// Exports

/** Public offers whose employer agreed to their diffusion, with what the export formats need. */
export function exportableOffers(t: TenantDb) {
  return offerWithCompany(t)
    .where(isVisible)
    .where('offers.export_consent', '=', true)
    .select(['companies.siret as company_siret', 'companies.naf_code as company_naf']);
}

export type ExportOfferRow = Awaited<ReturnType<ReturnType<typeof exportableOffers>['execute']>>[number];

export async function listExportableOffers(t: TenantDb) {
  return exportableOffers(t).orderBy('offers.published_at', 'desc').orderBy('offers.id').execute();
}

/** Offers by id whatever their state (the France Travail file's deletions), with their consent. */
export async function offersByIds(t: TenantDb, ids: string[]) {
  if (ids.length === 0) return [];
  return offerWithCompany(t).where('offers.id', 'in', ids).select(['companies.siret as company_siret', 'companies.naf_code as company_naf']).execute();
}

export async function latestExport(t: TenantDb, kind: 'aggregator_xml') {
  return t.trx.selectFrom('offer_exports').selectAll().where('tenant_id', '=', t.tenantId).where('kind', '=', kind).executeTakeFirst();
}

export async function replaceAggregatorExport(t: TenantDb, values: { generated_on: string; content: string; offer_count: number; summary: string }) {
  await t.trx.deleteFrom('offer_exports').where('tenant_id', '=', t.tenantId).where('kind', '=', 'aggregator_xml').execute();
  return t.trx
    .insertInto('offer_exports')
    .values({ ...values, tenant_id: t.tenantId, kind: 'aggregator_xml' })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function franceTravailFile(t: TenantDb, day: string) {
  return t.trx
    .selectFrom('offer_exports')
    .selectAll()
    .where('tenant_id', '=', t.tenantId)
    .where('kind', '=', 'france_travail')
    .where('generated_on', '=', day)
    .executeTakeFirst();
}

export async function listFranceTravailFiles(t: TenantDb, limit: number) {
  return t.trx
    .selectFrom('offer_exports')
    .select(['id', 'generated_on', 'offer_count', 'summary', 'created_at'])
    .where('tenant_id', '=', t.tenantId)
    .where('kind', '=', 'france_travail')
    .orderBy('generated_on', 'desc')
    .limit(limit)
    .execute();
}

export async function insertFranceTravailFile(t: TenantDb, values: { generated_on: string; content: string; offer_count: number; summary: string }) {
  return t.trx.insertInto('offer_exports').values({ ...values, tenant_id: t.tenantId, kind: 'france_travail' }).returningAll().executeTakeFirstOrThrow();
}

/** Files older than the kept window are dropped (the movements they carried live on in the states). */
export async function pruneFranceTravailFiles(t: TenantDb, before: string) {
  await t.trx.deleteFrom('offer_exports').where('tenant_id', '=', t.tenantId).where('kind', '=', 'france_travail').where('generated_on', '<', before).execute();
}

export async function franceTravailStates(t: TenantDb) {
  return t.trx.selectFrom('france_travail_states').selectAll().where('tenant_id', '=', t.tenantId).execute();
}

export async function saveFranceTravailState(t: TenantDb, offerId: string, values: { content_hash: string; last_movement: 'C' | 'M' | 'S'; day: string }) {
  await t.trx
    .insertInto('france_travail_states')
    .values({ tenant_id: t.tenantId, offer_id: offerId, content_hash: values.content_hash, last_movement: values.last_movement, first_sent_on: values.day, last_sent_on: values.day })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'offer_id']).doUpdateSet({ content_hash: values.content_hash, last_movement: values.last_movement, last_sent_on: values.day }),
    )
    .execute();
}

/** One transaction at a time builds a tenant's export of a kind (several nodes, several requests). */
export async function lockExports(t: TenantDb, kind: string) {
  await sql`select pg_advisory_xact_lock(hashtext(${`offer_exports:${t.tenantId}:${kind}`}))`.execute(t.trx);
}

/** The last run of each of these sources (the lists' health column). */
export async function lastRuns(t: TenantDb, sourceIds: string[]) {
  if (sourceIds.length === 0) return [];
  return t.trx
    .selectFrom('feed_runs')
    .selectAll()
    .distinctOn('source_id')
    .where('tenant_id', '=', t.tenantId)
    .where('source_id', 'in', sourceIds)
    .orderBy('source_id')
    .orderBy('finished_at', 'desc')
    .execute();
}

/** The tenant's companies, for the admin's choice of the company a source belongs to. */
export async function companyChoices(t: TenantDb) {
  return t.trx.selectFrom('companies').select(['id', 'name']).where('tenant_id', '=', t.tenantId).orderBy('name').execute();
}
