import type { Kysely } from 'kysely';
import type { Database } from '../../../db/database.js';
import { withTenant } from '../../../db/tenant-db.js';
import { BoardIndex, type IndexedOffer, type IndexQuery } from '../board-index.js';
import { type MapPoint, type RebuildSource, type SearchEngine, type SearchQuery, type SearchResult } from '../port.js';
import { GenerationCache } from '../generation-cache.js';
import {
  bucketRevisions,
  indexRowsAfter,
  indexRowsOf,
  lexemesOf,
  lexiconWords,
  countOffers,
  recomputeDocumentBatch,
  revisionBuckets,
  searchGeneration,
  searchPage,
  similarWords,
  type IndexRow,
  type RevisionBucket,
} from '../repository.js';
import { analyze, genderVariants, type AnalyzedQuery } from '../text.js';

/** Below this trigram similarity a known word is not offered as a correction. */
const MIN_SIMILARITY = 0.45;
/** Short words are too ambiguous to correct ("ski" would become "skiman"). */
const MIN_FUZZY_LENGTH = 4;
/** Offers read per statement when the board index is loaded or caught up. */
const LOAD_BATCH = 2_000;
/** Words whose lexeme is remembered (PostgreSQL's French dictionary does not change while the app runs). */
const LEXEMES_KEPT = 50_000;
/** Unknown words whose corrections are kept per tenant (cleared when full, and with every new lexicon). */
const CORRECTIONS_KEPT = 10_000;
/** Offers per statement of a reindex: about a second of trigger work each on a busy 2-core machine. */
const REINDEX_BATCH = 1_000;
/** How often a reindex reports its progress. */
const PROGRESS_EVERY_MS = 5_000;
/** A search whose page keeps being changed under it answers after this many attempts. */
const ATTEMPTS = 3;

/** One word of a query: the forms it matches, and the known words that look like it when it is a typo. */
export interface QueryWord {
  /** The typed word and its other gender forms. */
  forms: string[];
  /** Known words that look like it, when the tenant does not know it (they rank below the word's own forms). */
  corrections: string[];
  /** The typed word itself is matched as a prefix (the last word, while it is being typed). */
  prefixOf: string | null;
}

/**
 * The words of a query: AND-ed; each word ORs its other gender forms and, when the tenant does not
 * know it, the known words that look like it; the last word as a prefix while it is typed. Only
 * [a-z0-9] words reach this function (text.ts).
 */
export function queryWords(analyzed: AnalyzedQuery, corrections: Map<string, { known: boolean; similar: string[] }> = new Map()): QueryWord[] {
  return analyzed.words.map((word, index) => {
    const forms = genderVariants(word);
    const correction = corrections.get(word);
    return {
      forms,
      corrections: correction && !correction.known ? correction.similar.filter((similar) => !forms.includes(similar)) : [],
      prefixOf: analyzed.lastIsPrefix && index === analyzed.words.length - 1 ? word : null,
    };
  });
}

/**
 * The words of a search document from PostgreSQL's text form of a tsvector (`'caiss':3A,11B,56
 * 'd1505':12B`), each with the best weight among its positions: 3 = A … 0 = D (no letter).
 */
export function parseDocument(text: string): Map<string, number> {
  const terms = new Map<string, number>();
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf("'", i);
    if (open < 0) break;
    // The lexeme runs to the next lone quote ('' is a quote inside it, \x an escaped character).
    let lexeme = '';
    let at = open + 1;
    for (;;) {
      const quote = text.indexOf("'", at);
      const backslash = text.indexOf('\\', at);
      if (backslash >= 0 && backslash < quote) {
        lexeme += text.slice(at, backslash) + text[backslash + 1];
        at = backslash + 2;
      } else if (text[quote + 1] === "'") {
        lexeme += text.slice(at, quote + 1);
        at = quote + 2;
      } else {
        lexeme += text.slice(at, quote);
        at = quote + 1;
        break;
      }
    }
    let end = text.indexOf(' ', at);
    if (end < 0) end = text.length;
    let weight = 0;
    for (let k = at; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c === 65) weight = 3; // A
      else if (c === 66 && weight < 2) weight = 2; // B
      else if (c === 67 && weight < 1) weight = 1; // C
    }
    terms.set(lexeme, weight);
    i = end + 1;
  }
  return terms;
}

