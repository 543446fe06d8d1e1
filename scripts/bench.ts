/**
 * npm run bench [-- --offers 100000 --tenants 10 --duration 10 --connections 1,32 --mixes keyword,facet,geo,mixed
 *                   --cache on,off --server-url postgres://… --reuse --cpu-prof <dir>]
 *
 * Search benchmark on a fresh database: starts a throw-away embedded PostgreSQL, loads N offers
 * (realistic French titles and descriptions from the demo catalogues, real communes) over T tenants,
 * measures the load and the index (re)build, starts the real server (server/main.ts, WORKER=off) in a
 * child process and hits GET /api/v1/offers with autocannon for keyword, facet and geo query mixes at
 * each concurrency, once with the search cache (warm: the runs repeat their query lists) and once
 * without (every request reaches the engine). Prints p50/p95/p99 latency, requests/s and peak RSS.
 * With MEILI_HOST set the server searches Meilisearch (index rebuilt first); default is PostgreSQL.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { runScript } from '../server/cli.js';
import { loadConfig } from '../server/config.js';
import { adminKysely, prepareDatabase } from '../server/db/bootstrap.js';
import { ensureDatabase } from '../server/db/embedded.js';
import type { NewCompany, NewOffer } from '../server/db/database.js';
import type { DemoCatalogue, JobTemplate } from '../server/db/seed/catalogue.js';
import { slugify } from '../server/db/seed/demo-seed.js';
import { dijon } from '../server/db/seed/dijon.js';
import { montagne } from '../server/db/seed/montagne.js';
import { createRandom, stableUuid, type Random } from '../server/db/seed/random.js';
import { withTenant } from '../server/db/tenant-db.js';
import { createKysely } from '../server/db/kysely.js';
import { APP_ROLE, createPool } from '../server/db/pool.js';
import { createSearchEngine, SearchService } from '../server/features/search/service.js';
import { loadTenantRegistry } from '../server/tenancy/registry.js';
import { benchPostgres, freePort, load as loadTest, loadAverage, ROOT, startServer, stopServer, table, waitUntilServing, type Measure } from './bench-harness.js';

const { values: flags } = parseArgs({
  options: {
    offers: { type: 'string', default: '100000' },
    tenants: { type: 'string', default: '10' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '1,32' },
    mixes: { type: 'string', default: 'keyword,facet,geo,mixed' },
    /** Server runs with the search cache (on) and without it (off: every request reaches the engine). */
    cache: { type: 'string', default: 'on,off' },
    /** A PostgreSQL server (privileged URL) to use instead of a throw-away embedded one; the database `cordee_bench` is recreated and kept. */
    'server-url': { type: 'string' },
    /** With --server-url: reuse the cordee_bench database of a previous run (no load, no rebuild). */
    reuse: { type: 'boolean', default: false },
    /** Writes a CPU profile of each server run into this folder (open them in Chrome DevTools, Performance tab). */
    'cpu-prof': { type: 'string' },
  },
});

const OFFERS = Number(flags.offers);
const TENANTS = Number(flags.tenants);
const DURATION = Number(flags.duration);
const CONNECTIONS = flags.connections!.split(',').map(Number);
const MIXES = flags.mixes!.split(',') as Mix[];
const CACHE_MODES = flags.cache!.split(',') as ('on' | 'off')[];
if (CACHE_MODES.some((mode) => mode !== 'on' && mode !== 'off')) throw new Error('--cache : on, off ou on,off');
type Mix = 'keyword' | 'facet' | 'geo' | 'mixed';

const DAY = 86_400_000;
// Each kind of board draws its communes from real departments.
const MOUNTAIN_DEPARTMENTS = ['73', '74', '38', '05', '04', '06', '65', '64', '66', '09', '63', '15', '25', '39', '01', '26'];
const CITY_DEPARTMENTS = ['21', '71', '58', '89', '69', '42', '25', '70', '90', '39', '01', '03', '18', '45', '51', '10'];

interface BenchTenant {
  id: string;
  host: string;
  catalogue: DemoCatalogue;
  sectors: string[];
  departments: string[];
}

interface Commune {
  insee: string;
  name: string;
  postal: string;
  department: string;
  lat: number;
  lon: number;
}

