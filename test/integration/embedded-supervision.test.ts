import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/bootstrap.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../server/db/embedded.js';
import { freePort } from '../helpers/net.js';
import { alive } from '../helpers/processes.js';
import { testTempDir } from '../helpers/tmp.js';

const postmasterPid = (dataDir: string) => Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);


async function query<T>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  await client.connect();
  try {
    return (await client.query(text)).rows as T[];
  } finally {
    await client.end();
  }
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check().catch(() => false)) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`${what} : toujours pas après ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(process.env.TEST_DATABASE_URL)('the app’s embedded PostgreSQL, supervised', () => {
  let server: EmbeddedServer | undefined;
  afterAll(async () => server?.stop());

  it('is started again after a SIGKILL of its postmaster, keeps every committed row, and stops cleanly after', { timeout: 60_000 }, async () => {
    const dataDir = path.join(testTempDir('supervised'), 'pg');
    const events: string[] = [];
    // Durable (not ephemeral): a commit acknowledged before the kill must survive it.
    server = await startEmbeddedPostgres({ dataDir, port: await freePort(), supervise: (message) => events.push(message) });
    await query(server.url, 'create table kept (n int)');
    await query(server.url, 'insert into kept select generate_series(1, 1000)');
    const first = postmasterPid(dataDir);

    process.kill(first, 'SIGKILL');
    await waitUntil('le serveur répond de nouveau', async () => (await query<{ n: number }>(server!.url, 'select count(*)::int as n from kept'))[0].n === 1000);
    expect(events[0]).toMatch(/arrêté sans qu’on le demande \(SIGKILL\)/);
    expect(events.at(-1)).toMatch(/redémarré/);
    const second = postmasterPid(dataDir);
    expect(second).not.toBe(first);

    await server.stop();
    server = undefined;
    expect(alive(second)).toBe(false);
  });

  it('stops for good when stop() comes right after a crash, whether or not the restart has begun', { timeout: 60_000 }, async () => {
    const dataDir = path.join(testTempDir('supervised'), 'pg');
    const own = await startEmbeddedPostgres({ dataDir, port: await freePort(), supervise: () => {} });
    process.kill(postmasterPid(dataDir), 'SIGKILL');
    await own.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const pidFile = path.join(dataDir, 'postmaster.pid');
    const left = (() => {
      try {
        return postmasterPid(dataDir);
      } catch {
        return undefined;
      }
    })();
    expect(left === undefined || !alive(left), `postmaster ${left} encore vivant (${pidFile})`).toBe(true);
  });

  it('is refused in production unless DATABASE_EMBEDDED=true asks for it', async () => {
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), COOKIE_SECRET: 'y'.repeat(40), DATA_DIR: testTempDir('prod') });
    await expect(openDatabase(config, () => {})).rejects.toThrow(/DATABASE_URL est obligatoire en production .*DATABASE_EMBEDDED=true/);
  });
});