function toIndexed(row: IndexRow): IndexedOffer {
  return {
    id: row.id,
    revision: Number(row.revision),
    publishedAt: row.published_at.getTime(),
    expiresAt: row.expires_at.getTime(),
    sector: row.sector,
    contract: row.contract,
    housing: row.housing,
    department: row.department_code,
    duplicateKey: row.duplicate_key,
    lat: row.latitude,
    lon: row.longitude,
    insee: row.commune_insee,
    rome: row.rome_code,
    experience: row.experience,
    withoutDiploma: row.without_diploma,
    openToMinors: row.open_to_minors,
    terms: parseDocument(row.document),
  };
}

/**
 * One tenant's board index and what it was read at: the search generation and the checksum of each
 * bucket of published offers. `refresh()` brings it to the database's state: it reads the buckets'
 * checksums (one statement), then only the offers of changed buckets whose revision changed.
 */
class TenantBoard {
  readonly index = new BoardIndex();
  /** The generation the index holds every change of (-1: not loaded yet). */
  generation = -1;
  /** The tenant's known words (search_lexicon): only unknown words are looked up for corrections. */
  lexicon = new Set<string>();
  /** Corrections of unknown words found in that lexicon: replaced with it, so never older than the generation. */
  corrections = new Map<string, { known: boolean; similar: string[] }>();
  private buckets = new Map<string, RevisionBucket>();
  private running: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    readonly tenantId: string,
  ) {}

  /** Concurrent callers share one run. */
  refresh(): Promise<void> {
    this.running ??= this.catchUp().finally(() => (this.running = null));
    return this.running;
  }

  private async catchUp(): Promise<void> {
    const { db, tenantId, index } = this;
    const state = await withTenant(db, tenantId, (t) => revisionBuckets(t));
    if (state.generation === this.generation) return;
    const buckets = new Map(state.buckets.map((b) => [b.bucket, b]));
    const changed = [...new Set([...buckets.keys(), ...this.buckets.keys()])].filter(
      (bucket) => buckets.get(bucket)?.checksum !== this.buckets.get(bucket)?.checksum || buckets.get(bucket)?.offers !== this.buckets.get(bucket)?.offers,
    );
    if (index.size === 0 && this.generation === -1) {
      // First load: every published offer, in id order, a page per statement.
      for (let after: string | null = null; ; ) {
        const rows = await withTenant(db, tenantId, (t) => indexRowsAfter(t, after, LOAD_BATCH));
        for (const row of rows) index.upsert(toIndexed(row));
        if (rows.length < LOAD_BATCH) break;
        after = rows[rows.length - 1].id;
      }
    } else if (changed.length > 0) {
      const current = await withTenant(db, tenantId, (t) => bucketRevisions(t, changed));
      const watched = new Set(changed);
      const stale: string[] = [];
      for (const [id, revision] of index.revisions()) {
        if (!watched.has(id.slice(0, 2))) continue;
        const now = current.get(id);
        if (now === undefined) index.remove(id);
        else if (now !== revision) stale.push(id);
      }
      for (const id of current.keys()) if (index.revisionOf(id) === undefined) stale.push(id);
      for (let i = 0; i < stale.length; i += LOAD_BATCH) {
        const ids = stale.slice(i, i + LOAD_BATCH);
        const rows = await withTenant(db, tenantId, (t) => indexRowsOf(t, ids));
        const found = new Set(rows.map((r) => r.id));
        for (const id of ids) if (!found.has(id)) index.remove(id);
        for (const row of rows) index.upsert(toIndexed(row));
      }
      index.compactIfWorthIt();
    }
    this.lexicon = new Set(await withTenant(db, tenantId, (t) => lexiconWords(t)));
    this.corrections = new Map();
    this.buckets = buckets;
    this.generation = state.generation;
  }
}

/**
 * The default engine. PostgreSQL keeps the offers and computes their search documents (the triggers
 * of migration 0002: French stemming, accents removed, weights by field); each process answers
 * searches from an in-memory board index per tenant (board-index.ts), loaded from those documents and
 * kept current by the tenant's search generation. A search reads only its page's offers from the
 * database, in the same statement as the generation: if it moved, the index catches up (only the
 * offers whose revision changed) and the search runs again, so no result is older than the data.
 * The result cache (optional) keeps whole results under the generation as well.
 */
export class PostgresSearchEngine implements SearchEngine {
  readonly name = 'postgres';
  readonly external = false;
  /** Null when the cache is off (SEARCH_CACHE_ENTRIES=0). */
  readonly cache: { results: GenerationCache<SearchResult>; maps: GenerationCache<MapPoint[]> } | null;
  private readonly boards = new Map<string, TenantBoard>();
  private lexemes = new Map<string, string | null>();

