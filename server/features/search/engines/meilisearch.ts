import { Meilisearch, type Filter, type SearchParams, type Settings } from 'meilisearch';
import { FACETS, type FacetCount, type FacetName, type IndexChanges, type MapPoint, type OfferDocumentSource, type RebuildSource, type SearchEngine, type SearchHit, type SearchQuery, type SearchResult } from '../port.js';
import { distanceKm } from '../../../geo/distance.js';
import { analyze, fold, genderVariants } from '../text.js';

/** What the `offers` index stores for one live offer. One index for every tenant: `tenantId` filters. */
export interface MeiliOfferDocument {
  /** `<tenant>_<offer uuid>`: the key carries the tenant, so no tenant can overwrite another's document. */
  id: string;
  offerId: string;
  tenantId: string;
  title: string;
  /** Every gender form of the title's words ("moniteur monitrice moniteuse"): Meilisearch does not stem. */
  titleVariants: string;
  trade: string | null;
  rome: string | null;
  company: string;
  companySlug: string;
  description: string;
  contract: string;
  workingTime: string;
  sector: string | null;
  housing: string;
  season: string | null;
  department: string | null;
  placeName: string | null;
  postalCode: string | null;
  insee: string | null;
  _geo: { lat: number; lng: number } | null;
  salaryMin: number | null;
  salaryMax: number | null;
  salaryUnit: string | null;
  hoursPerWeek: number | null;
  experience: string | null;
  withoutDiploma: boolean;
  openToMinors: boolean;
  companyLogo: string | null;
  /** Near-duplicates share it (offers.duplicate_key): the `distinct` attribute of collapsed searches. */
  duplicateKey: string;
  /** Unix seconds, for numeric filters and sort. */
  publishedAt: number;
  expiresAt: number;
  /** When this document was built (unix seconds): a tenant rebuild drops the older ones. */
  indexedAt: number;
}

const TENANT_ID = /^[a-z][a-z0-9-]{1,39}$/;
const OFFER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DESCRIPTION_LIMIT = 4000;

