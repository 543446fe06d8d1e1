import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, loadScriptConfig } from '../../../server/config.js';
import { testTempDir } from '../../helpers/tmp.js';

const strong = 'k'.repeat(48);

describe('signing secrets and e-mail configuration', () => {
  it.each([
    [{ NODE_ENV: 'production', COOKIE_SECRET: strong }, /JWT_SECRET est obligatoire en production/],
    [{ NODE_ENV: 'production', JWT_SECRET: strong }, /COOKIE_SECRET est obligatoire en production/],
    [{ NODE_ENV: 'production', JWT_SECRET: 'court', COOKIE_SECRET: strong }, /JWT_SECRET doit contenir au moins 32 caractères/],
    [{ NODE_ENV: 'test', SMTP_URL: 'http://mail.example' }, /SMTP_URL doit commencer par smtp:\/\/ ou smtps:\/\//],
    [{ NODE_ENV: 'test', MAIL_FROM: 'pas une adresse' }, /MAIL_FROM doit être une adresse e-mail/],
  ])('refuses %o with a French message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('takes the secrets from the environment in production', () => {
    const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: strong, COOKIE_SECRET: `c${strong}`, SMTP_URL: 'smtps://u:p@smtp.example:465' });
    expect(config.secrets).toEqual({ jwt: strong, cookie: `c${strong}` });
    expect(config.mail.smtpUrl).toBe('smtps://u:p@smtp.example:465');
  });

  it('generates the secrets once in development and keeps them under DATA_DIR (owner-only file)', () => {
    const dataDir = testTempDir('secrets');
    const first = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
    const second = loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir });
    expect(first.secrets.jwt.length).toBeGreaterThanOrEqual(32);
    expect(first.secrets.jwt).not.toBe(first.secrets.cookie);
    expect(second.secrets).toEqual(first.secrets);
    const file = path.join(dataDir, 'secrets.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(first.secrets);
    expect(statSync(file).mode & 0o077).toBe(0);
    expect(first.mail).toMatchObject({ smtpUrl: undefined, dir: path.join(dataDir, 'mail') });
  });

  it('uses throw-away secrets in tests', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).secrets.jwt).not.toBe(loadConfig({ NODE_ENV: 'test' }).secrets.jwt);
  });

  it('lets scripts (migrate, seed, tenant check) run in production without the signing secrets', () => {
    const config = loadScriptConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://u:p@db.example/cordee' });
    expect(config.env).toBe('production');
    expect(config.secrets).toEqual({ jwt: '', cookie: '' });
  });
});
