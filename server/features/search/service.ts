import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { Database } from '../../db/database.js';
import { withTenant } from '../../db/tenant-db.js';
import { AppError } from '../../errors.js';
import type { Tenant } from '../../tenancy/registry.js';
import type { Theme } from '../../tenancy/theme.js';
import { CONTRACTS, HOUSING } from '../../db/database.js';
import { MeilisearchEngine } from './engines/meilisearch.js';
import { PostgresSearchEngine } from './engines/postgres.js';
import { type FacetName, type MapPoint, type RebuildSource, type SearchEngine, type SearchQuery, type SearchResult } from './port.js';
import { offerCard } from '../offers/card.js';
import { apiHit, labelFacets, placeLabel } from './presenter.js';
import {
  claimOutbox,
  completeOutbox,
  departmentNames,
  discardOutbox,
  failOutbox,
  findCommune,
  findCommunes,
  findPlaces,
  foldSearchChanges,
  liveDocumentPage,
  liveDocuments,
  outboxBacklog,
  type OutboxClaim,
  type PlaceRow,
} from './repository.js';
import {
  DEFAULT_RADIUS_KM,
  PAGE_SORTS,
  PUBLISHED_WITHIN,
  RADII_KM,
  type OffersApiQuery,
  type OffersApiResponse,
  type PlacesApiQuery,
  type SearchPageQuery,
  YOUTH_FILTERS,
} from './schemas.js';

/** What the service logs through (a Fastify/pino logger, or a script's console adapter). */
export interface SearchLogger {
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

/** The one place that turns the configuration into an engine. */
export function createSearchEngine(config: Config, db: Kysely<Database>): SearchEngine {
  const meili = config.search.meilisearch;
  if (config.search.engine === 'meilisearch' && meili) return new MeilisearchEngine(meili);
  return new PostgresSearchEngine(db, config.search.cache);
}

/** After a failure of the external engine, searches go to PostgreSQL for this long before it is tried again. */
const RETRY_PRIMARY_AFTER_MS = 15_000;
const OUTBOX_BATCH = 500;
/** Communes kept in memory once looked up (France has about 35 000). */
const COMMUNES_KEPT = 40_000;
const OUTBOX_LEASE_SECONDS = 120;
const MAX_BACKOFF_SECONDS = 30;

export interface SearchOutcome extends SearchResult {
  /** The engine that answered: PostgreSQL when the external engine is down (degraded). */
  engine: SearchEngine['name'];
  degraded: boolean;
}

export interface DrainReport {
  indexed: number;
  removed: number;
  failed: number;
}

/** Exponential backoff for outbox rows: 1 s, 2 s, 4 s… at most 30 s (so a backlog clears soon after a recovery), ±20 %. */
export function outboxBackoffSeconds(attempts: number, random = Math.random): number {
  const base = Math.min(MAX_BACKOFF_SECONDS, 2 ** Math.max(0, attempts - 1));
  return Math.max(1, Math.round(base * (0.8 + random() * 0.4)));
}

/**
 * Search for the routes and the worker: queries go to the configured engine, falling back to
 * PostgreSQL (always up to date, thanks to the triggers) when an external engine fails; the outbox is
 * drained into the external engine with retries.
 */
export class SearchService {
  private primaryDownUntil = 0;
  private departments?: Promise<Map<string, string>>;
  private readonly communes = new Map<string, PlaceRow>();

  constructor(
    private readonly db: Kysely<Database>,
    readonly engine: SearchEngine,
    private readonly fallback: SearchEngine | null,
    private readonly log: SearchLogger,
  ) {}

  async search(query: SearchQuery): Promise<SearchOutcome> {
    if (!this.fallback || Date.now() < this.primaryDownUntil) {
      const engine = this.fallback ?? this.engine;
      return { ...(await engine.search(query)), engine: engine.name, degraded: this.fallback !== null };
    }
    try {
      return { ...(await this.engine.search(query)), engine: this.engine.name, degraded: false };
    } catch (error) {
      this.primaryDownUntil = Date.now() + RETRY_PRIMARY_AFTER_MS;
      this.log.error({ err: error, engine: this.engine.name }, 'search engine failed, answering from PostgreSQL');
      return { ...(await this.fallback.search(query)), engine: this.fallback.name, degraded: true };
    }
  }

