import { FACETS, type FacetName, type GeoPoint, type SortOrder } from './port.js';

/**
 * One tenant's published offers, in memory, as compact columns and an inverted index of the words of
 * their search documents (the lexemes PostgreSQL computed for offers.search_vector, with the weight of
 * the field each came from). The PostgreSQL engine answers searches from it (engines/postgres.ts keeps
 * it current), so a search costs work in proportion to the offers it matches, never a scan of fat
 * table rows: facet counts, the number of groups of near-duplicates, the page and the map are counted
 * here, and only the page's offers are read from the database. Pure data structure: no I/O.
 *
 * Offers are numbered in arrival order ("ordinals"). A changed offer gets a new ordinal and its old one
 * is marked dead; `compact()` renumbers once enough are dead. Posting lists therefore stay sorted by
 * ordinal and only grow at their end.
 */

/** An offer as the index stores it (read from the database by the engine). */
export interface IndexedOffer {
  id: string;
  /** offers.search_revision: changes with every write of the offer. */
  revision: number;
  publishedAt: number;
  expiresAt: number;
  sector: string | null;
  contract: string;
  housing: string;
  department: string | null;
  /** offers.duplicate_key (decimal string): near-duplicates share it. */
  duplicateKey: string;
  lat: number | null;
  lon: number | null;
  insee: string | null;
  rome: string | null;
  experience: string | null;
  withoutDiploma: boolean;
  openToMinors: boolean;
  /** Lexeme → the best weight it has in the document: 3 = A (title), 2 = B (trade, sector), 1 = C (company, place), 0 = D (description). */
  terms: Map<string, number>;
}

/** What a query asks of the index: the engine has already turned the words into lexemes. */
export interface IndexQuery {
  /**
   * The words, AND-ed; each an OR of lexemes (its other gender forms, spelling corrections), one of
   * them possibly a prefix. Null: no words. An empty array (every word a stop word) matches nothing.
   */
  text: { lexeme: string; prefix: boolean; correction: boolean }[][] | null;
  /** Per word, the lexemes that earn the title bonus when the title has them (exact, weight A): its own forms, not corrections. */
  titleWords: string[][] | null;
  filters: Partial<Record<FacetName, string>>;
  rome?: string;
  publishedWithinDays?: number;
  publishedAfter?: Date;
  publishedBefore?: Date;
  near?: GeoPoint & { radiusKm?: number };
  commune?: GeoPoint;
  beginnerWelcome?: boolean;
  withoutDiploma?: boolean;
  openToMinors?: boolean;
  collapseDuplicates: boolean;
  sort: SortOrder;
  offset: number;
  limit: number;
  /** The time offers are live at (expiry, "published within N days"). */
  now: number;
}

export interface IndexPageHit {
  id: string;
  /** Metres from `near`, when the query has one and the offer has coordinates. */
  distanceM: number | null;
  /** Matching offers of its group (1 unless collapsing). */
  positions: number;
}

export interface IndexResult {
  total: number;
  groups: number;
  /** Per facet, value → matching offers with every other facet filter applied. */
  facets: Record<FacetName, { value: string; count: number }[]>;
  page: IndexPageHit[];
}

/** Weight of the field a word was found in, as ts_rank's defaults: D 0.1, C 0.2, B 0.4, A 1. */
const WEIGHT_VALUE = [0.1, 0.2, 0.4, 1];
/** A word found only through a spelling correction counts for half ("skim": Skiman before Loueur de ski). */
const CORRECTION_FACTOR = 0.5;
/** Added when the title has every typed word itself: these offers come first ("ski" before "Skiman"). */
const TITLE_BONUS = 1;
/** Below this share of dead ordinals the index is not renumbered. */
const COMPACT_DEAD_SHARE = 0.25;
const DAY_MS = 86_400_000;
const RADIANS = Math.PI / 180;
/** Twice the mean Earth radius of geo/distance.ts, in metres. */
const EARTH_DIAMETER_M = 2 * 6_371_008.8;
/**
 * Sort keys pack a primary value and the date rank (< RANKS, unique) into one float64 integer, below
 * 2^53: distances in metres (at most NO_DISTANCE_M), relevance scaled by SCORE_SCALE under SCORE_CEILING.
 */
const RANKS = 10_000_000;
const NO_DISTANCE_M = 30_000_000;
const SCORE_SCALE = 100_000;
const SCORE_CEILING = 1_000_000;

/** Strings ↔ small integer codes (facet values, communes, groups of near-duplicates). */
class Dictionary {
  private readonly codes = new Map<string, number>();
  readonly values: string[] = [];

  code(value: string | null): number {
    if (value === null) return -1;
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.codes.set(value, code);
      this.values.push(value);
    }
    return code;
  }

  find(value: string | undefined): number {
    return value === undefined ? -1 : (this.codes.get(value) ?? -2);
  }

  get size(): number {
    return this.values.length;
  }
}

