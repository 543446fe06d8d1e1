import { describe, expect, it } from 'vitest';
import { loadConfig, NO_SECRETS } from '../../../server/config.js';

const load = (env: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...env }, { secrets: NO_SECRETS });

describe('feed configuration', () => {
  it('defaults to no exception to the address guard, 30 s and 10 MB', () => {
    expect(load({}).feeds).toEqual({ allowNetworks: [], timeoutMs: 30_000, maxBytes: 10 * 1024 * 1024 });
  });

  it('reads FEED_FETCH_ALLOW, FEED_FETCH_TIMEOUT_MS and FEED_MAX_MB', () => {
    expect(load({ FEED_FETCH_ALLOW: '127.0.0.1, 10.8.0.0/16,::1', FEED_FETCH_TIMEOUT_MS: '5000', FEED_MAX_MB: '2' }).feeds).toEqual({
      allowNetworks: ['127.0.0.1', '10.8.0.0/16', '::1'],
      timeoutMs: 5_000,
      maxBytes: 2 * 1024 * 1024,
    });
  });

  it('refuses a malformed list, and any exception in production', () => {
    expect(() => load({ FEED_FETCH_ALLOW: 'localhost' })).toThrow('Configuration invalide : FEED_FETCH_ALLOW doit lister des adresses IP ou des plages CIDR séparées par des virgules (reçu « localhost »)');
    expect(() => load({ FEED_FETCH_ALLOW: '10.0.0.0/40' })).toThrow('FEED_FETCH_ALLOW');
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x@h/db', FEED_FETCH_ALLOW: '127.0.0.1' }, { secrets: NO_SECRETS })).toThrow(
      'Configuration invalide : FEED_FETCH_ALLOW est refusé en production : les flux ne peuvent viser ni la boucle locale ni un réseau privé',
    );
    expect(() => load({ FEED_MAX_MB: '0' })).toThrow('FEED_MAX_MB doit être entre 1 et 200');
  });
});
