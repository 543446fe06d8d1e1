import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { withTenant } from '../../db/tenant-db.js';
import { notFound } from '../../errors.js';
import type { Tenant } from '../../tenancy/registry.js';
import { presentSummary } from '../offers/presenter.js';
import { listPublished } from '../offers/repository.js';
import { findBySlug } from './repository.js';

const OFFERS_ON_COMPANY_PAGE = 50;

/** Public company page: profile and its live offers. */
export async function companyPage(db: Kysely<Database>, tenant: Tenant, slug: string) {
  return withTenant(db, tenant.id, async (t) => {
    const company = await findBySlug(t, slug);
    if (!company) throw notFound();
    const { rows, total } = await listPublished(t, { companyId: company.id }, { limit: OFFERS_ON_COMPANY_PAGE, offset: 0 });
    return { company, total, offers: rows.map((row) => presentSummary(tenant.config, row)) };
  });
}
