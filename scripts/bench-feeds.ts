/**
 * npm run bench:feeds [-- --offers 1000]
 *
 * Feed import and export figures on a fresh database: starts a throw-away embedded PostgreSQL with the
 * reference data and the demo boards, serves an aggregator XML feed of N offers (the demo catalogue's
 * job titles in real communes) from a local HTTP server, and times through the real services:
 * the first poll (every offer created), a poll of the same content without validators (every record
 * read, mapped, validated and found unchanged), a poll where a tenth changed and a tenth is gone, the
 * France Travail file and the aggregator feed of the board. Prints wall times and offers per second.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../server/app.js';
import { runScript } from '../server/cli.js';
import { loadConfig } from '../server/config.js';
import { adminKysely, prepareDatabase } from '../server/db/bootstrap.js';
import { ensureDatabase, startEmbeddedPostgres } from '../server/db/embedded.js';
import { seedDemo } from '../server/db/seed/demo-seed.js';
import { montagne } from '../server/db/seed/montagne.js';
import { feedDeps } from '../server/features/feeds/deps.js';
import { buildAggregatorFeed, franceTravailFileOf } from '../server/features/feeds/export-service.js';
import { pollSource } from '../server/features/feeds/import-service.js';
import { loadTenantRegistry } from '../server/tenancy/registry.js';

const { values: flags } = parseArgs({ options: { offers: { type: 'string', default: '1000' } } });
const OFFERS = Number(flags.offers);
if (!Number.isInteger(OFFERS) || OFFERS < 1 || OFFERS > 5_000) throw new Error('--offers : entre 1 et 5000 (la limite d’un flux)');

const PLACES = [
  ['74400', 'Chamonix-Mont-Blanc'],
  ['74310', 'Les Houches'],
  ['73150', 'Val-d’Isère'],
  ['73120', 'Courchevel'],
  ['38750', 'Huez'],
  ['05100', 'Briançon'],
];
const CONTRACTS = ['Saisonnier', 'CDI', 'CDD', 'Alternance', 'Intérim'];
const esc = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function feed(count: number, variant: (i: number) => 'same' | 'changed' | 'gone' = () => 'same'): string {
  const titles = Object.values(montagne.jobs).flat();
  const jobs: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = variant(i);
    if (kind === 'gone') continue;
    const job = titles[i % titles.length];
    const [postalCode, city] = PLACES[i % PLACES.length];
    const description = `<p>${esc(job.missions.join('. '))}.</p><p>${esc(job.profile.join('. '))}.</p>${kind === 'changed' ? '<p>Prise de poste avancée.</p>' : ''}`;
    jobs.push(
      // A number in each title: the same job at the same place would be a duplicate (kept as a draft).
      `<job><title><![CDATA[${job.title} ${i}]]></title><referencenumber>BENCH-${i}</referencenumber><city>${esc(city)}</city><postalcode>${postalCode}</postalcode>` +
        `<jobtype>${CONTRACTS[i % CONTRACTS.length]}</jobtype><salary>${job.salary.min} – ${job.salary.max} € ${job.salary.unit === 'hour' ? 'de l’heure' : 'par mois'}</salary>` +
        `<description><![CDATA[${description}]]></description></job>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?><source><publisher>Bench</publisher>${jobs.join('')}</source>`;
}

await runScript(async (say) => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'cordee-bench-feeds-'));
  chmodSync(tmp, 0o755);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(tmp, 'pg'), port: 20_000 + Math.floor(Math.random() * 20_000), ephemeral: true });
  let body = feed(OFFERS);
  const server = http.createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/xml' }).end(body));
  try {
    const url = await ensureDatabase(pg.url, 'cordee_bench_feeds');
    const base = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' });
    const registry = loadTenantRegistry(base.tenantsDir, { allowLocalhostSubdomains: true });
    await prepareDatabase(url, registry, base.referenceDataDir, () => {});
    const admin = adminKysely(url, () => {});
    await seedDemo(admin, registry, { now: new Date() });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const feedUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/offres.xml`;
    const secret = randomBytes(48).toString('base64url');
    const app = await buildApp({
      ...base,
      secrets: { jwt: secret, cookie: secret },
      mail: { ...base.mail, dir: path.join(tmp, 'mail') },
      database: { ...base.database, url, poolMax: 4 },
      feeds: { ...base.feeds, allowNetworks: ['127.0.0.1'], maxBytes: 50 * 1024 * 1024 },
    });
    await app.ready();
    try {
      const company = await admin
        .selectFrom('company_members')
        .innerJoin('users', 'users.id', 'company_members.user_id')
        .select('company_members.company_id')
        .where('users.email', '=', 'employeur@montagne.demo')
        .executeTakeFirstOrThrow();
      const { id: sourceId } = await admin
        .insertInto('feed_sources')
        .values({ tenant_id: 'montagne', company_id: company.company_id, name: 'Bench', kind: 'url', format: 'aggregator_xml', url: feedUrl, polls_per_day: 1 })
        .returning('id')
        .executeTakeFirstOrThrow();
      const deps = feedDeps(app);
      const tenant = app.tenants.get('montagne')!;
      const timed = async (label: string, count: number, work: () => Promise<unknown>) => {
        const started = performance.now();
        const result = await work();
        const seconds = (performance.now() - started) / 1000;
        say(`${label.padEnd(58)} ${seconds.toFixed(2).padStart(7)} s  ${(count / seconds).toFixed(0).padStart(6)} offres/s  ${JSON.stringify((result as { counts?: unknown }).counts ?? '')}`);
      };
      say(`flux de ${OFFERS} offres (${(body.length / 1024).toFixed(0)} Ko), PostgreSQL embarqué, 1 nœud`);
      await timed('1er relevé (toutes créées)', OFFERS, () => pollSource(deps, tenant, sourceId, randomUUID(), 'manual'));
      await timed('2e relevé, même contenu sans ETag (toutes inchangées)', OFFERS, () => pollSource(deps, tenant, sourceId, randomUUID(), 'manual'));
      body = feed(OFFERS, (i) => (i % 10 === 0 ? 'changed' : i % 10 === 1 ? 'gone' : 'same'));
      await timed('3e relevé (10 % modifiées, 10 % absentes)', OFFERS, () => pollSource(deps, tenant, sourceId, randomUUID(), 'manual'));
      const exported = await admin.selectFrom('offers').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', 'montagne').where('status', '=', 'published').executeTakeFirstOrThrow();
      // montagne moderates: the imported offers wait for review; the exports carry the board's published ones.
      say(`offres publiées du site : ${exported.n}`);
      await timed('fichier France Travail du jour', Number(exported.n), () => franceTravailFileOf(app.db, tenant, 'https://emploi-montagne.example'));
      await timed('flux XML agrégateur', Number(exported.n), () => buildAggregatorFeed(app.db, tenant, 'https://emploi-montagne.example'));
    } finally {
      await app.close();
      await admin.destroy();
    }
  } finally {
    server.close();
    await pg.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
});
