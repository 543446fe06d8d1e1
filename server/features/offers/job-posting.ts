import { CONTRACT_TERMS, SALARY_UNIT_TERMS, WORKING_TIME_TERMS } from '../../offer-fields/vocabulary.js';
import { logoPath } from '../companies/logo.js';
import type { OfferPlaceRow, PublishedOfferRow } from './repository.js';

/** schema.org employmentType values Google accepts: the contract's (offer-fields/vocabulary.ts) and the working time's. */
function employmentType(offer: PublishedOfferRow): string[] {
  const types = new Set(CONTRACT_TERMS[offer.contract].schemaOrg);
  types.add(WORKING_TIME_TERMS[offer.working_time].schemaOrg);
  return [...types];
}

function place(locality: string | null, postalCode: string | null, latitude: number | null, longitude: number | null) {
  return {
    '@type': 'Place',
    address: { '@type': 'PostalAddress', addressLocality: locality ?? undefined, postalCode: postalCode ?? undefined, addressCountry: 'FR' },
    ...(latitude !== null && longitude !== null ? { geo: { '@type': 'GeoCoordinates', latitude, longitude } } : {}),
  };
}

/**
 * schema.org JobPosting for Google for Jobs: required fields (title, description, datePosted,
 * hiringOrganization, jobLocation) and recommended ones (validThrough, employmentType, baseSalary,
 * identifier). directApply is left out while candidates cannot apply on the offer page itself.
 * An offer with several places (a shared-time job across its employers' sites) gives `jobLocation`
 * as a list of every place, as schema.org and Google allow.
 */
export function jobPosting(offer: PublishedOfferRow, origin: string, tenantName: string, places: OfferPlaceRow[] = []): Record<string, unknown> {
  const posting: Record<string, unknown> = {
    '@context': 'https://schema.org/',
    '@type': 'JobPosting',
    title: offer.title,
    description: offer.description_html,
    identifier: { '@type': 'PropertyValue', name: tenantName, value: offer.id },
    datePosted: offer.published_at?.toISOString(),
    validThrough: offer.expires_at?.toISOString(),
    employmentType: employmentType(offer),
    hiringOrganization: {
      '@type': 'Organization',
      name: offer.company_name,
      sameAs: offer.company_website ?? `${origin}/entreprises/${offer.company_slug}`,
      logo: offer.company_logo_file_id ? `${origin}${logoPath(offer.company_slug)}` : undefined,
    },
    jobLocation:
      places.length > 1
        ? places.map((p) => place(p.place_name, p.postal_code, p.latitude, p.longitude))
        : place(offer.place_name, offer.postal_code, offer.latitude, offer.longitude),
    url: `${origin}/offres/${offer.id}`,
  };
  if (offer.salary_min !== null || offer.salary_max !== null) {
    posting.baseSalary = {
      '@type': 'MonetaryAmount',
      currency: offer.salary_currency,
      value: {
        '@type': 'QuantitativeValue',
        ...(offer.salary_min !== null && offer.salary_max !== null && offer.salary_max !== offer.salary_min
          ? { minValue: offer.salary_min, maxValue: offer.salary_max }
          : { value: offer.salary_min ?? offer.salary_max }),
        unitText: SALARY_UNIT_TERMS[offer.salary_unit ?? 'month'].schemaOrg,
      },
    };
  }
  if (offer.rome_code) posting.occupationalCategory = `${offer.rome_code}${offer.rome_label ? ` ${offer.rome_label}` : ''}`;
  if (offer.start_date) posting.jobStartDate = offer.start_date;
  return posting;
}
