import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';

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
    /** DATABASE_EMBEDDED: the embedded server also in production (one-machine deployments, the fault suite). */
    embeddedInProduction: boolean;
    poolMax: number;
  };
  migrateOnStart: boolean;
  /** 'auto' seeds the demo data on an empty embedded database only. */
  seedDemo: 'auto' | 'always' | 'never';
  requestTimeoutMs: number;
  /** Longest wait for a request's complete headers (at most requestTimeoutMs). */
  headersTimeoutMs: number;
  /** 503 + Retry-After when the event loop lags more than 1 s (@fastify/under-pressure). */
  loadShedding: boolean;
  /** Signing keys of access tokens (JWT_SECRET) and of cookies (COOKIE_SECRET). */
  secrets: { jwt: string; cookie: string };
  mail: {
    /** smtp(s)://… in production; undefined → messages are written under `dir`. */
    smtpUrl?: string;
    /** Sender address; the display name is the tenant's name. */
    from: string;
    /** Where messages go without SMTP (one folder per tenant), read by the development mailbox. */
    dir: string;
  };
  /** Whole pages for anonymous visitors (plugins/page-cache.ts), under the search generation; 0 bytes = off. */
  pageCache: { maxBytes: number; ttlMs: number };
  search: {
    /** `meilisearch` when MEILI_HOST is set (unless SEARCH_ENGINE=postgres), else PostgreSQL full-text. */
    engine: 'postgres' | 'meilisearch';
    meilisearch?: { host: string; apiKey?: string; index: string; timeoutMs: number };
    /** Results of the PostgreSQL engine kept in memory, valid while the tenant's offers are unchanged; 0 entries = off. */
    cache: { entries: number; ttlMs: number };
  };
  /** The in-process background worker (server/jobs/), started by main.ts. */
  worker: { enabled: boolean; pollIntervalMs: number };
  /** Membership payments: Stripe when STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are set, else manual. */
  billing: BillingConfig;
  /** The search page's map (MAP_TILES_URL); undefined: no map, the list only. */
  map?: MapConfig;
  /** Importing companies' feeds (features/feeds). */
  feeds: FeedsConfig;
}

export interface MapConfig {
  /** Tile URL template with {z}, {x}, {y} (and optionally {s}, {r}), as Leaflet takes it. */
  tilesUrl: string;
  attribution: string;
  /** The CSP img-src source allowing the tiles: the template's origin, `*.` for a {s} sub-domain. */
  tileSource: string;
}

export interface FeedsConfig {
  /** FEED_FETCH_ALLOW: addresses or ranges exempt from the SSRF guard (tests and development only, refused in production). */
  allowNetworks: string[];
  /** FEED_FETCH_TIMEOUT_MS: deadline of one fetch, redirects and body included. */
  timeoutMs: number;
  /** FEED_MAX_MB: largest feed or uploaded file, compressed and decoded. */
  maxBytes: number;
}

export type BillingConfig =
  | { provider: 'manual' }
  | {
      provider: 'stripe';
      secretKey: string;
      webhookSecret: string;
      /** STRIPE_API_BASE (tests, stripe-mock): where the SDK sends its requests instead of api.stripe.com. */
      api?: { protocol: 'http' | 'https'; host: string; port: number };
    };

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

/** An optional URL whose scheme must be one of `protocols` (e.g. ['postgres', 'postgresql']). */
function url(env: Env, name: string, protocols: readonly string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, "n'est pas une URL valide");
  }
  if (!protocols.includes(parsed.protocol.replace(/:$/, ''))) {
    throw new ConfigError(name, `doit commencer par ${protocols.map((p) => `${p}://`).join(' ou ')}`);
  }
  return raw;
}

function mailAddress(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(raw)) throw new ConfigError(name, `doit être une adresse e-mail (reçu « ${raw} »)`);
  return raw;
}

const SECRET_MIN_LENGTH = 32;

/**
 * JWT_SECRET and COOKIE_SECRET. Production refuses to start without them. Development generates them
 * once and keeps them in <DATA_DIR>/secrets.json (so `npm start` needs no keys and sessions survive a
 * restart); tests get fresh random keys per app.
 */