/** tenants/bench-NN/: copies of the two demo boards' tenant.json with their own slug and host name. */
function writeTenants(dir: string): BenchTenant[] {
  const tenants: BenchTenant[] = [];
  for (let i = 1; i <= TENANTS; i++) {
    const mountain = i % 2 === 1;
    const source = mountain ? 'montagne' : 'dijon';
    const id = `bench-${String(i).padStart(2, '0')}`;
    const config = JSON.parse(readFileSync(path.join(ROOT, 'tenants', source, 'tenant.json'), 'utf8'));
    Object.assign(config, { slug: id, name: `Banc d’essai ${i}`, hostnames: [`${id}.bench.example`] });
    mkdirSync(path.join(dir, id), { recursive: true });
    writeFileSync(path.join(dir, id, 'tenant.json'), JSON.stringify(config, null, 2));
    cpSync(path.join(ROOT, 'tenants', source, 'assets'), path.join(dir, id, 'assets'), { recursive: true });
    const pool = mountain ? MOUNTAIN_DEPARTMENTS : CITY_DEPARTMENTS;
    const departments = [0, 1, 2, 3].map((k) => pool[(i * 3 + k) % pool.length]);
    tenants.push({ id, host: `${id}.bench.example`, catalogue: mountain ? montagne : dijon, sectors: config.sectors.map((s: { code: string }) => s.code), departments });
  }
  return tenants;
}

const CONTRACT_WORDS: Record<string, string> = {
  cdi: 'CDI', cdd: 'CDD', seasonal: 'contrat saisonnier', interim: 'mission d’intérim',
  apprenticeship: 'contrat d’apprentissage', internship: 'stage', shared_time: 'temps partagé',
};

function description(company: { name: string; description: string }, job: JobTemplate, contract: string, housing: string, perks: string[], random: Random): string {
  const list = (items: string[]) => `<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`;
  const conditions = [`Poste en ${CONTRACT_WORDS[contract]}`, random.pick(perks)];
  if (housing === 'provided') conditions.push('Logement fourni par l’employeur');
  if (housing === 'help') conditions.push('Aide à la recherche de logement');
  return [
    `<p>${company.description}</p>`,
    `<p>${company.name} recrute : ${job.title.replace(' H/F', '')}.</p>`,
    '<h3>Vos missions</h3>',
    list(job.missions),
    '<h3>Votre profil</h3>',
    list(job.profile),
    '<h3>Conditions</h3>',
    list(conditions),
  ].join('\n');
}

async function communesOf(db: ReturnType<typeof adminKysely>, tenant: BenchTenant): Promise<Commune[]> {
  const { rows } = await sql<Commune>`
    select insee_code as insee, name, postal_codes[1] as postal, department_code as department, latitude as lat, longitude as lon
    from communes
    where department_code in (${sql.join(tenant.departments)}) and kind = 'commune' and latitude is not null
      and cardinality(postal_codes) > 0 and population >= 300
    order by population desc limit 400`.execute(db);
  return rows;
}

