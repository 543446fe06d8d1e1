import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../server/config.js';
import { adminKysely, prepareDatabase } from '../../server/db/bootstrap.js';
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedServer } from '../../server/db/embedded.js';
import { seedDemo } from '../../server/db/seed/demo-seed.js';
import { loadTenantRegistry } from '../../server/tenancy/registry.js';
import { freePort } from './net.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Privileged URL of the test PostgreSQL server (any database; helpers swap the name). */
    serverUrl: string;
    /** Migrated, reference-loaded, demo-seeded database each test file clones. */
    templateDatabase: string;
    /** Temporary folder of this run (see helpers/tmp.ts), removed at teardown. */
    tmpRoot: string;
  }
}

let embedded: EmbeddedServer | undefined;
let tmpRoot: string | undefined;
let dropTemplate: (() => Promise<void>) | undefined;

/**
 * One PostgreSQL for the whole run: TEST_DATABASE_URL (a privileged URL, e.g. of a PostgreSQL 15
 * server) when set, else an embedded throw-away server. Builds the template once. DATABASE_URL is
 * deliberately not used: a developer's exported dev database must not become the test server.
 */
export async function setup(project: TestProject) {
  const started = Date.now();
  tmpRoot = mkdtempSync(path.join(tmpdir(), 'cordee-test-'));
  // As root the server runs as the `postgres` system user, which must be able to enter the folder.
  chmodSync(tmpRoot, 0o755);
  project.provide('tmpRoot', tmpRoot);
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const dataDir = path.join(tmpRoot, 'pg');
    embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), ephemeral: true });
    serverUrl = embedded.url;
  }
  const templateDatabase = `cordee_template_${process.pid}`;
  const url = await ensureDatabase(serverUrl, templateDatabase);
  const config = loadConfig({ NODE_ENV: 'test' });
  const registry = loadTenantRegistry(config.tenantsDir, { allowLocalhostSubdomains: true });
  await prepareDatabase(url, registry, config.referenceDataDir, () => {});
  const db = adminKysely(url, () => {});
  try {
    await seedDemo(db, registry, { now: new Date() });
  } finally {
    await db.destroy();
  }
  console.log(`[test] PostgreSQL ${embedded ? 'embarqué' : 'externe'} prêt, base modèle en ${Date.now() - started} ms`);
  const externalUrl = serverUrl;
  dropTemplate = async () => {
    const client = new pg.Client({ connectionString: externalUrl });
    await client.connect();
    await client.query(`drop database if exists "${templateDatabase}" with (force)`).finally(() => client.end());
  };
  project.provide('serverUrl', serverUrl);
  project.provide('templateDatabase', templateDatabase);
}

export async function teardown() {
  // The embedded server's data directory goes with it; on an external server, drop what we made.
  if (embedded) await embedded.stop();
  else await dropTemplate?.();
  if (tmpRoot) rmSync(tmpRoot, { recursive: true, force: true });
}
