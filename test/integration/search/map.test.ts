import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { loadConfig } from '../../../server/config.js';
import { createTestApp, MONTAGNE, testConfig, type TestApp } from '../../helpers/app.js';

describe('the search page’s map: Leaflet served by the app, tiles only when MAP_TILES_URL is set', () => {
  let t: TestApp;
  let withMap: FastifyInstance;

  beforeAll(async () => {
    t = await createTestApp();
    withMap = await buildApp(testConfig(t.db.url, { map: loadConfig({ MAP_TILES_URL: 'https://{s}.tiles.example.org/{z}/{x}/{y}.png' }).map }));
    await withMap.ready();
  });
  afterAll(async () => {
    await withMap?.close();
    await t?.close();
  });

  it('without MAP_TILES_URL: no map, no Leaflet, the list alone, and the CSP allows no tile server', async () => {
    const response = await t.app.inject({ url: '/offres', headers: { host: MONTAGNE } });
    expect(response.body).not.toContain('data-map');
    expect(response.body).not.toContain('leaflet');
    expect(response.headers['content-security-policy']).toContain("img-src 'self' data:;");
  });

  it('with it: the map section, Leaflet and map.js from the app itself, and the tiles’ origin in img-src only', async () => {
    const response = await withMap.inject({ url: '/offres?contrat=seasonal', headers: { host: MONTAGNE } });
    const html = response.body;
    expect(html).toContain('data-tiles="https://{s}.tiles.example.org/{z}/{x}/{y}.png"');
    expect(html).toContain('data-points="/offres/carte.json?contrat&#x3D;seasonal"');
    expect(html).toContain('<script src="/assets/vendor/leaflet/leaflet.js" defer></script>');
    expect(html).toContain('<script src="/assets/js/map.js" defer></script>');
    const csp = response.headers['content-security-policy'] as string;
    expect(csp).toContain("img-src 'self' data: https://*.tiles.example.org;");
    expect(csp).toContain("script-src 'self';");
  });

  it('serves the Leaflet files the map needs from node_modules, and nothing else', async () => {
    const get = (path: string) => t.app.inject({ url: path, headers: { host: MONTAGNE } });
    const script = await get('/assets/vendor/leaflet/leaflet.js');
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toContain('javascript');
    expect(script.body).toContain('Leaflet');
    expect((await get('/assets/vendor/leaflet/leaflet.css')).headers['content-type']).toContain('text/css');
    expect((await get('/assets/vendor/leaflet/images/layers.png')).statusCode).toBe(200);
    for (const path of ['/assets/vendor/leaflet/leaflet-src.js', '/assets/vendor/leaflet/../../package.json', '/assets/vendor/leaflet/%2e%2e/%2e%2e/package.json']) {
      expect((await get(path)).statusCode, path).toBe(404);
    }
  });
});
