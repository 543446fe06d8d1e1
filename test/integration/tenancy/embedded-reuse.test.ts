import { writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it, inject } from 'vitest';
import { loadConfig } from '../../../server/config.js';
import { openDatabase } from '../../../server/db/bootstrap.js';
import { findRunningEmbedded } from '../../../server/db/embedded.js';
import { testTempDir } from '../../helpers/tmp.js';

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('select 1 as ok')).rows[0].ok === 1;
  } finally {
    await client.end();
  }
}

// The run's embedded server (global-setup) plays `npm start`: scripts must connect to it, not start a second one.
describe.skipIf(process.env.TEST_DATABASE_URL)('scripts while the app runs the embedded PostgreSQL', () => {
  const dataDir = path.join(inject('tmpRoot'), 'pg');

  it('finds the running server from its postmaster.pid, and stop() leaves it running', async () => {
    const running = await findRunningEmbedded(dataDir);
    expect(running?.reused).toBe(true);
    expect(new URL(running!.url).port).toBe(new URL(inject('serverUrl')).port);
    await running!.stop();
    expect(await answers(inject('serverUrl'))).toBe(true);
  });

  it('openDatabase reuses it instead of starting a second postmaster on the same folder', async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: inject('tmpRoot'), EMBEDDED_PG_PORT: '1024' });
    const messages: string[] = [];
    const opened = await openDatabase(config, (m) => messages.push(m));
    expect(opened.embedded?.reused).toBe(true);
    expect(messages[0]).toMatch(/déjà démarré.*réutilisé/);
    await opened.embedded!.stop();
    expect(await answers(opened.url)).toBe(true);
  });

  it('sees no server without a pid file, or with the pid of a process that is gone', async () => {
    const empty = testTempDir('pg');
    expect(await findRunningEmbedded(empty)).toBeUndefined();
    writeFileSync(path.join(empty, 'postmaster.pid'), `999999999\n${empty}\n0\n55555\n\n127.0.0.1\n`);
    expect(await findRunningEmbedded(empty)).toBeUndefined();
  });
});
