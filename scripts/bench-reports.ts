/**
 * npm run bench:reports [-- --offers 100000 --hires 20000 --runs 5]
 *
 * The year's report of one board at scale, on a fresh database: starts a throw-away embedded
 * PostgreSQL with the reference data and the demo boards, adds to montagne (a cluster with seasons)
 * N offers public during last year and M hires of last year (contracts, natures, attributions, ends,
 * 6/12-month answers, returning seasonal staff) plus three days of views per offer, all generated in
 * SQL, then times the report of that year: the service (every table's aggregates) and the staff's
 * page through the real app (HTML with charts), then one table's CSV. Prints each run and the median.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { buildApp } from '../server/app.js';
import { runScript } from '../server/cli.js';
import { loadConfig } from '../server/config.js';
import { adminKysely, prepareDatabase } from '../server/db/bootstrap.js';
import { ensureDatabase, startEmbeddedPostgres } from '../server/db/embedded.js';
import { seedDemo } from '../server/db/seed/demo-seed.js';
import { buildReport } from '../server/features/reports/service.js';
import { loadTenantRegistry } from '../server/tenancy/registry.js';

const { values: flags } = parseArgs({ options: { offers: { type: 'string', default: '100000' }, hires: { type: 'string', default: '20000' }, runs: { type: 'string', default: '5' } } });
const OFFERS = Number(flags.offers);
const HIRES = Number(flags.hires);
const RUNS = Number(flags.runs);
if (!Number.isInteger(OFFERS) || OFFERS < 1 || OFFERS > 1_000_000) throw new Error('--offers : entre 1 et 1 000 000');
if (!Number.isInteger(HIRES) || HIRES < 1 || HIRES > 200_000) throw new Error('--hires : entre 1 et 200 000');
if (!Number.isInteger(RUNS) || RUNS < 1 || RUNS > 50) throw new Error('--runs : entre 1 et 50');

const TENANT = 'montagne';
const STAFF = 'admin@montagne.demo';
const DEMO_PASSWORD = 'cordee-demo';
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

await runScript(async (say) => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cordee-bench-reports-'));
  chmodSync(tmp, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg'), port: 20_000 + Math.floor(Math.random() * 20_000), ephemeral: true });
  try {
    const url = await ensureDatabase(pg.url, 'cordee_bench_reports');
    const base = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const registry = loadTenantRegistry(base.tenantsDir, { allowLocalhostSubdomains: true });
    await prepareDatabase(url, registry, base.referenceDataDir, () => {});
    const admin = adminKysely(url, () => {});
    const now = new Date();
    await seedDemo(admin, registry, { now });
    const year = now.getUTCFullYear() - 1;
    const yearStart = `${year}-01-01`;
    try {
      const loadStarted = performance.now();
      // One connection without the pool's 30 s statement timeout: the loads below are bulk inserts.
      await admin.connection().execute(async (db) => {
        await sql`set statement_timeout = 0`.execute(db);
        // Offers: published on a day of the year, public 60 days (one in five filled early), spread over the board's companies.
        await sql`
          with companies as (select id, row_number() over (order by id) - 1 as n, count(*) over () as total from companies where tenant_id = ${TENANT}),
          generated as (
            select g, (array['cdi','cdd','seasonal','interim','apprenticeship'])[1 + g % 5] as contract,
                   (array['winter','summer','all_year'])[1 + g % 3] as season,
                   ${yearStart}::timestamptz + make_interval(days => g % 365, secs => g % 86000) as published
            from generate_series(0, ${OFFERS - 1}::int) g
          )
          insert into offers (tenant_id, company_id, title, description_html, rome_code, sector, contract, working_time, commune_insee, status, published_at, expires_at, job_nature)
          select ${TENANT}, c.id, 'Offre de banc d’essai ' || g, '<p>Offre générée pour mesurer le rapport annuel.</p>',
                 (array['G1204','G1602','G1803','K1207','I1304'])[1 + g % 5], 'hotellerie-restauration', generated.contract,
                 case when g % 7 = 0 then 'part_time' else 'full_time' end, '74056', case when g % 5 = 0 then 'filled' else 'expired' end,
                 published, published + interval '60 days', case when g % 3 = 0 then 'replacement' else 'creation' end
          from generated join companies c on c.n = generated.g % c.total`.execute(db);
        // Hires of the year: a fifth ended early, natures declared on two in three, a tenth the same person as another (returning staff).
        await sql`
          with companies as (select id, row_number() over (order by id) - 1 as n, count(*) over () as total from companies where tenant_id = ${TENANT}),
          generated as (select g, ${yearStart}::date + (g % 365) as start_on from generate_series(0, ${HIRES - 1}::int) g)
          insert into hires (tenant_id, company_id, person_key, person_label, title, contract, weekly_hours, hired_on, planned_start, planned_end, actual_start, actual_end, end_reason,
                             job_nature, nature_declared_at, attribution)
          select ${TENANT}, c.id, encode(sha256(convert_to(${TENANT} || ':personne' || (g % (${HIRES}::int - ${HIRES}::int / 10)), 'UTF8')), 'hex'), 'Personne ' || g, 'Embauche de banc d’essai ' || g,
                 (array['cdi','cdd','seasonal','interim','apprenticeship'])[1 + g % 5], (array[35, 28, 24, 39])[1 + g % 4], start_on - 10, start_on,
                 case when g % 5 in (1, 2) then start_on + (30 + g % 300) end, start_on,
                 case when g % 5 = 3 then start_on + (10 + g % 200) end, case when g % 5 = 3 then 'end_of_contract' end,
                 case when g % 3 = 0 then null when g % 3 = 1 then 'creation' else 'replacement' end,
                 case when g % 3 = 0 then null else start_on::timestamptz end,
                 (array['platform_application','counsellor_recommendation','platform_contact','declared_only'])[1 + g % 4]
          from generated join companies c on c.n = generated.g % c.total`.execute(db);
        // The 6- and 12-month questions that fell due, two in three answered.
        await sql`
          insert into hire_follow_ups (tenant_id, hire_id, milestone, respondent, due_on, status, sent_at, answer, answered_at)
          select h.tenant_id, h.id, m, 'employer', (h.start_on + make_interval(months => m))::date, 'sent', (h.start_on + make_interval(months => m))::timestamptz,
                 a.answer, case when a.answer is not null then (h.start_on + make_interval(months => m))::timestamptz + interval '2 days' end
          from hires h cross join (values (6), (12)) as ms (m)
          cross join lateral (select case when abs(hashtext(h.id::text || m)) % 3 = 0 then null when abs(hashtext(h.id::text)) % 4 = 0 then 'no' else 'yes' end as answer) a
          where h.tenant_id = ${TENANT} and h.title like 'Embauche de banc%' and (h.start_on + make_interval(months => m))::date <= current_date`.execute(db);
        await sql`
          insert into offer_views_daily (tenant_id, offer_id, day, views)
          select o.tenant_id, o.id, (o.published_at at time zone 'Europe/Paris')::date + d, 1 + abs(hashtext(o.id::text || d)) % 40
          from offers o cross join generate_series(0, 2) d
          where o.tenant_id = ${TENANT} and o.title like 'Offre de banc%'`.execute(db);
        await sql`analyze`.execute(db);
      });
      const counts = await sql<{ offers: string; hires: string; follow_ups: string; views: string }>`
        select (select count(*) from offers where tenant_id = ${TENANT}) as offers, (select count(*) from hires where tenant_id = ${TENANT}) as hires,
               (select count(*) from hire_follow_ups where tenant_id = ${TENANT}) as follow_ups, (select count(*) from offer_views_daily where tenant_id = ${TENANT}) as views`.execute(admin);
      const c = counts.rows[0];
      say(`${TENANT} : ${c.offers} offres, ${c.hires} embauches, ${c.follow_ups} questions de suivi, ${c.views} jours de vues (chargés en ${((performance.now() - loadStarted) / 1000).toFixed(1)} s)`);

      const secret = randomBytes(48).toString('base64url');
      const app = await buildApp({ ...base, secrets: { jwt: secret, cookie: secret }, mail: { ...base.mail, dir: path.join(tmp, 'mail') }, database: { ...base.database, url, poolMax: 4 }, loadShedding: false });
      await app.ready();
      try {
        const tenant = app.tenants.get(TENANT)!;
        const host = `${TENANT}.localhost`;
        const report = await buildReport({ db: app.db, tenant, now }, String(year));
        say(`rapport ${year} : ${report.tables.length} tableaux`);
        const service: number[] = [];
        for (let run = 0; run < RUNS; run++) {
          const started = performance.now();
          await buildReport({ db: app.db, tenant, now }, String(year));
          service.push(performance.now() - started);
        }
        say(`service (agrégats SQL de tous les tableaux)   ${service.map((ms) => ms.toFixed(0)).join(', ')} ms ; médiane ${median(service).toFixed(0)} ms`);

        // The staff's page through the app: sign in as the demo admin, then GET the report.
        const logInPage = await app.inject({ url: '/compte/connexion', headers: { host } });
        const csrf = /name="_csrf" value="([^"]+)"/.exec(logInPage.body)?.[1];
        const jar = (response: typeof logInPage) => (response.cookies as { name: string; value: string }[]).map((k) => `${k.name}=${k.value}`);
        const signedIn = await app.inject({
          method: 'POST',
          url: '/compte/connexion',
          headers: { host, cookie: jar(logInPage).join('; '), 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ _csrf: csrf ?? '', email: STAFF, password: DEMO_PASSWORD }).toString(),
        });
        if (signedIn.statusCode !== 303) throw new Error(`connexion de ${STAFF} : ${signedIn.statusCode}`);
        const cookie = [...jar(logInPage), ...jar(signedIn)].join('; ');
        const page: number[] = [];
        let bytes = 0;
        for (let run = 0; run < RUNS; run++) {
          const started = performance.now();
          const response = await app.inject({ url: `/admin/rapports?periode=${year}`, headers: { host, cookie } });
          page.push(performance.now() - started);
          if (response.statusCode !== 200) throw new Error(`/admin/rapports?periode=${year} : ${response.statusCode}`);
          bytes = response.body.length;
        }
        say(`page du rapport (HTML, graphiques, ${(bytes / 1024).toFixed(0)} Ko)   ${page.map((ms) => ms.toFixed(0)).join(', ')} ms ; médiane ${median(page).toFixed(0)} ms`);
        const csvStarted = performance.now();
        const csv = await app.inject({ url: `/admin/rapports/csv/embauches-contrat?periode=${year}`, headers: { host, cookie } });
        say(`CSV des embauches par contrat (${csv.statusCode})   ${(performance.now() - csvStarted).toFixed(0)} ms`);
      } finally {
        await app.close();
      }
    } finally {
      await admin.destroy();
    }
  } finally {
    await pg.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});
