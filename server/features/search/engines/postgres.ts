import type { Kysely } from 'kysely';
import type { Database } from '../../../db/database.js';
import { withTenant, type TenantDb } from '../../../db/tenant-db.js';
import { FACETS, type FacetCount, type FacetName, type MapPoint, type RebuildSource, type SearchEngine, type SearchQuery, type SearchResult } from '../port.js';
import { GenerationCache } from '../generation-cache.js';
import { countFacets, mapPoints, recomputeDocuments, searchGeneration, searchOffers, similarWords, type FacetCombination, type PgSearchInput } from '../repository.js';
import { analyze, genderVariants, type AnalyzedQuery } from '../text.js';

/** Below this trigram similarity a known word is not offered as a correction. */
const MIN_SIMILARITY = 0.45;
/** Short words are too ambiguous to correct ("ski" would become "skiman"). */
const MIN_FUZZY_LENGTH = 4;
/**
 * The facet-count cache may hold this many combination rows per result the result cache holds: with
 * the default 5 000 results, the bench measured ~100 MB more resident memory than without cache.
 */
const COUNT_ROWS_PER_ENTRY = 200;

/**
 * to_tsquery text: words AND-ed; each word OR-ed with its other gender forms and, when the tenant does
 * not know it, with the known words that look like it; the last word as a prefix while it is typed.
 * Only [a-z0-9] words reach this function (text.ts), so nothing here is tsquery syntax from the user.
 */
export function buildTsQuery(
  analyzed: AnalyzedQuery,
  corrections: Map<string, { known: boolean; similar: string[] }> = new Map(),
  options: { titleOnly?: boolean } = {},
): string | null {
  if (analyzed.words.length === 0) return null;
  // Titles carry weight A in search_vector (migration 0002): `word:A` matches a title word only.
  const weight = options.titleOnly ? 'A' : '';
  const groups = analyzed.words.map((word, index) => {
    const alternatives = new Set(genderVariants(word));
    const correction = corrections.get(word);
    if (correction && !correction.known) for (const similar of correction.similar) alternatives.add(similar);
    const prefix = analyzed.lastIsPrefix && index === analyzed.words.length - 1;
    const terms = [...alternatives].map((term) => (prefix && term === word ? `${term}:*${weight}` : weight ? `${term}:${weight}` : term));
    return terms.length === 1 ? terms[0] : `(${terms.join(' | ')})`;
  });
  return groups.join(' & ');
}

export function groupFacets(rows: { facet: FacetName; value: string; count: number }[]): Record<FacetName, FacetCount[]> {
  const facets = Object.fromEntries(FACETS.map((f) => [f, [] as FacetCount[]])) as Record<FacetName, FacetCount[]>;
  for (const row of rows) facets[row.facet].push({ value: row.value, count: row.count });
  for (const f of FACETS) facets[f].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  return facets;
}

/**
 * The cache keys of a query: `counts` names what the offers matched depend on (the text and the
 * conditions that are not facets), `result` adds what only the page depends on.
 */
function cacheKeys(query: SearchQuery, analyzed: AnalyzedQuery): { counts: string; result: string; map: string } {
  const { near, filters, commune } = query;
  const conditions = [
    query.tenantId,
    analyzed.words,
    analyzed.lastIsPrefix,
    query.rome,
    query.publishedWithinDays,
    near ? [near.lat, near.lon, near.radiusKm] : null,
    commune?.insee,
    [Boolean(query.beginnerWelcome), Boolean(query.withoutDiploma), Boolean(query.openToMinors)],
  ];
  const facetValues = [filters.sector, filters.contract, filters.housing, filters.department];
  return {
    counts: JSON.stringify(conditions),
    result: JSON.stringify([...conditions, facetValues, Boolean(query.collapseDuplicates), query.sort, query.page, query.perPage]),
    map: JSON.stringify([...conditions, facetValues]),
  };
}

interface Found {
  result: SearchResult;
  combinations: FacetCombination[];
  /** The search generation the result was read at. */
  generation: number;
}

/**
 * The default engine: PostgreSQL itself is the index (offers.search_vector and the GIN and trigram
 * indexes of migration 0002, the covering indexes of 0009, kept current by triggers), so there is
 * nothing to feed and no lag.
 * Every query runs in a tenant-bound transaction: row-level security confines it to the tenant.
 * Two caches, keyed by the tenant's search generation (generation-cache.ts): whole results, so a
 * repeated search costs one small query; and facet counts per set of conditions, so choosing a facet
 * value, sorting or turning the page only reads the page of hits.
 */
export class PostgresSearchEngine implements SearchEngine {
  readonly name = 'postgres';
  readonly external = false;
  /** Null when the cache is off (SEARCH_CACHE_ENTRIES=0). */
  readonly cache: { results: GenerationCache<SearchResult>; counts: GenerationCache<FacetCombination[]>; maps: GenerationCache<MapPoint[]> } | null;

