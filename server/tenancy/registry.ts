import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { readTenantConfig, TenantConfigError, type TenantConfig } from './tenant-config.js';

export interface Tenant {
  /** Also the tenant_id of its rows. */
  id: string;
  dir: string;
  /** What the app runs with: tenant.json, overlaid by the runtime settings stored in the database (if any). */
  config: TenantConfig;
}

export interface TenantRegistry {
  readonly tenants: readonly Tenant[];
  get(slug: string): Tenant | undefined;
  /** Host header (without port) → tenant; undefined for a host no tenant declares. */
  resolveHost(hostname: string): Tenant | undefined;
  /**
   * Reloads the runtime settings of these tenants (all by default) that are older than their time to
   * live. Requests and background jobs call it before reading `tenant.config`; without a settings
   * source (scripts) it does nothing and `config` is tenant.json's.
   */
  refreshSettings(ids?: readonly string[]): Promise<void>;
}

/** Folders whose name starts with `_` (the skeleton) are templates, not live tenants. */
export function tenantFolders(tenantsDir: string): string[] {
  return readdirSync(tenantsDir)
    .filter((name) => !name.startsWith('_') && !name.startsWith('.'))
    .filter((name) => statSync(path.join(tenantsDir, name)).isDirectory())
    .sort();
}

/** The tenant folders as read from disk at one moment: immutable, validated, indexed by slug and host. */
export class TenantSet {
  private readonly byHost = new Map<string, Tenant>();
  private readonly bySlug: Map<string, Tenant>;

  constructor(
    readonly tenants: readonly Tenant[],
    private readonly options: { allowLocalhostSubdomains: boolean },
  ) {
    for (const tenant of tenants) {
      tenant.config.hostnames.forEach((hostname, i) => {
        const other = this.byHost.get(hostname);
        if (other) {
          throw new TenantConfigError(path.join(tenant.dir, 'tenant.json'), [
            { field: `hostnames[${i}]`, message: `« ${hostname} » est déjà déclaré par le tenant ${other.id}` },
          ]);
        }
        this.byHost.set(hostname, tenant);
      });
    }
    this.bySlug = new Map(tenants.map((t) => [t.id, t]));
  }

  get(slug: string): Tenant | undefined {
    return this.bySlug.get(slug);
  }

  /** The slug of the tenant this host belongs to. */
  slugOfHost(hostname: string): string | undefined {
    const host = hostname.toLowerCase().replace(/\.$/, '');
    const configured = this.byHost.get(host);
    if (configured) return configured.id;
    if (this.options.allowLocalhostSubdomains) {
      const match = /^([a-z][a-z0-9-]{1,39})\.localhost$/.exec(host);
      if (match && this.bySlug.has(match[1])) return match[1];
    }
    return undefined;
  }

  /** The same options, other tenants (a reload that leaves out tenants it could not register). */
  only(ids: ReadonlySet<string>): TenantSet {
    return new TenantSet(
      this.tenants.filter((t) => ids.has(t.id)),
      this.options,
    );
  }
}

/**
 * Reads and validates every tenants/<slug>/tenant.json. Throws TenantConfigError (file and field
 * named) on an invalid file or on a hostname claimed by two tenants.
 */
export function loadTenantSet(tenantsDir: string, options: { allowLocalhostSubdomains: boolean }): TenantSet {
  const tenants = tenantFolders(tenantsDir).map((slug) => {
    const dir = path.join(tenantsDir, slug);
    return { id: slug, dir, config: readTenantConfig(dir) };
  });
  if (tenants.length === 0) throw new Error(`Aucun tenant dans ${tenantsDir}`);
  return new TenantSet(tenants, options);
}

/**
 * Where runtime settings come from (features/tenant-settings): `fetch` reads a tenant's stored
 * overrides, `apply` lays them over tenant.json (pure, so a reload of the files re-applies them at once).
 */
export interface SettingsSource<O = unknown> {
  fetch(tenantId: string): Promise<O | undefined>;
  apply(tenant: Tenant, overrides: O): TenantConfig;
  /** How long fetched overrides are trusted before being read again (changes made by other nodes). */
  ttlMs: number;
  /** A failed fetch keeps the previous overrides (or tenant.json alone) and is retried on next use. */
  onError(error: unknown, tenantId: string): void;
}

