import { existsSync, readdirSync, readFileSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import Handlebars from 'handlebars';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { ThemeSet } from '../plugins/view.js';
import { loadTenantSet, type LiveTenantRegistry, type TenantRegistry, type TenantSet } from './registry.js';

/** Inserts the rows of new tenants (`tenants` table); needs the privileged role, so main.ts provides it. */
export type RegisterTenants = (tenants: Pick<TenantRegistry, 'tenants'>) => Promise<void>;

export type ReloadResult =
  | { ok: true; tenants: string[]; added: string[]; removed: string[]; unregistered: string[] }
  | { ok: false; error: string };

export interface TenantReloaderOptions {
  tenantsDir: string;
  allowLocalhostSubdomains: boolean;
  registry: LiveTenantRegistry;
  themes: ThemeSet;
  /** The app's pool: the runtime role may read `tenants`, to check that every served tenant has its row. */
  db: Kysely<Database>;
  register?: RegisterTenants;
  log: FastifyBaseLogger;
  /** Quiet time after the last change before reloading: an editor or a copy writes several files. */
  debounceMs?: number;
}

/** `.hbs` files under a folder, recursively. */
function templateFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return templateFiles(full);
    return entry.name.endsWith('.hbs') ? [full] : [];
  });
}

/** A syntax error in a tenant's template, as « fichier : message » (Handlebars says the line). */
function checkTemplates(tenants: TenantSet): void {
  for (const tenant of tenants.tenants) {
    for (const file of templateFiles(path.join(tenant.dir, 'views'))) {
      try {
        Handlebars.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw new Error(`${file} : gabarit invalide (${(error as Error).message.split('\n').join(' ')})`);
      }
    }
  }
}

/**
 * Reloads the tenant folders while the app runs (issue #7 part 3): in development every change under
 * tenants/ is picked up without a restart. A reload is all or nothing: every tenant.json is validated,
 * strings files and templates are read, new tenants are registered in the database; only then are the
 * registry and the themes swapped, in one synchronous step. Anything wrong keeps the previous tenants
 * and logs the file and field in French; the server never stops on it. A new tenant whose row cannot be
 * inserted is left out (its pages would fail on every foreign key).
 */
export class TenantReloader {
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ReloadResult> | undefined;
  private again = false;
  private closed = false;

  constructor(private readonly options: TenantReloaderOptions) {}

  /** One reload now (tests call it directly); concurrent calls share the run in progress, then run once more. */
  async reload(): Promise<ReloadResult> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run();
    try {
      return await this.running;
    } finally {
      this.running = undefined;
      if (this.again && !this.closed) {
        this.again = false;
        void this.reload();
      }
    }
  }

  private async run(): Promise<ReloadResult> {
    const { registry, themes, log } = this.options;
    let files: TenantSet;
    let built: ReturnType<ThemeSet['build']>;
    try {
      files = loadTenantSet(this.options.tenantsDir, { allowLocalhostSubdomains: this.options.allowLocalhostSubdomains });
      checkTemplates(files);
      built = themes.build(files.tenants);
    } catch (error) {
      const message = (error as Error).message;
      log.error(`Tenants non rechargés, les précédents restent en service : ${message}`);
      return { ok: false, error: message };
    }
    const before = new Set(registry.tenants.map((t) => t.id));
    const registered = await this.registered(files, before);
    const served = registered.size === files.tenants.length ? files : files.only(registered);
    const unregistered = files.tenants.map((t) => t.id).filter((id) => !registered.has(id));
    for (const id of unregistered) {
      log.error(`Tenant ${id} non servi : sa ligne de la table tenants n’a pas pu être créée (base joignable ? npm run db:migrate)`);
    }
    // Same tick: a request sees the old tenants and themes, or the new ones.
    themes.replace(new Map([...built].filter(([id]) => registered.has(id))));
    registry.replace(served);
    const ids = served.tenants.map((t) => t.id);
    const added = ids.filter((id) => !before.has(id));
    const removed = [...before].filter((id) => !ids.includes(id));
    log.info({ tenants: ids, added, removed }, 'tenants rechargés');
    return { ok: true, tenants: ids, added, removed, unregistered };
  }

  /** The tenants that have their row: the already served ones, and new ones once registered. */
  private async registered(files: TenantSet, known: ReadonlySet<string>): Promise<Set<string>> {
    const ids = new Set(files.tenants.map((t) => t.id).filter((id) => known.has(id)));
    const fresh = files.tenants.map((t) => t.id).filter((id) => !known.has(id));
    if (fresh.length === 0) return ids;
    const { register, db, log } = this.options;
    try {
      await register?.(files.only(new Set(fresh)));
    } catch (error) {
      log.error({ err: error }, `Enregistrement en base des nouveaux tenants impossible : ${fresh.join(', ')}`);
    }
    try {
      const rows = await db.selectFrom('tenants').select('id').where('id', 'in', fresh).execute();
      for (const row of rows) ids.add(row.id);
    } catch (error) {
      log.error({ err: error }, 'Lecture de la table tenants impossible');
    }
    return ids;
  }

  /** Watches the tenants folder (recursive fs.watch: Linux with Node ≥ 20, macOS, Windows). */
  watch(): void {
    const debounceMs = this.options.debounceMs ?? 200;
    this.watcher = watch(this.options.tenantsDir, { recursive: true }, () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.reload(), debounceMs);
    });
    this.watcher.on('error', (error) => this.options.log.error({ err: error }, 'Surveillance du dossier des tenants interrompue'));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.watcher?.close();
    await this.running;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Reloads the tenant folders now (what the development watcher does on each change). */
    reloadTenants(): Promise<ReloadResult>;
  }
}

export interface HotReloadOptions {
  /** Watch tenants/ and reload on change (development). Without it, tenants load once, at start. */
  watch: boolean;
  register?: RegisterTenants;
}

export default fp<HotReloadOptions>(
  async (app, options) => {
    const reloader = new TenantReloader({
      tenantsDir: app.config.tenantsDir,
      allowLocalhostSubdomains: app.config.env !== 'production',
      registry: app.tenants,
      themes: app.themes,
      db: app.db,
      register: options.register,
      log: app.log.child({ component: 'tenants' }),
    });
    app.decorate('reloadTenants', () => reloader.reload());
    if (options.watch) app.addHook('onReady', async () => reloader.watch());
    app.addHook('onClose', async () => reloader.close());
  },
  { name: 'tenant-hot-reload', dependencies: ['view', 'database'] },
);
