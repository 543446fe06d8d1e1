import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { withTenant } from '../../db/tenant-db.js';
import { notFound } from '../../errors.js';
import type { FileStore } from '../../files/port.js';
import type { Tenant } from '../../tenancy/registry.js';
import { isUuid } from '../../ids.js';
import { cardFromRow, companyLogoUrl, offerCard } from '../offers/card.js';
import { listPublished } from '../offers/repository.js';
import type { CardWording } from '../offers/wording.js';
import { sanitizeDescription } from '../offers/sanitize.js';
import { findById, findBySlug } from './repository.js';

const OFFERS_ON_COMPANY_PAGE = 50;

/** Public company page: profile and its live offers. */
export async function companyPage(db: Kysely<Database>, tenant: Tenant, slug: string, wording: CardWording) {
  return withTenant(db, tenant.id, async (t) => {
    const company = await findBySlug(t, slug);
    if (!company) throw notFound();
    const { rows, total } = await listPublished(t, { companyId: company.id }, { limit: OFFERS_ON_COMPANY_PAGE, offset: 0 });
    const descriptionHtml = company.description ? sanitizeDescription(company.description) : null;
    const logoUrl = companyLogoUrl(company.slug, company.logo_file_id);
    return { company: { ...company, descriptionHtml, logoUrl }, total, offers: rows.map((row) => offerCard(cardFromRow(row), tenant.config, wording)) };
  });
}

/** A company's logo for GET /entreprises/:slug/logo; 404 when the company (of this tenant) has none. */
export async function companyLogo(db: Kysely<Database>, files: FileStore, tenant: Tenant, slug: string) {
  return withTenant(db, tenant.id, async (t) => {
    const company = await findBySlug(t, slug);
    const file = company?.logo_file_id ? await files.get(t, company.logo_file_id) : undefined;
    if (!file) throw notFound();
    return { mediaType: file.mediaType, content: file.content };
  });
}

/** A company's public profile (API). The description is sanitised again on the way out. */
export async function companyProfile(db: Kysely<Database>, tenant: Tenant, id: string, origin: string) {
  if (!isUuid(id)) throw notFound();
  const company = await withTenant(db, tenant.id, (t) => findById(t, id));
  if (!company) throw notFound();
  return {
    id: company.id,
    name: company.name,
    slug: company.slug,
    siret: company.siret,
    naf_code: company.naf_code,
    naf_label: company.naf_label,
    headcount: company.headcount,
    commune: { insee: company.commune_insee, name: company.commune_name },
    website: company.website,
    description_html: company.description ? sanitizeDescription(company.description) : null,
    url: `${origin}/entreprises/${company.slug}`,
  };
}