async function load(url: string, tenants: BenchTenant[], say: (m: string) => void, reuse: boolean): Promise<{ communesByTenant: Map<string, Commune[]> }> {
  const db = adminKysely(url, say);
  const communesByTenant = new Map<string, Commune[]>();
  try {
    for (const tenant of tenants) communesByTenant.set(tenant.id, await communesOf(db, tenant));
    if (reuse) return { communesByTenant };
    const perTenant = Math.ceil(OFFERS / tenants.length);
    for (const tenant of tenants) {
      const random = createRandom(`bench:${tenant.id}`);
      const rows = communesByTenant.get(tenant.id)!;
      const sectors = tenant.sectors.filter((s) => tenant.catalogue.jobs[s]);
      const companyCount = Math.max(5, Math.round(perTenant / 25));
      const companies: (NewCompany & { sector: string; description: string })[] = [];
      for (let c = 0; c < companyCount; c++) {
        const template = tenant.catalogue.companies[c % tenant.catalogue.companies.length];
        const commune = rows[random.int(0, Math.min(rows.length, 120) - 1)];
        const name = `${template.name} ${commune.name}${c >= tenant.catalogue.companies.length ? ` ${Math.floor(c / tenant.catalogue.companies.length) + 1}` : ''}`;
        companies.push({
          id: stableUuid(`${tenant.id}:company:${c}`),
          tenant_id: tenant.id,
          name,
          slug: slugify(name),
          naf_code: template.naf,
          headcount: template.headcount,
          commune_insee: commune.insee,
          description: template.description,
          sector: sectors.includes(template.sector) ? template.sector : random.pick(sectors),
        });
      }
      await withTenant(db, tenant.id, async (t) => {
        for (let i = 0; i < companies.length; i += 500) {
          await t.trx.insertInto('companies').values(companies.slice(i, i + 500).map(({ sector: _s, ...c }) => c)).execute();
        }
      });
      const now = Date.now();
      for (let start = 0; start < perTenant; start += 1000) {
        const batch: NewOffer[] = [];
        for (let n = start; n < Math.min(perTenant, start + 1000); n++) {
          const company = companies[random.int(0, companies.length - 1)];
          const job = random.pick(tenant.catalogue.jobs[company.sector]);
          const contract = random.pick(job.contracts);
          const roll = random.next();
          const housing = roll < (job.housing ?? 0) * 0.6 ? 'provided' : roll < (job.housing ?? 0) ? 'help' : 'none';
          const commune = random.chance(0.6) ? rows.find((r) => r.insee === company.commune_insee)! : rows[random.int(0, rows.length - 1)];
          const published = new Date(now - random.int(0, 55) * DAY - random.int(0, 86_000) * 1000);
          const status = random.next() < 0.9 ? 'published' : random.pick(['draft', 'expired', 'filled'] as const);
          batch.push({
            id: stableUuid(`${tenant.id}:offer:${n}`),
            tenant_id: tenant.id,
            company_id: company.id!,
            title: job.title,
            description_html: description({ name: company.name, description: company.description }, job, contract, housing, tenant.catalogue.perks, random),
            rome_code: job.rome,
            sector: company.sector,
            contract,
            working_time: random.chance(job.partTime ?? 0.05) ? 'part_time' : 'full_time',
            commune_insee: commune.insee,
            postal_code: commune.postal,
            place_name: commune.name,
            latitude: commune.lat,
            longitude: commune.lon,
            housing,
            experience: job.experience,
            status,
            published_at: status === 'draft' ? null : published,
            expires_at: status === 'draft' ? null : new Date(published.getTime() + (status === 'expired' ? 1 : 60) * DAY),
            job_nature: 'creation',
          });
        }
        await withTenant(db, tenant.id, (t) => t.trx.insertInto('offers').values(batch).execute());
      }
      say(`${tenant.id} : ${perTenant} offres, ${companies.length} entreprises`);
    }
    // The PostgreSQL engine does not need the outbox: empty it as the worker would.
    for (const tenant of tenants) await withTenant(db, tenant.id, (t) => t.trx.deleteFrom('search_outbox').execute());
  } finally {
    await db.destroy();
  }
  return { communesByTenant };
}

const KEYWORDS = [
  'moniteur ski', 'monitrice', 'perchman', 'perchmann', 'serveur', 'serveuse', 'hotellerie', 'cuisinier', 'commis de cuisine',
  'réceptionniste', 'vendeur', 'vendeuse sport', 'skiman', 'pisteur secouriste', 'dameuse', 'nivoculteur', 'saisonnier logé',
  'apprenti', 'apprentissage boulangerie', 'aide soignant', 'auxiliaire de vie', 'cariste', 'préparateur de commandes',
  'chauffeur', 'électricien', 'maçon', 'plombier', 'animateur', 'équipier polyvalent', 'hôte de caisse', 'agent d’entretien',
  'G1204', 'G1602', 'D1211', 'N1103', 'logistique', 'restaurant d’altitude', 'conducteur engins', 'technicien neige de culture',
  'barman', 'plongeur', 'employé étage', 'accompagnateur montagne', 'cordiste', 'secrétaire', 'comptable', 'coiffeur',
];
const CONTRACTS = ['cdi', 'cdd', 'seasonal', 'apprenticeship', 'interim'];
const HOUSING = ['provided', 'help', 'none'];
const RADII = [10, 20, 30, 50];

