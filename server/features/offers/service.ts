import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { withTenant } from '../../db/tenant-db.js';
import { notFound } from '../../errors.js';
import { distanceKm, type LatLon } from '../../geo/distance.js';
import type { Tenant } from '../../tenancy/registry.js';
import { isUuid } from '../../ids.js';
import { sanitizeDescription } from './sanitize.js';
import { cardFromRow, companyInitials, companyLogoUrl, offerCard } from './card.js';
import { jobPosting } from './job-posting.js';
import { presentDetail } from './presenter.js';
import { countBySector, findNoLongerPublic, findPublishedById, listPublished, offerPlaces, relatedOffers } from './repository.js';
import { formatDistance, type CardWording } from './wording.js';

const LATEST_ON_HOME = 8;

export async function homePage(db: Kysely<Database>, tenant: Tenant, wording: CardWording) {
  return withTenant(db, tenant.id, async (t) => {
    const [latest, counts] = await Promise.all([listPublished(t, {}, { limit: LATEST_ON_HOME, offset: 0 }), countBySector(t)]);
    const countOf = new Map(counts.map((c) => [c.sector, c.count]));
    return {
      total: counts.reduce((sum, c) => sum + c.count, 0),
      latest: latest.rows.map((row) => offerCard(cardFromRow(row), tenant.config, wording)),
      // The tenant's taxonomy order, with the number of live offers in each.
      sectors: tenant.config.sectors.map((s) => ({ ...s, count: countOf.get(s.code) ?? 0 })),
    };
  });
}

/** Where the visitor searched from (the search page's place), to say how far the offer is. */
export interface ChosenPlace extends LatLon {
  insee: string;
  label: string;
}

/**
 * An offer's page: the offer while it is published and unexpired; one that was public and no longer
 * is comes back `closed` (the route answers 410 Gone, so search engines drop it, with a useful page);
 * unknown, draft or foreign ids answer 404. Beside it, in one query: its other posts (near-duplicates),
 * the company's other live offers and similar offers nearby.
 */
export async function offerPage(db: Kysely<Database>, tenant: Tenant, id: string, origin: string, wording: CardWording, from?: ChosenPlace) {
  if (!isUuid(id)) throw notFound();
  const found = await withTenant(db, tenant.id, async (t) => {
    const live = await findPublishedById(t, id);
    const row = live ?? (await findNoLongerPublic(t, id));
    if (!row) return undefined;
    return { row, closed: !live, related: await relatedOffers(t, id), places: await offerPlaces(t, id) };
  });
  if (!found) throw notFound();
  const { row, closed, related, places } = found;
  const cards = (relation: string) => related.filter((r) => r.relation === relation).map((r) => offerCard(cardFromRow(r), tenant.config, wording));
  const distance =
    from && row.latitude !== null && row.longitude !== null ? formatDistance(Math.round(distanceKm(from, { lat: row.latitude, lon: row.longitude }) * 10) / 10, wording) : null;
  return {
    offer: {
      ...presentDetail(tenant.config, row, wording, places),
      logoUrl: companyLogoUrl(row.company_slug, row.company_logo_file_id),
      initials: companyInitials(row.company_name),
      companyDescriptionHtml: row.company_description ? sanitizeDescription(row.company_description) : null,
      distance,
      from: distance ? from!.label : null,
      /** This offer and its near-duplicates ("3 postes"). */
      positions: related.filter((r) => r.relation === 'same_post').length + 1,
    },
    closed: closed
      ? { status: row.status === 'published' ? 'expired' : row.status, at: row.status === 'filled' || row.status === 'archived' ? row.updated_at : row.expires_at }
      : null,
    // A closed offer is not a job posting any more: no JSON-LD, so search engines do not list it.
    jsonLd: closed ? null : jobPosting(row, origin, tenant.config.name, places),
    samePost: cards('same_post'),
    companyOffers: cards('company'),
    similar: cards('similar'),
  };
}
