import { sql } from 'kysely';
import type { NeedSeason, NeedStatus, ProposalStatus } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';
import type { NeedValues } from './needs.js';

// Shared-time SQL. Every function takes a tenant-bound transaction: row-level security confines it.

export const RECOMPUTE_JOB = 'shared-time.recompute';

export async function romeExists(t: TenantDb, code: string): Promise<boolean> {
  return (await t.trx.selectFrom('rome_codes').select('code').where('code', '=', code).executeTakeFirst()) !== undefined;
}

export async function communesByCode(t: TenantDb, codes: string[]) {
  if (codes.length === 0) return [];
  return t.trx.selectFrom('communes').select(['insee_code', 'name', 'postal_codes', 'latitude', 'longitude']).where('insee_code', 'in', codes).execute();
}

export async function findCommune(t: TenantDb, code: string) {
  return t.trx.selectFrom('communes').select(['insee_code', 'name', 'latitude', 'longitude']).where('insee_code', '=', code).executeTakeFirst();
}

// Needs

const needColumns = [
  'shared_time_needs.id',
  'shared_time_needs.company_id',
  'shared_time_needs.title',
  'shared_time_needs.rome_code',
  'shared_time_needs.sites',
  'shared_time_needs.periods',
  'shared_time_needs.licences',
  'shared_time_needs.start_date',
  'shared_time_needs.min_commitment_months',
  'shared_time_needs.hourly_wage',
  'shared_time_needs.short_contracts_replaced',
  'shared_time_needs.notes',
  'shared_time_needs.commune_insee',
  'shared_time_needs.latitude',
  'shared_time_needs.longitude',
  'shared_time_needs.weekly_minutes',
  'shared_time_needs.annual_minutes',
  'shared_time_needs.month_minutes',
  'shared_time_needs.season',
  'shared_time_needs.status',
  'shared_time_needs.source',
  'shared_time_needs.source_offer_id',
  'shared_time_needs.validated_at',
  'shared_time_needs.staffed_at',
  'shared_time_needs.created_at',
  'shared_time_needs.updated_at',
] as const;

function needsWithCompany(t: TenantDb) {
  return t.trx
    .selectFrom('shared_time_needs')
    .innerJoin('companies', (join) => join.onRef('companies.id', '=', 'shared_time_needs.company_id').onRef('companies.tenant_id', '=', 'shared_time_needs.tenant_id'))
    .innerJoin('rome_codes', 'rome_codes.code', 'shared_time_needs.rome_code')
    .leftJoin('shared_time_members', (join) =>
      join.onRef('shared_time_members.company_id', '=', 'shared_time_needs.company_id').onRef('shared_time_members.tenant_id', '=', 'shared_time_needs.tenant_id'),
    )
    .where('shared_time_needs.tenant_id', '=', t.tenantId)
    .select(needColumns)
    .select([
      'companies.name as company_name',
      'companies.slug as company_slug',
      'rome_codes.label as rome_label',
      'rome_codes.domain_code',
      'rome_codes.grand_domain_code',
      'shared_time_members.public_body',
    ]);
}

export async function findNeed(t: TenantDb, id: string) {
  return needsWithCompany(t).where('shared_time_needs.id', '=', id).executeTakeFirst();
}

export type NeedRow = NonNullable<Awaited<ReturnType<typeof findNeed>>>;

export interface NeedFilter {
  companyIds?: string[];
  statuses?: NeedStatus[];
  rome?: string;
  season?: NeedSeason;
  /** Needs whose main site is within `radiusKm` of this point. */
  near?: { lat: number; lon: number; radiusKm: number };
}

