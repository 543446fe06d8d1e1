/**
 * npm run bench:pages [-- --duration 5 --connections 1,32 --modes production,development --page-cache on|off --server-url postgres://… --cpu-prof <dir>]
 *
 * Page benchmark. On a throw-away PostgreSQL with the demo boards, serves in turn:
 * - the real app (server/main.ts) in production mode;
 * - its bare twin (scripts/bench-pages-twin.ts): Fastify rendering the same templates with the same
 *   rows, read once and kept in memory, so it does nothing but route and render;
 * - the real app in development mode (`npm start`);
 * and measures the home page, /offres (first page and a filtered page), an offer page and a company
 * page with autocannon at each concurrency. Prints, per page, requests/s and latency of each, the
 * app's share of its twin (target: ≥ 40 % at 32 connections) and development's share of production
 * (target: ≥ 50 %). Both modes run with the same page cache (plugins/page-cache.ts; off in development
 * by default), so that development's share measures what development adds; `--page-cache off`
 * measures the pages rendered on every request.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { runScript } from '../server/cli.js';
import { adminKysely, prepareDatabase } from '../server/db/bootstrap.js';
import { ensureDatabase } from '../server/db/embedded.js';
import { seedDemo } from '../server/db/seed/demo-seed.js';
import { withTenant } from '../server/db/tenant-db.js';
import { loadTenantRegistry } from '../server/tenancy/registry.js';
import { benchPostgres, freePort, load, loadAverage, ROOT, startServer, stopServer, table, waitUntilServing, type Measure } from './bench-harness.js';

const { values: flags } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '1,32' },
    /** Which servers to measure besides the twin: the app in production and/or development mode. */
    modes: { type: 'string', default: 'production,development' },
    /** The anonymous page cache (PAGE_CACHE_MB) in both modes: on (64 MB) or off. */
    'page-cache': { type: 'string', default: 'on' },
    /** A PostgreSQL server (privileged URL) instead of a throw-away one; the database `cordee_bench_pages` is recreated. */
    'server-url': { type: 'string' },
    /** Writes a CPU profile of each server into this folder (open them in Chrome DevTools, Performance tab). */
    'cpu-prof': { type: 'string' },
  },
});
const DURATION = Number(flags.duration);
const CONNECTIONS = flags.connections!.split(',').map(Number);
type Server = 'production' | 'twin' | 'development';
const MODES = flags.modes!.split(',') as Server[];
if (MODES.some((m) => m !== 'production' && m !== 'development')) throw new Error('--modes : production, development ou production,development');
if (flags['page-cache'] !== 'on' && flags['page-cache'] !== 'off') throw new Error('--page-cache : on ou off');

const TENANT = 'montagne';
/** Production resolves only the host names of tenant.json. */
const HOST = 'emploi-montagne.cordee.example';
const APP_SHARE_TARGET = 0.4;
const DEVELOPMENT_SHARE_TARGET = 0.5;

interface Page {
  name: string;
  path: string;
}

/** The pages measured: fixed by the demo data (a live offer with similar ones, the company with the most offers). */
async function choosePages(url: string): Promise<Page[]> {
  const db = adminKysely(url, () => {});
  try {
    return await withTenant(db, TENANT, async (t) => {
      const { rows: companies } = await sql<{ slug: string; id: string }>`
        select c.slug, c.id from companies c join offers o on o.company_id = c.id
        where c.tenant_id = ${TENANT} and o.status = 'published' and o.expires_at > now()
        group by c.id order by count(*) desc, c.slug limit 1`.execute(t.trx);
      const { rows: offers } = await sql<{ id: string }>`
        select id from offers where tenant_id = ${TENANT} and company_id = ${companies[0].id} and status = 'published' and expires_at > now()
        order by published_at desc, id limit 1`.execute(t.trx);
      return [
        { name: 'accueil', path: '/' },
        { name: 'offres', path: '/offres' },
        { name: 'offres filtrées', path: '/offres?secteur=remontees-mecaniques&contrat=seasonal' },
        { name: 'offre', path: `/offres/${offers[0].id}` },
        { name: 'entreprise', path: `/entreprises/${companies[0].slug}` },
      ];
    });
  } finally {
    await db.destroy();
  }
}

interface Result extends Measure {
  server: Server;
  page: string;
  connections: number;
}

