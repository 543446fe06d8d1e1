import type { TenantConfig } from '../../tenancy/tenant-config.js';
import type { ManagedOfferRow } from './manage-repository.js';
import type { OfferSummaryRow, PublishedOfferRow } from './repository.js';
import type { OfferResource } from './schemas.js';

const euros = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });

export function offerPath(id: string): string {
  return `/offres/${id}`;
}

export function companyPath(slug: string): string {
  return `/entreprises/${slug}`;
}

export function sectorLabel(config: TenantConfig, code: string | null): string | null {
  return config.sectors.find((s) => s.code === code)?.label ?? null;
}

/** "1 800 – 2 100 €", "à partir de 12 €", or null when the offer gives no figure. */
export function salaryRange(min: number | null, max: number | null): string | null {
  if (min !== null && max !== null && max !== min) return `${euros.format(min)} – ${euros.format(max)} €`;
  if (min !== null) return `${euros.format(min)} €`;
  if (max !== null) return `jusqu’à ${euros.format(max)} €`;
  return null;
}

export function presentSummary(config: TenantConfig, row: OfferSummaryRow) {
  return {
    ...row,
    url: offerPath(row.id),
    companyUrl: companyPath(row.company_slug),
    sectorLabel: sectorLabel(config, row.sector),
  };
}

export function presentDetail(config: TenantConfig, row: PublishedOfferRow) {
  return {
    ...row,
    url: offerPath(row.id),
    companyUrl: companyPath(row.company_slug),
    sectorLabel: sectorLabel(config, row.sector),
    salary: salaryRange(row.salary_min, row.salary_max),
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
