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
  ])('refuses %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
