import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { TenantDb } from '../../db/tenant-db.js';
import type { OfferDocumentSource, SearchHit } from './port.js';
import { cardFromRow, type CardRow } from '../offers/card.js';
import { fold } from './text.js';

// ---------------------------------------------------------------------------------------------------
// What the PostgreSQL engine's in-memory board index (board-index.ts) is loaded and kept current from.

/** A published offer as the board index stores it, with the words of its search document. */
export interface IndexRow {
  id: string;
  revision: number;
  published_at: Date;
  expires_at: Date;
  sector: string | null;
  contract: string;
  housing: string;
  department_code: string | null;
  duplicate_key: string;
  latitude: number | null;
  longitude: number | null;
  commune_insee: string | null;
  rome_code: string | null;
  experience: string | null;
  without_diploma: boolean;
  open_to_minors: boolean;
  /** offers.search_vector as text: `'lexeme':1A,5 'other':3`. */
  document: string;
}

function indexRows(t: TenantDb) {
  return t.trx
    .selectFrom('offers')
    .where('status', '=', 'published')
    .select([
      'id',
      'search_revision as revision',
      sql<Date>`published_at`.as('published_at'),
      sql<Date>`expires_at`.as('expires_at'),
      'sector',
      'contract',
      'housing',
      'department_code',
      sql<string>`duplicate_key::text`.as('duplicate_key'),
      'latitude',
      'longitude',
      'commune_insee',
      'rome_code',
      'experience',
      'without_diploma',
      'open_to_minors',
      sql<string>`coalesce(search_vector::text, '')`.as('document'),
    ]);
}

/** Published offers in id order after `afterId` (keyset pages: each page a short statement). */
export async function indexRowsAfter(t: TenantDb, afterId: string | null, limit: number): Promise<IndexRow[]> {
  let query = indexRows(t).orderBy('id').limit(limit);
  if (afterId) query = query.where('id', '>', afterId);
  return (await query.execute()) as IndexRow[];
}

/** The published offers among `ids`. */
export async function indexRowsOf(t: TenantDb, ids: string[]): Promise<IndexRow[]> {
  if (ids.length === 0) return [];
  return (await indexRows(t).where('id', '=', sql<string>`any(${ids}::uuid[])`).execute()) as IndexRow[];
}

/** Published offers in buckets (the first two hex digits of their id): how many, and a checksum of their ids and revisions. */
export interface RevisionBucket {
  bucket: string;
  offers: number;
  checksum: string;
}

/**
 * The tenant's search generation and the checksum of each bucket of published offers, in one
 * statement (one snapshot): comparing buckets tells which offers to read again after a change.
 * An index-only scan of offers_search_revisions (migration 0016).
 */
export async function revisionBuckets(t: TenantDb): Promise<{ generation: number; buckets: RevisionBucket[] }> {
  const { rows } = await sql<{ generation: number; buckets: RevisionBucket[] }>`
    select (select coalesce(sum(weight), 0)::bigint from search_changes) as generation,
      coalesce((select json_agg(b) from (
        select left(id::text, 2) as bucket, count(*)::int as offers, bit_xor(hashtextextended(id::text || ':' || search_revision, 0))::text as checksum
        from offers where status = 'published' group by 1
      ) b), '[]') as buckets`.execute(t.trx);
  return { generation: Number(rows[0].generation), buckets: rows[0].buckets };
}

/** Id and revision of the published offers of these buckets. */
export async function bucketRevisions(t: TenantDb, buckets: string[]): Promise<Map<string, number>> {
  const { rows } = await sql<{ id: string; revision: number }>`
    select id, search_revision as revision from offers
    where status = 'published' and left(id::text, 2) = any(${buckets}::text[])`.execute(t.trx);
  return new Map(rows.map((r) => [r.id, Number(r.revision)]));
}

/** The tenant's known words (titles and trades), for typo tolerance. */
export async function lexiconWords(t: TenantDb): Promise<string[]> {
  return (await t.trx.selectFrom('search_lexicon').select('word').execute()).map((r) => r.word);
}

/**
 * The lexeme PostgreSQL's French configuration makes of each word (null for a stop word), as
 * to_tsquery would: the index holds the lexemes of to_tsvector, so queries must be normalised the same way.
 */
export async function lexemesOf(db: Kysely<Database>, words: string[]): Promise<Map<string, string | null>> {
  const { rows } = await sql<{ word: string; lexeme: string | null }>`
    select w.word, (select t.lexeme from unnest(to_tsvector('french', w.word)) t limit 1) as lexeme
    from unnest(${words}::text[]) as w(word)`.execute(db);
  return new Map(rows.map((r) => [r.word, r.lexeme]));
}

/** A hit as search_page() returns it (json): the card columns and what the search adds. */
interface HitRow extends CardRow {
  season: string | null;
  commune_insee: string | null;
  latitude: number | null;
  longitude: number | null;
  experience: SearchHit['experience'];
  duplicate_key: string;
}

/**
 * The page's offers, and the tenant's search generation in the same statement: one round trip,
 * outside any transaction (search_page sets the tenant for its own statement, migration 0016). Hits
 * are valid for the board index only while the generation is the one it was read at.
 */
export async function searchPage(db: Kysely<Database>, tenantId: string, ids: string[]): Promise<{ generation: number; hits: Map<string, Omit<SearchHit, 'positions' | 'distanceKm'>> }> {
  const { rows } = await sql<{ page: { generation: number; hits: HitRow[] } }>`select search_page(${tenantId}, ${ids}::uuid[]) as page`.execute(db);
  const { generation, hits } = rows[0].page;
  return { generation: Number(generation), hits: new Map(hits.map((row) => [row.id, toHit(row)])) };
}

function toHit(row: HitRow): Omit<SearchHit, 'positions' | 'distanceKm'> {
  const card = cardFromRow(row);
  return {
    ...card,
    season: row.season,
    place: { ...card.place, insee: row.commune_insee, lat: row.latitude, lon: row.longitude },
    experience: row.experience,
    duplicateKey: row.duplicate_key,
  };
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

/** How many offers the tenant has (every status): a reindex's progress is counted against it. */
export async function countOffers(t: TenantDb): Promise<number> {
  const { count } = await t.trx
    .selectFrom('offers')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return count;
}

/**
 * Recomputes the search documents (and lexicon) of the next `limit` offers after `afterId` in id
 * order; the triggers do the work. One short statement per batch, so a reindex never holds a whole
 * board's rows nor runs into the statement timeout. Returns how many were done and the last id.
 */
export async function recomputeDocumentBatch(t: TenantDb, afterId: string | null, limit: number): Promise<{ count: number; lastId: string | null }> {
  const { rows } = await sql<{ count: number; last_id: string | null }>`
    with batch as (
      select id from offers ${afterId ? sql`where id > ${afterId}` : sql``} order by id limit ${limit}
    ),
    updated as (
      update offers o set search_vector = null from batch where o.id = batch.id returning o.id
    )
    select count(*)::int as count, max(id::text) as last_id from updated`.execute(t.trx);
  return { count: rows[0].count, lastId: rows[0].last_id };
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
