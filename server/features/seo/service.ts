import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { withTenant } from '../../db/tenant-db.js';
import type { Tenant } from '../../tenancy/registry.js';
import type { Theme } from '../../tenancy/theme.js';
import { companiesWithVisibleOffers, latestVisibleOffers, visibleOffersForSitemap } from './repository.js';
import { rssXml, sitemapXml } from './xml.js';

const FEED_SIZE = 50;

/** Paths crawlers should skip: private spaces and machine endpoints. */
const PRIVATE_PATHS = ['/api/', '/compte', '/admin', '/_dev/'];

export function robotsTxt(origin: string): string {
  return ['User-agent: *', ...PRIVATE_PATHS.map((p) => `Disallow: ${p}`), '', `Sitemap: ${origin}/sitemap.xml`, ''].join('\n');
}

/** Home, list, every live offer and the companies that have one; nothing unpublished. */
export async function sitemap(db: Kysely<Database>, tenant: Tenant, origin: string): Promise<string> {
  const { offers, companies } = await withTenant(db, tenant.id, async (t) => ({
    offers: await visibleOffersForSitemap(t),
    companies: await companiesWithVisibleOffers(t),
  }));
  return sitemapXml([
    { loc: `${origin}/` },
    { loc: `${origin}/offres` },
    ...offers.map((o) => ({ loc: `${origin}/offres/${o.id}`, lastmod: o.updated_at })),
    ...companies.map((c) => ({ loc: `${origin}/entreprises/${c.slug}`, lastmod: c.updated_at ? new Date(c.updated_at) : undefined })),
  ]);
}

export async function offersFeed(db: Kysely<Database>, tenant: Tenant, theme: Theme, origin: string): Promise<string> {
  const offers = await withTenant(db, tenant.id, (t) => latestVisibleOffers(t, FEED_SIZE));
  return rssXml(
    {
      title: theme.t('feed.title', { name: tenant.config.name }),
      link: `${origin}/offres`,
      selfLink: `${origin}/offres/flux.xml`,
      description: tenant.config.tagline,
      language: 'fr-FR',
    },
    offers.map((o) => ({
      title: `${o.title} – ${o.company_name}${o.place_name ? ` (${o.place_name})` : ''}`,
      link: `${origin}/offres/${o.id}`,
      descriptionHtml: o.description_html,
      published: o.published_at!,
      category: theme.t(`contract.${o.contract}`),
    })),
  );
}
