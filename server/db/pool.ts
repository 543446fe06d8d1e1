import pg from 'pg';

/** Name of the role the app's queries run as (created by the first migration). */
export const APP_ROLE = 'cordee_app';

const NUMERIC_OID = 1700;
const INT8_OID = 20;
const DATE_OID = 1082;

// Per-pool parsers (no global pg.types mutation): numeric and count(*) as JS numbers, dates as 'YYYY-MM-DD'.
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === NUMERIC_OID || oid === INT8_OID) return (value: string) => Number(value);
    if (oid === DATE_OID) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface PoolOptions {
  connectionString: string;
  max: number;
  /** When set, every connection runs as this role (startup option `-c role=…`), so RLS applies. */
  role?: string;
  /** The web app's pool: short, latency-bound queries (see the startup options below). */
  app?: boolean;
  applicationName: string;
}

function startupOptions(options: PoolOptions): string | undefined {
  const settings = options.role ? [`-c role=${options.role}`] : [];
  // The app's queries are short: parallel workers and JIT compilation cost more to start than they
  // save at this size. Startup options, so no extra round trip per query.
  if (options.app) settings.push('-c jit=off', '-c max_parallel_workers_per_gather=0');
  return settings.length > 0 ? settings.join(' ') : undefined;
}

/** pg.Pool settings shared by the app (through @fastify/postgres) and the scripts. */
export function poolConfig(options: PoolOptions): pg.PoolConfig {
  return {
    connectionString: options.connectionString,
    max: options.max,
    application_name: options.applicationName,
    options: startupOptions(options),
    types: typeParsers,
    // Fail fast when PostgreSQL is down instead of queueing requests forever.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 30_000,
  };
}

export function createPool(options: PoolOptions & { onError: (error: Error) => void }): pg.Pool {
  const pool = new pg.Pool(poolConfig(options));
  listenForConnectionLoss(pool, options.onError);
  return pool;
}

/**
 * A connection whose server went away emits 'error': on the pool while idle, on the client itself while
 * checked out (Kysely holds one across the awaits of a transaction). Without a listener either one kills
 * the process, so both get one; the broken client is then refused by its next query and discarded.
 */
export function listenForConnectionLoss(pool: pg.Pool, onError: (error: Error) => void): void {
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
}