function grow<T extends Int32Array | Float64Array | Int16Array | Uint8Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const next = new (array.constructor as { new (length: number): T })(Math.max(needed, array.length * 2, 64));
  next.set(array);
  return next;
}

class Postings {
  ordinals = new Int32Array(4);
  weights = new Uint8Array(4);
  length = 0;

  push(ordinal: number, weight: number): void {
    if (this.length === this.ordinals.length) {
      this.ordinals = grow(this.ordinals, this.length + 1);
      this.weights = grow(this.weights, this.length + 1);
    }
    this.ordinals[this.length] = ordinal;
    this.weights[this.length] = weight;
    this.length++;
  }
}

const FACET_INDEX: Record<FacetName, number> = { sector: 0, contract: 1, housing: 2, department: 3 };

/** How many live offers have one combination of facet values, and how many groups of near-duplicates they form. */
interface Combination {
  codes: number[];
  count: number;
  groups: number;
}

/** The live offers at one place (offers carry their commune's coordinates), or without coordinates (`lat` NaN). */
interface Point {
  lat: number;
  lon: number;
  combinations: Combination[];
  /** Latest first. */
  ordinals: Int32Array;
}

/**
 * The answer to place-and-facet queries, computed once per change of the offers (or first expiry):
 * per place, its offers' combinations of facet values and its offers in date order. A radius then
 * costs a distance per place, not per offer.
 */
interface Aggregates {
  points: Point[];
  /** The whole board's combinations (the facet-only queries). */
  combinations: Combination[];
  /** Live offers per group. */
  groupSizes: Int32Array;
  /** The aggregates are exact from the time they were computed at until the first expiry among the offers counted. */
  validFrom: number;
  validUntil: number;
}

export class BoardIndex {
  private count = 0;
  private dead = 0;
  private ids: string[] = [];
  private revision = new Float64Array(64);
  private publishedAt = new Float64Array(64);
  private expiresAt = new Float64Array(64);
  private lat = new Float64Array(64);
  private lon = new Float64Array(64);
  /** cos(latitude), for distances without recomputing it per query. */
  private cosLat = new Float64Array(64);
  /** Metres from the query's `near`, filled by `filter` for the offers it keeps. */
  private distance = new Float64Array(64);
  private alive = new Uint8Array(64);
  private flags = new Uint8Array(64);
  private facetCodes = [new Int16Array(64), new Int16Array(64), new Int16Array(64), new Int16Array(64)];
  private group = new Int32Array(64);
  private insee = new Int32Array(64);
  private rome = new Int32Array(64);
  private experience = new Int16Array(64);
  private readonly facetValues = FACETS.map(() => new Dictionary());
  private readonly groups = new Dictionary();
  private readonly communes = new Dictionary();
  private readonly romes = new Dictionary();
  private readonly experiences = new Dictionary();
  private readonly byId = new Map<string, number>();
  private postings = new Map<string, Postings>();
  /** Lexemes in sorted order, for prefixes; rebuilt when a new lexeme arrives. */
  private sortedLexemes: string[] | null = null;
  /** Live ordinals by publication, latest first (then id), and each ordinal's place in it. */
  private dateOrder: Int32Array | null = null;
  private dateRank = new Int32Array(64);
  /** Ordinals with coordinates, by latitude (a radius reads its band of latitudes only). */
  private latitudeOrder: Int32Array | null = null;
  private aggregates: Aggregates | null = null;
  /** Per-ordinal scratch of a query, reused between queries (single-threaded). */
  private stamp = new Int32Array(64);
  private scratch = new Float64Array(64);
  private best = new Float64Array(64);
  private groupStamp = new Int32Array(64);
  private groupCount = new Int32Array(64);
  private groupBest = new Int32Array(64);
  private queryStamp = 0;

  /** Live offers held (dead ordinals excluded). */
  get size(): number {
    return this.count - this.dead;
  }

  revisionOf(id: string): number | undefined {
    const ordinal = this.byId.get(id);
    return ordinal === undefined ? undefined : this.revision[ordinal];
  }

  /** Every offer held, with its revision. */
  revisions(): Map<string, number> {
    return new Map([...this.byId].map(([id, ordinal]) => [id, this.revision[ordinal]]));
  }