export function offerDocumentId(tenantId: string, offerId: string): string {
  if (!TENANT_ID.test(tenantId)) throw new Error(`tenant invalide pour une clé d’index : ${tenantId}`);
  if (!OFFER_ID.test(offerId)) throw new Error(`identifiant d’offre invalide pour une clé d’index : ${offerId}`);
  return `${tenantId}_${offerId}`;
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

export function plainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&[a-z#0-9]+;/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function toDocument(source: OfferDocumentSource, now = new Date()): MeiliOfferDocument {
  const titleWords = fold(source.title).split(/[^a-z0-9]+/).filter((w) => w.length > 2);
  return {
    id: offerDocumentId(source.tenantId, source.id),
    offerId: source.id,
    tenantId: source.tenantId,
    title: source.title,
    titleVariants: [...new Set(titleWords.flatMap(genderVariants))].join(' '),
    trade: source.trade,
    rome: source.rome,
    company: source.companyName,
    companySlug: source.companySlug,
    description: plainText(source.descriptionHtml).slice(0, DESCRIPTION_LIMIT),
    contract: source.contract,
    workingTime: source.workingTime,
    sector: source.sector,
    housing: source.housing,
    season: source.season,
    department: source.department,
    placeName: source.placeName,
    postalCode: source.postalCode,
    insee: source.insee,
    _geo: source.lat !== null && source.lon !== null ? { lat: source.lat, lng: source.lon } : null,
    salaryMin: source.salaryMin,
    salaryMax: source.salaryMax,
    salaryUnit: source.salaryUnit,
    hoursPerWeek: source.hoursPerWeek,
    experience: source.experience,
    withoutDiploma: source.withoutDiploma,
    openToMinors: source.openToMinors,
    companyLogo: source.companyLogo,
    duplicateKey: source.duplicateKey,
    publishedAt: seconds(source.publishedAt),
    expiresAt: seconds(source.expiresAt),
    indexedAt: seconds(now),
  };
}

/**
 * A string literal of Meilisearch's filter language: double-quoted, with `\` and `"` escaped (the
 * filter parser unescapes both since v1.4). User input only ever reaches a filter through this.
 */
export function filterString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function finite(value: number, name: string): string {
  if (!Number.isFinite(value)) throw new Error(`${name} doit être un nombre fini`);
  return String(value);
}

/**
 * The filter of a query (AND of the array's items): the tenant first, always; live offers; then the
 * facet filters except `without` (to count that facet's values), ROME, date and radius.
 */
export function buildFilter(query: SearchQuery, now: Date, without?: FacetName): string[] {
  const filter = [`tenantId = ${filterString(query.tenantId)}`, `expiresAt > ${seconds(now)}`];
  for (const facet of FACETS) {
    const value = query.filters[facet];
    if (value !== undefined && facet !== without) filter.push(`${facet} = ${filterString(value)}`);
  }
  if (query.rome) filter.push(`rome = ${filterString(query.rome)}`);
  if (query.publishedWithinDays) filter.push(`publishedAt >= ${seconds(now) - Math.round(query.publishedWithinDays) * 86_400}`);
  if (query.publishedAfter) filter.push(`publishedAt >= ${seconds(query.publishedAfter)}`);
  if (query.publishedBefore) filter.push(`publishedAt < ${seconds(query.publishedBefore)}`);
  if (query.near?.radiusKm) {
    filter.push(`_geoRadius(${finite(query.near.lat, 'lat')}, ${finite(query.near.lon, 'lon')}, ${finite(Math.round(query.near.radiusKm * 1000), 'radius')})`);
  }
  if (query.commune) filter.push(`insee = ${filterString(query.commune.insee)}`);
  if (query.beginnerWelcome) filter.push('experience = "none"');
  if (query.withoutDiploma) filter.push('withoutDiploma = true');
  if (query.openToMinors) filter.push('openToMinors = true');
  return filter;
}

export function buildSort(query: SearchQuery, hasText: boolean): string[] | undefined {
  if (query.sort === 'distance' && query.near) return [`_geoPoint(${finite(query.near.lat, 'lat')}, ${finite(query.near.lon, 'lon')}):asc`, 'publishedAt:desc'];
  if (query.sort === 'date' || !hasText) return ['publishedAt:desc'];
  return undefined; // relevance: the ranking rules
}

export const INDEX_SETTINGS: Settings = {
  // Order is attribute ranking: a title match outranks a trade match, which outranks the company…
  searchableAttributes: ['title', 'titleVariants', 'trade', 'rome', 'sector', 'company', 'placeName', 'postalCode', 'description'],
  filterableAttributes: [
    'tenantId', 'sector', 'contract', 'housing', 'department', 'rome', 'publishedAt', 'expiresAt', 'indexedAt', '_geo',
    'insee', 'experience', 'withoutDiploma', 'openToMinors', 'duplicateKey',
  ],
  sortableAttributes: ['publishedAt', '_geo'],
  rankingRules: ['words', 'typo', 'proximity', 'attribute', 'sort', 'exactness', 'publishedAt:desc'],
  localizedAttributes: [{ attributePatterns: ['*'], locales: ['fra'] }],
  pagination: { maxTotalHits: 100_000 },
  // The map counts offers per commune (facet `insee`): a board may have offers in a few hundred communes.
  faceting: { maxValuesPerFacet: 2000 },
};

export function toHit(doc: MeiliOfferDocument & { _geoDistance?: number }, query: SearchQuery): SearchHit {
  const hit: SearchHit = {
    id: doc.offerId,
    title: doc.title,
    companyName: doc.company,
    companySlug: doc.companySlug,
    contract: doc.contract as SearchHit['contract'],
    workingTime: doc.workingTime as SearchHit['workingTime'],
    sector: doc.sector,
    housing: doc.housing as SearchHit['housing'],
    season: doc.season,
    place: { name: doc.placeName, postalCode: doc.postalCode, insee: doc.insee, lat: doc._geo?.lat ?? null, lon: doc._geo?.lng ?? null },
    salary: { min: doc.salaryMin ?? null, max: doc.salaryMax ?? null, unit: (doc.salaryUnit ?? null) as SearchHit['salary']['unit'] },
    hoursPerWeek: doc.hoursPerWeek ?? null,
    experience: (doc.experience ?? null) as SearchHit['experience'],
    companyLogo: doc.companyLogo ?? null,
    publishedAt: new Date(doc.publishedAt * 1000),
    duplicateKey: doc.duplicateKey,
    positions: 1,
  };
  if (query.near && doc._geo) {
    const km = doc._geoDistance !== undefined ? doc._geoDistance / 1000 : distanceKm(query.near, { lat: doc._geo.lat, lon: doc._geo.lng });
    hit.distanceKm = Math.round(km * 10) / 10;
  }
  return hit;
}

function facetCounts(distribution: Record<string, Record<string, number>> | undefined, facet: FacetName): FacetCount[] {
  return Object.entries(distribution?.[facet] ?? {})
    .filter(([, count]) => count > 0)
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
}

interface MeiliResponse {
  hits: (MeiliOfferDocument & { _geoDistance?: number })[];
  totalHits?: number;
  estimatedTotalHits?: number;
  facetDistribution?: Record<string, Record<string, number>>;
}

export interface MeilisearchOptions {
  host: string;
  apiKey?: string;
  index: string;
  timeoutMs: number;
}

const TASK_TIMEOUT_MS = 60_000;
/** Documents per request of a rebuild, and how many such tasks may wait in Meilisearch's queue at once. */
const FILL_BATCH = 1_000;
const FILL_PENDING = 4;
const FILL_PROGRESS_MS = 5_000;

/**
 * Meilisearch adapter: one index for all tenants, every query filtered by `tenantId`. Writes arrive
 * through the outbox (apply) and count as done only when Meilisearch reports the task succeeded.
 */
export class MeilisearchEngine implements SearchEngine {
  readonly name = 'meilisearch';
  readonly external = true;
  private readonly client: Meilisearch;
  private settingsApplied = false;

  constructor(private readonly options: MeilisearchOptions) {
    this.client = new Meilisearch({ host: options.host, apiKey: options.apiKey, timeout: options.timeoutMs });
  }

  get indexUid(): string {
    return this.options.index;
  }

  /**
   * One multi-search: the page, the facet counts of unfiltered facets, and one count per filtered facet
   * (without its own filter). Collapsed: the page is `distinct` on the duplicate key (Meilisearch ≥ 1.11),
   * its totalHits counts groups, and the counts come from a query without `distinct` (Meilisearch counts
   * facets after distinct), whose contract counts add up to the offers; the page's group sizes then
   * need one more request, only when some group has several offers.
   */
  async search(query: SearchQuery): Promise<SearchResult> {
    const now = new Date();
    const analyzed = analyze(query.text);
    const q = analyzed.words.join(' ');
    const collapse = Boolean(query.collapseDuplicates);
    const unfiltered = FACETS.filter((f) => query.filters[f] === undefined);
    const main: SearchParams & { indexUid: string } = {
      indexUid: this.options.index,
      q,
      filter: buildFilter(query, now) as Filter,
      sort: buildSort(query, q.length > 0),
      page: query.page,
      hitsPerPage: query.perPage,
      ...(collapse ? { distinct: 'duplicateKey' } : { facets: unfiltered }),
    };
    const counts = collapse
      ? [{ indexUid: this.options.index, q, filter: buildFilter(query, now) as Filter, limit: 0, facets: [...new Set([...unfiltered, 'contract'])] }]
      : [];
    // A filtered facet is counted by a query without its own filter (the other choices stay visible).
    const filtered = FACETS.filter((f) => query.filters[f] !== undefined);
    const facetQueries = filtered.map((facet) => ({
      indexUid: this.options.index,
      q,
      filter: buildFilter(query, now, facet) as Filter,
      limit: 0,
      facets: [facet],
    }));
    const { results } = await this.client.multiSearch({ queries: [main, ...counts, ...facetQueries] });
    const [first, ...rest] = results as unknown as MeiliResponse[];
    const countSource = collapse ? rest.shift()! : first;
    const facets = Object.fromEntries(FACETS.map((f) => [f, facetCounts(countSource.facetDistribution, f)])) as Record<FacetName, FacetCount[]>;
    filtered.forEach((facet, i) => (facets[facet] = facetCounts(rest[i].facetDistribution, facet)));
    const pageTotal = first.totalHits ?? first.estimatedTotalHits ?? 0;
    const total = collapse ? Object.values(countSource.facetDistribution?.contract ?? {}).reduce((sum, n) => sum + n, 0) : pageTotal;
    const hits = first.hits.map((doc) => toHit(doc, query));
    if (collapse && total > pageTotal && hits.length > 0) await this.sizeGroups(query, now, q, hits);
    return { total, groups: pageTotal, hits, facets };
  }

  /** `positions` of the page's hits: the matching offers of each of their groups, counted in one request. */
  private async sizeGroups(query: SearchQuery, now: Date, q: string, hits: SearchHit[]): Promise<void> {
    const keys = hits.map((hit) => filterString(hit.duplicateKey)).join(', ');
    const response = (await this.client.index(this.options.index).search(q, {
      filter: [...buildFilter(query, now), `duplicateKey IN [${keys}]`] as Filter,
      limit: 0,
      facets: ['duplicateKey'],
    })) as unknown as MeiliResponse;
    const sizes = response.facetDistribution?.duplicateKey ?? {};
    for (const hit of hits) hit.positions = sizes[hit.duplicateKey] ?? 1;
  }

  async map(query: SearchQuery): Promise<MapPoint[]> {
    const response = (await this.client.index(this.options.index).search(analyze(query.text).words.join(' '), {
      filter: buildFilter(query, new Date()) as Filter,
      limit: 0,
      facets: ['insee'],
    })) as unknown as MeiliResponse;
    return Object.entries(response.facetDistribution?.insee ?? {})
      .filter(([, count]) => count > 0)
      .map(([insee, count]) => ({ insee, count }))
      .sort((a, b) => b.count - a.count || a.insee.localeCompare(b.insee));
  }

  async apply(tenantId: string, changes: IndexChanges): Promise<void> {
    await this.ensureIndex(this.options.index);
    const index = this.client.index<MeiliOfferDocument>(this.options.index);
    const documents = changes.upserts.map((source) => {
      if (source.tenantId !== tenantId) throw new Error(`document de ${source.tenantId} dans un lot de ${tenantId}`);
      return toDocument(source);
    });
    if (documents.length > 0) await this.succeeded(index.addDocuments(documents, { primaryKey: 'id' }).waitTask({ timeout: TASK_TIMEOUT_MS }));
    if (changes.removals.length > 0) {
      await this.succeeded(index.deleteDocuments(changes.removals.map((id) => offerDocumentId(tenantId, id))).waitTask({ timeout: TASK_TIMEOUT_MS }));
    }
  }

  /**
   * Everything: a new index is built beside the live one, then swapped in (searches never see a half
   * index) and the old one deleted. One tenant: its documents are replaced in place, then those not
   * rebuilt (offers no longer live) are deleted by `indexedAt`.
   */
  async rebuild(source: RebuildSource, options: { tenantId?: string; log?: (message: string) => void } = {}): Promise<number> {
    const log = options.log ?? (() => {});
    const started = new Date();
    if (options.tenantId) {
      await this.ensureIndex(this.options.index);
      const count = await this.fill(this.options.index, source, options.tenantId, started, log);
      const stale = [`tenantId = ${filterString(options.tenantId)}`, `indexedAt < ${seconds(started)}`];
      await this.succeeded(this.client.index(this.options.index).deleteDocuments({ filter: stale }).waitTask({ timeout: TASK_TIMEOUT_MS }));
      return count;
    }
    const next = `${this.options.index}_${started.getTime()}`;
    await this.ensureIndex(next);
    let count = 0;
    for (const tenantId of source.tenantIds()) count += await this.fill(next, source, tenantId, started, log);
    await this.ensureIndex(this.options.index);
    await this.succeeded(this.client.swapIndexes([{ indexes: [this.options.index, next], rename: false }]).waitTask({ timeout: TASK_TIMEOUT_MS }));
    await this.succeeded(this.client.deleteIndex(next).waitTask({ timeout: TASK_TIMEOUT_MS }));
    log(`index ${this.options.index} remplacé (${count} documents)`);
    return count;
  }

  async health(): Promise<boolean> {
    try {
      return await this.client.isHealthy();
    } catch {
      return false;
    }
  }

  /** Deletes the index (tests use throw-away index names). */
  async dropIndex(): Promise<void> {
    await this.client.deleteIndexIfExists(this.options.index);
    this.settingsApplied = false;
  }

  /**
   * Sends a tenant's live offers in batches (pages of the database read in id order). Meilisearch
   * applies its tasks in order, so the next batch is read and sent while earlier ones are indexed; at
   * most FILL_PENDING tasks wait at once, and every one must succeed. Progress is logged every few seconds.
   */
  private async fill(uid: string, source: RebuildSource, tenantId: string, now: Date, log: (message: string) => void): Promise<number> {
    let count = 0;
    const pending: Promise<void>[] = [];
    let reported = Date.now();
    for await (const page of source.pages(tenantId, FILL_BATCH)) {
      const documents = page.map((s) => toDocument(s, now));
      const task = this.client.index(uid).addDocuments(documents, { primaryKey: 'id' });
      const indexed = this.succeeded(task.waitTask({ timeout: TASK_TIMEOUT_MS * 5 }));
      // Awaited later (in order): marked as handled now, so an early failure is not an unhandled rejection.
      indexed.catch(() => {});
      pending.push(indexed);
      await task;
      if (pending.length >= FILL_PENDING) await pending.shift();
      count += documents.length;
      if (Date.now() - reported >= FILL_PROGRESS_MS) {
        reported = Date.now();
        log(`${tenantId} : ${count} offres envoyées à Meilisearch (${uid})`);
      }
    }
    await Promise.all(pending);
    log(`${tenantId} : ${count} offre(s) indexée(s) dans Meilisearch (${uid})`);
    return count;
  }

  private async ensureIndex(uid: string): Promise<void> {
    if (uid === this.options.index && this.settingsApplied) return;
    const exists = await this.client.getRawIndex(uid).then(
      () => true,
      (error: unknown) => {
        if ((error as { cause?: { code?: string } }).cause?.code === 'index_not_found') return false;
        throw error;
      },
    );
    if (!exists) await this.succeeded(this.client.createIndex(uid, { primaryKey: 'id' }).waitTask({ timeout: TASK_TIMEOUT_MS }));
    await this.succeeded(this.client.index(uid).updateSettings(INDEX_SETTINGS).waitTask({ timeout: TASK_TIMEOUT_MS * 5 }));
    if (uid === this.options.index) this.settingsApplied = true;
  }

  private async succeeded(task: Promise<{ status: string; error?: { message?: string; code?: string } | null; uid?: number }>): Promise<void> {
    const done = await task;
    if (done.status !== 'succeeded') {
      throw new Error(`tâche Meilisearch ${done.uid ?? ''} ${done.status} : ${done.error?.code ?? ''} ${done.error?.message ?? ''}`.trim());
    }
  }
}