function queries(mix: Mix, tenants: BenchTenant[], communes: Map<string, Commune[]>, count: number, seed: string = mix): { host: string; path: string }[] {
  const random = createRandom(`bench:queries:${seed}`);
  const list: { host: string; path: string }[] = [];
  for (let i = 0; i < count; i++) {
    const tenant = random.pick(tenants);
    const kind: Exclude<Mix, 'mixed'> = mix === 'mixed' ? random.pick(['keyword', 'keyword', 'facet', 'geo'] as const) : mix;
    const params = new URLSearchParams();
    if (kind === 'keyword') {
      params.set('q', random.pick(KEYWORDS));
      if (random.chance(0.2)) params.set('page', String(random.int(2, 3)));
    } else if (kind === 'facet') {
      if (random.chance(0.5)) params.set('q', random.pick(KEYWORDS));
      params.set('sector', random.pick(tenant.sectors));
      if (random.chance(0.6)) params.set('contract', random.pick(CONTRACTS));
      if (random.chance(0.3)) params.set('housing', random.pick(HOUSING));
      if (random.chance(0.3)) params.set('department', random.pick(tenant.departments));
      if (random.chance(0.3)) params.set('published_within_days', String(random.pick([7, 30])));
      if (random.chance(0.3)) params.set('sort', 'date');
    } else {
      const place = random.pick(communes.get(tenant.id)!.slice(0, 150));
      params.set('near', place.insee);
      params.set('radius_km', String(random.pick(RADII)));
      if (random.chance(0.4)) params.set('q', random.pick(KEYWORDS));
      params.set('sort', random.chance(0.6) ? 'distance' : 'relevance');
    }
    list.push({ host: tenant.host, path: `/api/v1/offers?${params}` });
  }
  return list;
}

interface RunResult extends Measure {
  cache: 'on' | 'off';
  mix: Mix;
  connections: number;
}

async function run(port: number, pid: number, cache: 'on' | 'off', mix: Mix, connections: number, list: { host: string; path: string }[]): Promise<RunResult> {
  const measure = await loadTest({ port, pid, connections, durationS: DURATION, requests: list, accept: 'application/json' });
  return { cache, mix, connections, ...measure };
}