  /** Adds an offer, or replaces the one with the same id. */
  upsert(offer: IndexedOffer): void {
    this.remove(offer.id);
    const ordinal = this.count++;
    this.ensureCapacity(this.count);
    this.ids[ordinal] = offer.id;
    this.byId.set(offer.id, ordinal);
    this.revision[ordinal] = offer.revision;
    this.publishedAt[ordinal] = offer.publishedAt;
    this.expiresAt[ordinal] = offer.expiresAt;
    this.lat[ordinal] = offer.lat ?? NaN;
    this.lon[ordinal] = offer.lon ?? NaN;
    this.cosLat[ordinal] = Math.cos(((offer.lat ?? NaN) * Math.PI) / 180);
    this.alive[ordinal] = 1;
    this.flags[ordinal] = (offer.withoutDiploma ? 1 : 0) | (offer.openToMinors ? 2 : 0);
    const values = [offer.sector, offer.contract, offer.housing, offer.department];
    for (let f = 0; f < 4; f++) this.facetCodes[f][ordinal] = this.facetValues[f].code(values[f]);
    this.group[ordinal] = this.groups.code(offer.duplicateKey);
    this.insee[ordinal] = this.communes.code(offer.insee);
    this.rome[ordinal] = this.romes.code(offer.rome);
    this.experience[ordinal] = this.experiences.code(offer.experience);
    for (const [lexeme, weight] of offer.terms) {
      let list = this.postings.get(lexeme);
      if (!list) {
        list = new Postings();
        this.postings.set(lexeme, list);
        this.sortedLexemes = null;
      }
      list.push(ordinal, weight);
    }
    this.changed();
  }

  remove(id: string): void {
    const ordinal = this.byId.get(id);
    if (ordinal === undefined) return;
    this.byId.delete(id);
    this.alive[ordinal] = 0;
    this.dead++;
    this.changed();
  }

  /** Renumbers the live offers when many ordinals are dead (posting lists drop them too). */
  compactIfWorthIt(): void {
    if (this.dead < 1000 || this.dead < this.count * COMPACT_DEAD_SHARE) return;
    const renumber = new Int32Array(this.count).fill(-1);
    let next = 0;
    for (let ordinal = 0; ordinal < this.count; ordinal++) if (this.alive[ordinal]) renumber[ordinal] = next++;
    const move = <T extends Float64Array | Int32Array | Int16Array | Uint8Array>(array: T) => {
      for (let ordinal = 0; ordinal < this.count; ordinal++) if (renumber[ordinal] >= 0) array[renumber[ordinal]] = array[ordinal];
    };
    for (const column of [this.revision, this.publishedAt, this.expiresAt, this.lat, this.lon, this.cosLat, this.alive, this.flags, this.group, this.insee, this.rome, this.experience, ...this.facetCodes]) move(column);
    const ids: string[] = [];
    for (let ordinal = 0; ordinal < this.count; ordinal++) if (renumber[ordinal] >= 0) ids[renumber[ordinal]] = this.ids[ordinal];
    this.ids = ids;
    for (const [id, ordinal] of this.byId) this.byId.set(id, renumber[ordinal]);
    const postings = new Map<string, Postings>();
    for (const [lexeme, list] of this.postings) {
      const kept = new Postings();
      for (let i = 0; i < list.length; i++) {
        const ordinal = renumber[list.ordinals[i]];
        if (ordinal >= 0) kept.push(ordinal, list.weights[i]);
      }
      if (kept.length > 0) postings.set(lexeme, kept);
    }
    this.postings = postings;
    this.sortedLexemes = null;
    this.count = next;
    this.dead = 0;
    this.alive.fill(0, next);
    this.changed();
  }

  private changed(): void {
    this.dateOrder = null;
    this.latitudeOrder = null;
    this.aggregates = null;
  }

  private ensureCapacity(n: number): void {
    if (n <= this.alive.length) return;
    this.revision = grow(this.revision, n);
    this.publishedAt = grow(this.publishedAt, n);
    this.expiresAt = grow(this.expiresAt, n);
    this.lat = grow(this.lat, n);
    this.lon = grow(this.lon, n);
    this.cosLat = grow(this.cosLat, n);
    this.distance = grow(this.distance, n);
    this.alive = grow(this.alive, n);
    this.flags = grow(this.flags, n);
    this.facetCodes = this.facetCodes.map((column) => grow(column, n));
    this.group = grow(this.group, n);
    this.insee = grow(this.insee, n);
    this.rome = grow(this.rome, n);
    this.experience = grow(this.experience, n);
    this.dateRank = grow(this.dateRank, n);
    this.stamp = grow(this.stamp, n);
    this.scratch = grow(this.scratch, n);
    this.best = grow(this.best, n);
  }

  /** Live ordinals, latest publication first (ties: smaller id first, as the SQL pages did). */
  private byDate(): Int32Array {
    if (this.dateOrder) return this.dateOrder;
    const order = new Int32Array(this.size);
    let n = 0;
    for (let ordinal = 0; ordinal < this.count; ordinal++) if (this.alive[ordinal]) order[n++] = ordinal;
    const { publishedAt, ids } = this;
    order.sort((a, b) => publishedAt[b] - publishedAt[a] || (ids[a] < ids[b] ? -1 : ids[a] > ids[b] ? 1 : 0));
    order.forEach((ordinal, rank) => (this.dateRank[ordinal] = rank));
    this.dateOrder = order;
    return order;
  }