/** Needs of the tenant (or of some companies), newest first; the radius is a great-circle distance. */
export async function listNeeds(t: TenantDb, filter: NeedFilter, limit = 500) {
  let query = needsWithCompany(t);
  if (filter.companyIds) query = filter.companyIds.length === 0 ? query.where(sql<boolean>`false`) : query.where('shared_time_needs.company_id', 'in', filter.companyIds);
  if (filter.statuses) query = query.where('shared_time_needs.status', 'in', filter.statuses);
  if (filter.rome) {
    const rome = filter.rome;
    // A full ROME code, a domain (H21) or a grand domain (H).
    query = rome.length === 5 ? query.where('shared_time_needs.rome_code', '=', rome) : rome.length === 3 ? query.where('rome_codes.domain_code', '=', rome) : query.where('rome_codes.grand_domain_code', '=', rome);
  }
  if (filter.season) query = query.where('shared_time_needs.season', '=', filter.season);
  if (filter.near) {
    const { lat, lon, radiusKm } = filter.near;
    query = query.where(
      sql<boolean>`2 * 6371.0088 * asin(least(1, sqrt(power(sin(radians(shared_time_needs.latitude - ${lat}) / 2), 2)
        + cos(radians(${lat})) * cos(radians(shared_time_needs.latitude)) * power(sin(radians(shared_time_needs.longitude - ${lon}) / 2), 2)))) <= ${radiusKm}`,
    );
  }
  return query.orderBy('shared_time_needs.updated_at', 'desc').orderBy('shared_time_needs.id').limit(limit).execute();
}

export async function needsByIds(t: TenantDb, ids: string[]) {
  if (ids.length === 0) return [];
  return needsWithCompany(t).where('shared_time_needs.id', 'in', ids).execute();
}

/** The engine's input: validated needs. */
export async function validatedNeeds(t: TenantDb) {
  return needsWithCompany(t).where('shared_time_needs.status', '=', 'validated').orderBy('shared_time_needs.id').execute();
}

