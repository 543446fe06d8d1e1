import type { Contract, Housing } from '../../db/database.js';

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
  publishedAt: Date;
  /** Only when the query has `near`. */
  distanceKm?: number;
}

export interface FacetCount {
  value: string;
  count: number;
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
  facets: Record<FacetName, FacetCount[]>;
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
  /** Applies changes of one tenant; resolves only once they are searchable (Meilisearch task succeeded). */
  apply(tenantId: string, changes: IndexChanges): Promise<void>;
  /** Rebuilds the index of every tenant (or one) from the database. Returns the number of documents. */
  rebuild(load: RebuildSource, options?: { tenantId?: string; log?: (message: string) => void }): Promise<number>;
  health(): Promise<boolean>;
}

/** Streams the live offers of each tenant, in pages, for a rebuild. */
export interface RebuildSource {
  tenantIds(): string[];
  pages(tenantId: string, pageSize: number): AsyncIterable<OfferDocumentSource[]>;
}