  /** Matching offers per commune, for the map; the same fallback as search when the external engine fails. */
  async map(query: SearchQuery): Promise<MapPoint[]> {
    if (!this.fallback || Date.now() < this.primaryDownUntil) return (this.fallback ?? this.engine).map(query);
    try {
      return await this.engine.map(query);
    } catch (error) {
      this.primaryDownUntil = Date.now() + RETRY_PRIMARY_AFTER_MS;
      this.log.error({ err: error, engine: this.engine.name }, 'search engine failed, answering from PostgreSQL');
      return this.fallback.map(query);
    }
  }

  /** Name, postal code and coordinates of communes (reference data), by INSEE code. */
  async communesByInsee(codes: string[]): Promise<Map<string, PlaceRow>> {
    return new Map((await findCommunes(this.db, codes)).map((c) => [c.insee, c]));
  }

  /** For /readyz: null when the engine is PostgreSQL itself (the database check covers it). */
  async externalHealth(): Promise<{ engine: string; up: boolean } | null> {
    if (!this.engine.external) return null;
    const up = await this.engine.health();
    if (up && Date.now() < this.primaryDownUntil) this.primaryDownUntil = 0;
    return { engine: this.engine.name, up };
  }

  places(text: string, limit = 10): Promise<PlaceRow[]> {
    return findPlaces(this.db, text, limit);
  }

  /** A commune by INSEE code. Reference data: kept once found (bounded), so a search near a place costs no query for it. */
  async commune(insee: string): Promise<PlaceRow | undefined> {
    const known = this.communes.get(insee);
    if (known) return known;
    const found = await findCommune(this.db, insee);
    if (found) {
      if (this.communes.size >= COMMUNES_KEPT) this.communes.clear();
      this.communes.set(insee, found);
    }
    return found;
  }

  /** A place typed by a person: an INSEE code, a postal code, "Chamonix-Mont-Blanc (74400)" or a name. */
  async resolvePlace(text: string): Promise<PlaceRow | undefined> {
    const typed = text.trim();
    if (/^[0-9][0-9AB][0-9]{3}$/.test(typed)) {
      const byInsee = await this.commune(typed);
      if (byInsee) return byInsee;
    }
    const labelled = /^(.*\S)\s*\((\d{5})\)$/.exec(typed);
    if (labelled) {
      const candidates = await this.places(labelled[1], 20);
      return candidates.find((p) => p.postalCode === labelled[2]) ?? candidates[0];
    }
    return (await this.places(typed, 1))[0];
  }

  /** Department code → name (reference data, read once). */
  departmentNames(): Promise<Map<string, string>> {
    this.departments ??= departmentNames(this.db).catch((error: unknown) => {
      this.departments = undefined;
      throw error;
    });
    return this.departments;
  }

  /**
   * Sends the tenant's pending offer changes to the external engine. A row goes only once the engine
   * has applied it; on failure the rows stay, due again after a backoff. With PostgreSQL as the engine
   * there is nothing to send and the rows are discarded.
   */
  async drainOutbox(tenantId: string, maxBatches = 20): Promise<DrainReport> {
    const report: DrainReport = { indexed: 0, removed: 0, failed: 0 };
    // Housekeeping of the cache generations (repository.ts), on the same beat.
    await withTenant(this.db, tenantId, (t) => foldSearchChanges(t));
    if (!this.engine.external) {
      report.removed = await withTenant(this.db, tenantId, (t) => discardOutbox(t));
      return report;
    }
    for (let batch = 0; batch < maxBatches; batch++) {
      const claims = await withTenant(this.db, tenantId, (t) => claimOutbox(t, OUTBOX_BATCH, OUTBOX_LEASE_SECONDS));
      if (claims.length === 0) break;
      const upserts = await withTenant(this.db, tenantId, (t) => liveDocuments(t, claims.map((c) => c.offerId)));
      const live = new Set(upserts.map((d) => d.id));
      const removals = claims.map((c) => c.offerId).filter((id) => !live.has(id));
      try {
        await this.engine.apply(tenantId, { upserts, removals });
      } catch (error) {
        await this.release(tenantId, claims, error);
        report.failed += claims.length;
        break;
      }
      await withTenant(this.db, tenantId, (t) => completeOutbox(t, claims));
      report.indexed += upserts.length;
      report.removed += removals.length;
    }
    return report;
  }

