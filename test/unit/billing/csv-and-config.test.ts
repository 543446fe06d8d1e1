import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../server/config.js';
import { csvField, toCsv } from '../../../server/csv.js';
import { parseEuros } from '../../../server/features/billing/schemas.js';

describe('CSV for French Excel', () => {
  it('starts with a BOM, separates with ; and ends lines with CRLF', () => {
    expect(toCsv(['a', 'b'], [[1, null]])).toBe('\uFEFFa;b\r\n1;\r\n');
  });
  it('quotes separators, quotes and line breaks, and defuses formulas', () => {
    expect(csvField('Ski; "Cimes"')).toBe('"Ski; ""Cimes"""');
    expect(csvField('ligne\nsuivante')).toBe('"ligne\nsuivante"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-12')).toBe("'-12");
    expect(csvField('Société Générale')).toBe('Société Générale');
  });
  it('reads euro amounts typed the French way', () => {
    expect(parseEuros('600')).toBe(60000);
    expect(parseEuros('1200,5')).toBe(120050);
    expect(parseEuros('0.07')).toBe(7);
  });
});

describe('billing config', () => {
  const env = { NODE_ENV: 'test' };
  it('is manual without Stripe keys', () => {
    expect(loadConfig(env).billing).toEqual({ provider: 'manual' });
  });
  it('is Stripe with both keys, and STRIPE_API_BASE redirects the SDK', () => {
    const config = loadConfig({ ...env, STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_abc', STRIPE_API_BASE: 'http://127.0.0.1:12111' });
    expect(config.billing).toEqual({ provider: 'stripe', secretKey: 'sk_test_abc', webhookSecret: 'whsec_abc', api: { protocol: 'http', host: '127.0.0.1', port: 12111 } });
  });
  it.each([
    [{ STRIPE_SECRET_KEY: 'sk_test_abc' }, /STRIPE_WEBHOOK_SECRET est obligatoire quand STRIPE_SECRET_KEY est défini/],
    [{ STRIPE_WEBHOOK_SECRET: 'whsec_abc' }, /STRIPE_SECRET_KEY est obligatoire quand STRIPE_WEBHOOK_SECRET est défini/],
    [{ STRIPE_SECRET_KEY: 'pk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_abc' }, /STRIPE_SECRET_KEY doit commencer par sk_test_/],
    [{ STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'abc' }, /STRIPE_WEBHOOK_SECRET doit commencer par whsec_/],
    [{ STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_WEBHOOK_SECRET: 'whsec_abc', STRIPE_API_BASE: 'ftp://x' }, /STRIPE_API_BASE doit commencer par http/],
  ])('refuses %o in French', (extra, message) => {
    expect(() => loadConfig({ ...env, ...extra })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, ...extra })).toThrow(message);
  });
});
