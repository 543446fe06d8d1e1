import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

/** Everything the app reads from the environment, validated once. Only this module reads process.env. */
export interface Config {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  logLevel: string;
  trustProxy: boolean;
  /** Project root: holds views/, tenants/, data/. */
  rootDir: string;
  tenantsDir: string;
  viewsDir: string;
  /** Committed open data (ROME, communes, NAF) loaded into the reference tables. */
  referenceDataDir: string;
  /** Runtime state of the zero-setup mode (embedded PostgreSQL, mail files). */
  dataDir: string;
  database: {
    /** Privileged URL (migrations, seed, tenant sync). Undefined → embedded PostgreSQL. */
    url?: string;
    /** URL of the unprivileged runtime role. Undefined → the privileged URL with `SET ROLE cordee_app`. */
    appUrl?: string;
    embeddedPort: number;
    poolMax: number;
  };
  migrateOnStart: boolean;
  /** 'auto' seeds the demo data on an empty embedded database only. */
  seedDemo: 'auto' | 'always' | 'never';
  requestTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`Configuration invalide : ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

/** The folder holding package.json, whether we run from server/ (tsx) or dist/server/ (compiled). */
export function findRootDir(from = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json')) || path.basename(dir) === 'dist') {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`package.json introuvable au-dessus de ${from}`);
    dir = parent;
  }
  return dir;
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `doit être un entier (reçu « ${raw} »)`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `doit être entre ${min} et ${max} (reçu ${value})`);
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(name, `doit valoir true ou false (reçu « ${raw} »)`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `doit valoir ${allowed.join(' | ')} (reçu « ${raw} »)`);
  }
  return raw as T;
}

function postgresUrl(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, "n'est pas une URL valide");
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(name, 'doit commencer par postgres:// ou postgresql://');
  }
  return raw;
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const rootDir = overrides.rootDir ?? findRootDir();
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const dataDir = path.resolve(rootDir, env.DATA_DIR || '.data');
  const config: Config = {
    env: nodeEnv,
    host: env.HOST || '127.0.0.1',
    port: integer(env, 'PORT', 3000, 0, 65535),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    rootDir,
    tenantsDir: path.resolve(rootDir, env.TENANTS_DIR || 'tenants'),
    viewsDir: path.join(rootDir, 'views'),
    referenceDataDir: path.join(rootDir, 'data'),
    dataDir,
    database: {
      url: postgresUrl(env, 'DATABASE_URL'),
      appUrl: postgresUrl(env, 'DATABASE_APP_URL'),
      embeddedPort: integer(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
      poolMax: integer(env, 'DATABASE_POOL_MAX', 10, 1, 500),
    },
    migrateOnStart: boolean(env, 'MIGRATE_ON_START', true),
    seedDemo: oneOf(env, 'SEED_DEMO', ['auto', 'always', 'never'] as const, 'auto'),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 1000, 600_000),
  };
  if (config.database.appUrl && !config.database.url) {
    throw new ConfigError('DATABASE_APP_URL', 'exige DATABASE_URL (le rôle privilégié qui applique les migrations)');
  }
  return { ...config, ...overrides };
}
