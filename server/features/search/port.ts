import type { Contract, EXPERIENCE_LEVELS, Housing, SALARY_UNITS } from '../../db/database.js';

/**
 * The search port. Two adapters: engines/postgres.ts (default, zero set-up) and engines/meilisearch.ts
 * (production). Features depend on this file only; service.ts picks the adapter from the config.
 */

export const FACETS = ['sector', 'contract', 'housing', 'department'] as const;
export type FacetName = (typeof FACETS)[number];

export const SORTS = ['relevance', 'date', 'distance'] as const;
export type SortOrder = (typeof SORTS)[number];

export interface GeoPoint {
  lat: number;
  lon: number;
}

export interface SearchQuery {
  /** Every query is for one tenant: engines must filter on it (Meilisearch) or run under its RLS (PostgreSQL). */
  tenantId: string;
  /** Raw user text; engines analyse it (server/features/search/text.ts). */
  text?: string;
  /** Facet filters, one value each; facet counts are computed without the facet's own filter. */
  filters: Partial<Record<FacetName, string>>;
  rome?: string;
  publishedWithinDays?: number;
  /** Alerts: only offers published in [publishedAfter, publishedBefore) (the digest's send window). */
  publishedAfter?: Date;
  publishedBefore?: Date;
  /** With radiusKm: only offers within it. Without: distances are still given and sortable. */
  near?: GeoPoint & { radiusKm?: number };
  /**
   * Only the offers of one commune (a map marker's list). Offers carry their commune's coordinates, so
   * PostgreSQL matches on those, which its covering indexes hold; Meilisearch on the INSEE code.
   */
  commune?: GeoPoint & { insee: string };
  /** Youth boards: "débutant accepté" (experience 'none'), "sans diplôme", "accessible aux mineurs". */
  beginnerWelcome?: boolean;
  withoutDiploma?: boolean;
  openToMinors?: boolean;
  /**
   * Near-duplicates (the same duplicate key, migration 0015) as one hit carrying `positions`; pages
   * count and cut groups (`SearchResult.groups`). Off: every offer is a hit (the API's default).
   */
  collapseDuplicates?: boolean;
  sort: SortOrder;
  page: number;
  perPage: number;
}

export interface SearchHit {
  id: string;
  title: string;
  companyName: string;
  companySlug: string;
  contract: Contract;
  workingTime: 'full_time' | 'part_time';
  sector: string | null;
  housing: Housing;
  season: string | null;
  place: { name: string | null; postalCode: string | null; insee: string | null; lat: number | null; lon: number | null };
  salary: { min: number | null; max: number | null; unit: (typeof SALARY_UNITS)[number] | null };
  hoursPerWeek: number | null;
  experience: (typeof EXPERIENCE_LEVELS)[number] | null;
  /** The company's logo file id (it versions the logo URL), or null: the card shows initials. */
  companyLogo: string | null;
  publishedAt: Date;
  /** Only when the query has `near`. */
  distanceKm?: number;
  /** Shared by near-duplicates (decimal string of a 64-bit hash). */
  duplicateKey: string;
  /** How many matching live offers this hit stands for: 1 unless the query collapses duplicates. */
  positions: number;
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface SearchResult {
  /** Matching offers. */
  total: number;
  /** What pages are cut from: groups of near-duplicates when the query collapses them, else `total`. */
  groups: number;
  hits: SearchHit[];
  facets: Record<FacetName, FacetCount[]>;
}

/** Matching offers of one commune, for the map (one marker per commune; the service adds name and coordinates). */
export interface MapPoint {
  insee: string;
  count: number;
}

/** What an external index stores for one live offer (built from the database by the outbox drainer). */
export interface OfferDocumentSource {
  id: string;
  tenantId: string;
  title: string;
  descriptionHtml: string;
  rome: string | null;
  trade: string | null;
  companyName: string;
  companySlug: string;
  contract: Contract;
  workingTime: 'full_time' | 'part_time';
  sector: string | null;
  housing: Housing;
  season: string | null;
  department: string | null;
  placeName: string | null;
  postalCode: string | null;
  insee: string | null;
  lat: number | null;
  lon: number | null;
  salaryMin: number | null;
  salaryMax: number | null;
  salaryUnit: SearchHit['salary']['unit'];
  hoursPerWeek: number | null;
  experience: SearchHit['experience'];
  withoutDiploma: boolean;
  openToMinors: boolean;
  companyLogo: string | null;
  duplicateKey: string;
  publishedAt: Date;
  expiresAt: Date;
}

export interface IndexChanges {
  /** Live offers to add or replace. */
  upserts: OfferDocumentSource[];
  /** Offers no longer live (unpublished, expired, deleted) to remove. */
  removals: string[];
}

export interface SearchEngine {
  readonly name: 'postgres' | 'meilisearch';
  /** True when the engine keeps its own copy of the offers, fed through the outbox. */
  readonly external: boolean;
  search(query: SearchQuery): Promise<SearchResult>;
  /** The matching offers counted per commune (page, sort and duplicates aside). */
  map(query: SearchQuery): Promise<MapPoint[]>;
  /** Applies changes of one tenant; resolves only once they are searchable (Meilisearch task succeeded). */
  apply(tenantId: string, changes: IndexChanges): Promise<void>;
  /** Rebuilds the index of every tenant (or one) from the database. Returns the number of documents. */
  rebuild(load: RebuildSource, options?: { tenantId?: string; log?: (message: string) => void }): Promise<number>;
  health(): Promise<boolean>;
  /** Prepares what these tenants' searches need, so that the first ones do not wait (the PostgreSQL engine loads its board indexes). */
  warm?(tenantIds: string[]): Promise<void>;
}

/** Streams the live offers of each tenant, in pages, for a rebuild. */
export interface RebuildSource {
  tenantIds(): string[];
  pages(tenantId: string, pageSize: number): AsyncIterable<OfferDocumentSource[]>;
}