/** After a failed read, how long before the settings are read again. */
const SETTINGS_RETRY_MS = 2_000;

interface CachedSettings {
  overrides: unknown;
  loadedAt: number;
}

/**
 * The app's tenant registry: the tenant folders (replaced as a whole by a development reload, see
 * hot-reload.ts) and, per tenant, the runtime settings overlaid on its tenant.json. Reads are
 * synchronous and answer from memory; `refreshSettings` reloads settings past their TTL, one fetch per
 * tenant at a time however many requests ask.
 */
export class LiveTenantRegistry implements TenantRegistry {
  private files: TenantSet;
  private source: SettingsSource | undefined;
  private readonly settings = new Map<string, CachedSettings>();
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Effective tenants by id, rebuilt when the files or a tenant's settings change. */
  private effective = new Map<string, Tenant>();
  private list: readonly Tenant[] = [];

  constructor(
    files: TenantSet,
    private readonly now: () => number = Date.now,
  ) {
    this.files = files;
    this.rebuild();
  }

  get tenants(): readonly Tenant[] {
    return this.list;
  }

  get(slug: string): Tenant | undefined {
    return this.effective.get(slug);
  }

  resolveHost(hostname: string): Tenant | undefined {
    const slug = this.files.slugOfHost(hostname);
    return slug === undefined ? undefined : this.effective.get(slug);
  }

  /** tenant.json as read from disk, without runtime settings (the admin page shows both). */
  fileTenant(slug: string): Tenant | undefined {
    return this.files.get(slug);
  }

  /** Swaps the tenant folders in one step: a request sees the old set or the new one, never a mix. */
  replace(files: TenantSet): void {
    this.files = files;
    this.rebuild();
  }

  useSettings(source: SettingsSource): void {
    this.source = source;
    this.settings.clear();
    this.rebuild();
  }

  /** Forgets a tenant's cached settings (after a write in this process), then reads them again. */
  async reloadSettings(id: string): Promise<void> {
    this.settings.delete(id);
    await this.refreshSettings([id]);
  }

  async refreshSettings(ids: readonly string[] = this.files.tenants.map((t) => t.id)): Promise<void> {
    const source = this.source;
    if (!source) return;
    const now = this.now();
    await Promise.all(
      ids.map((id) => {
        const cached = this.settings.get(id);
        if (cached && now - cached.loadedAt < source.ttlMs) return undefined;
        let pending = this.inFlight.get(id);
        if (!pending) {
          pending = this.fetch(source, id).finally(() => this.inFlight.delete(id));
          this.inFlight.set(id, pending);
        }
        return pending;
      }),
    );
  }

  private async fetch(source: SettingsSource, id: string): Promise<void> {
    try {
      const overrides = await source.fetch(id);
      this.settings.set(id, { overrides, loadedAt: this.now() });
      this.rebuildOne(id);
    } catch (error) {
      source.onError(error, id);
      // Database down: keep what we had and wait a little before trying again, so that requests that
      // need no database (assets, theme.css) are not each held up by a connection timeout.
      const previous = this.settings.get(id);
      this.settings.set(id, { overrides: previous?.overrides, loadedAt: this.now() - source.ttlMs + SETTINGS_RETRY_MS });
    }
  }

  private withSettings(tenant: Tenant): Tenant {
    const cached = this.settings.get(tenant.id);
    if (!this.source || cached?.overrides === undefined) return tenant;
    return { ...tenant, config: this.source.apply(tenant, cached.overrides) };
  }

  private rebuildOne(id: string): void {
    const file = this.files.get(id);
    if (!file) return;
    const next = new Map(this.effective);
    next.set(id, this.withSettings(file));
    this.effective = next;
    this.list = this.files.tenants.map((t) => next.get(t.id)!);
  }

  private rebuild(): void {
    this.effective = new Map(this.files.tenants.map((t) => [t.id, this.withSettings(t)]));
    this.list = this.files.tenants.map((t) => this.effective.get(t.id)!);
  }
}

/** Loads the tenant folders into a registry (no runtime settings until a source is attached). */
export function loadTenantRegistry(tenantsDir: string, options: { allowLocalhostSubdomains: boolean }): LiveTenantRegistry {
  return new LiveTenantRegistry(loadTenantSet(tenantsDir, options));
}