  private async release(tenantId: string, claims: OutboxClaim[], error: unknown): Promise<void> {
    const attempts = Math.max(...claims.map((c) => c.attempts));
    const retryIn = outboxBackoffSeconds(attempts);
    const message = error instanceof Error ? error.message : String(error);
    this.log.warn({ err: error, tenant: tenantId, rows: claims.length, retryIn }, 'search outbox: engine unavailable, will retry');
    await withTenant(this.db, tenantId, (t) => failOutbox(t, claims, message, retryIn));
  }

  async backlog(tenantId: string): Promise<{ pending: number; oldest: Date | null }> {
    return withTenant(this.db, tenantId, (t) => outboxBacklog(t));
  }

  /** Loads what searches need ahead of the first search (main.ts calls it once listening). */
  async warm(tenantIds: string[]): Promise<void> {
    await this.engine.warm?.(tenantIds);
  }

  /** Rebuilds the engine's index from the database (npm run search:reindex). */
  rebuild(tenantIds: string[], options: { tenantId?: string; log?: (message: string) => void } = {}): Promise<number> {
    return this.engine.rebuild(this.rebuildSource(tenantIds), options);
  }

  private rebuildSource(tenantIds: string[]): RebuildSource {
    const db = this.db;
    return {
      tenantIds: () => tenantIds,
      async *pages(tenantId: string, pageSize: number) {
        let after: string | null = null;
        for (;;) {
          const page = await withTenant(db, tenantId, (t) => liveDocumentPage(t, after, pageSize));
          if (page.length === 0) return;
          yield page;
          after = page[page.length - 1].id;
        }
      },
    };
  }
}

/** Checks that need the database (unknown commune) or several parameters together; 400 naming the parameter. */
export function invalidParameter(name: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', 400, { [name]: message });
}

// ---------------------------------------------------------------------------------------------------
// The query API and the search page: parameters → SearchQuery → response.

/** GET /api/v1/offers */
export async function offersApi(service: SearchService, tenant: Tenant, theme: Theme, params: OffersApiQuery, origin: string): Promise<{ body: OffersApiResponse; engine: string }> {
  let near: SearchQuery['near'];
  if (params.near) {
    const [lat, lon] = params.near.includes(',') ? params.near.split(',').map(Number) : [NaN, NaN];
    if (!params.near.includes(',')) {
      const commune = await service.commune(params.near);
      if (!commune) throw invalidParameter('near', 'commune inconnue (code INSEE attendu, ex. 74056)');
      near = { lat: commune.lat, lon: commune.lon };
    } else if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      throw invalidParameter('near', 'coordonnées hors limites (lat entre -90 et 90, lon entre -180 et 180)');
    } else {
      near = { lat, lon };
    }
    if (params.radius_km) near.radiusKm = params.radius_km;
  } else if (params.radius_km) {
    throw invalidParameter('radius_km', 'exige le paramètre near');
  }
  if (params.sort === 'distance' && !near) throw invalidParameter('sort', 'le tri par distance exige le paramètre near');
  const page = params.page ?? 1;
  const perPage = params.per_page ?? 20;
  const result = await service.search({
    tenantId: tenant.id,
    text: params.q,
    filters: { sector: params.sector, contract: params.contract, housing: params.housing, department: params.department },
    rome: params.rome?.toUpperCase(),
    publishedWithinDays: params.published_within_days,
    near,
    beginnerWelcome: params.beginner_welcome,
    withoutDiploma: params.without_diploma,
    openToMinors: params.open_to_minors,
    collapseDuplicates: params.group_duplicates,
    sort: params.sort ?? 'relevance',
    page,
    perPage,
  });
  return {
    engine: result.engine,
    body: {
      total: result.total,
      groups: result.groups,
      page,
      per_page: perPage,
      hits: result.hits.map((hit) => apiHit(hit, origin)),
      facets: labelFacets(result.facets, tenant, theme, await service.departmentNames()),
    },
  };
}