  constructor(
    private readonly db: Kysely<Database>,
    cache: { entries: number; ttlMs: number } = { entries: 0, ttlMs: 0 },
    /** The time offers are live at (tests move it). */
    private readonly now: () => number = Date.now,
  ) {
    this.cache =
      cache.entries > 0
        ? {
            results: new GenerationCache(cache.entries, cache.ttlMs),
            // Map points (one per commune with offers): weighed by their number.
            maps: new GenerationCache(cache.entries * 200, cache.ttlMs, (points: MapPoint[]) => points.length + 1),
          }
        : null;
  }

  /** Loads the board index of these tenants now (the app does it at start-up, so first searches do not wait). */
  async warm(tenantIds: string[]): Promise<void> {
    for (const tenantId of tenantIds) await this.board(tenantId);
  }

  async search(query: SearchQuery): Promise<SearchResult> {
    const analyzed = analyze(query.text);
    // Alert digests ask for one-off send windows: nothing to gain from keeping them.
    if (!this.cache || query.publishedAfter || query.publishedBefore) return (await this.searchNow(query, analyzed)).result;
    const generation = await searchGeneration(this.db, query.tenantId);
    const key = cacheKey(query, analyzed, true);
    const cached = this.cache.results.get(key, generation);
    if (cached) return cached;
    const found = await this.searchNow(query, analyzed, generation);
    this.cache.results.set(key, found.generation, found.result);
    return found.result;
  }

  async map(query: SearchQuery): Promise<MapPoint[]> {
    const analyzed = analyze(query.text);
    const generation = await searchGeneration(this.db, query.tenantId);
    const key = cacheKey(query, analyzed, false);
    const cached = this.cache?.maps.get(key, generation);
    if (cached) return cached;
    const board = await this.current(query.tenantId, generation);
    const points = board.index.communeCounts(await this.indexQuery(board, query, analyzed));
    this.cache?.maps.set(key, board.generation, points);
    return points;
  }

  /** The tenant's board, loaded; caught up first when `generation` (read by the caller) is newer. */
  private async current(tenantId: string, generation?: number): Promise<TenantBoard> {
    const board = await this.board(tenantId);
    if (generation !== undefined && generation !== board.generation) await board.refresh();
    return board;
  }

  private async board(tenantId: string): Promise<TenantBoard> {
    let board = this.boards.get(tenantId);
    if (!board) this.boards.set(tenantId, (board = new TenantBoard(this.db, tenantId)));
    if (board.generation === -1) await board.refresh();
    return board;
  }

  /**
   * Counts from the index, the page's offers from the database with the generation: when the
   * generation is not the index's, the index catches up and the search runs again.
   */
  private async searchNow(query: SearchQuery, analyzed: AnalyzedQuery, generation?: number): Promise<{ result: SearchResult; generation: number }> {
    const board = await this.current(query.tenantId, generation);
    const plan = await this.indexQuery(board, query, analyzed);
    for (let attempt = 1; ; attempt++) {
      const found = board.index.search(plan);
      const ids = found.page.map((hit) => hit.id);
      const page = ids.length > 0 ? await searchPage(this.db, query.tenantId, ids) : { generation: await searchGeneration(this.db, query.tenantId), hits: new Map() };
      if (page.generation !== board.generation && attempt < ATTEMPTS) {
        await board.refresh();
        continue;
      }
      const hits = found.page.flatMap(({ id, distanceM, positions }) => {
        const hit = page.hits.get(id);
        if (!hit) return [];
        return [{ ...hit, positions, ...(distanceM === null ? {} : { distanceKm: Math.round(distanceM / 100) / 10 }) }];
      });
      return { result: { total: found.total, groups: query.collapseDuplicates ? found.groups : found.total, hits, facets: found.facets }, generation: page.generation };
    }
  }