await runScript(async (say) => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'cordee-bench-pages-'));
  chmodSync(work, 0o755); // the embedded server runs as `postgres` when we are root
  const cleanup: (() => Promise<void>)[] = [];
  let server: ChildProcess | undefined;
  try {
    say(`banc d’essai des pages : ${DURATION} s par mesure, ${os.cpus().length} cœurs, Node ${process.version}, cache des pages ${flags['page-cache']}, charge ${loadAverage()}`);
    const pg = await benchPostgres(work, flags['server-url']);
    cleanup.push(() => pg.stop());
    const maintenance = adminKysely(pg.url, () => {});
    await sql`drop database if exists cordee_bench_pages with (force)`.execute(maintenance);
    await maintenance.destroy();
    const url = await ensureDatabase(pg.url, 'cordee_bench_pages');
    const registry = loadTenantRegistry(path.join(ROOT, 'tenants'), { allowLocalhostSubdomains: false });
    await prepareDatabase(url, registry, path.join(ROOT, 'data'), () => {});
    const admin = adminKysely(url, () => {});
    try {
      for (const report of await seedDemo(admin, registry)) say(`démo ${report.tenant} : ${report.companies} entreprises, ${report.offers} offres`);
      await sql`vacuum analyze`.execute(admin);
    } finally {
      await admin.destroy();
    }
    const pages = await choosePages(url);
    say(`pages : ${pages.map((p) => p.path).join(' ')}`);

    const env = (mode: 'production' | 'development', port: number): Record<string, string> => ({
      NODE_ENV: mode,
      JWT_SECRET: randomBytes(32).toString('base64'),
      COOKIE_SECRET: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      DATABASE_URL: url,
      DATA_DIR: path.join(work, 'data'),
      PORT: String(port),
      MIGRATE_ON_START: 'false',
      SEED_DEMO: 'never',
      WORKER: 'off',
      PAGE_CACHE_MB: flags['page-cache'] === 'on' ? '64' : '0',
    });
    const results: Result[] = [];
    for (const kind of ['production', 'twin', 'development'] as Server[]) {
      if (kind !== 'twin' && !MODES.includes(kind)) continue;
      const port = await freePort();
      server =
        kind === 'twin'
          ? startServer('scripts/bench-pages-twin.ts', env('production', port), {
              args: ['--host', HOST, '--pages', JSON.stringify(pages.map((p) => p.path))],
              profileDir: flags['cpu-prof'],
            })
          : startServer('server/main.ts', env(kind, port), { profileDir: flags['cpu-prof'] });
      await waitUntilServing(server, port, HOST);
      // Warm-up: compiled templates, the JIT, the connection pool.
      await load({ port, pid: server.pid!, connections: 8, durationS: 2, requests: pages.map((p) => ({ host: HOST, path: p.path })) });
      for (const page of pages) {
        for (const connections of CONNECTIONS) {
          const measure = await load({ port, pid: server.pid!, connections, durationS: DURATION, requests: [{ host: HOST, path: page.path }], accept: 'text/html' });
          results.push({ server: kind, page: page.name, connections, ...measure });
          say(`${kind} ${page.name} c=${connections} : ${measure.rps.toFixed(0)} req/s, p95 ${measure.p95.toFixed(1)} ms${measure.errors ? `, ${measure.errors} erreurs` : ''}`);
        }
      }
      await stopServer(server);
      server = undefined;
    }

    const find = (kind: Server, page: string, connections: number) => results.find((r) => r.server === kind && r.page === page && r.connections === connections);
    const share = (a: Result | undefined, b: Result | undefined) => (a && b ? a.rps / b.rps : NaN);
    const percent = (value: number) => (Number.isNaN(value) ? '–' : `${Math.round(value * 100)} %`);
    const rows: (string | number)[][] = [];
    const misses: string[] = [];
    for (const page of pages) {
      for (const connections of CONNECTIONS) {
        const production = find('production', page.name, connections);
        const twin = find('twin', page.name, connections)!;
        const development = find('development', page.name, connections);
        const appShare = share(production, twin);
        const devShare = share(development, production);
        if (connections === 32 && appShare < APP_SHARE_TARGET) misses.push(`${page.name} : ${percent(appShare)} du jumeau`);
        if (devShare < DEVELOPMENT_SHARE_TARGET) misses.push(`${page.name} c=${connections} : développement ${percent(devShare)} de la production`);
        const errors = [production, twin, development].reduce((sum, r) => sum + (r?.errors ?? 0), 0);
        if (errors > 0) misses.push(`${page.name} c=${connections} : ${errors} erreurs`);
        rows.push([
          page.name,
          connections,
          production ? production.rps.toFixed(0) : '–',
          production ? `${production.p50.toFixed(1)} / ${production.p95.toFixed(1)}` : '–',
          twin.rps.toFixed(0),
          `${twin.p50.toFixed(1)} / ${twin.p95.toFixed(1)}`,
          percent(appShare),
          development ? development.rps.toFixed(0) : '–',
          percent(devShare),
        ]);
      }
    }
    console.log('');
    console.log(`Pages du tenant ${TENANT} (données de démonstration), ${os.cpus().length} cœurs, ${DURATION} s par ligne, charge de la machine ${loadAverage()}`);
    console.log('');
    console.log(
      table(
        ['page', 'connexions', 'app req/s', 'app p50 / p95 ms', 'jumeau req/s', 'jumeau p50 / p95 ms', 'app / jumeau', 'dév. req/s', 'dév. / prod.'],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
        rows,
      ),
    );
    console.log('');
    console.log(`Cibles : app ≥ ${APP_SHARE_TARGET * 100} % de son jumeau à 32 connexions, développement ≥ ${DEVELOPMENT_SHARE_TARGET * 100} % de la production.`);
    console.log(misses.length === 0 ? 'Toutes atteintes.' : `Manquées : ${misses.join(' ; ')}`);
    if (misses.length > 0) process.exitCode = 1;
  } finally {
    if (server) await stopServer(server);
    for (const step of cleanup.reverse()) await step();
    rmSync(work, { recursive: true, force: true });
  }
});
