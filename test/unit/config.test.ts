import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';

describe('config', () => {
  it('has working defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: 'development', host: '127.0.0.1', port: 3000, migrateOnStart: true, seedDemo: 'auto' });
    expect(config.database.url).toBeUndefined();
    expect(config.dataDir.endsWith('.data')).toBe(true);
  });

  it.each([
    [{ PORT: 'http' }, /PORT doit être un entier/],
    [{ PORT: '70000' }, /PORT doit être entre 0 et 65535/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV doit valoir development \| production \| test/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL doit commencer par postgres/],
    [{ DATABASE_URL: 'pas une url' }, /DATABASE_URL n'est pas une URL valide/],
    [{ TRUST_PROXY: 'peut-être' }, /TRUST_PROXY doit valoir true ou false/],
    [{ DATABASE_APP_URL: 'postgres://app@db/cordee' }, /DATABASE_APP_URL exige DATABASE_URL/],
    [{ DATABASE_EMBEDDED: 'true', DATABASE_URL: 'postgres://db/cordee' }, /DATABASE_EMBEDDED ne peut pas valoir true quand DATABASE_URL est défini/],
    [{ DATABASE_EMBEDDED: 'oui' }, /DATABASE_EMBEDDED doit valoir true ou false/],
    [{ REQUEST_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '10000' }, /HEADERS_TIMEOUT_MS doit être au plus REQUEST_TIMEOUT_MS \(5000 ms\)/],
    [{ PAGE_CACHE_MB: '5000' }, /PAGE_CACHE_MB doit être entre 0 et 4096/],
    [{ PAGE_CACHE_MB: 'beaucoup' }, /PAGE_CACHE_MB doit être un entier/],
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('PAGE_CACHE_MB: 64 MB outside development, off in development unless set, with the search cache time limit', () => {
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_EMBEDDED: 'true', JWT_SECRET: 'j'.repeat(40), COOKIE_SECRET: 'c'.repeat(40) }).pageCache).toEqual({ maxBytes: 64 * 1024 * 1024, ttlMs: 30_000 });
    expect(loadConfig({}).pageCache.maxBytes).toBe(0);
    expect(loadConfig({ PAGE_CACHE_MB: '16', SEARCH_CACHE_TTL_S: '5' }).pageCache).toEqual({ maxBytes: 16 * 1024 * 1024, ttlMs: 5_000 });
  });

  it('MAP_TILES_URL: the tile template, its credit and the CSP source of its tiles ({s}: any sub-domain)', () => {
    expect(loadConfig({}).map).toBeUndefined();
    expect(loadConfig({ MAP_TILES_URL: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png' }).map).toEqual({
      tilesUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
      attribution: '© les contributeurs d’OpenStreetMap',
      tileSource: 'https://tile.openstreetmap.org',
    });
    expect(loadConfig({ MAP_TILES_URL: 'https://{s}.tiles.example.org:8443/{z}/{x}/{y}.png?key=k', MAP_TILES_ATTRIBUTION: '© Exemple' }).map).toMatchObject({
      attribution: '© Exemple',
      tileSource: 'https://*.tiles.example.org:8443',
    });
  });

  it.each([
    [{ MAP_TILES_URL: 'https://tile.example.org/{z}/{x}.png' }, /MAP_TILES_URL doit contenir \{y\}/],
    [{ MAP_TILES_URL: 'ftp://tile.example.org/{z}/{x}/{y}.png' }, /MAP_TILES_URL doit commencer par http/],
    [{ MAP_TILES_URL: "https://tile.example.org/{z}/{x}/{y}.png 'unsafe-inline'" }, /MAP_TILES_URL ne doit contenir/],
    [{ MAP_TILES_URL: 'https://tiles.{s}.example.org/{z}/{x}/{y}.png' }, /\{s\} n’est permis qu’en tête/],
  ])('refuses the map tiles %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
