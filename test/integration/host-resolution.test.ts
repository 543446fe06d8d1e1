import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { createTestApp, DIJON, MONTAGNE, testConfig, type TestApp } from '../helpers/app.js';

describe('tenant resolution from the Host header', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  const home = (host: string, headers: Record<string, string> = {}) => t.app.inject({ url: '/', headers: { host, ...headers } });

  it('serves each tenant on its configured hostname, with or without a port', async () => {
    const montagne = await home('emploi-montagne.cordee.example');
    expect(montagne.statusCode).toBe(200);
    expect(montagne.body).toContain('Emploi Montagne');
    const dijon = await home('jeunes-emploi-dijon.cordee.example:8080');
    expect(dijon.statusCode).toBe(200);
    expect(dijon.body).toContain('Jeunes &amp; Emploi Dijon');
    expect(dijon.body).not.toContain('Emploi Montagne');
    const ge = await home('temps-partage-aveyron-lozere.cordee.example');
    expect(ge.statusCode).toBe(200);
    expect(ge.body).toContain('Temps Partagé Aveyron-Lozère');
    for (const other of ['Emploi Montagne', 'Jeunes &amp; Emploi Dijon']) expect(ge.body).not.toContain(other);
  });

  it('resolves <slug>.localhost in development, case-insensitively', async () => {
    expect((await home(`${MONTAGNE}:3000`)).body).toContain('Emploi Montagne');
    expect((await home('DIJON.LOCALHOST')).body).toContain('Jeunes &amp; Emploi Dijon');
    expect((await home('Ge-Occitanie.localhost')).body).toContain('Temps Partagé Aveyron-Lozère');
  });

  it('answers an unknown host with a plain 404 that carries no tenant data', async () => {
    for (const host of ['inconnu.example', 'inconnu.localhost', '127.0.0.1:3000', 'montagne.localhost.evil.example']) {
      const response = await home(host);
      expect(response.statusCode, host).toBe(404);
      expect(response.body).toContain('Site introuvable');
      for (const leak of ['Emploi Montagne', 'Dijon', 'Aveyron', 'offres', 'H/F']) expect(response.body, `${host} leaks ${leak}`).not.toContain(leak);
    }
    const offers = await t.app.inject({ url: '/offres', headers: { host: 'inconnu.example' } });
    expect(offers.statusCode).toBe(404);
    expect(offers.body).not.toContain('H/F');
  });

  it('ignores X-Forwarded-Host unless the proxy is trusted', async () => {
    const response = await home(MONTAGNE, { 'x-forwarded-host': DIJON });
    expect(response.body).toContain('Emploi Montagne');
    expect(response.body).not.toContain('Jeunes &amp; Emploi Dijon');
  });

  it('keeps health checks reachable on any host (load balancers use IP addresses)', async () => {
    const response = await t.app.inject({ url: '/healthz', headers: { host: '10.0.0.7:3000' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
  });

  it('uses X-Forwarded-Host behind a trusted proxy, and refuses .localhost in production', async () => {
    const proxied = await buildApp(testConfig(t.db.url, { trustProxy: true }));
    try {
      const response = await proxied.inject({ url: '/', headers: { host: '10.0.0.7', 'x-forwarded-host': DIJON } });
      expect(response.body).toContain('Jeunes &amp; Emploi Dijon');
    } finally {
      await proxied.close();
    }
    const production = await buildApp(testConfig(t.db.url, { env: 'production' }));
    try {
      expect((await production.inject({ url: '/', headers: { host: MONTAGNE } })).statusCode).toBe(404);
      expect((await production.inject({ url: '/', headers: { host: 'emploi-montagne.cordee.example' } })).statusCode).toBe(200);
    } finally {
      await production.close();
    }
  });
});