function secrets(env: Env, nodeEnv: Config['env'], dataDir: string): Config['secrets'] {
  const given = { jwt: env.JWT_SECRET || undefined, cookie: env.COOKIE_SECRET || undefined };
  for (const [name, value] of [['JWT_SECRET', given.jwt], ['COOKIE_SECRET', given.cookie]] as const) {
    if (value !== undefined && value.length < SECRET_MIN_LENGTH) {
      throw new ConfigError(name, `doit contenir au moins ${SECRET_MIN_LENGTH} caractères (par exemple : openssl rand -base64 48)`);
    }
    if (value === undefined && nodeEnv === 'production') {
      throw new ConfigError(name, `est obligatoire en production : une valeur aléatoire d’au moins ${SECRET_MIN_LENGTH} caractères (par exemple : openssl rand -base64 48)`);
    }
  }
  const random = () => randomBytes(48).toString('base64url');
  if (given.jwt && given.cookie) return { jwt: given.jwt, cookie: given.cookie };
  if (nodeEnv !== 'development') return { jwt: given.jwt ?? random(), cookie: given.cookie ?? random() };
  const file = path.join(dataDir, 'secrets.json');
  let stored: Partial<Config['secrets']> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<Config['secrets']>;
  if (!stored.jwt || !stored.cookie) {
    stored = { jwt: stored.jwt || random(), cookie: stored.cookie || random() };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return { jwt: given.jwt ?? stored.jwt!, cookie: given.cookie ?? stored.cookie! };
}

function searchConfig(env: Env, nodeEnv: Config['env']): Config['search'] {
  const host = url(env, 'MEILI_HOST', ['http', 'https'])?.replace(/\/+$/, '');
  const engine = oneOf(env, 'SEARCH_ENGINE', ['postgres', 'meilisearch'] as const, host ? 'meilisearch' : 'postgres');
  const cache = { entries: integer(env, 'SEARCH_CACHE_ENTRIES', 5_000, 0, 100_000), ttlMs: integer(env, 'SEARCH_CACHE_TTL_S', 30, 1, 3_600) * 1000 };
  if (engine === 'postgres') return { engine, cache };
  if (!host) throw new ConfigError('SEARCH_ENGINE', 'vaut meilisearch mais MEILI_HOST n’est pas défini');
  const apiKey = env.MEILI_MASTER_KEY || undefined;
  if (!apiKey && nodeEnv === 'production') throw new ConfigError('MEILI_MASTER_KEY', 'est obligatoire en production avec MEILI_HOST');
  const index = env.MEILI_INDEX || 'offers';
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(index)) throw new ConfigError('MEILI_INDEX', `doit ne contenir que lettres, chiffres, - et _ (reçu « ${index} »)`);
  return { engine, cache, meilisearch: { host, apiKey, index, timeoutMs: integer(env, 'MEILI_TIMEOUT_MS', 2_000, 100, 60_000) } };
}

/** Both Stripe keys or neither: half a configuration would take payments that never activate anything. */
function billingConfig(env: Env): BillingConfig {
  const secretKey = env.STRIPE_SECRET_KEY || undefined;
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET || undefined;
  if (!secretKey && !webhookSecret) return { provider: 'manual' };
  if (!secretKey) throw new ConfigError('STRIPE_SECRET_KEY', 'est obligatoire quand STRIPE_WEBHOOK_SECRET est défini (les deux ou aucun)');
  if (!webhookSecret) throw new ConfigError('STRIPE_WEBHOOK_SECRET', 'est obligatoire quand STRIPE_SECRET_KEY est défini (les deux ou aucun)');
  if (!/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/.test(secretKey)) throw new ConfigError('STRIPE_SECRET_KEY', 'doit commencer par sk_test_, sk_live_, rk_test_ ou rk_live_');
  if (!/^whsec_[A-Za-z0-9+/=]+$/.test(webhookSecret)) throw new ConfigError('STRIPE_WEBHOOK_SECRET', 'doit commencer par whsec_');
  const base = url(env, 'STRIPE_API_BASE', ['http', 'https']);
  if (!base) return { provider: 'stripe', secretKey, webhookSecret };
  const parsed = new URL(base);
  const protocol = parsed.protocol === 'http:' ? 'http' : 'https';
  const port = parsed.port ? Number(parsed.port) : protocol === 'http' ? 80 : 443;
  return { provider: 'stripe', secretKey, webhookSecret, api: { protocol, host: parsed.hostname, port } };
}

/**
 * MAP_TILES_URL: an http(s) tile template with {z}, {x} and {y}, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png
 * (OpenStreetMap's own servers: light use only, under their tile usage policy). MAP_TILES_ATTRIBUTION:
 * the credit the tile provider requires, shown on the map.
 */
