import type { TenantConfig } from '../../tenancy/tenant-config.js';
import type { OfferSummaryRow, PublishedOfferRow } from './repository.js';

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