/** GET /api/v1/places */
export async function placesApi(service: SearchService, params: PlacesApiQuery) {
  const places = await service.places(params.q, params.limit ?? 10);
  return {
    places: places.map((p) => ({ insee: p.insee, name: p.name, postal_code: p.postalCode, department: p.department, lat: p.lat, lon: p.lon, label: placeLabel(p) })),
  };
}

export const PAGE_SIZE = 20;
const PAGE_PARAMS = ['q', 'secteur', 'contrat', 'logement', 'departement', 'metier', 'lieu', 'rayon', 'publiee', 'commune', 'debutant', 'sans-diplome', 'mineurs', 'tri'] as const;

/** /offres?… with the given parameters, in a stable order (shareable, cache-friendly URLs). */
export function searchPageUrl(params: SearchPageQuery, page = 1, path = '/offres'): string {
  const search = new URLSearchParams();
  for (const name of PAGE_PARAMS) {
    const value = params[name];
    if (value !== undefined && value !== '') search.set(name, String(value));
  }
  if (page > 1) search.set('page', String(page));
  const qs = search.toString();
  return `${path}${qs ? `?${qs}` : ''}`;
}

/** The page's parameters resolved into a SearchQuery (a place typed by a person, the commune of a map marker). */
async function pageQuery(service: SearchService, tenant: Tenant, raw: SearchPageQuery) {
  const params: SearchPageQuery = { ...raw, q: raw.q?.trim() || undefined, lieu: raw.lieu?.trim() || undefined };
  const place = params.lieu ? await service.resolvePlace(params.lieu) : undefined;
  const commune = params.commune ? await service.commune(params.commune) : undefined;
  if (params.commune && !commune) throw invalidParameter('commune', 'commune inconnue (code INSEE attendu, ex. 74056)');
  const radius = params.rayon ?? DEFAULT_RADIUS_KM;
  const requestedSort = PAGE_SORTS[params.tri ?? 'pertinence'];
  const filters: Partial<Record<FacetName, string>> = {
    sector: params.secteur,
    contract: params.contrat,
    housing: tenant.config.features.housingFilter ? params.logement : undefined,
    department: params.departement,
  };
  const query: SearchQuery = {
    tenantId: tenant.id,
    text: params.q,
    filters,
    rome: params.metier?.toUpperCase(),
    publishedWithinDays: params.publiee,
    near: place ? { lat: place.lat, lon: place.lon, radiusKm: radius } : undefined,
    commune: commune ? { insee: commune.insee, lat: commune.lat, lon: commune.lon } : undefined,
    beginnerWelcome: params.debutant === 'oui',
    withoutDiploma: params['sans-diplome'] === 'oui',
    openToMinors: params.mineurs === 'oui',
    collapseDuplicates: true,
    sort: requestedSort === 'distance' && !place ? 'relevance' : requestedSort,
    page: params.page ?? 1,
    perPage: PAGE_SIZE,
  };
  return { params, place, commune, radius, query };
}