await runScript(async (say) => {
  const cleanup: (() => Promise<void> | void)[] = [];
  const work = mkdtempSync(path.join(os.tmpdir(), 'cordee-bench-'));
  chmodSync(work, 0o755); // the embedded server runs as `postgres` when we are root
  let server: ChildProcess | undefined;
  try {
    say(`banc d’essai : ${OFFERS} offres, ${TENANTS} tenants, ${DURATION} s par mesure, ${os.cpus().length} cœurs, Node ${process.version}`);
    const pg = await benchPostgres(work, flags['server-url']);
    cleanup.push(() => pg.stop());
    const serverUrl = pg.url;
    const reuse = Boolean(flags.reuse && flags['server-url']);
    if (!reuse) {
      const maintenance = adminKysely(serverUrl, () => {});
      await sql`drop database if exists cordee_bench with (force)`.execute(maintenance);
      await maintenance.destroy();
    }
    const url = await ensureDatabase(serverUrl, 'cordee_bench');
    const tenantsDir = path.join(work, 'tenants');
    const tenants = writeTenants(tenantsDir);
    const registry = loadTenantRegistry(tenantsDir, { allowLocalhostSubdomains: false });
    await prepareDatabase(url, registry, path.join(ROOT, 'data'), () => {});

    let started = Date.now();
    const { communesByTenant } = await load(url, tenants, say, reuse);
    const loadSeconds = (Date.now() - started) / 1000;
    say(`chargement (documents de recherche tenus par les déclencheurs) : ${loadSeconds.toFixed(1)} s`);

    // Index build: what `npm run search:reindex` does on this engine, then statistics.
    const config = loadConfig({ ...process.env, NODE_ENV: 'development', TENANTS_DIR: tenantsDir, DATA_DIR: path.join(work, 'data') });
    const appDb = createKysely(createPool({ connectionString: url, role: APP_ROLE, max: 4, applicationName: 'bench', onError: () => {} }));
    const engine = createSearchEngine(config, appDb);
    const service = new SearchService(appDb, engine, null, { warn: () => {}, error: () => {} });
    started = Date.now();
    const indexed = reuse ? 0 : await service.rebuild(tenants.map((t) => t.id));
    const reindexSeconds = (Date.now() - started) / 1000;
    await appDb.destroy();
    const admin = adminKysely(url, () => {});
    started = Date.now();
    await sql`vacuum analyze`.execute(admin);
    const vacuumSeconds = (Date.now() - started) / 1000;
    const { rows: sizes } = await sql<{ name: string; size: string }>`
      select c.relname as name, pg_size_pretty(pg_relation_size(c.oid)) as size from pg_class c
      where c.relname in ('offers', 'offers_search_vector', 'offers_search_live', 'offers_search_latitude', 'search_lexicon_word_trgm')
      order by c.relname`.execute(admin);
    const { rows: live } = await sql<{ n: number }>`select count(*)::int as n from offers where status = 'published' and expires_at > now()`.execute(admin);
    await admin.destroy();
    say(`index ${engine.name} reconstruit : ${indexed} documents en ${reindexSeconds.toFixed(1)} s ; VACUUM ANALYZE ${vacuumSeconds.toFixed(1)} s ; ${live[0].n} offres en ligne`);
    say(`tailles : ${sizes.map((s) => `${s.name} ${s.size}`).join(', ')}`);

    const results: RunResult[] = [];
    for (const cache of CACHE_MODES) {
      const port = await freePort();
      server = startServer('server/main.ts', {
        // Production, as deployed: compiled templates kept, no file watcher.
        NODE_ENV: 'production',
        JWT_SECRET: randomBytes(32).toString('base64'),
        COOKIE_SECRET: randomBytes(32).toString('base64'),
        LOG_LEVEL: 'warn',
        DATABASE_URL: url,
        TENANTS_DIR: tenantsDir,
        DATA_DIR: path.join(work, 'data'),
        PORT: String(port),
        MIGRATE_ON_START: 'false',
        SEED_DEMO: 'never',
        WORKER: 'off',
        SEARCH_CACHE_ENTRIES: cache === 'on' ? '5000' : '0',
        ...(process.env.MEILI_HOST ? { MEILI_HOST: process.env.MEILI_HOST, MEILI_MASTER_KEY: process.env.MEILI_MASTER_KEY ?? '' } : {}),
      }, { profileDir: flags['cpu-prof'] });
      await waitUntilServing(server, port, tenants[0].host);
      // Warm-up: plans, connection pool (its own queries, so the measured runs start with an empty cache).
      await run(port, server.pid!, cache, 'mixed', 8, queries('mixed', tenants, communesByTenant, 200, 'warm-up'));

      for (const mix of MIXES) {
        const list = queries(mix, tenants, communesByTenant, 2000);
        for (const connections of CONNECTIONS) {
          const result = await run(port, server.pid!, cache, mix, connections, list);
          results.push(result);
          say(`cache ${cache}, ${mix} c=${connections} : p95 ${result.p95.toFixed(1)} ms, ${result.rps.toFixed(0)} req/s`);
        }
      }
      await stopServer(server);
      server = undefined;
    }

    console.log('');
    console.log(`Moteur : ${engine.name} — ${OFFERS} offres (${live[0].n} en ligne), ${TENANTS} tenants, ${os.cpus().length} cœurs, ${DURATION} s par ligne, charge de la machine ${loadAverage()}`);
    console.log(`Chargement ${loadSeconds.toFixed(1)} s · reconstruction de l’index ${reindexSeconds.toFixed(1)} s · VACUUM ANALYZE ${vacuumSeconds.toFixed(1)} s`);
    console.log('');
    console.log(
      table(
        ['cache', 'mélange', 'connexions', 'requêtes', 'erreurs', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s', 'RSS max Mo'],
        ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
        results.map((r) => [r.cache, r.mix, r.connections, r.requests, r.errors, r.p50.toFixed(1), r.p95.toFixed(1), r.p99.toFixed(1), r.rps.toFixed(0), r.rss]),
      ),
    );
    console.log('');
  } finally {
    if (server) await stopServer(server);
    for (const step of cleanup.reverse()) await step();
    if (!flags['server-url']) rmSync(work, { recursive: true, force: true });
    else say(`base cordee_bench conservée ; tenants dans ${path.join(work, 'tenants')}`);
  }
});
