import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { outboxBackoffSeconds, searchPageUrl } from '../../server/features/search/service.js';

const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env });

describe('search and worker configuration', () => {
  it('uses PostgreSQL by default and Meilisearch when MEILI_HOST is set', () => {
    expect(load({}).search).toEqual({ engine: 'postgres', cache: { entries: 5000, ttlMs: 30_000 } });
    expect(load({ MEILI_HOST: 'http://127.0.0.1:7700/', MEILI_MASTER_KEY: 'k' }).search).toEqual({
      engine: 'meilisearch',
      cache: { entries: 5000, ttlMs: 30_000 },
      meilisearch: { host: 'http://127.0.0.1:7700', apiKey: 'k', index: 'offers', timeoutMs: 2000 },
    });
    expect(load({ MEILI_HOST: 'http://127.0.0.1:7700', SEARCH_ENGINE: 'postgres' }).search.engine).toBe('postgres');
  });

  it('refuses inconsistent search settings with a French message naming the variable', () => {
    expect(() => load({ SEARCH_ENGINE: 'meilisearch' })).toThrow(/SEARCH_ENGINE .*MEILI_HOST/);
    expect(() => load({ SEARCH_ENGINE: 'elastic' })).toThrow(ConfigError);
    expect(() => load({ MEILI_HOST: 'localhost:7700' })).toThrow(/MEILI_HOST doit commencer par http/);
    expect(() => load({ MEILI_HOST: 'http://x', MEILI_INDEX: 'a b' })).toThrow(/MEILI_INDEX/);
    expect(load({ SEARCH_CACHE_ENTRIES: '0', SEARCH_CACHE_TTL_S: '5' }).search.cache).toEqual({ entries: 0, ttlMs: 5000 });
    expect(() => load({ SEARCH_CACHE_ENTRIES: 'beaucoup' })).toThrow(/SEARCH_CACHE_ENTRIES doit être un entier/);
    expect(() => load({ SEARCH_CACHE_TTL_S: '0' })).toThrow(/SEARCH_CACHE_TTL_S doit être entre 1 et 3600/);
    expect(() => loadConfig({ NODE_ENV: 'production', MEILI_HOST: 'http://x', JWT_SECRET: 'j'.repeat(40), COOKIE_SECRET: 'c'.repeat(40) })).toThrow(/MEILI_MASTER_KEY est obligatoire/);
  });

  it('runs the worker unless WORKER=off', () => {
    expect(load({}).worker).toEqual({ enabled: true, pollIntervalMs: 1000 });
    expect(load({ WORKER: 'off' }).worker.enabled).toBe(false);
    expect(() => load({ WORKER: 'maybe' })).toThrow(/WORKER doit valoir on \| off/);
  });
});

describe('search helpers', () => {
  it('backs off exponentially up to 30 s, so a backlog clears soon after the engine is back', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => outboxBackoffSeconds(n, middle))).toEqual([1, 2, 4, 8, 16, 30, 30]);
    for (let n = 1; n < 20; n++) expect(outboxBackoffSeconds(n)).toBeLessThanOrEqual(36);
  });

  it('builds shareable search URLs in a stable order, without empty parameters', () => {
    expect(searchPageUrl({})).toBe('/offres');
    expect(searchPageUrl({ contrat: 'seasonal' }, 2)).toBe('/offres?contrat=seasonal&page=2');
    expect(searchPageUrl({ tri: 'date', q: 'moniteur ski', lieu: 'Chamonix-Mont-Blanc (74400)', rayon: 20, secteur: '' as never })).toBe(
      '/offres?q=moniteur+ski&lieu=Chamonix-Mont-Blanc+%2874400%29&rayon=20&tri=date',
    );
  });
});
