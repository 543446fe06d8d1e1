import type { Theme } from '../../tenancy/theme.js';
import type { Tenant } from '../../tenancy/registry.js';
import { offerPath } from '../offers/presenter.js';
import { FACETS, type FacetCount, type FacetName, type SearchHit } from './port.js';
import type { OffersApiResponse } from './schemas.js';

export type LabelledFacets = Record<FacetName, (FacetCount & { label: string })[]>;

/** Facet values with their French labels: the tenant's sector names, the strings file, department names. */
export function labelFacets(facets: Record<FacetName, FacetCount[]>, tenant: Tenant, theme: Theme, departments: Map<string, string>): LabelledFacets {
  const sectors = new Map(tenant.config.sectors.map((s) => [s.code, s.label]));
  const label: Record<FacetName, (value: string) => string> = {
    sector: (v) => sectors.get(v) ?? v,
    contract: (v) => theme.t(`contract.${v}`),
    housing: (v) => theme.t(`housing.${v}`),
    department: (v) => departments.get(v) ?? v,
  };
  return Object.fromEntries(FACETS.map((f) => [f, facets[f].map((c) => ({ ...c, label: label[f](c.value) }))])) as LabelledFacets;
}

export function apiHit(hit: SearchHit, origin: string): OffersApiResponse['hits'][number] {
  return {
    id: hit.id,
    title: hit.title,
    company: hit.companyName,
    contract: hit.contract,
    sector: hit.sector,
    housing: hit.housing,
    working_time: hit.workingTime,
    place: { name: hit.place.name, postal_code: hit.place.postalCode, insee: hit.place.insee, lat: hit.place.lat, lon: hit.place.lon },
    published_at: hit.publishedAt.toISOString(),
    url: `${origin}${offerPath(hit.id)}`,
    ...(hit.distanceKm === undefined ? {} : { distance_km: hit.distanceKm }),
    salary: hit.salary,
    hours_per_week: hit.hoursPerWeek,
    positions: hit.positions,
  };
}

export function placeLabel(place: { name: string; postalCode: string | null }): string {
  return place.postalCode ? `${place.name} (${place.postalCode})` : place.name;
}
