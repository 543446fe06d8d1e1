import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { withTenant } from '../../db/tenant-db.js';
import { rowsOf } from '../../offer-fields/field-map.js';
import { CONTRACT_TERMS } from '../../offer-fields/vocabulary.js';
import type { Tenant } from '../../tenancy/registry.js';
import { tenantToday } from '../memberships/can-publish.js';
import { descriptionText } from '../offers/sanitize.js';
import { writeAggregatorXml } from './formats/aggregator-xml.js';
import { writePartnerFile } from './formats/delimited.js';
import { formatValue, monthsBetween, type ExportValues } from './formats/values.js';
import { romeMatcher } from './import-service.js';
import * as repo from './repository.js';
import type { RomeMatcher } from './rome-matcher.js';

/**
 * The board's offers going out, each only when its employer agreed (offers.export_consent):
 * the aggregator XML feed of the tenant (rebuilt at most every few minutes) and France Travail's
 * partner file (one a day, with creation, modification and deletion movements). Both are written
 * through the field map (offer-fields/field-map.ts) by the format writers.
 */

/** The aggregator feed is served from its last build while younger than this. */
export const AGGREGATOR_MAX_AGE_MS = 5 * 60_000;
/** Description length France Travail accepts. */
const PARTNER_DESCRIPTION_MAX = 4_000;
/** Daily files kept for download. */
const FILES_KEPT_DAYS = 30;

/** A description as one line of text, its paragraphs and list items kept apart (France Travail has no markup). */
export function plainDescription(html: string): string {
  return descriptionText(html.replace(/<\/(p|li|h[1-6]|blockquote)>|<br\s*\/?>/gi, '$& '));
}

/** An offer as the export formats name its fields. */
export function exportValues(offer: repo.ExportOfferRow, tenant: Tenant, origin: string): ExportValues {
  const sector = tenant.config.sectors.find((s) => s.code === offer.sector)?.label ?? null;
  const hasTerm = offer.contract === 'cdd' || offer.contract === 'seasonal' || offer.contract === 'apprenticeship';
  return {
    reference: offer.id,
    partner_key: `CORDEE_${tenant.id.toUpperCase().replace(/-/g, '_')}`.slice(0, 50),
    partner_name: tenant.config.name.slice(0, 50),
    offer_url: `${origin}/offres/${offer.id}`,
    title: offer.title,
    description_html: offer.description_html,
    rome_code: offer.rome_code,
    contract: offer.contract,
    contract_nature: offer.contract,
    working_time: offer.working_time,
    hours_per_week: offer.hours_per_week,
    start_date: offer.start_date,
    end_date: offer.end_date,
    contract_months: hasTerm && offer.start_date && offer.end_date ? monthsBetween(offer.start_date, offer.end_date) : null,
    commune_insee: offer.commune_insee,
    postal_code: offer.postal_code,
    place_name: offer.place_name,
    department: offer.department_code,
    country: 'FR',
    latitude: offer.latitude,
    longitude: offer.longitude,
    sector,
    salary_min: offer.salary_min,
    salary_max: offer.salary_max,
    salary_unit: offer.salary_min !== null || offer.salary_max !== null ? offer.salary_unit : null,
    salary_currency: offer.salary_min !== null || offer.salary_max !== null ? offer.salary_currency : null,
    housing: offer.housing,
    experience: offer.experience,
    driving_licence: offer.driving_licence,
    apply_url: offer.apply_method === 'url' ? offer.apply_url : offer.apply_method === 'platform' ? `${origin}/offres/${offer.id}/candidater` : null,
    apply_email: offer.apply_method === 'email' ? offer.apply_email : null,
    published_at: offer.published_at,
    updated_at: offer.updated_at,
    expires_at: offer.expires_at,
    company_name: offer.company_name,
    company_siret: offer.company_siret,
    company_naf: offer.company_naf?.replace('.', '') ?? null,
    positions: 1,
    export_consent: offer.export_consent,
  };
}

// Aggregator feed

/** Builds and stores the tenant's aggregator feed now. */
export async function buildAggregatorFeed(db: Kysely<Database>, tenant: Tenant, origin: string, now = new Date()) {
  return withTenant(db, tenant.id, async (t) => {
    await repo.lockExports(t, 'aggregator_xml');
    const offers = await repo.listExportableOffers(t);
    const content = writeAggregatorXml(
      { publisher: tenant.config.name, publisherUrl: origin, lastBuildDate: now },
      offers.map((offer) => exportValues(offer, tenant, origin)),
    );
    return repo.replaceAggregatorExport(t, { generated_on: tenantToday(tenant, now), content, offer_count: offers.length, summary: JSON.stringify({ origin }) });
  });
}

/** The feed as served: its last build while fresh and made for this origin, else a new build. */
export async function aggregatorFeed(db: Kysely<Database>, tenant: Tenant, origin: string, now = new Date()) {
  const last = await withTenant(db, tenant.id, (t) => repo.latestExport(t, 'aggregator_xml'));
  const fresh = last && now.getTime() - last.created_at.getTime() < AGGREGATOR_MAX_AGE_MS && last.summary.origin === origin;
  return fresh ? last : buildAggregatorFeed(db, tenant, origin, now);
}

// France Travail partner file

export interface SkippedOffer {
  id: string;
  title: string;
  reason: string;
}