  private byLatitude(): Int32Array {
    if (this.latitudeOrder) return this.latitudeOrder;
    const order: number[] = [];
    for (let ordinal = 0; ordinal < this.count; ordinal++) if (this.alive[ordinal] && !Number.isNaN(this.lat[ordinal])) order.push(ordinal);
    const { lat } = this;
    this.latitudeOrder = Int32Array.from(order.sort((a, b) => lat[a] - lat[b]));
    return this.latitudeOrder;
  }

  /** Position of the first entry of the latitude order above `value` (`inclusive`: at or above). */
  private latitudeFrom(order: Int32Array, value: number, inclusive = true): number {
    let low = 0;
    let high = order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const lat = this.lat[order[mid]];
      if (lat < value || (!inclusive && lat === value)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Lexemes starting with `prefix`. */
  private withPrefix(prefix: string): string[] {
    this.sortedLexemes ??= [...this.postings.keys()].sort();
    const sorted = this.sortedLexemes;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (sorted[mid] < prefix) low = mid + 1;
      else high = mid;
    }
    const found: string[] = [];
    for (let i = low; i < sorted.length && sorted[i].startsWith(prefix); i++) found.push(sorted[i]);
    return found;
  }

  private nextStamp(): number {
    if (this.queryStamp >= 0x7ffffff0) {
      this.stamp.fill(0);
      this.groupStamp.fill(0);
      this.queryStamp = 0;
    }
    return ++this.queryStamp;
  }

  /**
   * Ordinals matching every word, with their relevance in `scratch`: for each word, the weight of the
   * best field one of its lexemes is found in (halved for a correction), averaged over the words,
   * plus the title bonus when the title has every word itself.
   */
  private matchText(text: { lexeme: string; prefix: boolean; correction: boolean }[][], titleWords: string[][] | null): number[] {
    if (text.length === 0) return [];
    // Per word, its posting lists; the rarest word first, so that later words only test its candidates.
    const words = text
      .map((alternatives) =>
        alternatives.flatMap(({ lexeme, prefix, correction }) =>
          (prefix ? this.withPrefix(lexeme) : [lexeme]).flatMap((l) => {
            const list = this.postings.get(l);
            return list ? [{ list, factor: correction ? CORRECTION_FACTOR : 1 }] : [];
          }),
        ),
      )
      .map((lists) => ({ lists, size: lists.reduce((sum, l) => sum + l.list.length, 0) }))
      .sort((a, b) => a.size - b.size);
    if (words.some((w) => w.size === 0)) return [];
    const { stamp, scratch, best, alive } = this;
    let round = 0;
    let candidates: number[] = [];
    for (let w = 0; w < words.length; w++) {
      const previous = round;
      round = this.nextStamp();
      const next: number[] = [];
      for (const { list, factor } of words[w].lists) {
        const { ordinals, weights, length } = list;
        for (let i = 0; i < length; i++) {
          const ordinal = ordinals[i];
          const mark = stamp[ordinal];
          const value = WEIGHT_VALUE[weights[i]] * factor;
          if (mark === round) {
            if (value > best[ordinal]) best[ordinal] = value;
          } else if (w === 0 ? alive[ordinal] === 1 : mark === previous) {
            stamp[ordinal] = round;
            best[ordinal] = value;
            next.push(ordinal);
          }
        }
      }
      for (const ordinal of next) scratch[ordinal] = (w === 0 ? 0 : scratch[ordinal]) + best[ordinal];
      candidates = next;
      if (candidates.length === 0) return [];
    }
    for (const ordinal of candidates) scratch[ordinal] /= words.length;
    if (titleWords && titleWords.length > 0) {
      // `best` now counts the words found in the title itself (weight A, exact lexeme), word by word.
      for (const ordinal of candidates) best[ordinal] = 0;
      titleWords.forEach((lexemes, t) => {
        for (const lexeme of lexemes) {
          const list = this.postings.get(lexeme);
          if (!list) continue;
          for (let i = 0; i < list.length; i++) {
            const ordinal = list.ordinals[i];
            if (list.weights[i] === 3 && stamp[ordinal] === round && best[ordinal] === t) best[ordinal] = t + 1;
          }
        }
      });
      for (const ordinal of candidates) if (best[ordinal] === titleWords.length) scratch[ordinal] += TITLE_BONUS;
    }
    return candidates;
  }

  /** Resolves a query's non-facet conditions once (codes, bounding box). */
  private conditions(query: IndexQuery) {
    const radius = query.near?.radiusKm;
    const box = radius ? { dLat: radius / 110.5, dLon: radius / (111.3 * Math.max(0.01, Math.cos((query.near!.lat * Math.PI) / 180))) } : null;
    return {
      rome: query.rome === undefined ? -1 : this.romes.find(query.rome),
      publishedFrom: Math.max(
        query.publishedWithinDays ? query.now - query.publishedWithinDays * DAY_MS : -Infinity,
        query.publishedAfter ? query.publishedAfter.getTime() : -Infinity,
      ),
      publishedBefore: query.publishedBefore ? query.publishedBefore.getTime() : Infinity,
      box,
      radiusM: radius ? radius * 1000 : 0,
      experience: query.beginnerWelcome ? this.experiences.find('none') : -1,
      flags: (query.withoutDiploma ? 1 : 0) | (query.openToMinors ? 2 : 0),
    };
  }

  /** Metres from `near` (NaN without coordinates), with the offer's cos(latitude) kept and the query's computed once. */
  private metresFrom(ordinal: number, near: GeoPoint, cosNear: number): number {
    return haversineM(near, this.lat[ordinal], this.lon[ordinal], cosNear, this.cosLat[ordinal]);
  }

  /**
   * The offers that may match, before the other conditions: the words' matches; else the band of
   * latitudes of the radius or commune; else the live offers latest first, down to the oldest
   * publication date allowed (the date order answers "published within N days" by itself).
   */
  private candidates(query: IndexQuery, relevance: boolean, publishedFrom: number): ArrayLike<number> {
    if (query.text) return this.matchText(query.text, relevance ? query.titleWords : null);
    if (query.near?.radiusKm || query.commune) {
      const order = this.byLatitude();
      const center = query.commune ?? query.near!;
      const dLat = query.commune ? 0 : query.near!.radiusKm! / 110.5;
      return order.subarray(this.latitudeFrom(order, center.lat - dLat), this.latitudeFrom(order, center.lat + dLat, false));
    }
    const order = this.byDate();
    if (publishedFrom === -Infinity) return order;
    // First rank published before `publishedFrom` (the order is by publication, latest first).
    let low = 0;
    let high = order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.publishedAt[order[mid]] >= publishedFrom) low = mid + 1;
      else high = mid;
    }
    return order.subarray(0, low);
  }

  /**
   * The matching offers of a query, with its total, groups and facet counts: one tight loop over the
   * candidates' typed columns. A facet's values are counted with every filter but its own (an offer
   * missing one facet filter counts for that facet only), so each count is what choosing it gives.
   * Distances from `near` are left in `distance`, relevance in `scratch`; each group's count and
   * latest matching offer in `groupCount` and `groupBest`.
   */
  private evaluate(query: IndexQuery, relevance: boolean) {
    const c = this.conditions(query);
    const filterCodes = FACETS.map((facet, f) => this.facetValues[f].find(query.filters[facet]));
    const [want0, want1, want2, want3] = filterCodes;
    const facetCounts = FACETS.map((_, f) => new Int32Array(this.facetValues[f].size));
    const [counts0, counts1, counts2, counts3] = facetCounts;
    const [codes0, codes1, codes2, codes3] = this.facetCodes;
    this.byDate();
    const { alive, expiresAt, publishedAt, rome, lat, lon, experience, flags, distance, dateRank, group } = this;
    const groupStamp = this.groupStampFor();
    const { groupCount, groupBest } = this;
    const candidates = this.candidates(query, relevance, c.publishedFrom);
    const round = this.nextStamp();
    const now = query.now;
    const checkDates = c.publishedFrom > -Infinity || c.publishedBefore < Infinity;
    const { near, commune } = query;
    const cosNear = near ? Math.cos(near.lat * RADIANS) : 0;
    let total = 0;
    let groups = 0;
    const passing: number[] = [];
    for (let i = 0; i < candidates.length; i++) {
      const ordinal = candidates[i];
      if (alive[ordinal] === 0 || expiresAt[ordinal] <= now) continue;
      if (c.rome !== -1 && rome[ordinal] !== c.rome) continue;
      if (checkDates && (publishedAt[ordinal] < c.publishedFrom || publishedAt[ordinal] >= c.publishedBefore)) continue;
      // NaN (no coordinates) fails every comparison.
      if (c.box && !(Math.abs(lat[ordinal] - near!.lat) <= c.box.dLat && Math.abs(lon[ordinal] - near!.lon) <= c.box.dLon)) continue;
      if (near) {
        distance[ordinal] = this.metresFrom(ordinal, near, cosNear);
        if (c.box && !(distance[ordinal] <= c.radiusM)) continue;
      }
      if (commune && (lat[ordinal] !== commune.lat || lon[ordinal] !== commune.lon)) continue;
      if (c.experience !== -1 && experience[ordinal] !== c.experience) continue;
      if (c.flags !== 0 && (flags[ordinal] & c.flags) !== c.flags) continue;
      const v0 = codes0[ordinal];
      const v1 = codes1[ordinal];
      const v2 = codes2[ordinal];
      const v3 = codes3[ordinal];
      const miss0 = want0 !== -1 && v0 !== want0;
      const miss1 = want1 !== -1 && v1 !== want1;
      const miss2 = want2 !== -1 && v2 !== want2;
      const miss3 = want3 !== -1 && v3 !== want3;
      const misses = +miss0 + +miss1 + +miss2 + +miss3;
      if (misses > 1) continue;
      if (v0 >= 0 && !(miss1 || miss2 || miss3)) counts0[v0]++;
      if (v1 >= 0 && !(miss0 || miss2 || miss3)) counts1[v1]++;
      if (v2 >= 0 && !(miss0 || miss1 || miss3)) counts2[v2]++;
      if (v3 >= 0 && !(miss0 || miss1 || miss2)) counts3[v3]++;
      if (misses === 1) continue;
      total++;
      const g = group[ordinal];
      if (groupStamp[g] !== round) {
        groupStamp[g] = round;
        groupCount[g] = 0;
        groupBest[g] = ordinal;
        groups++;
      } else if (dateRank[ordinal] < dateRank[groupBest[g]]) groupBest[g] = ordinal;
      groupCount[g]++;
      passing.push(ordinal);
    }
    return { passing, total, groups, facetCounts };
  }

  /** Counts, facet counts, groups and the page for a query. */
  search(query: IndexQuery): IndexResult {
    if (this.placeAndFacetsOnly(query)) return this.searchAggregates(query);
    const relevance = query.text !== null && query.sort === 'relevance';
    const { passing, total, groups, facetCounts } = this.evaluate(query, relevance);
    const { dateRank, group, groupBest, groupCount, distance } = this;
    const dateOrder = this.byDate();
    // Each group's latest matching offer stands for it when collapsing.
    const shown = query.collapseDuplicates ? passing.filter((ordinal) => groupBest[group[ordinal]] === ordinal) : passing;
    // Sort keys: the date rank (unique) breaks ties and gives the ordinal back.
    let keyOf: ((ordinal: number) => number) | null = null;
    if (query.sort === 'distance' && query.near) {
      keyOf = (ordinal) => (Number.isNaN(distance[ordinal]) ? NO_DISTANCE_M : Math.round(distance[ordinal])) * RANKS + dateRank[ordinal];
    } else if (relevance) {
      keyOf = (ordinal) => (SCORE_CEILING - Math.round(this.scratch[ordinal] * SCORE_SCALE)) * RANKS + dateRank[ordinal];
    } else if (query.text || query.near?.radiusKm || query.commune) {
      // Candidates came in another order than the date's.
      keyOf = (ordinal) => dateRank[ordinal];
    }
    const end = query.offset + query.limit;
    const pageOrdinals = keyOf ? smallestKeys(shown, keyOf, end).map((key) => dateOrder[key % RANKS]).slice(query.offset) : shown.slice(query.offset, end);
    return {
      total,
      groups,
      facets: this.facetLists(facetCounts),
      page: pageOrdinals.map((ordinal) => ({
        id: this.ids[ordinal],
        distanceM: query.near && !Number.isNaN(distance[ordinal]) ? distance[ordinal] : null,
        positions: query.collapseDuplicates ? groupCount[group[ordinal]] : 1,
      })),
    };
  }

  /** Matching offers per commune (facet filters applied), for the map; offers without coordinates are left out. */
  communeCounts(query: IndexQuery): { insee: string; count: number }[] {
    const counts = new Map<number, number>();
    for (const ordinal of this.evaluate(query, false).passing) {
      const commune = this.insee[ordinal];
      if (commune >= 0 && !Number.isNaN(this.lat[ordinal])) counts.set(commune, (counts.get(commune) ?? 0) + 1);
    }
    return [...counts]
      .map(([code, count]) => ({ insee: this.communes.values[code], count }))
      .sort((a, b) => b.count - a.count || (a.insee < b.insee ? -1 : a.insee > b.insee ? 1 : 0));
  }

  private groupStampFor(): Int32Array {
    if (this.groupStamp.length < this.groups.size) {
      this.groupStamp = grow(this.groupStamp, this.groups.size);
      this.groupCount = grow(this.groupCount, this.groups.size);
      this.groupBest = grow(this.groupBest, this.groups.size);
    }
    return this.groupStamp;
  }

  /** No words, trade, date or profile condition: the aggregates answer (a place at most, and facets). */
  private placeAndFacetsOnly(query: IndexQuery): boolean {
    return (
      query.text === null &&
      query.rome === undefined &&
      !query.publishedWithinDays &&
      !query.publishedAfter &&
      !query.publishedBefore &&
      !query.beginnerWelcome &&
      !query.withoutDiploma &&
      !query.openToMinors
    );
  }

  /**
   * Place and facet filters only: counts summed from the combinations of the places within the
   * radius (or of the commune, or of the whole board), and the page read in order until it is full:
   * places by distance then their offers by date, or every selected place's offers merged by date.
   */
  private searchAggregates(query: IndexQuery): IndexResult {
    const filterCodes = FACETS.map((facet, f) => this.facetValues[f].find(query.filters[facet]));
    const aggregates = this.aggregate(query.now);
    const { near, commune } = query;
    const cosNear = near ? Math.cos(near.lat * RADIANS) : 0;
    const radiusM = near?.radiusKm ? near.radiusKm * 1000 : Infinity;
    const points: { point: Point; distance: number }[] = [];
    for (const point of aggregates.points) {
      if (commune && (point.lat !== commune.lat || point.lon !== commune.lon)) continue;
      const distance = near ? haversineM(near, point.lat, point.lon, cosNear) : NaN;
      if (near?.radiusKm && !(distance <= radiusM)) continue;
      points.push({ point, distance });
    }
    const facetCounts = FACETS.map((_, f) => new Int32Array(this.facetValues[f].size));
    const whole = !near?.radiusKm && !commune;
    const { total, groups } = countCombinations(whole ? aggregates.combinations : points.flatMap((p) => p.point.combinations), filterCodes, facetCounts);

    // The page is read only from the places holding a match, and no further than the last match: a
    // rare combination of filters must not walk the whole board (issue #16, 100 000 offers).
    const pagePoints = points.filter(({ point }) => point.combinations.some(({ codes }) => matchesFilters(codes, filterCodes)));
    const page: IndexPageHit[] = [];
    const end = Math.min(query.offset + query.limit, query.collapseDuplicates ? groups : total);
    let taken = 0;
    const round = this.nextStamp();
    const groupStamp = this.groupStampFor();
    const take = (ordinal: number, distance: number): boolean => {
      if (this.expiresAt[ordinal] <= query.now) return false;
      for (let f = 0; f < 4; f++) if (filterCodes[f] !== -1 && this.facetCodes[f][ordinal] !== filterCodes[f]) return false;
      if (query.collapseDuplicates) {
        // Taken in order, a group's first offer is its latest (or nearest): it stands for the group.
        const g = this.group[ordinal];
        if (groupStamp[g] === round) return false;
        groupStamp[g] = round;
      }
      if (taken++ >= query.offset) {
        page.push({ id: this.ids[ordinal], distanceM: Number.isNaN(distance) ? null : distance, positions: query.collapseDuplicates ? aggregates.groupSizes[this.group[ordinal]] : 1 });
      }
      return true;
    };
    if (query.sort === 'distance' && near) {
      // Nearest places first, offers without coordinates last; each place's offers by date.
      pagePoints.sort((a, b) => (Number.isNaN(a.distance) ? 1 : 0) - (Number.isNaN(b.distance) ? 1 : 0) || a.distance - b.distance);
      for (const { point, distance } of pagePoints) {
        for (let i = 0; i < point.ordinals.length && taken < end; i++) take(point.ordinals[i], distance);
        if (taken >= end) break;
      }
    } else {
      this.byDate();
      const { dateRank } = this;
      // A k-way merge of the places' date-ordered offers: a heap of (date rank of the next offer, place).
      const heads = new Int32Array(pagePoints.length);
      const heap: number[] = [];
      const rankOf = (p: number) => dateRank[pagePoints[p].point.ordinals[heads[p]]];
      const push = (p: number) => {
        heap.push(p);
        for (let at = heap.length - 1; at > 0; ) {
          const parent = (at - 1) >> 1;
          if (rankOf(heap[parent]) <= rankOf(heap[at])) break;
          [heap[parent], heap[at]] = [heap[at], heap[parent]];
          at = parent;
        }
      };
      const pop = (): number => {
        const top = heap[0];
        const last = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = last;
          for (let at = 0; ; ) {
            const left = 2 * at + 1;
            if (left >= heap.length) break;
            const right = left + 1;
            const smaller = right < heap.length && rankOf(heap[right]) < rankOf(heap[left]) ? right : left;
            if (rankOf(heap[at]) <= rankOf(heap[smaller])) break;
            [heap[at], heap[smaller]] = [heap[smaller], heap[at]];
            at = smaller;
          }
        }
        return top;
      };
      pagePoints.forEach((p, i) => p.point.ordinals.length > 0 && push(i));
      while (heap.length > 0 && taken < end) {
        const p = pop();
        take(pagePoints[p].point.ordinals[heads[p]], pagePoints[p].distance);
        if (++heads[p] < pagePoints[p].point.ordinals.length) push(p);
      }
    }
    return { total, groups, facets: this.facetLists(facetCounts), page };
  }

  private aggregate(now: number): Aggregates {
    if (this.aggregates && this.aggregates.validFrom <= now && now < this.aggregates.validUntil) return this.aggregates;
    const groupSizes = new Int32Array(this.groups.size);
    const places = new Map<string, { lat: number; lon: number; ordinals: number[]; combinations: Map<string, { codes: number[]; count: number; groups: Set<number> }> }>();
    const board = new Map<string, { codes: number[]; count: number; groups: Set<number> }>();
    let validUntil = Infinity;
    const add = (combinations: Map<string, { codes: number[]; count: number; groups: Set<number> }>, codes: number[], key: string, g: number) => {
      let combination = combinations.get(key);
      if (!combination) combinations.set(key, (combination = { codes, count: 0, groups: new Set() }));
      combination.count++;
      combination.groups.add(g);
    };
    for (const ordinal of this.byDate()) {
      if (this.expiresAt[ordinal] <= now) continue;
      validUntil = Math.min(validUntil, this.expiresAt[ordinal]);
      const codes = [this.facetCodes[0][ordinal], this.facetCodes[1][ordinal], this.facetCodes[2][ordinal], this.facetCodes[3][ordinal]];
      const key = codes.join(',');
      const g = this.group[ordinal];
      groupSizes[g]++;
      add(board, codes, key, g);
      const lat = this.lat[ordinal];
      const lon = this.lon[ordinal];
      const at = Number.isNaN(lat) ? '' : `${lat},${lon}`;
      let place = places.get(at);
      if (!place) places.set(at, (place = { lat, lon, ordinals: [], combinations: new Map() }));
      place.ordinals.push(ordinal);
      add(place.combinations, codes, key, g);
    }
    const combinations = (map: Map<string, { codes: number[]; count: number; groups: Set<number> }>) =>
      [...map.values()].map(({ codes, count, groups }) => ({ codes, count, groups: groups.size }));
    this.aggregates = {
      points: [...places.values()].map((p) => ({ lat: p.lat, lon: p.lon, ordinals: Int32Array.from(p.ordinals), combinations: combinations(p.combinations) })),
      combinations: combinations(board),
      groupSizes,
      validFrom: now,
      validUntil,
    };
    return this.aggregates;
  }

  private facetLists(counts: Int32Array[]): Record<FacetName, { value: string; count: number }[]> {
    const result = {} as Record<FacetName, { value: string; count: number }[]>;
    FACETS.forEach((facet, f) => {
      const list: { value: string; count: number }[] = [];
      counts[f].forEach((count, code) => {
        if (count > 0) list.push({ value: this.facetValues[f].values[code], count });
      });
      result[facet] = list.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
    });
    return result;
  }
}