/** The active filters of the search page as removable chips: a label, and the URL without that filter. */
function filterChips(
  canonical: SearchPageQuery,
  labels: { sector?: string; contract?: string; housing?: string; department?: string; commune?: string; place?: string },
  theme: Theme,
) {
  const chip = (label: string, without: (keyof SearchPageQuery)[]) => {
    const rest: SearchPageQuery = { ...canonical };
    for (const name of without) delete rest[name];
    return { label, url: searchPageUrl(rest) };
  };
  const chips = [];
  if (canonical.q) chips.push(chip(theme.t('search.chip.text', { text: canonical.q }), ['q']));
  if (canonical.lieu && labels.place) chips.push(chip(theme.t('search.chip.place', { place: labels.place, km: canonical.rayon ?? DEFAULT_RADIUS_KM }), ['lieu', 'rayon', 'tri']));
  if (canonical.commune) chips.push(chip(theme.t('search.chip.commune', { place: labels.commune ?? canonical.commune }), ['commune']));
  if (canonical.secteur) chips.push(chip(labels.sector ?? canonical.secteur, ['secteur']));
  if (canonical.contrat) chips.push(chip(labels.contract ?? canonical.contrat, ['contrat']));
  if (canonical.logement && labels.housing) chips.push(chip(labels.housing, ['logement']));
  if (canonical.departement) chips.push(chip(labels.department ?? canonical.departement, ['departement']));
  if (canonical.metier) chips.push(chip(theme.t('search.trade', { code: canonical.metier }), ['metier']));
  if (canonical.publiee) chips.push(chip(theme.t(`search.publishedWithin.${canonical.publiee}`), ['publiee']));
  for (const filter of YOUTH_FILTERS) if (canonical[filter.param]) chips.push(chip(theme.t(filter.label), [filter.param]));
  return chips;
}

/** The chosen filters among those the page folds away on phones (all but the words and the place). */
function moreFilters(params: SearchPageQuery): number {
  const folded = [params.secteur, params.contrat, params.logement, params.departement, params.publiee, params.tri, ...YOUTH_FILTERS.map((f) => params[f.param])];
  return folded.filter((value) => value !== undefined && value !== 'pertinence').length;
}