export async function lockNeed(t: TenantDb, id: string) {
  return t.trx.selectFrom('shared_time_needs').select(['id', 'status', 'company_id']).where('tenant_id', '=', t.tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
}

const jsonValues = (values: NeedValues) => ({ ...values, sites: JSON.stringify(values.sites), periods: JSON.stringify(values.periods) });

export async function insertNeed(t: TenantDb, companyId: string, values: NeedValues, extra: { createdBy: string | null; source?: 'declared' | 'suggested'; sourceOfferId?: string | null }) {
  return t.trx
    .insertInto('shared_time_needs')
    .values({
      ...jsonValues(values),
      tenant_id: t.tenantId,
      company_id: companyId,
      created_by: extra.createdBy,
      source: extra.source ?? 'declared',
      source_offer_id: extra.sourceOfferId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function updateNeed(t: TenantDb, id: string, values: NeedValues, status?: NeedStatus) {
  await t.trx
    .updateTable('shared_time_needs')
    .set({ ...jsonValues(values), ...(status ? { status } : {}), updated_at: sql<Date>`now()` })
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .execute();
}

export async function setNeedStatus(t: TenantDb, ids: string[], status: NeedStatus, extra: { validatedBy?: string | null } = {}) {
  if (ids.length === 0) return;
  await t.trx
    .updateTable('shared_time_needs')
    .set({
      status,
      updated_at: sql<Date>`now()`,
      ...(status === 'validated' && extra.validatedBy !== undefined ? { validated_by: extra.validatedBy, validated_at: sql<Date>`now()` } : {}),
    })
    .where('tenant_id', '=', t.tenantId)
    .where('id', 'in', ids)
    .execute();
}

/** Hours declared per month by the given needs (the heat strip of the needs list). */
export function monthTotals(rows: { month_minutes: number[] }[]): number[] {
  const totals = new Array<number>(12).fill(0);
  for (const row of rows) row.month_minutes.forEach((m, i) => (totals[i] += m));
  return totals;
}

// Member companies

export async function listCompanies(t: TenantDb) {
  return t.trx
    .selectFrom('companies')
    .leftJoin('shared_time_members', (join) => join.onRef('shared_time_members.company_id', '=', 'companies.id').onRef('shared_time_members.tenant_id', '=', 'companies.tenant_id'))
    .leftJoin('communes', 'communes.insee_code', 'companies.commune_insee')
    .where('companies.tenant_id', '=', t.tenantId)
    .select(['companies.id', 'companies.name', 'companies.slug', 'communes.name as commune_name', 'shared_time_members.public_body', 'shared_time_members.employer_group', 'shared_time_members.competitor_ids'])
    .orderBy('companies.name')
    .orderBy('companies.id')
    .execute();
}

export async function findCompany(t: TenantDb, id: string) {
  return t.trx
    .selectFrom('companies')
    .leftJoin('shared_time_members', (join) => join.onRef('shared_time_members.company_id', '=', 'companies.id').onRef('shared_time_members.tenant_id', '=', 'companies.tenant_id'))
    .where('companies.tenant_id', '=', t.tenantId)
    .where('companies.id', '=', id)
    .select(['companies.id', 'companies.name', 'companies.commune_insee', 'shared_time_members.public_body', 'shared_time_members.employer_group', 'shared_time_members.competitor_ids'])
    .executeTakeFirst();
}

export async function saveMember(t: TenantDb, companyId: string, values: { public_body?: boolean; employer_group?: boolean; competitor_ids?: string[] }) {
  await t.trx
    .insertInto('shared_time_members')
    .values({ tenant_id: t.tenantId, company_id: companyId, ...values })
    .onConflict((oc) => oc.columns(['tenant_id', 'company_id']).doUpdateSet({ ...values, updated_at: sql<Date>`now()` }))
    .execute();
}

/** Every competitor mark of the tenant, as pairs (either company's mark counts). */
export async function competitorPairs(t: TenantDb): Promise<[string, string][]> {
  const rows = await t.trx.selectFrom('shared_time_members').select(['company_id', 'competitor_ids']).where('tenant_id', '=', t.tenantId).execute();
  return rows.flatMap((row) => row.competitor_ids.map((other): [string, string] => [row.company_id, other]));
}

export async function employerGroups(t: TenantDb) {
  return t.trx
    .selectFrom('companies')
    .innerJoin('shared_time_members', (join) => join.onRef('shared_time_members.company_id', '=', 'companies.id').onRef('shared_time_members.tenant_id', '=', 'companies.tenant_id'))
    .where('companies.tenant_id', '=', t.tenantId)
    .where('shared_time_members.employer_group', '=', true)
    .select(['companies.id', 'companies.name'])
    .orderBy('companies.name')
    .execute();
}

/** Verified employer accounts of the member companies (the gap call's recipients), one line per address. */
export async function memberRecipients(t: TenantDb, exceptCompanyIds: string[]) {
  let query = t.trx
    .selectFrom('company_members')
    .innerJoin('users', 'users.id', 'company_members.user_id')
    .innerJoin('companies', 'companies.id', 'company_members.company_id')
    .where('company_members.tenant_id', '=', t.tenantId)
    .where('users.email_verified_at', 'is not', null)
    .where('users.disabled_at', 'is', null)
    .select(['users.email', 'users.display_name', 'companies.name as company_name'])
    .distinctOn('users.email')
    .orderBy('users.email');
  if (exceptCompanyIds.length > 0) query = query.where('company_members.company_id', 'not in', exceptCompanyIds);
  return query.execute();
}

// Proposals

export async function listProposals(t: TenantDb, statuses: ProposalStatus[]) {
  return t.trx
    .selectFrom('shared_time_proposals')
    .selectAll()
    .where('tenant_id', '=', t.tenantId)
    .where('status', 'in', statuses)
    .orderBy(sql`case status when 'pinned' then 0 when 'drafted' then 1 when 'proposed' then 2 else 3 end`)
    .orderBy('score', 'desc')
    .orderBy('key')
    .execute();
}

export async function findProposal(t: TenantDb, id: string) {
  return t.trx.selectFrom('shared_time_proposals').selectAll().where('tenant_id', '=', t.tenantId).where('id', '=', id).executeTakeFirst();
}

export type ProposalRow = NonNullable<Awaited<ReturnType<typeof findProposal>>>;

export async function lockProposal(t: TenantDb, id: string) {
  return t.trx.selectFrom('shared_time_proposals').selectAll().where('tenant_id', '=', t.tenantId).where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function setProposalStatus(t: TenantDb, id: string, status: ProposalStatus, decidedBy: string | null, offerId?: string | null) {
  await t.trx
    .updateTable('shared_time_proposals')
    .set({ status, decided_by: decidedBy, decided_at: sql<Date>`now()`, ...(offerId !== undefined ? { offer_id: offerId } : {}) })
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .execute();
}

export interface ProposalWrite {
  key: string;
  needIds: string[];
  result: unknown;
  broken: unknown;
  annualMinutes: number;
  score: number;
}

/**
 * The engine's new answer: `proposed` rows are replaced (a set proposed again keeps its row and id),
 * pinned rows get their figures measured again; rejected and drafted rows are left as they are.
 */
export async function replaceProposals(t: TenantDb, proposed: ProposalWrite[], pinned: ProposalWrite[]) {
  const keys = proposed.map((p) => p.key);
  let stale = t.trx.deleteFrom('shared_time_proposals').where('tenant_id', '=', t.tenantId).where('status', '=', 'proposed');
  if (keys.length > 0) stale = stale.where('key', 'not in', keys);
  await stale.execute();
  for (const p of proposed) {
    await t.trx
      .insertInto('shared_time_proposals')
      .values({ tenant_id: t.tenantId, key: p.key, need_ids: p.needIds, status: 'proposed', result: JSON.stringify(p.result), broken: null, annual_minutes: p.annualMinutes, score: p.score })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'key'])
          .doUpdateSet({ result: JSON.stringify(p.result), broken: null, annual_minutes: p.annualMinutes, score: p.score, computed_at: sql<Date>`now()` })
          .where('shared_time_proposals.status', '=', 'proposed'),
      )
      .execute();
  }
  for (const p of pinned) {
    await t.trx
      .updateTable('shared_time_proposals')
      .set({ result: p.result === null ? null : JSON.stringify(p.result), broken: p.broken === null ? null : JSON.stringify(p.broken), annual_minutes: p.annualMinutes, score: p.score, computed_at: sql<Date>`now()` })
      .where('tenant_id', '=', t.tenantId)
      .where('key', '=', p.key)
      .where('status', '=', 'pinned')
      .execute();
  }
}

/** Drafted combinations whose offer is gone (deleted draft) or archived without being filled. */
export async function abandonedDrafts(t: TenantDb) {
  return t.trx
    .selectFrom('shared_time_proposals')
    .leftJoin('offers', (join) => join.onRef('offers.id', '=', 'shared_time_proposals.offer_id').onRef('offers.tenant_id', '=', 'shared_time_proposals.tenant_id'))
    .where('shared_time_proposals.tenant_id', '=', t.tenantId)
    .where('shared_time_proposals.status', '=', 'drafted')
    .where((eb) => eb.or([eb('offers.id', 'is', null), eb('offers.status', '=', 'archived')]))
    .select(['shared_time_proposals.id', 'shared_time_proposals.need_ids'])
    .execute();
}

export async function deleteProposal(t: TenantDb, id: string) {
  await t.trx.deleteFrom('shared_time_proposals').where('tenant_id', '=', t.tenantId).where('id', '=', id).execute();
}

// State of the engine

/** Marks the engine's input as changed and queues a recomputation in the same transaction. */
export async function markChanged(t: TenantDb): Promise<number> {
  const row = await t.trx
    .insertInto('shared_time_state')
    .values({ tenant_id: t.tenantId, needs_version: 2, computed_version: 0 })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ needs_version: sql<number>`shared_time_state.needs_version + 1` }))
    .returning('needs_version')
    .executeTakeFirstOrThrow();
  await t.trx
    .insertInto('jobs')
    .values({ name: RECOMPUTE_JOB, payload: JSON.stringify({ tenant: t.tenantId }), singleton_key: `${RECOMPUTE_JOB}:${t.tenantId}`, max_attempts: 3 })
    .onConflict((oc) => oc.column('singleton_key').doNothing())
    .execute();
  return row.needs_version;
}

