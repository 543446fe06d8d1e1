import type { FastifyInstance } from 'fastify';
import type { Tenant } from '../../tenancy/registry.js';
import { AddressRanges } from './address-policy.js';
import type { Resolver } from './fetcher.js';
import type { FeedDeps } from './import-service.js';

/** Offers in one feed at most (a bigger one is refused whole, nothing closed). */
export const MAX_RECORDS = 5_000;
/** Pages read from one sitemap at most. */
export const MAX_PAGES = 300;
const MAX_REDIRECTS = 5;

/** The tenant's public address (its first host name): links in e-mails and in the daily France Travail file. */
export const canonicalOrigin = (tenant: Tenant) => `https://${tenant.config.hostnames[0]}`;

/**
 * What polls and uploads need from the app: the guarded fetcher's policy (from FEED_FETCH_* and
 * FEED_MAX_MB), the tenant's wording, the mail service, and the tenant's canonical origin for links
 * in e-mails. `resolve` replaces DNS (tests).
 */
export function feedDeps(app: FastifyInstance, resolve?: Resolver): FeedDeps {
  const { feeds } = app.config;
  return {
    db: app.db,
    fetchPolicy: {
      timeoutMs: feeds.timeoutMs,
      maxBytes: feeds.maxBytes,
      maxRedirects: MAX_REDIRECTS,
      allowed: AddressRanges.parse(feeds.allowNetworks),
      resolve,
      userAgent: 'Cordee-flux/1.0',
    },
    limits: { maxRecords: MAX_RECORDS, maxPages: MAX_PAGES },
    theme: (tenant) => app.theme(tenant),
    mail: app.mail,
    origin: canonicalOrigin,
  };
}
