import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { MONTAGNE, testConfig } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('graceful shutdown', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('lets a handler whose client has gone finish its queries before the pool closes', async () => {
    const app = await buildApp(testConfig(db.url));
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    let outcome: string | undefined;
    // A slow page: it queries again after its client has hung up and the app has begun to close.
    app.get('/_test/lent', async () => {
      started();
      await sleep(400);
      try {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from tenants`.execute(app.db);
        outcome = `ok ${rows[0].n}`;
      } catch (error) {
        outcome = `failed: ${(error as Error).message}`;
      }
      return { outcome };
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;

    const request = http.get({ host: '127.0.0.1', port, path: '/_test/lent', headers: { host: MONTAGNE } });
    request.on('error', () => {});
    await handlerStarted;
    request.destroy();
    await sleep(50);
    const closing = Date.now();
    await app.close();

    expect(outcome).toMatch(/^ok \d+$/);
    // close() waited for the handler (about 350 ms left), not for the 8 s bound.
    expect(Date.now() - closing).toBeGreaterThanOrEqual(250);
    expect(Date.now() - closing).toBeLessThan(8_000);
  });
});
