import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { readTenantConfig, TenantConfigError, type TenantConfig } from './tenant-config.js';

export interface Tenant {
  /** Also the tenant_id of its rows. */
  id: string;
  dir: string;
  config: TenantConfig;
}

export interface TenantRegistry {
  readonly tenants: readonly Tenant[];
  get(slug: string): Tenant | undefined;
  /** Host header (without port) → tenant; undefined for a host no tenant declares. */
  resolveHost(hostname: string): Tenant | undefined;
}

/** Folders whose name starts with `_` (the skeleton) are templates, not live tenants. */
export function tenantFolders(tenantsDir: string): string[] {
  return readdirSync(tenantsDir)
    .filter((name) => !name.startsWith('_') && !name.startsWith('.'))
    .filter((name) => statSync(path.join(tenantsDir, name)).isDirectory())
    .sort();
}

/**
 * Loads every tenants/<slug>/tenant.json once, at boot (as Discourse maps hosts to sites once), and
 * refuses to start on any invalid file or on a hostname claimed by two tenants.
 */
export function loadTenantRegistry(tenantsDir: string, options: { allowLocalhostSubdomains: boolean }): TenantRegistry {
  const tenants = tenantFolders(tenantsDir).map((slug) => {
    const dir = path.join(tenantsDir, slug);
    return { id: slug, dir, config: readTenantConfig(dir) };
  });
  if (tenants.length === 0) throw new Error(`Aucun tenant dans ${tenantsDir}`);
  const byHost = new Map<string, Tenant>();
  for (const tenant of tenants) {
    tenant.config.hostnames.forEach((hostname, i) => {
      const other = byHost.get(hostname);
      if (other) {
        throw new TenantConfigError(path.join(tenant.dir, 'tenant.json'), [
          { field: `hostnames[${i}]`, message: `« ${hostname} » est déjà déclaré par le tenant ${other.id}` },
        ]);
      }
      byHost.set(hostname, tenant);
    });
  }
  const bySlug = new Map(tenants.map((t) => [t.id, t]));
  return {
    tenants,
    get: (slug) => bySlug.get(slug),
    resolveHost(hostname) {
      const host = hostname.toLowerCase().replace(/\.$/, '');
      const configured = byHost.get(host);
      if (configured) return configured;
      if (options.allowLocalhostSubdomains) {
        const match = /^([a-z][a-z0-9-]{1,39})\.localhost$/.exec(host);
        if (match) return bySlug.get(match[1]);
      }
      return undefined;
    },
  };
}