export interface FranceTravailSummary {
  created: number;
  modified: number;
  deleted: number;
  skipped: SkippedOffer[];
}

/** Why an offer cannot go to France Travail (strings keys `feeds.franceTravail.skip.*`), or its OGR appellation. */
function franceTravailFit(offer: repo.ExportOfferRow, matcher: RomeMatcher): { ogr: number; label: string } | { skip: string } {
  if (CONTRACT_TERMS[offer.contract].franceTravail === null) return { skip: 'contract' };
  if (!offer.commune_insee) return { skip: 'place' };
  // The job title code is mandatory: the appellation of the offer's ROME code its title names best, else the ROME code's main one.
  const guess = offer.rome_code ? matcher.match(offer.title, offer.rome_code) : matcher.match(offer.title);
  const appellation = guess ? matcher.appellation(guess.ogr) : offer.rome_code ? matcher.mainAppellation(offer.rome_code) : undefined;
  if (!appellation) return { skip: 'rome' };
  return { ogr: appellation.ogr, label: appellation.label };
}

/** The cells of a partner line (movement aside): what decides between « modified » and « unchanged ». */
const lineHash = (values: ExportValues) =>
  createHash('sha256')
    .update(JSON.stringify(rowsOf('partnerFile').filter((row) => row.field !== 'movement' && row.field !== 'updated_at').map((row) => formatValue(row, 'partnerFile', values))))
    .digest('hex');

/**
 * The day's France Travail file for a tenant, made once (a second call the same day returns it):
 * every public offer whose employer agreed, C the first time France Travail receives it and M after;
 * S once for an offer sent before that is no longer public or no longer agreed (with the consent flag
 * N when the employer withdrew it, and no content). Offers France Travail cannot take (an internship,
 * no job title code) are listed in the summary with the reason.
 */
export async function franceTravailFileOf(db: Kysely<Database>, tenant: Tenant, origin: string, now = new Date()) {
  const day = tenantToday(tenant, now);
  return withTenant(db, tenant.id, async (t) => {
    await repo.lockExports(t, 'france_travail');
    const existing = await repo.franceTravailFile(t, day);
    if (existing) return { file: existing, created: false };
    const matcher = await romeMatcher(t);
    const states = new Map((await repo.franceTravailStates(t)).map((state) => [state.offer_id, state]));
    const lines: ExportValues[] = [];
    const summary: FranceTravailSummary = { created: 0, modified: 0, deleted: 0, skipped: [] };
    const sent = new Set<string>();
    const updates: [string, { content_hash: string; last_movement: 'C' | 'M' | 'S'; day: string }][] = [];
    for (const offer of await repo.listExportableOffers(t)) {
      const fit = franceTravailFit(offer, matcher);
      if ('skip' in fit) {
        summary.skipped.push({ id: offer.id, title: offer.title, reason: fit.skip });
        continue;
      }
      const values = exportValues(offer, tenant, origin);
      values.ogr_code = fit.ogr;
      values.ogr_label = fit.label;
      // France Travail has no title column: the title opens the description, in plain text.
      values.description_html = `${offer.title}. ${plainDescription(offer.description_html)}`.slice(0, PARTNER_DESCRIPTION_MAX);
      const hash = lineHash(values);
      const state = states.get(offer.id);
      const movement = !state || state.last_movement === 'S' ? 'C' : 'M';
      values.movement = movement;
      lines.push(values);
      sent.add(offer.id);
      if (movement === 'C') summary.created += 1;
      else if (state!.content_hash !== hash) summary.modified += 1;
      updates.push([offer.id, { content_hash: hash, last_movement: movement, day }]);
    }
    const gone = [...states.values()].filter((state) => state.last_movement !== 'S' && !sent.has(state.offer_id));
    for (const offer of await repo.offersByIds(t, gone.map((state) => state.offer_id))) {
      // A deletion carries the offer's identity only, whatever the reason it left.
      lines.push({
        reference: offer.id,
        partner_key: exportValues(offer, tenant, origin).partner_key,
        partner_name: tenant.config.name.slice(0, 50),
        offer_url: `${origin}/offres/${offer.id}`,
        rome_code: offer.rome_code,
        updated_at: offer.updated_at,
        movement: 'S',
        export_consent: offer.export_consent,
      });
      summary.deleted += 1;
      updates.push([offer.id, { content_hash: states.get(offer.id)!.content_hash, last_movement: 'S', day }]);
    }
    for (const [offerId, state] of updates) await repo.saveFranceTravailState(t, offerId, state);
    const file = await repo.insertFranceTravailFile(t, { generated_on: day, content: writePartnerFile(lines), offer_count: sent.size, summary: JSON.stringify(summary) });
    const oldest = new Date(Date.parse(`${day}T00:00:00Z`) - FILES_KEPT_DAYS * 86_400_000).toISOString().slice(0, 10);
    await repo.pruneFranceTravailFiles(t, oldest);
    return { file, created: true };
  });
}

/** The files an admin may download, newest first, and a stored file by day. */
export async function franceTravailFiles(db: Kysely<Database>, tenant: Tenant) {
  return withTenant(db, tenant.id, (t) => repo.listFranceTravailFiles(t, FILES_KEPT_DAYS));
}

export async function franceTravailFileByDay(db: Kysely<Database>, tenant: Tenant, day: string) {
  return withTenant(db, tenant.id, (t) => repo.franceTravailFile(t, day));
}