  /** The query in the index's terms: words as lexemes (PostgreSQL's French stemming), the page as offset and limit. */
  private async indexQuery(board: TenantBoard, query: SearchQuery, analyzed: AnalyzedQuery): Promise<IndexQuery> {
    let text: IndexQuery['text'] = null;
    let titleWords: IndexQuery['titleWords'] = null;
    if (analyzed.words.length > 0) {
      const unknown = analyzed.words.filter((w) => w.length >= MIN_FUZZY_LENGTH && !/^\d+$/.test(w) && !board.lexicon.has(w));
      const words = queryWords(analyzed, await this.correctionsOf(board, unknown));
      const lexemes = await this.lexemesOf(words.flatMap((w) => [...w.forms, ...w.corrections]));
      // Stop words have no lexeme: they drop out of their word; a word left with none drops out (as with to_tsquery).
      const kept = words
        .map((word) => ({
          terms: [
            ...word.forms.flatMap((form) => lexemes.get(form) ? [{ lexeme: lexemes.get(form)!, prefix: form === word.prefixOf, correction: false }] : []),
            ...word.corrections.flatMap((form) => lexemes.get(form) ? [{ lexeme: lexemes.get(form)!, prefix: false, correction: true }] : []),
          ],
          title: word.forms.flatMap((form) => lexemes.get(form) ?? []),
        }))
        .filter((word) => word.terms.length > 0);
      text = kept.map((word) => word.terms);
      titleWords = kept.map((word) => word.title);
    }
    return {
      text,
      titleWords,
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
      collapseDuplicates: Boolean(query.collapseDuplicates),
      sort: query.sort,
      offset: (query.page - 1) * query.perPage,
      limit: query.perPage,
      now: this.now(),
    };
  }

  /** Spelling corrections of unknown words, looked up once per word and lexicon (a round trip saved on every repeated typo). */
  private async correctionsOf(board: TenantBoard, unknown: string[]): Promise<Map<string, { known: boolean; similar: string[] }>> {
    // The map of the lexicon the words are looked up in: a catch-up meanwhile starts a new one.
    const known = board.corrections;
    const missing = [...new Set(unknown)].filter((w) => !known.has(w));
    if (missing.length > 0) {
      if (known.size + missing.length > CORRECTIONS_KEPT) known.clear();
      for (const [word, found] of await withTenant(this.db, board.tenantId, (t) => similarWords(t, missing, MIN_SIMILARITY))) known.set(word, found);
    }
    return new Map(unknown.flatMap((w) => (known.has(w) ? [[w, known.get(w)!] as const] : [])));
  }

  private async lexemesOf(words: string[]): Promise<Map<string, string | null>> {
    const missing = [...new Set(words)].filter((w) => !this.lexemes.has(w));
    if (missing.length > 0) {
      if (this.lexemes.size + missing.length > LEXEMES_KEPT) this.lexemes = new Map();
      for (const [word, lexeme] of await lexemesOf(this.db, missing)) this.lexemes.set(word, lexeme);
    }
    return this.lexemes;
  }

  /** The triggers already keep the documents current. */
  async apply(): Promise<void> {}

  /**
   * Recomputes every search document of each tenant (or one) in batches of offers by id, each batch
   * its own short transaction: the board stays writable (a batch locks its rows only while it runs)
   * and no statement nears the timeout. Progress is logged every few seconds.
   */
  async rebuild(source: RebuildSource, options: { tenantId?: string; log?: (message: string) => void } = {}): Promise<number> {
    const log = options.log ?? (() => {});
    let total = 0;
    for (const tenantId of options.tenantId ? [options.tenantId] : source.tenantIds()) {
      const offers = await withTenant(this.db, tenantId, (t) => countOffers(t));
      const started = Date.now();
      let done = 0;
      let reported = started;
      for (let after: string | null = null; ; ) {
        const batch = await withTenant(this.db, tenantId, (t) => recomputeDocumentBatch(t, after, REINDEX_BATCH));
        done += batch.count;
        if (batch.count < REINDEX_BATCH) break;
        after = batch.lastId;
        if (Date.now() - reported >= PROGRESS_EVERY_MS) {
          reported = Date.now();
          log(`${tenantId} : ${done} / ${offers} offres réindexées (${((reported - started) / 1000).toFixed(0)} s)`);
        }
      }
      log(`${tenantId} : ${done} offre(s) réindexée(s) dans PostgreSQL en ${((Date.now() - started) / 1000).toFixed(1)} s`);
      total += done;
    }
    return total;
  }

  async health(): Promise<boolean> {
    return true;
  }
}

/** What a result depends on (`page`: the sort and the page too; the map only needs the matching offers). */
function cacheKey(query: SearchQuery, analyzed: AnalyzedQuery, page: boolean): string {
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
    [filters.sector, filters.contract, filters.housing, filters.department],
  ];
  return JSON.stringify(page ? [...conditions, Boolean(query.collapseDuplicates), query.sort, query.page, query.perPage] : conditions);
}