/** GET /offres: results, facet counts next to each choice, place + radius, sort, chips and pagination. */
export async function searchPage(service: SearchService, tenant: Tenant, theme: Theme, raw: SearchPageQuery) {
  const { params, place, commune, radius, query } = await pageQuery(service, tenant, raw);
  const page = query.page;
  const { filters } = query;
  const housingFilter = tenant.config.features.housingFilter;
  const result = await service.search(query);
  const departmentNames = await service.departmentNames();
  const facets = labelFacets(result.facets, tenant, theme, departmentNames);
  const countOf = (facet: FacetName) => new Map(facets[facet].map((c) => [c.value, c]));
  // Each choice with the number of offers it leaves; choices that leave none stay visible but disabled.
  const choices = (facet: FacetName, values: { value: string; label: string }[]) => {
    const counts = countOf(facet);
    return values.map(({ value, label }) => {
      const count = counts.get(value)?.count ?? 0;
      const selected = filters[facet] === value;
      return { value, label, count, selected, disabled: count === 0 && !selected };
    });
  };
  const departments = facets.department.map((d) => ({ value: d.value, label: `${d.value} – ${d.label}` }));
  if (params.departement && !departments.some((d) => d.value === params.departement)) {
    departments.push({ value: params.departement, label: `${params.departement} – ${departmentNames.get(params.departement) ?? ''}` });
  }
  departments.sort((a, b) => a.value.localeCompare(b.value));
  // Pages are cut from cards: a group of near-duplicates is one card.
  const pageCount = Math.max(1, Math.ceil(Math.min(result.groups, 500 * PAGE_SIZE) / PAGE_SIZE));
  const canonical: SearchPageQuery = { ...params, lieu: place ? placeLabel(place) : params.lieu, rayon: place ? radius : undefined, page: undefined };
  const youth = tenant.config.kind === 'youth';
  const sectorLabel = tenant.config.sectors.find((s) => s.code === params.secteur)?.label;
  const chips = filterChips(
    canonical,
    {
      sector: sectorLabel,
      contract: params.contrat && theme.t(`contract.${params.contrat}`),
      housing: housingFilter && params.logement ? theme.t(`housing.${params.logement}`) : undefined,
      department: departments.find((d) => d.value === params.departement)?.label,
      commune: commune ? placeLabel(commune) : undefined,
      place: place ? placeLabel(place) : undefined,
    },
    theme,
  );
  // The offer pages say how far they are from the chosen place.
  const linkQuery = place ? `?depuis=${place.insee}` : '';
  return {
    total: result.total,
    groups: result.groups,
    degraded: result.degraded,
    offers: result.hits.map((hit) => offerCard(hit, tenant.config, theme, linkQuery)),
    filtered: chips.length > 0,
    chips,
    form: {
      q: params.q ?? '',
      lieu: canonical.lieu ?? '',
      metier: params.metier ?? '',
      commune: params.commune ?? '',
      placeNotFound: Boolean(params.lieu && !place),
      // Filters folded under "Plus de filtres": how many are chosen (they open when one is).
      moreCount: moreFilters(params),
      moreOpen: moreFilters(params) > 0,
      place: place ? placeLabel(place) : null,
      sectors: choices('sector', tenant.config.sectors.map((s) => ({ value: s.code, label: s.label }))),
      contracts: choices('contract', CONTRACTS.map((c) => ({ value: c, label: theme.t(`contract.${c}`) }))),
      housing: housingFilter ? choices('housing', HOUSING.map((h) => ({ value: h, label: theme.t(`housing.${h}`) }))) : null,
      departments: choices('department', departments),
      radii: RADII_KM.map((km) => ({ value: km, selected: km === radius })),
      published: PUBLISHED_WITHIN.map((days) => ({ value: days, label: theme.t(`search.publishedWithin.${days}`), selected: params.publiee === days })),
      // The youth boards' profile filters (every board accepts them; youth boards show them).
      youth: youth ? YOUTH_FILTERS.map((f) => ({ name: f.param, label: theme.t(f.label), checked: params[f.param] === 'oui' })) : null,
      sorts: (Object.keys(PAGE_SORTS) as (keyof typeof PAGE_SORTS)[]).map((value) => ({
        value,
        label: theme.t(`search.sort.${value}`),
        selected: (params.tri ?? 'pertinence') === value,
        disabled: value === 'distance' && !place,
      })),
    },
    pagination: {
      current: page,
      count: pageCount,
      previous: page > 1 ? searchPageUrl(canonical, page - 1) : null,
      next: page < pageCount ? searchPageUrl(canonical, page + 1) : null,
    },
    shareUrl: searchPageUrl(canonical, page),
    // The map's markers for the same filters (map.js), when the deployment has map tiles.
    mapDataUrl: searchPageUrl(canonical, 1, '/offres/carte.json'),
    // The same filters, saved as an e-mail alert (features/alerts).
    alertUrl: searchPageUrl({ ...canonical, tri: undefined, publiee: undefined }).replace(/^\/offres/, '/alertes/nouvelle'),
  };
}

/**
 * GET /offres/carte.json: the map's markers, one per commune with matching offers (the same filters as
 * the list), each with the count and the link to the list of that commune's offers.
 */
export async function searchMap(service: SearchService, tenant: Tenant, raw: SearchPageQuery) {
  const { params, place, radius, query } = await pageQuery(service, tenant, raw);
  const points = await service.map(query);
  const communes = await service.communesByInsee(points.map((p) => p.insee));
  const canonical: SearchPageQuery = { ...params, lieu: place ? placeLabel(place) : params.lieu, rayon: place ? radius : undefined, page: undefined, tri: undefined };
  const markers = points.flatMap((point) => {
    const commune = communes.get(point.insee);
    if (!commune) return [];
    return [{ insee: point.insee, name: commune.name, label: placeLabel(commune), lat: commune.lat, lon: commune.lon, count: point.count, url: searchPageUrl({ ...canonical, commune: point.insee }) }];
  });
  return { total: markers.reduce((sum, m) => sum + m.count, 0), markers };
}
