import type { Contract, Housing } from '../../db/database.js';
import type { TenantConfig } from '../../tenancy/tenant-config.js';
import { logoPath } from '../companies/logo.js';
import { companyPath, offerPath, sectorLabel } from './presenter.js';
import { formatDistance, formatHours, formatSalary, type CardWording, type SalaryUnit } from './wording.js';

/** What a result card shows of an offer, whichever query read it (search hit, company list, similar offers). */
export interface CardSource {
  id: string;
  title: string;
  companyName: string;
  companySlug: string;
  /** The logo's file id (it versions the URL), or null: the card shows the company's initials. */
  companyLogo: string | null;
  contract: Contract;
  workingTime: 'full_time' | 'part_time';
  hoursPerWeek: number | null;
  sector: string | null;
  housing: Housing;
  place: { name: string | null; postalCode: string | null };
  salary: { min: number | null; max: number | null; unit: SalaryUnit | null };
  publishedAt: Date;
  distanceKm?: number;
  /** How many live offers the card stands for (near-duplicates grouped by the search). */
  positions?: number;
}

/** The columns of an offer row (and its company's) a card is made from, as the card queries name them. */
export interface CardRow {
  id: string;
  title: string;
  company_name: string;
  company_slug: string;
  company_logo: string | null;
  contract: Contract;
  working_time: 'full_time' | 'part_time';
  sector: string | null;
  housing: Housing;
  place_name: string | null;
  postal_code: string | null;
  /** numeric columns: numbers from plain rows, possibly strings inside json_agg. */
  hours_per_week: number | string | null;
  salary_min: number | string | null;
  salary_max: number | string | null;
  salary_unit: SalaryUnit | null;
  published_at: Date | string | null;
}

const numberOrNull = (value: number | string | null) => (value === null ? null : Number(value));

/** A card's source from a row of any query that selects the card columns. */
export function cardFromRow(row: CardRow): CardSource {
  return {
    id: row.id,
    title: row.title,
    companyName: row.company_name,
    companySlug: row.company_slug,
    companyLogo: row.company_logo,
    contract: row.contract,
    workingTime: row.working_time,
    hoursPerWeek: numberOrNull(row.hours_per_week),
    sector: row.sector,
    housing: row.housing,
    place: { name: row.place_name, postalCode: row.postal_code },
    salary: { min: numberOrNull(row.salary_min), max: numberOrNull(row.salary_max), unit: row.salary_unit },
    publishedAt: new Date(row.published_at!),
  };
}

const MINOR_WORDS = new Set(['de', 'des', 'du', 'la', 'le', 'les', 'et', 'l', 'd', 'au', 'aux', 'en', 'sur', 'sa', 'sas', 'sarl']);

/** Two letters standing for a company without a logo: "Remontées mécaniques des Houches" → "RH". */
export function companyInitials(name: string): string {
  const words = name
    .split(/[\s'’-]+/)
    .map((word) => word.replace(/[^\p{L}\p{N}]/gu, ''))
    .filter((word) => word.length > 0 && !MINOR_WORDS.has(word.toLowerCase()));
  if (words.length === 0) return name.slice(0, 1).toUpperCase();
  const letters = words.length === 1 ? [words[0][0]] : [words[0][0], words[words.length - 1][0]];
  return letters.join('').toUpperCase();
}

/** The company logo's public URL, versioned by its file so that a new logo is not hidden by caches. */
export function companyLogoUrl(slug: string, logoFileId: string | null): string | null {
  return logoFileId ? `${logoPath(slug)}?v=${logoFileId.slice(0, 8)}` : null;
}

/**
 * The view model of the offer-card partial. `linkQuery` is appended to the offer's link (the place
 * chosen on the search page, so the offer page can say how far it is).
 */
export function offerCard(source: CardSource, config: TenantConfig, wording: CardWording, linkQuery = '') {
  const positions = source.positions ?? 1;
  return {
    id: source.id,
    url: `${offerPath(source.id)}${linkQuery}`,
    title: source.title,
    companyName: source.companyName,
    companyUrl: companyPath(source.companySlug),
    logoUrl: companyLogoUrl(source.companySlug, source.companyLogo),
    initials: companyInitials(source.companyName),
    placeName: source.place.name,
    postalCode: source.place.postalCode,
    distance: formatDistance(source.distanceKm, wording),
    contract: source.contract,
    workingTime: source.workingTime,
    hours: formatHours(source.hoursPerWeek, wording),
    salary: formatSalary(source.salary, wording),
    housing: source.housing === 'none' ? null : source.housing,
    sectorLabel: sectorLabel(config, source.sector),
    publishedAt: source.publishedAt,
    positions: positions > 1 ? positions : null,
    /** Set by the route for a signed-in candidate (the heart's state). */
    saved: false,
  };
}

export type OfferCard = ReturnType<typeof offerCard>;