  constructor(
    private readonly db: Kysely<Database>,
    cache: { entries: number; ttlMs: number } = { entries: 0, ttlMs: 0 },
  ) {
    this.cache =
      cache.entries > 0
        ? {
            results: new GenerationCache(cache.entries, cache.ttlMs),
            // A set of facet counts is one row per combination of values (from a few to several
            // hundred): weighed by its rows, at ~150 bytes a row.
            counts: new GenerationCache(cache.entries * COUNT_ROWS_PER_ENTRY, cache.ttlMs, (rows: FacetCombination[]) => rows.length + 1),
            // Map points (one per commune with offers) weigh about as much as combination rows.
            maps: new GenerationCache(cache.entries * COUNT_ROWS_PER_ENTRY, cache.ttlMs, (points: MapPoint[]) => points.length + 1),
          }
        : null;
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const analyzed = analyze(query.text);
    // Alert digests ask for one-off send windows: nothing to gain from keeping them.
    if (!this.cache || query.publishedAfter || query.publishedBefore) return (await this.searchNow(query, analyzed)).result;
    const { results, counts } = this.cache;
    const generation = await searchGeneration(this.db, query.tenantId);
    const keys = cacheKeys(query, analyzed);
    const cached = results.get(keys.result, generation);
    if (cached) return cached;
    const combinations = counts.get(keys.counts, generation);
    const found = await this.searchNow(query, analyzed, combinations && { generation, combinations });
    results.set(keys.result, found.generation, found.result);
    counts.set(keys.counts, found.generation, found.combinations);
    return found.result;
  }

  async map(query: SearchQuery): Promise<MapPoint[]> {
    const analyzed = analyze(query.text);
    if (!this.cache) return withTenant(this.db, query.tenantId, async (t) => mapPoints(t, await this.input(t, query, analyzed, false)));
    const generation = await searchGeneration(this.db, query.tenantId);
    const key = cacheKeys(query, analyzed).map;
    const cached = this.cache.maps.get(key, generation);
    if (cached) return cached;
    // Read after the generation: at worst the points are newer than it, and the next change retires them.
    const points = await withTenant(this.db, query.tenantId, async (t) => mapPoints(t, await this.input(t, query, analyzed, false)));
    this.cache.maps.set(key, generation, points);
    return points;
  }

  /** The repository's input: the words corrected against the tenant's lexicon, the page as limit/offset. */
  private async input(t: TenantDb, query: SearchQuery, analyzed: AnalyzedQuery, withCombinations: boolean): Promise<PgSearchInput> {
    const fuzzy = analyzed.words.filter((w) => w.length >= MIN_FUZZY_LENGTH && !/^\d+$/.test(w));
    const corrections = fuzzy.length > 0 ? await similarWords(t, fuzzy, MIN_SIMILARITY) : new Map();
    return {
      tsquery: buildTsQuery(analyzed, corrections),
      exactTitleTsquery: query.sort === 'relevance' ? buildTsQuery({ ...analyzed, lastIsPrefix: false }, corrections, { titleOnly: true }) : null,
      filters: query.filters,
      rome: query.rome,
      publishedWithinDays: query.publishedWithinDays,
      publishedAfter: query.publishedAfter,
      publishedBefore: query.publishedBefore,
      near: query.near,
      commune: query.commune,
      beginnerWelcome: query.beginnerWelcome,
      withoutDiploma: query.withoutDiploma,
      openToMinors: query.openToMinors,
      sort: query.sort,
      limit: query.perPage,
      offset: (query.page - 1) * query.perPage,
      withCombinations,
      collapseDuplicates: Boolean(query.collapseDuplicates),
    };
  }

  /** `known`: facet counts of these conditions at a generation; used only if the data is still at it. */
  private searchNow(query: SearchQuery, analyzed: AnalyzedQuery, known?: { generation: number; combinations: FacetCombination[] }): Promise<Found> {
    return withTenant(this.db, query.tenantId, async (t) => {
      const input = await this.input(t, query, analyzed, !known);
      let found = await searchOffers(t, input);
      // The data changed since the counts were read: count again, so hits and counts always agree.
      if (!found.combinations && found.generation !== known?.generation) found = await searchOffers(t, { ...input, withCombinations: true });
      const combinations = found.combinations ?? known!.combinations;
      const { total, groups, facets } = countFacets(combinations, query.filters);
      const result = { total, groups: query.collapseDuplicates ? groups : total, hits: found.hits, facets: groupFacets(facets) };
      return { result, combinations, generation: found.generation };
    });
  }

  /** The triggers already keep the documents current. */
  async apply(): Promise<void> {}

  async rebuild(source: RebuildSource, options: { tenantId?: string; log?: (message: string) => void } = {}): Promise<number> {
    let total = 0;
    for (const tenantId of options.tenantId ? [options.tenantId] : source.tenantIds()) {
      const count = await withTenant(this.db, tenantId, (t) => recomputeDocuments(t));
      options.log?.(`${tenantId} : ${count} offre(s) réindexée(s) dans PostgreSQL`);
      total += count;
    }
    return total;
  }

  async health(): Promise<boolean> {
    return true;
  }
}