export async function findState(t: TenantDb) {
  return t.trx.selectFrom('shared_time_state').selectAll().where('tenant_id', '=', t.tenantId).executeTakeFirst();
}

export async function lockState(t: TenantDb) {
  return t.trx.selectFrom('shared_time_state').selectAll().where('tenant_id', '=', t.tenantId).forUpdate().executeTakeFirst();
}

export async function saveRun(t: TenantDb, run: { version: number; fingerprint: string; stats: unknown; unmatched: unknown; durationMs: number }) {
  await t.trx
    .insertInto('shared_time_state')
    .values({
      tenant_id: t.tenantId,
      needs_version: run.version,
      computed_version: run.version,
      settings_fingerprint: run.fingerprint,
      stats: JSON.stringify(run.stats),
      unmatched: JSON.stringify(run.unmatched),
      computed_at: sql<Date>`now()`,
      duration_ms: run.durationMs,
    })
    .onConflict((oc) =>
      oc.column('tenant_id').doUpdateSet({
        computed_version: run.version,
        settings_fingerprint: run.fingerprint,
        stats: JSON.stringify(run.stats),
        unmatched: JSON.stringify(run.unmatched),
        computed_at: sql<Date>`now()`,
        duration_ms: run.durationMs,
      }),
    )
    .execute();
}