function mapConfig(env: Env): MapConfig | undefined {
  const raw = env.MAP_TILES_URL;
  if (raw === undefined || raw === '') return undefined;
  for (const placeholder of ['{z}', '{x}', '{y}']) {
    if (!raw.includes(placeholder)) throw new ConfigError('MAP_TILES_URL', `doit contenir ${placeholder} (ex. https://tile.openstreetmap.org/{z}/{x}/{y}.png)`);
  }
  if (/[\s;,'"]/.test(raw)) throw new ConfigError('MAP_TILES_URL', 'ne doit contenir ni espace, ni guillemet, ni ; ou ,');
  let probe: URL;
  try {
    probe = new URL(raw.replace(/\{s\}/g, 'sub').replace(/\{[a-z]+\}/g, '0'));
  } catch {
    throw new ConfigError('MAP_TILES_URL', "n'est pas une URL valide");
  }
  if (probe.protocol !== 'http:' && probe.protocol !== 'https:') throw new ConfigError('MAP_TILES_URL', 'doit commencer par http:// ou https://');
  // {s}: the provider's sub-domains (a, b, c…), allowed by the CSP as a wildcard.
  let host = probe.hostname;
  if (raw.includes('{s}')) {
    if (!host.startsWith('sub.')) throw new ConfigError('MAP_TILES_URL', '{s} n’est permis qu’en tête du nom d’hôte ({s}.tile.exemple.org)');
    host = `*.${host.slice('sub.'.length)}`;
  }
  return {
    tilesUrl: raw,
    attribution: env.MAP_TILES_ATTRIBUTION || '© les contributeurs d’OpenStreetMap',
    tileSource: `${probe.protocol}//${host}${probe.port ? `:${probe.port}` : ''}`,
  };
}

/** FEED_FETCH_ALLOW (comma-separated IPs or CIDR ranges): local test servers only, never in production. */
function feedsConfig(env: Env, nodeEnv: Config['env']): FeedsConfig {
  const allowNetworks = (env.FEED_FETCH_ALLOW ?? '').split(',').map((item) => item.trim()).filter(Boolean);
  for (const item of allowNetworks) {
    const [address, bits] = item.split('/');
    const family = isIP(address);
    const max = family === 6 ? 128 : 32;
    if (family === 0 || (bits !== undefined && (!/^\d+$/.test(bits) || Number(bits) > max))) {
      throw new ConfigError('FEED_FETCH_ALLOW', `doit lister des adresses IP ou des plages CIDR séparées par des virgules (reçu « ${item} »)`);
    }
  }
  if (allowNetworks.length > 0 && nodeEnv === 'production') {
    throw new ConfigError('FEED_FETCH_ALLOW', 'est refusé en production : les flux ne peuvent viser ni la boucle locale ni un réseau privé');
  }
  return {
    allowNetworks,
    timeoutMs: integer(env, 'FEED_FETCH_TIMEOUT_MS', 30_000, 500, 300_000),
    maxBytes: integer(env, 'FEED_MAX_MB', 10, 1, 200) * 1024 * 1024,
  };
}

/** Scripts (migrate, seed, tenant, reindex) sign no token or cookie, so they need neither secret, even in production. */
export const NO_SECRETS: Config['secrets'] = { jwt: '', cookie: '' };

export function loadScriptConfig(env: Env = process.env): Config {
  return loadConfig(env, { secrets: NO_SECRETS });
}

export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const rootDir = overrides.rootDir ?? findRootDir();
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const dataDir = path.resolve(rootDir, env.DATA_DIR || '.data');
  const search = searchConfig(env, nodeEnv);
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
      url: url(env, 'DATABASE_URL', ['postgres', 'postgresql']),
      appUrl: url(env, 'DATABASE_APP_URL', ['postgres', 'postgresql']),
      embeddedPort: integer(env, 'EMBEDDED_PG_PORT', 54329, 1024, 65535),
      embeddedInProduction: boolean(env, 'DATABASE_EMBEDDED', false),
      poolMax: integer(env, 'DATABASE_POOL_MAX', 10, 1, 500),
    },
    migrateOnStart: boolean(env, 'MIGRATE_ON_START', true),
    seedDemo: oneOf(env, 'SEED_DEMO', ['auto', 'always', 'never'] as const, 'auto'),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 1000, 600_000),
    headersTimeoutMs: integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 1000, 600_000),
    loadShedding: boolean(env, 'LOAD_SHEDDING', true),
    secrets: overrides.secrets ?? secrets(env, nodeEnv, dataDir),
    mail: {
      smtpUrl: url(env, 'SMTP_URL', ['smtp', 'smtps']),
      from: mailAddress(env, 'MAIL_FROM', 'ne-pas-repondre@cordee.localhost'),
      dir: path.join(dataDir, 'mail'),
    },
    search,
    // Off by default in development, where a template edit must show at once. The search cache's time
    // limit: both bound what the search generation cannot see (the clock).
    pageCache: { maxBytes: integer(env, 'PAGE_CACHE_MB', nodeEnv === 'development' ? 0 : 64, 0, 4_096) * 1024 * 1024, ttlMs: search.cache.ttlMs },
    worker: {
      enabled: oneOf(env, 'WORKER', ['on', 'off'] as const, 'on') === 'on',
      pollIntervalMs: integer(env, 'WORKER_POLL_MS', 1_000, 50, 60_000),
    },
    billing: billingConfig(env),
    map: mapConfig(env),
    feeds: feedsConfig(env, nodeEnv),
  };
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    throw new ConfigError('HEADERS_TIMEOUT_MS', `doit être au plus REQUEST_TIMEOUT_MS (${config.requestTimeoutMs} ms)`);
  }
  if (config.database.embeddedInProduction && config.database.url) {
    throw new ConfigError('DATABASE_EMBEDDED', 'ne peut pas valoir true quand DATABASE_URL est défini (choisir l’un ou l’autre)');
  }
  if (config.database.appUrl && !config.database.url) {
    throw new ConfigError('DATABASE_APP_URL', 'exige DATABASE_URL (le rôle privilégié qui applique les migrations)');
  }
  return { ...config, ...overrides };
}
