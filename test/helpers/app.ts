import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from '../../server/app.js';
import { loadConfig, type Config } from '../../server/config.js';
import { createTestDatabase, type TestDatabase } from './database.js';
import { testTempDir } from './tmp.js';

export interface TestApp {
  app: FastifyInstance;
  db: TestDatabase;
  close(): Promise<void>;
}

export function testConfig(url: string, overrides: Partial<Config> = {}): Config {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  // Test files saturate the event loop on purpose; load shedding would turn that into random 503s.
  // Each app writes its e-mails to a private folder (files run in parallel; the dev mailbox lists one app's mail).
  const mail = { ...config.mail, dir: testTempDir('mail'), ...overrides.mail };
  // Pages are rendered on every request in tests (some move the injected clock over an offer's life);
  // test/integration/page-cache.test.ts turns the page cache on.
  return { ...config, loadShedding: false, pageCache: { ...config.pageCache, maxBytes: 0 }, ...overrides, mail, database: { ...config.database, url, poolMax: 4, ...overrides.database } };
}

/** The real app on a private database; requests go through app.inject() with a Host header. */
export async function createTestApp(overrides: Partial<Config> = {}, options: Pick<BuildOptions, 'clock'> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const app = await buildApp(testConfig(db.url, overrides), options);
  await app.ready();
  return {
    app,
    db,
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

export const MONTAGNE = 'montagne.localhost';
export const DIJON = 'dijon.localhost';

/**
 * A fixed clock for pages ("il y a 3 jours", "nouveau"): half past noon, Paris time, on the day the
 * test file starts. Tests date their own offers from it, so what they assert never depends on the
 * hour or the day they run.
 */
export function middayClock(): Date {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  return new Date(`${day}T10:30:00Z`);
}
