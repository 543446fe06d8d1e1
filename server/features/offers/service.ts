import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { withTenant } from '../../db/tenant-db.js';
import { AppError, notFound } from '../../errors.js';
import type { Tenant } from '../../tenancy/registry.js';
import { jobPosting } from './job-posting.js';
import { presentDetail, presentSummary } from './presenter.js';
import { countBySector, findPublishedById, isNoLongerPublic, listPublished, offerPlaces } from './repository.js';

const LATEST_ON_HOME = 8;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function homePage(db: Kysely<Database>, tenant: Tenant) {
  return withTenant(db, tenant.id, async (t) => {
    const [latest, counts] = await Promise.all([listPublished(t, {}, { limit: LATEST_ON_HOME, offset: 0 }), countBySector(t)]);
    const countOf = new Map(counts.map((c) => [c.sector, c.count]));
    return {
      total: counts.reduce((sum, c) => sum + c.count, 0),
      latest: latest.rows.map((row) => presentSummary(tenant.config, row)),
      // The tenant's taxonomy order, with the number of live offers in each.
      sectors: tenant.config.sectors.map((s) => ({ ...s, count: countOf.get(s.code) ?? 0 })),
    };
  });
}

/**
 * A published, unexpired offer of this tenant. An offer that was public and is not any more answers
 * 410 Gone (search engines then drop it quickly); unknown, draft or foreign ids answer 404.
 */
export async function publishedOffer(db: Kysely<Database>, tenant: Tenant, id: string, origin: string) {
  if (!UUID.test(id)) throw notFound();
  const found = await withTenant(db, tenant.id, async (t) => {
    const offer = await findPublishedById(t, id);
    if (!offer && (await isNoLongerPublic(t, id))) throw new AppError('OFFER_GONE', 410);
    return offer ? { offer, places: await offerPlaces(t, id) } : undefined;
  });
  if (!found) throw notFound();
  const { offer: row, places } = found;
  return { offer: presentDetail(tenant.config, row, places), jsonLd: jobPosting(row, origin, tenant.config.name, places) };
}
