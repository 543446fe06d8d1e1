import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';
import type { FacetName, GeoPoint, MapPoint, OfferDocumentSource, SearchHit, SearchQuery } from './port.js';
import { cardFromRow, type CardRow } from '../offers/card.js';
import { fold } from './text.js';

// ---------------------------------------------------------------------------------------------------
// PostgreSQL full-text search over offers.search_vector (kept by the triggers of migration 0002).

/** The engine's query with the text already analysed and the page turned into limit/offset. */
export interface PgSearchInput
  extends Pick<
    SearchQuery,
    'filters' | 'rome' | 'publishedWithinDays' | 'publishedAfter' | 'publishedBefore' | 'near' | 'commune' | 'beginnerWelcome' | 'withoutDiploma' | 'openToMinors' | 'sort'
  > {
  /** to_tsquery('french', …) text built from analysed words only ([a-z0-9], operators, :*), or null. */
  tsquery: string | null;
  /**
   * The same words, none taken as a prefix, all in the title: offers whose title has the words
   * themselves rank first ("ski": "Moniteur de ski" before "Skiman", whose description mentions skis).
   */
  exactTitleTsquery: string | null;
  limit: number;
  offset: number;
  /** False when the caller already has the facet counts of these conditions: only the page is read. */
  withCombinations: boolean;
  /** One hit per group of near-duplicates (its most recent offer), with the group's size. */
  collapseDuplicates: boolean;
}

/** A hit as the page query returns it: the card columns and what the search adds. */
interface HitRow extends CardRow {
  season: string | null;
  commune_insee: string | null;
  latitude: number | null;
  longitude: number | null;
  experience: SearchHit['experience'];
  distance_m: number | null;
  duplicate_key: string;
  positions: number;
}

/**
 * Added to ts_rank when the title has the typed words themselves: more than ts_rank's spread among
 * title matches (~0.6–0.8 on the demo data), so these offers come first, in ts_rank order.
 */
const EXACT_TITLE_BONUS = 1;

const FACET_NAMES = ['sector', 'contract', 'housing', 'department'] as const;
const FACET_COLUMNS: Record<FacetName, string> = {
  sector: 'sector',
  contract: 'contract',
  housing: 'housing',
  department: 'department_code',
};

/** How many matching offers have each combination of facet values (a few hundred at most). */
export interface FacetCombination {
  sector: string | null;
  contract: string;
  housing: string;
  department: string | null;
  count: number;
  /**
   * How many groups of near-duplicates these offers form. A group never spans two combinations (its
   * key fixes every facet value, migration 0015), so groups add up like offers do.
   */
  groups: number;
}

/**
 * Great-circle distance in metres from `near` to the offer `alias` (haversine on plain float8
 * arithmetic: much cheaper per row than earthdistance's ll_to_earth, which matters when a large radius
 * holds thousands of offers).
 */
function distanceFrom(near: GeoPoint, alias: string): RawBuilder<number> {
  const o = sql.raw(alias);
  return sql<number>`(12742017.6 * asin(sqrt(
    power(sin(radians(${o}.latitude - ${near.lat}::float8) / 2), 2) +
    ${Math.cos((near.lat * Math.PI) / 180)}::float8 * cos(radians(${o}.latitude)) * power(sin(radians(${o}.longitude - ${near.lon}::float8) / 2), 2))))`;
}

/**
 * What makes offer `alias` match, facet filters aside: live, the words (`q` is the query's CTE), ROME,
 * dates, radius, commune and the youth filters. The same conditions select the page's offers and the
 * other offers of a group of near-duplicates.
 */
