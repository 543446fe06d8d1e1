import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { createTestApp, MONTAGNE, testConfig, type TestApp } from '../helpers/app.js';
import { freePort } from '../helpers/net.js';

describe('health checks', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('reports alive and ready while PostgreSQL answers', async () => {
    expect((await t.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
  });

  it('answers 503 on /readyz and a French error page when the database is unreachable', async () => {
    // Nothing listens on this port: connections are refused, as when PostgreSQL is down.
    const down = await buildApp(testConfig(`postgres://postgres:x@127.0.0.1:${await freePort()}/cordee`));
    try {
      expect((await down.inject({ url: '/healthz' })).statusCode).toBe(200);
      const ready = await down.inject({ url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      expect(ready.headers['retry-after']).toBe('5');
      expect(ready.json()).toEqual({ status: 'unavailable', checks: { database: 'down' } });

      const page = await down.inject({ url: '/', headers: { host: MONTAGNE } });
      expect(page.statusCode).toBe(503);
      expect(page.headers['retry-after']).toBe('5');
      expect(page.body).toContain('Le service est momentanément indisponible');
      expect(page.body).toContain('Emploi Montagne');
      expect(page.body).not.toMatch(/ECONNREFUSED|at .*\.ts:\d+/);
    } finally {
      await down.close();
    }
  });
});
