import path from 'node:path';
import type { Kysely } from 'kysely';
import { ConfigError, type Config } from '../config.js';
import type { TenantRegistry } from '../tenancy/registry.js';
import { syncTenants } from '../tenancy/sync.js';
import type { Database } from './database.js';
import { withTenant } from './tenant-db.js';
import { ensureDatabase, findRunningEmbedded, startEmbeddedPostgres, type EmbeddedServer } from './embedded.js';
import { createKysely } from './kysely.js';
import { migrateToLatest } from './migrate.js';
import { createPool } from './pool.js';
import { loadReferenceData, type ReferenceLoadReport } from './reference-data.js';

const EMBEDDED_DATABASE = 'cordee';

export interface OpenedDatabase {
  /** Privileged URL: migrations, reference data, tenant sync, seed. */
  url: string;
  embedded?: EmbeddedServer;
}

type Log = (message: string) => void;

/**
 * DATABASE_URL when configured, else the embedded server under <DATA_DIR>/pg: the one another
 * process already runs there (left running by `embedded.stop()`), or one started here.
 */
export async function openDatabase(config: Config, log: Log, options: { supervise?: boolean } = {}): Promise<OpenedDatabase> {
  if (config.database.url) return { url: config.database.url };
  // A production instance quietly running its own database would lose data on redeploy: only on request.
  if (config.env === 'production' && !config.database.embeddedInProduction) {
    throw new ConfigError('DATABASE_URL', 'est obligatoire en production (postgres://…), sauf avec DATABASE_EMBEDDED=true');
  }
  const dataDir = path.join(config.dataDir, 'pg');
  const running = await findRunningEmbedded(dataDir);
  if (running) log(`PostgreSQL embarqué déjà démarré : ${dataDir} (${new URL(running.url).port}), réutilisé`);
  else log(`PostgreSQL embarqué : ${dataDir} (port ${config.database.embeddedPort})`);
  const embedded = running ?? (await startEmbeddedPostgres({ dataDir, port: config.database.embeddedPort, supervise: options.supervise ? log : undefined }));
  try {
    return { url: await ensureDatabase(embedded.url, EMBEDDED_DATABASE), embedded };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

export interface PreparedDatabase {
  migrations: string[];
  referenceData: ReferenceLoadReport[];
  tenants: number;
}

/** Pending migrations, then reference data (when its files changed), then tenant rows from tenants/. */
export async function prepareDatabase(url: string, registry: TenantRegistry, referenceDir: string, log: Log): Promise<PreparedDatabase> {
  const db = createKysely(createPool({ connectionString: url, max: 2, applicationName: 'cordee-migrate', onError: (e) => log(String(e)) }));
  try {
    const { migrations, referenceData } = await migrateWithReferenceData(db, referenceDir, log);
    const tenants = await syncTenants(db, registry);
    return { migrations, referenceData, tenants };
  } finally {
    await db.destroy();
  }
}

/** Pending migrations and reference data, without registering any tenant (an import brings its own). */
export async function migrateWithReferenceData(db: Kysely<Database>, referenceDir: string, log: Log): Promise<Omit<PreparedDatabase, 'tenants'>> {
  const migrations = await migrateToLatest(db);
  for (const name of migrations) log(`migration appliquée : ${name}`);
  const referenceData = await loadReferenceData(db, referenceDir);
  for (const r of referenceData.filter((r) => !r.skipped)) log(`données de référence chargées : ${r.dataset} (${r.rows} lignes)`);
  return { migrations, referenceData };
}

/** A privileged Kysely for scripts (seed, tenant tools); the caller destroys it. */
export function adminKysely(url: string, log: Log) {
  return createKysely(createPool({ connectionString: url, max: 4, applicationName: 'cordee-admin', onError: (e) => log(String(e)) }));
}

/** True when any loaded tenant already has a company (then the demo seed is not run automatically). */
export async function hasTenantData(db: ReturnType<typeof adminKysely>, registry: TenantRegistry): Promise<boolean> {
  for (const tenant of registry.tenants) {
    // withTenant for an owner role under FORCE RLS; the explicit filter for a superuser, which RLS skips.
    const row = await withTenant(db, tenant.id, (t) =>
      t.trx.selectFrom('companies').select('id').where('tenant_id', '=', tenant.id).limit(1).executeTakeFirst(),
    );
    if (row) return true;
  }
  return false;
}
