import type { TenantConfig } from '../../tenancy/tenant-config.js';
import type { ManagedOfferRow } from './manage-repository.js';
import { formatHours, formatSalary, type CardWording } from './wording.js';
import type { OfferPlaceRow, PublishedOfferRow } from './repository.js';
import type { OfferResource } from './schemas.js';

export function offerPath(id: string): string {
  return `/offres/${id}`;
}

export function companyPath(slug: string): string {
  return `/entreprises/${slug}`;
}

export function sectorLabel(config: TenantConfig, code: string | null): string | null {
  return config.sectors.find((s) => s.code === code)?.label ?? null;
}

/**
 * An offer's page (or the moderation review): the row, its links and pay written out. `places`: an offer
 * with several places (offer_places, shared-time jobs) lists them all; others show their one place.
 */
export function presentDetail(config: TenantConfig, row: PublishedOfferRow, wording: CardWording, places: OfferPlaceRow[] = []) {
  return {
    ...row,
    places: places.length > 1 ? places.map((p) => ({ name: p.place_name, postalCode: p.postal_code, label: p.label })) : undefined,
    url: offerPath(row.id),
    companyUrl: companyPath(row.company_slug),
    sectorLabel: sectorLabel(config, row.sector),
    salary: formatSalary({ min: row.salary_min, max: row.salary_max, unit: row.salary_unit }, wording),
    hours: formatHours(row.hours_per_week, wording),
  };
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** An offer as the JSON API returns it (every status; `url` only while it is public). */
export function offerResource(row: ManagedOfferRow, origin: string): OfferResource {
  const visible = row.status === 'published' && row.expires_at !== null && row.expires_at > new Date();
  return {
    id: row.id,
    company: { id: row.company_id, name: row.company_name, slug: row.company_slug },
    status: row.status,
    title: row.title,
    description_html: row.description_html,
    contract: row.contract,
    working_time: row.working_time,
    hours_per_week: row.hours_per_week,
    start_date: row.start_date,
    end_date: row.end_date,
    season: row.season,
    rome_code: row.rome_code,
    rome_label: row.rome_label,
    sector: row.sector,
    place: { insee: row.commune_insee, postal_code: row.postal_code, name: row.place_name, lat: row.latitude, lon: row.longitude },
    salary: { min: row.salary_min, max: row.salary_max, unit: row.salary_unit, currency: row.salary_currency },
    housing: row.housing,
    experience: row.experience,
    driving_licence: row.driving_licence,
    without_diploma: row.without_diploma,
    open_to_minors: row.open_to_minors,
    apply: { method: row.apply_method, url: row.apply_url, email: row.apply_email },
    job_nature: row.job_nature,
    export_consent: row.export_consent,
    published_at: iso(row.published_at),
    expires_at: iso(row.expires_at),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    url: visible ? `${origin}${offerPath(row.id)}` : null,
  };
}
