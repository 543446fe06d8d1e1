import type { Kysely } from 'kysely';
import type { Database } from '../../../db/database.js';
import { withTenant } from '../../../db/tenant-db.js';
import { FACETS, type FacetCount, type FacetName, type RebuildSource, type SearchEngine, type SearchQuery, type SearchResult } from '../port.js';
import { countFacets, recomputeDocuments, searchOffers, similarWords } from '../repository.js';
import { analyze, genderVariants, type AnalyzedQuery } from '../text.js';

/** Below this trigram similarity a known word is not offered as a correction. */
const MIN_SIMILARITY = 0.45;
/** Short words are too ambiguous to correct ("ski" would become "skiman"). */
const MIN_FUZZY_LENGTH = 4;

/**
 * to_tsquery text: words AND-ed; each word OR-ed with its other gender forms and, when the tenant does
 * not know it, with the known words that look like it; the last word as a prefix while it is typed.
 * Only [a-z0-9] words reach this function (text.ts), so nothing here is tsquery syntax from the user.
 */
export function buildTsQuery(analyzed: AnalyzedQuery, corrections: Map<string, { known: boolean; similar: string[] }> = new Map()): string | null {
  if (analyzed.words.length === 0) return null;
  const groups = analyzed.words.map((word, index) => {
    const alternatives = new Set(genderVariants(word));
    const correction = corrections.get(word);
    if (correction && !correction.known) for (const similar of correction.similar) alternatives.add(similar);
    const prefix = analyzed.lastIsPrefix && index === analyzed.words.length - 1;
    const terms = [...alternatives].map((term) => (prefix && term === word ? `${term}:*` : term));
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
 * The default engine: PostgreSQL itself is the index (offers.search_vector and the GIN, trigram and
 * GiST indexes of migration 0002, kept current by triggers), so there is nothing to feed and no lag.
 * Every query runs in a tenant-bound transaction: row-level security confines it to the tenant.
 */
export class PostgresSearchEngine implements SearchEngine {
  readonly name = 'postgres';
  readonly external = false;

  constructor(private readonly db: Kysely<Database>) {}

  async search(query: SearchQuery): Promise<SearchResult> {
    return withTenant(this.db, query.tenantId, async (t) => {
      const analyzed = analyze(query.text);
      const fuzzy = analyzed.words.filter((w) => w.length >= MIN_FUZZY_LENGTH && !/^\d+$/.test(w));
      const corrections = fuzzy.length > 0 ? await similarWords(t, fuzzy, MIN_SIMILARITY) : new Map();
      const result = await searchOffers(t, {
        tsquery: buildTsQuery(analyzed, corrections),
        filters: query.filters,
        rome: query.rome,
        publishedWithinDays: query.publishedWithinDays,
        publishedAfter: query.publishedAfter,
        publishedBefore: query.publishedBefore,
        near: query.near,
        sort: query.sort,
        limit: query.perPage,
        offset: (query.page - 1) * query.perPage,
      });
      const { total, facets } = countFacets(result.combinations, query.filters);
      return { total, hits: result.hits, facets: groupFacets(facets) };
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
