import type { Tenant } from './registry.js';

/** The tenant's public address (its first host name): links in e-mails sent by jobs and in exported files. */
export const canonicalOrigin = (tenant: Tenant) => `https://${tenant.config.hostnames[0]}`;