function matchConditions(input: PgSearchInput, alias: string): RawBuilder<unknown>[] {
  const o = sql.raw(alias);
  const conditions: RawBuilder<unknown>[] = [sql`${o}.status = 'published'`, sql`${o}.expires_at > now()`];
  if (input.tsquery) conditions.push(sql`${o}.search_vector @@ q.query`);
  if (input.rome) conditions.push(sql`${o}.rome_code = ${input.rome}`);
  if (input.publishedWithinDays) conditions.push(sql`${o}.published_at >= now() - make_interval(days => ${input.publishedWithinDays})`);
  if (input.publishedAfter) conditions.push(sql`${o}.published_at >= ${input.publishedAfter}`);
  if (input.publishedBefore) conditions.push(sql`${o}.published_at < ${input.publishedBefore}`);
  if (input.near?.radiusKm) {
    const { lat, lon, radiusKm } = input.near;
    // Bounding box on the coordinates of the covering indexes (migration 0009: the latitude band is an
    // index range), then the exact distance.
    const dLat = radiusKm / 110.5;
    const dLon = radiusKm / (111.3 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
    conditions.push(sql`${o}.latitude between ${lat - dLat}::float8 and ${lat + dLat}::float8`);
    conditions.push(sql`${o}.longitude between ${lon - dLon}::float8 and ${lon + dLon}::float8`);
    conditions.push(sql`${distanceFrom(input.near, alias)} <= ${radiusKm * 1000}::float8`);
  }
  if (input.commune) {
    // Offers carry their commune's centroid (offers/manage-service.ts): equal coordinates, one index range.
    conditions.push(sql`${o}.latitude = ${input.commune.lat}::float8 and ${o}.longitude = ${input.commune.lon}::float8`);
  }
  if (input.beginnerWelcome) conditions.push(sql`${o}.experience = 'none'`);
  if (input.withoutDiploma) conditions.push(sql`${o}.without_diploma`);
  if (input.openToMinors) conditions.push(sql`${o}.open_to_minors`);
  return conditions;
}

/**
 * One round trip: the offers matching the text, place, ROME and date conditions (a narrow CTE) give
 * the page of hits (with the facet filters) and the number of offers per combination of facet values,
 * from which countFacets derives the total and every facet count. One hash aggregate on four short
 * columns is much cheaper than a count per facet.
 *
 * Collapsing near-duplicates keeps that shape: a group is represented by its most recent matching
 * offer (an offer is left out when a later one of its group matches: one probe of offers_duplicates,
 * usually empty), and the page's groups are sized by one more probe each. The pages are cut from
 * groups, whose number comes with the facet counts.
 */
export async function searchOffers(t: TenantDb, input: PgSearchInput): Promise<{ hits: SearchHit[]; combinations: FacetCombination[] | null; generation: number }> {
  const conditions = matchConditions(input, 'o');
  const origin = input.near ? distanceFrom(input.near, 'o') : null;
  const facetFilters = FACET_NAMES.filter((f) => input.filters[f] !== undefined).map(
    (f) => sql`m.${sql.raw(FACET_COLUMNS[f])} = ${input.filters[f]}`,
  );
  if (input.collapseDuplicates) {
    // The group's facet values are the offer's own: only the other conditions need checking.
    facetFilters.push(sql`not exists (
      select 1 from offers d, q
      where d.duplicate_key = m.duplicate_key and d.id <> m.id
        and (d.published_at > m.published_at or (d.published_at = m.published_at and d.id < m.id))
        and ${sql.join(matchConditions(input, 'd'), sql` and `)})`);
  }
  const exactBonus = input.exactTitleTsquery ? sql` + case when o.search_vector @@ q.exact_title then ${EXACT_TITLE_BONUS}::real else 0 end` : sql``;
  const rank = input.tsquery && input.sort === 'relevance' ? sql`ts_rank(o.search_vector, q.query)${exactBonus}` : sql`0::real`;
  const distance = origin ?? sql`null::float8`;
  const order =
    input.sort === 'distance' && origin
      ? sql`m.distance_m asc nulls last, m.published_at desc, m.id`
      : input.sort === 'relevance' && input.tsquery
        ? sql`m.rank desc, m.published_at desc, m.id`
        : sql`m.published_at desc, m.id`;
  const positions = input.collapseDuplicates
    ? sql`(select count(*)::int from offers d, q where d.duplicate_key = o.duplicate_key and ${sql.join(matchConditions(input, 'd'), sql` and `)})`
    : sql`1`;

  // With words, the matched offers come from the heap (the GIN index is not covering): gathered once for
  // the page and the counts. Without, each reader scans the covering index of live offers on its own:
  // cheaper than writing and re-reading thousands of rows (15 ms instead of 27 ms for 9 000 offers),
  // and the page alone lets the facet filters and the date order reach the index and stop at the page.
  const gatherOnce = input.withCombinations && input.tsquery !== null;
  const { rows } = await sql<{ hits: HitRow[]; combinations: FacetCombination[] | null; generation: number }>`
    with q as (
      select ${input.tsquery ? sql`to_tsquery('french', ${input.tsquery})` : sql`null::tsquery`} as query,
             ${input.exactTitleTsquery ? sql`to_tsquery('french', ${input.exactTitleTsquery})` : sql`null::tsquery`} as exact_title
    ),
    matched as ${gatherOnce ? sql`materialized` : sql`not materialized`} (
      select o.id, o.published_at, o.sector, o.contract, o.housing, o.department_code, o.duplicate_key, ${rank} as rank, ${distance} as distance_m
      from offers o, q
      where ${sql.join(conditions, sql` and `)}
    ),
    page as (
      select m.id, m.distance_m, row_number() over (order by ${order}) as position
      from matched m
      ${facetFilters.length > 0 ? sql`where ${sql.join(facetFilters, sql` and `)}` : sql``}
      order by ${order} limit ${input.limit} offset ${input.offset}
    )
    select
      ${
        input.withCombinations
          ? sql`(select coalesce(json_agg(c), '[]') from (
              select g.sector, g.contract, g.housing, g.department, sum(g.offers)::int as count, count(*)::int as groups
              from (
                select m.sector, m.contract, m.housing, m.department_code as department, m.duplicate_key, count(*) as offers
                from matched m group by 1, 2, 3, 4, 5
              ) g
              group by 1, 2, 3, 4
            ) c)`
          : sql`null::json`
      } as combinations,
      (select coalesce(json_agg(h order by h.position), '[]') from (
        select p.position, o.id, o.title, c.name as company_name, c.slug as company_slug, c.logo_file_id as company_logo,
               o.contract, o.working_time, o.sector, o.housing, o.season, o.place_name, o.postal_code, o.commune_insee,
               o.latitude, o.longitude, o.salary_min, o.salary_max, o.salary_unit, o.hours_per_week, o.experience,
               o.published_at, p.distance_m, o.duplicate_key::text as duplicate_key, ${positions} as positions
        from page p join offers o on o.id = p.id join companies c on c.id = o.company_id
      ) h) as hits,
      -- In the same statement, so the same snapshot as the results: the generation they are valid for.
      (select coalesce(sum(weight), 0)::bigint from search_changes) as generation`.execute(t.trx);
  return { combinations: rows[0].combinations, hits: rows[0].hits.map(toHit), generation: rows[0].generation };
}

/**
 * The matching offers per commune, facet filters applied, for the map. Grouped on the coordinates the
 * covering indexes hold (offers carry their commune's centroid); the INSEE code is then read from one
 * offer per point only.
 */
export async function mapPoints(t: TenantDb, input: PgSearchInput): Promise<MapPoint[]> {
  const conditions = matchConditions(input, 'o');
  const facetFilters = FACET_NAMES.filter((f) => input.filters[f] !== undefined).map(
    (f) => sql`o.${sql.raw(FACET_COLUMNS[f])} = ${input.filters[f]}`,
  );
  const { rows } = await sql<MapPoint>`
    with q as (select ${input.tsquery ? sql`to_tsquery('french', ${input.tsquery})` : sql`null::tsquery`} as query),
    points as (
      select o.latitude as lat, o.longitude as lon, count(*)::int as count, min(o.id::text)::uuid as sample
      from offers o, q
      where ${sql.join([...conditions, ...facetFilters, sql`o.latitude is not null`], sql` and `)}
      group by 1, 2
    )
    select s.commune_insee as insee, p.count
    from points p join offers s on s.id = p.sample
    where s.commune_insee is not null
    order by p.count desc, s.commune_insee`.execute(t.trx);
  return rows;
}

/**
 * The tenant's search generation (migration 0009): it changes with every committed change of its
 * offers or companies, so a result computed at generation N is still exact while it reads N.
 * One round trip, outside any transaction (search_generation sets the tenant for its own statement).
 */
export async function searchGeneration(db: Kysely<Database>, tenantId: string): Promise<number> {
  const { rows } = await sql<{ generation: number }>`select search_generation(${tenantId}) as generation`.execute(db);
  return rows[0].generation;
}

/** Folds the tenant's change rows into one (same sum, so the same generation); keeps the table small. */
export async function foldSearchChanges(t: TenantDb): Promise<number> {
  const result = await sql`
    with folded as (
      delete from search_changes where (select count(*) from search_changes) > 1 returning weight
    )
    insert into search_changes (tenant_id, weight)
    select ${t.tenantId}, sum(weight) from folded having count(*) > 0`.execute(t.trx);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Total and facet counts from the combination counts: a facet's values are counted with every filter
 * but its own (choosing a value replaces the current one), so each count is the total one would get.
 */
export function countFacets(
  combinations: FacetCombination[],
  filters: Partial<Record<FacetName, string>>,
): { total: number; groups: number; facets: { facet: FacetName; value: string; count: number }[] } {
  const matches = (c: FacetCombination, except?: FacetName) =>
    FACET_NAMES.every((f) => f === except || filters[f] === undefined || c[f] === filters[f]);
  let total = 0;
  let groups = 0;
  const counts = new Map<string, number>();
  for (const c of combinations) {
    if (matches(c)) {
      total += c.count;
      groups += c.groups;
    }
    for (const facet of FACET_NAMES) {
      const value = c[facet];
      if (value === null || !matches(c, facet)) continue;
      const key = `${facet}\u0000${value}`;
      counts.set(key, (counts.get(key) ?? 0) + c.count);
    }
  }
  const facets = [...counts].map(([key, count]) => {
    const [facet, value] = key.split('\u0000') as [FacetName, string];
    return { facet, value, count };
  });
  return { total, groups, facets };
}

function toHit(row: HitRow): SearchHit {
  const card = cardFromRow(row);
  return {
    ...card,
    season: row.season,
    place: { ...card.place, insee: row.commune_insee, lat: row.latitude, lon: row.longitude },
    experience: row.experience,
    ...(row.distance_m === null ? {} : { distanceKm: Math.round(row.distance_m / 100) / 10 }),
    duplicateKey: row.duplicate_key,
    positions: row.positions,
  };
}

/**
 * Typo tolerance: for each word, the tenant's known words (titles, trades) that look like it, by
 * trigram similarity ("perchmann" → "perchman"). `known` says whether the word itself is known.
 */
export async function similarWords(t: TenantDb, words: string[], minSimilarity: number): Promise<Map<string, { known: boolean; similar: string[] }>> {
  const result = new Map<string, { known: boolean; similar: string[] }>();
  if (words.length === 0) return result;
  const { rows } = await sql<{ input: string; word: string | null; similarity: number | null }>`
    select i.word as input, l.word, l.similarity
    from unnest(${words}::text[]) as i(word)
    left join lateral (
      select x.word, similarity(x.word, i.word) as similarity
      from search_lexicon x
      where x.word % i.word
      order by similarity(x.word, i.word) desc, x.word
      limit 4
    ) l on true`.execute(t.trx);
  for (const word of words) result.set(word, { known: false, similar: [] });
  for (const row of rows) {
    const entry = result.get(row.input)!;
    if (row.word === null || row.similarity === null) continue;
    if (row.word === row.input) entry.known = true;
    else if (row.similarity >= minSimilarity) entry.similar.push(row.word);
  }
  return result;
}

/** Recomputes the search documents (and lexicon) of the tenant's offers; the triggers do the work. */
export async function recomputeDocuments(t: TenantDb): Promise<number> {
  const result = await sql`update offers set search_vector = null`.execute(t.trx);
  return Number(result.numAffectedRows ?? 0);
}

export async function countLiveOffers(t: TenantDb): Promise<number> {
  const { count } = await t.trx
    .selectFrom('offers')
    .where('status', '=', 'published')
    .where('expires_at', '>', sql<Date>`now()`)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return count;
}

// ---------------------------------------------------------------------------------------------------
// Documents for external engines.

function documentQuery(t: TenantDb) {
  return t.trx
    .selectFrom('offers as o')
    .innerJoin('companies as c', 'c.id', 'o.company_id')
    .leftJoin('rome_codes as r', 'r.code', 'o.rome_code')
    .where('o.status', '=', 'published')
    .where('o.expires_at', '>', sql<Date>`now()`)
    .select([
      'o.id',
      'o.tenant_id',
      'o.title',
      'o.description_html',
      'o.rome_code',
      'r.label as trade',
      'c.name as company_name',
      'c.slug as company_slug',
      'o.contract',
      'o.working_time',
      'o.sector',
      'o.housing',
      'o.season',
      'o.department_code',
      'o.place_name',
      'o.postal_code',
      'o.commune_insee',
      'o.latitude',
      'o.longitude',
      'o.salary_min',
      'o.salary_max',
      'o.salary_unit',
      'o.hours_per_week',
      'o.experience',
      'o.without_diploma',
      'o.open_to_minors',
      'c.logo_file_id as company_logo',
      sql<string>`o.duplicate_key::text`.as('duplicate_key'),
      'o.published_at',
      'o.expires_at',
    ]);
}

type DocumentRow = Awaited<ReturnType<ReturnType<typeof documentQuery>['execute']>>[number];

function toSource(row: DocumentRow): OfferDocumentSource {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    title: row.title,
    descriptionHtml: row.description_html,
    rome: row.rome_code,
    trade: row.trade,
    companyName: row.company_name,
    companySlug: row.company_slug,
    contract: row.contract,
    workingTime: row.working_time,
    sector: row.sector,
    housing: row.housing,
    season: row.season,
    department: row.department_code,
    placeName: row.place_name,
    postalCode: row.postal_code,
    insee: row.commune_insee,
    lat: row.latitude,
    lon: row.longitude,
    salaryMin: row.salary_min,
    salaryMax: row.salary_max,
    salaryUnit: row.salary_unit,
    hoursPerWeek: row.hours_per_week,
    experience: row.experience,
    withoutDiploma: row.without_diploma,
    openToMinors: row.open_to_minors,
    companyLogo: row.company_logo,
    duplicateKey: row.duplicate_key,
    publishedAt: row.published_at!,
    expiresAt: row.expires_at!,
  };
}

/** The live offers among `ids` (the others are to be removed from the index). */
export async function liveDocuments(t: TenantDb, ids: string[]): Promise<OfferDocumentSource[]> {
  if (ids.length === 0) return [];
  return (await documentQuery(t).where('o.id', 'in', ids).execute()).map(toSource);
}

/** One page of live offers in id order (keyset pagination), for a rebuild. */
export async function liveDocumentPage(t: TenantDb, afterId: string | null, limit: number): Promise<OfferDocumentSource[]> {
  let query = documentQuery(t).orderBy('o.id').limit(limit);
  if (afterId) query = query.where('o.id', '>', afterId);
  return (await query.execute()).map(toSource);
}

// ---------------------------------------------------------------------------------------------------
// Transactional outbox (rows written by the offers triggers).

export interface OutboxClaim {
  id: string;
  offerId: string;
  revision: number;
  attempts: number;
}

/** Leases up to `limit` due rows of the tenant; SKIP LOCKED lets several drainers share the work. */
export async function claimOutbox(t: TenantDb, limit: number, leaseSeconds: number): Promise<OutboxClaim[]> {
  const { rows } = await sql<{ id: string; offer_id: string; revision: number; attempts: number }>`
    update search_outbox s
    set locked_until = now() + make_interval(secs => ${leaseSeconds}), attempts = s.attempts + 1
    where s.id in (
      select id from search_outbox
      where available_at <= now() and (locked_until is null or locked_until < now())
      order by id
      limit ${limit}
      for update skip locked
    )
    returning s.id::text, s.offer_id, s.revision, s.attempts`.execute(t.trx);
  return rows.map((r) => ({ id: r.id, offerId: r.offer_id, revision: r.revision, attempts: r.attempts }));
}

/** Done: removes each row unless the offer changed again meanwhile (then it is released for a new run). */
export async function completeOutbox(t: TenantDb, claims: OutboxClaim[]): Promise<void> {
  if (claims.length === 0) return;
  await sql`
    delete from search_outbox s
    using unnest(${claims.map((c) => c.id)}::bigint[], ${claims.map((c) => c.revision)}::int[]) as d(id, revision)
    where s.id = d.id and s.revision = d.revision`.execute(t.trx);
  await sql`update search_outbox set locked_until = null where id = any(${claims.map((c) => c.id)}::bigint[])`.execute(t.trx);
}

/** Failed: the rows stay, due again after `retryInSeconds` (the caller's backoff). */
export async function failOutbox(t: TenantDb, claims: OutboxClaim[], error: string, retryInSeconds: number): Promise<void> {
  if (claims.length === 0) return;
  await sql`
    update search_outbox
    set locked_until = null, last_error = ${error.slice(0, 500)},
        available_at = now() + make_interval(secs => ${retryInSeconds})
    where id = any(${claims.map((c) => c.id)}::bigint[])`.execute(t.trx);
}

/** With PostgreSQL as the engine the documents are already current: pending rows are simply dropped. */
export async function discardOutbox(t: TenantDb): Promise<number> {
  const result = await t.trx.deleteFrom('search_outbox').where('available_at', '<=', sql<Date>`now()`).executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function outboxBacklog(t: TenantDb): Promise<{ pending: number; oldest: Date | null }> {
  const row = await t.trx
    .selectFrom('search_outbox')
    .select((eb) => [eb.fn.countAll<number>().as('pending'), eb.fn.min('created_at').as('oldest')])
    .executeTakeFirstOrThrow();
  return { pending: row.pending, oldest: (row.oldest as Date | null) ?? null };
}

// ---------------------------------------------------------------------------------------------------
// Reference data (communes, departments): not tenant-scoped, read with the app's pool directly.

export interface PlaceRow {
  insee: string;
  name: string;
  postalCode: string | null;
  department: string;
  lat: number;
  lon: number;
}

const placeColumns = sql`c.insee_code as insee, c.name, c.postal_codes[1] as "postalCode", c.department_code as department, c.latitude as lat, c.longitude as lon`;

/** Communes by name (accents, case and hyphens ignored; prefix first, then the most populated) or postal code. */
export async function findPlaces(db: Kysely<Database>, text: string, limit: number): Promise<PlaceRow[]> {
  const typed = text.trim();
  if (/^\d{5}$/.test(typed)) {
    const { rows } = await sql<PlaceRow>`
      select ${placeColumns} from communes c
      where c.kind = 'commune' and c.latitude is not null and c.postal_codes @> array[${typed}::text]
      order by c.population desc nulls last, c.name limit ${limit}`.execute(db);
    return rows;
  }
  if (/^\d{2,4}$/.test(typed)) {
    const { rows } = await sql<PlaceRow>`
      select ${placeColumns} from communes c
      where c.kind = 'commune' and c.latitude is not null
        and exists (select 1 from unnest(c.postal_codes) p where p like ${`${typed}%`})
      order by c.population desc nulls last, c.name limit ${limit}`.execute(db);
    return rows;
  }
  // Folded here as the index expression folds names, so the term is a parameter the trigram index can use.
  const term = fold(typed).replace(/[-'’]/g, ' ').replace(/[%_\\]/g, ' ').replace(/\s+/g, ' ').trim();
  if (term.length < 2) return [];
  const name = sql`translate(lower(immutable_unaccent(c.name)), '-''’', '   ')`;
  const { rows } = await sql<PlaceRow>`
    select ${placeColumns} from communes c
    where c.kind = 'commune' and c.latitude is not null and ${name} like ${`%${term}%`}
    order by (${name} = ${term}) desc, (${name} like ${`${term}%`}) desc, c.population desc nulls last, c.name
    limit ${limit}`.execute(db);
  return rows;
}

export async function findCommune(db: Kysely<Database>, insee: string): Promise<PlaceRow | undefined> {
  const { rows } = await sql<PlaceRow>`select ${placeColumns} from communes c where c.insee_code = ${insee} and c.latitude is not null`.execute(db);
  return rows[0];
}

export async function findCommunes(db: Kysely<Database>, inseeCodes: string[]): Promise<PlaceRow[]> {
  if (inseeCodes.length === 0) return [];
  const { rows } = await sql<PlaceRow>`select ${placeColumns} from communes c where c.insee_code = any(${inseeCodes}::text[]) and c.latitude is not null`.execute(db);
  return rows;
}

export async function departmentNames(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await db.selectFrom('departments').select(['code', 'name']).execute();
  return new Map(rows.map((r) => [r.code, r.name]));
}