/** The `n` smallest keys, in order: a bounded max-heap, so a page costs O(matches · log n), not a full sort. */
function smallestKeys(ordinals: number[], keyOf: (ordinal: number) => number, n: number): number[] {
  const size = Math.min(n, ordinals.length);
  if (size <= 0) return [];
  const heap = new Float64Array(size);
  let length = 0;
  const siftDown = (at: number) => {
    for (;;) {
      const left = 2 * at + 1;
      if (left >= length) return;
      const right = left + 1;
      const larger = right < length && heap[right] > heap[left] ? right : left;
      if (heap[at] >= heap[larger]) return;
      [heap[at], heap[larger]] = [heap[larger], heap[at]];
      at = larger;
    }
  };
  for (const ordinal of ordinals) {
    const key = keyOf(ordinal);
    if (length < size) {
      // Sift up.
      let at = length++;
      heap[at] = key;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (heap[parent] >= heap[at]) break;
        [heap[parent], heap[at]] = [heap[at], heap[parent]];
        at = parent;
      }
    } else if (key < heap[0]) {
      heap[0] = key;
      siftDown(0);
    }
  }
  return Array.from(heap.subarray(0, length)).sort((a, b) => a - b);
}

/** Great-circle distance in metres (the haversine of geo/distance.ts); the cosines of both latitudes given. */
function haversineM(near: GeoPoint, lat: number, lon: number, cosNear: number, cosLat = Math.cos(lat * RADIANS)): number {
  const dLat = (lat - near.lat) * RADIANS;
  const dLon = (lon - near.lon) * RADIANS;
  const h = Math.sin(dLat / 2) ** 2 + cosNear * cosLat * Math.sin(dLon / 2) ** 2;
  return EARTH_DIAMETER_M * Math.asin(Math.sqrt(h));
}

/** True when a combination of facet codes has every chosen value. */
function matchesFilters(codes: number[], filterCodes: number[]): boolean {
  for (let f = 0; f < 4; f++) if (filterCodes[f] !== -1 && codes[f] !== filterCodes[f]) return false;
  return true;
}

/**
 * Total, groups and facet counts from combinations: a combination missing one facet filter counts for
 * that facet only (choosing a value replaces the current one), one missing none for everything.
 */
function countCombinations(combinations: Combination[], filterCodes: number[], facetCounts: Int32Array[]): { total: number; groups: number } {
  let total = 0;
  let groups = 0;
  for (const { codes, count, groups: g } of combinations) {
    let failing = -1;
    let failures = 0;
    for (let f = 0; f < 4; f++) {
      if (filterCodes[f] !== -1 && codes[f] !== filterCodes[f]) {
        failing = f;
        failures++;
      }
    }
    if (failures > 1) continue;
    if (failures === 1) {
      if (codes[failing] >= 0) facetCounts[failing][codes[failing]] += count;
      continue;
    }
    total += count;
    groups += g;
    for (let f = 0; f < 4; f++) if (codes[f] >= 0) facetCounts[f][codes[f]] += count;
  }
  return { total, groups };
}