// Gap calls

export async function insertGapCall(t: TenantDb, call: { proposalId: string; needIds: string[]; title: string; summary: string; details: unknown; publishedBy: string }) {
  return t.trx
    .insertInto('shared_time_gap_calls')
    .values({ tenant_id: t.tenantId, proposal_id: call.proposalId, need_ids: call.needIds, title: call.title, summary: call.summary, details: JSON.stringify(call.details), published_by: call.publishedBy })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function setGapCallMailed(t: TenantDb, id: string, count: number) {
  await t.trx.updateTable('shared_time_gap_calls').set({ mailed_count: count }).where('tenant_id', '=', t.tenantId).where('id', '=', id).execute();
}

export async function liveGapCalls(t: TenantDb) {
  return t.trx.selectFrom('shared_time_gap_calls').selectAll().where('tenant_id', '=', t.tenantId).where('status', '=', 'published').orderBy('published_at', 'desc').orderBy('id').limit(100).execute();
}

export async function findGapCall(t: TenantDb, id: string) {
  return t.trx.selectFrom('shared_time_gap_calls').selectAll().where('tenant_id', '=', t.tenantId).where('id', '=', id).executeTakeFirst();
}

export async function gapCallForProposal(t: TenantDb, proposalId: string) {
  return t.trx.selectFrom('shared_time_gap_calls').select(['id', 'status']).where('tenant_id', '=', t.tenantId).where('proposal_id', '=', proposalId).where('status', '=', 'published').executeTakeFirst();
}

export async function closeGapCall(t: TenantDb, id: string) {
  const row = await t.trx
    .updateTable('shared_time_gap_calls')
    .set({ status: 'closed', closed_at: sql<Date>`now()` })
    .where('tenant_id', '=', t.tenantId)
    .where('id', '=', id)
    .where('status', '=', 'published')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

// Suggestions and offers

/** Published part-time or seasonal offers of the board that no live need comes from yet. */
export async function suggestedOffers(t: TenantDb) {
  return t.trx
    .selectFrom('offers')
    .innerJoin('companies', (join) => join.onRef('companies.id', '=', 'offers.company_id').onRef('companies.tenant_id', '=', 'offers.tenant_id'))
    .where('offers.tenant_id', '=', t.tenantId)
    .where('offers.status', '=', 'published')
    .where('offers.expires_at', '>', sql<Date>`now()`)
    .where('offers.contract', '!=', 'shared_time')
    .where((eb) => eb.or([eb('offers.working_time', '=', 'part_time'), eb('offers.contract', '=', 'seasonal')]))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('shared_time_needs')
            .select('shared_time_needs.id')
            .whereRef('shared_time_needs.source_offer_id', '=', 'offers.id')
            .where('shared_time_needs.status', '!=', 'withdrawn'),
        ),
      ),
    )
    .select([
      'offers.id',
      'offers.title',
      'offers.contract',
      'offers.working_time',
      'offers.hours_per_week',
      'offers.season',
      'offers.start_date',
      'offers.end_date',
      'offers.rome_code',
      'offers.commune_insee',
      'offers.place_name',
      'offers.salary_min',
      'offers.salary_unit',
      'offers.driving_licence',
      'offers.published_at',
      'offers.company_id',
      'companies.name as company_name',
    ])
    .orderBy('offers.published_at', 'desc')
    .orderBy('offers.id')
    .limit(200)
    .execute();
}

export type SuggestedOfferRow = Awaited<ReturnType<typeof suggestedOffers>>[number];

export async function findSuggestedOffer(t: TenantDb, id: string) {
  return (await suggestedOffers(t)).find((o) => o.id === id);
}

export async function insertOfferPlaces(t: TenantDb, offerId: string, places: { commune_insee: string; postal_code: string | null; place_name: string; latitude: number; longitude: number; label: string | null }[]) {
  if (places.length === 0) return;
  await t.trx
    .insertInto('offer_places')
    .values(places.map((place, i) => ({ ...place, tenant_id: t.tenantId, offer_id: offerId, position: i + 1 })))
    .execute();
}

export async function offerStatus(t: TenantDb, id: string) {
  return t.trx.selectFrom('offers').select(['id', 'status', 'title', 'expires_at']).where('tenant_id', '=', t.tenantId).where('id', '=', id).executeTakeFirst();
}
