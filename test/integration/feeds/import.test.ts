import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path_ from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FeedSourcesTable } from '../../../server/db/database.js';
import { feedDeps } from '../../../server/features/feeds/deps.js';
import { pollSource, type FeedDeps } from '../../../server/features/feeds/import-service.js';
import { createTestApp, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { mailbox } from '../../helpers/accounts.js';
import { createAccount, createCompany } from '../../helpers/company-space.js';
import { databaseUrl } from '../../helpers/database.js';
import { aggregatorXml, careersPage, sitemap, type FixtureJob } from '../../helpers/feed-fixtures.js';
import { FeedServer } from '../../helpers/feed-server.js';
import { ROOT } from '../../helpers/tenant-fixtures.js';

const HOUR = 3_600_000;

/**
 * Polling companies' feeds from a real HTTP server on this machine: what becomes of the offers
 * through creations, edits, removals (the two-miss rule), broken records, failed and empty answers,
 * conditional requests and compression, the tenant's moderation and membership rules, and retries.
 */
describe('feed import', () => {
  let t: TestApp;
  let server: FeedServer;
  let deps: FeedDeps;
  let companyId: string;
  const montagne = () => t.app.tenants.get('montagne')!;

  beforeAll(async () => {
    t = await createTestApp({ feeds: { allowNetworks: ['127.0.0.1'], timeoutMs: 1_500, maxBytes: 200 * 1024 } });
    server = await FeedServer.start();
    deps = feedDeps(t.app);
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  async function setModeration(on: boolean) {
    await t.db.admin
      .insertInto('tenant_settings')
      .values({ tenant_id: 'montagne', offer_moderation: on })
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ offer_moderation: on }))
      .execute();
    await t.app.tenants.reloadSettings('montagne');
  }
  /** A membership paid today for 200 days: the company may publish. */
  async function pay(company: string) {
    const today = new Date().toISOString().slice(0, 10);
    const end = new Date(Date.now() + 200 * 24 * HOUR).toISOString().slice(0, 10);
    await t.db.admin
      .insertInto('memberships')
      .values({ tenant_id: 'montagne', company_id: company, tier_code: 'tpe', amount_cents: 60000, status: 'active', provider: 'manual', period_start: today, period_end: end })
      .execute();
  }
  let companies = 0;
  /** A company of montagne in good standing (each test its own: offers of one test are no duplicates of another's). */
  async function paidCompany(name = `Société des Aiguilles ${(companies += 1)}`) {
    const id = await createCompany(t, 'montagne', name);
    await pay(id);
    return id;
  }
  beforeEach(async () => {
    await setModeration(false);
    companyId = await paidCompany();
  });

  let paths = 0;
  /** A URL source of `format` on a fresh path of the test server. */
  async function source(format: FeedSourcesTable['format'], company = companyId, tenant = 'montagne') {
    const path = `/flux-${(paths += 1)}`;
    const { id } = await t.db.admin
      .insertInto('feed_sources')
      .values({ tenant_id: tenant, company_id: company, name: `Flux ${paths}`, kind: 'url', format, url: server.url(path), polls_per_day: 2, next_poll_at: new Date(Date.now() + HOUR) })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id, path };
  }

  const poll = (sourceId: string, now = new Date(), pollId = randomUUID()) => pollSource(deps, montagne(), sourceId, pollId, 'manual', now);

  /** The offers a source imported, by reference. */
  async function imported(sourceId: string) {
    const rows = await t.db.admin
      .selectFrom('feed_items')
      .leftJoin('offers', 'offers.id', 'feed_items.offer_id')
      .select(['feed_items.reference', 'feed_items.notes', 'feed_items.missed_polls', 'feed_items.closed_at', 'offers.id', 'offers.title', 'offers.status', 'offers.company_id', 'offers.contract', 'offers.commune_insee', 'offers.rome_code', 'offers.salary_min', 'offers.salary_max', 'offers.salary_unit', 'offers.expires_at', 'offers.updated_at'])
      .where('feed_items.source_id', '=', sourceId)
      .execute();
    return Object.fromEntries(rows.map((row) => [row.reference, row]));
  }

  const lastRun = (sourceId: string) =>
    t.db.admin.selectFrom('feed_runs').selectAll().where('source_id', '=', sourceId).orderBy('finished_at', 'desc').limit(1).executeTakeFirstOrThrow();

  const JOBS: FixtureJob[] = [
    { ref: 'ATS-1', title: 'Pisteur secouriste H/F', contract: 'Saisonnier', city: 'Chamonix-Mont-Blanc', postalCode: '74400', salary: '1 900 – 2 200 € par mois' },
    { ref: 'ATS-2', title: 'Cuisinier (H/F)', contract: 'CDI', city: 'Les Houches', postalCode: '74310', salary: '2 300 €' },
    { ref: 'ATS-3', title: 'Réceptionniste hôtel', contract: 'CDD', city: 'Chamonix-Mont-Blanc', postalCode: '74400' },
  ];

  it('imports an aggregator XML feed: contract words, commune, ROME from the title, salary text, published under the tenant rules', async () => {
    const { id, path } = await source('aggregator_xml');
    server.serve(path, { body: aggregatorXml(JOBS) });
    const outcome = await poll(id);
    expect(outcome).toMatchObject({ status: 'ok', counts: { records: 3, created: 3, rejected: 0, closed: 0 } });
    const offers = await imported(id);
    expect(offers['ATS-1']).toMatchObject({ title: 'Pisteur secouriste H/F', contract: 'seasonal', commune_insee: '74056', rome_code: 'K1726', salary_min: 1900, salary_max: 2200, salary_unit: 'month', status: 'published', company_id: companyId });
    expect(offers['ATS-2']).toMatchObject({ contract: 'cdi', commune_insee: '74143', rome_code: 'G1609', salary_min: 2300, salary_unit: 'month' });
    expect(offers['ATS-3']).toMatchObject({ contract: 'cdd', rome_code: 'G1703', status: 'published' });
    // The public search lists them.
    const search = await t.app.inject({ url: '/api/v1/offers?q=pisteur%20secouriste', headers: { host: MONTAGNE } });
    expect(search.json().hits.map((h: { id: string }) => h.id)).toContain(offers['ATS-1'].id);
  });

  it('goes through moderation when the tenant moderates', async () => {
    await setModeration(true);
    const { id, path } = await source('aggregator_xml');
    server.serve(path, { body: aggregatorXml([JOBS[0]]) });
    await poll(id);
    expect((await imported(id))['ATS-1'].status).toBe('pending_review');
  });

  it('follows a feed through its changes: unchanged records untouched, an edit applied, a removal closed after two polls, a broken record listed with its reason', async () => {
    const { id, path } = await source('aggregator_xml');
    let jobs = JOBS;
    server.serve(path, () => ({ body: aggregatorXml(jobs) }));
    await poll(id);
    const before = await imported(id);

    // Poll 2: ATS-1 edited, ATS-2 removed, ATS-3 broken (no place).
    jobs = [{ ...JOBS[0], title: 'Pisteur secouriste confirmé H/F' }, { ...JOBS[2], city: undefined, postalCode: undefined }];
    const second = await poll(id);
    expect(second).toMatchObject({ status: 'ok', counts: { records: 2, created: 0, updated: 1, unchanged: 0, closed: 0, rejected: 1 } });
    const run = await lastRun(id);
    expect(run.rejections).toEqual([{ position: 'offre n° 2', reference: 'ATS-3', reasons: ['Lieu de travail absent (code postal ou commune)'] }]);
    let after = await imported(id);
    expect(after['ATS-1']).toMatchObject({ title: 'Pisteur secouriste confirmé H/F', status: 'published' });
    expect(after['ATS-2']).toMatchObject({ status: 'published', missed_polls: 1 });
    // The broken record keeps its offer as it was.
    expect(after['ATS-3']).toMatchObject({ status: 'published', title: before['ATS-3'].title, missed_polls: 0 });
    expect(after['ATS-3'].updated_at).toEqual(before['ATS-3'].updated_at);

    // Poll 3: the same feed again. ATS-2 is missing for the second time in a row: closed. ATS-1 is not rewritten.
    const third = await poll(id);
    expect(third).toMatchObject({ status: 'ok', counts: { updated: 0, unchanged: 1, closed: 1, rejected: 1 } });
    after = await imported(id);
    expect(after['ATS-2'].status).toBe('archived');
    expect(after['ATS-2'].closed_at).not.toBeNull();
    const ats1 = await imported(id);
    expect(ats1['ATS-1'].updated_at).toEqual(after['ATS-1'].updated_at);
    const page = await t.app.inject({ url: `/offres/${after['ATS-2'].id}`, headers: { host: MONTAGNE } });
    expect(page.statusCode).toBe(410);
  });

  it('closes nothing when the fetch fails, and a failure between two misses breaks the count of consecutive polls only for successful ones', async () => {
    const { id, path } = await source('aggregator_xml');
    let answer: 'full' | 'partial' | 'down' = 'full';
    server.serve(path, () => (answer === 'down' ? { status: 500, body: 'boom' } : { body: aggregatorXml(answer === 'full' ? JOBS : [JOBS[0]]) }));
    await poll(id);
    answer = 'partial';
    await poll(id); // ATS-2 and ATS-3 missed once
    answer = 'down';
    for (let i = 0; i < 2; i++) expect(await poll(id)).toMatchObject({ status: 'failed', error: 'Le serveur du flux a répondu par une erreur (HTTP 500)' });
    let offers = await imported(id);
    expect([offers['ATS-2'].status, offers['ATS-3'].status]).toEqual(['published', 'published']);
    answer = 'partial';
    await poll(id); // second successful poll without them
    offers = await imported(id);
    expect([offers['ATS-1'].status, offers['ATS-2'].status, offers['ATS-3'].status]).toEqual(['published', 'archived', 'archived']);
  });

  it('e-mails the company once after three failures in a row, and starts counting again after a success', async () => {
    const { id, path } = await source('aggregator_xml');
    let up = false;
    server.serve(path, () => (up ? { body: aggregatorXml([JOBS[0]]) } : { status: 503, body: 'maintenance' }));
    await createAccount(t, 'montagne', { email: 'flux@aiguilles.example', role: 'employer', companyId });
    const mails = async () => (await mailbox(t.app, MONTAGNE)).filter((m) => m.to === 'flux@aiguilles.example' && m.subject.startsWith(`Votre flux « Flux ${paths} »`));
    for (let i = 0; i < 2; i++) await poll(id);
    expect(await mails()).toHaveLength(0);
    await poll(id);
    expect(await mails()).toHaveLength(1);
    await poll(id);
    expect(await mails()).toHaveLength(1);
    const row = await t.db.admin.selectFrom('feed_sources').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ consecutive_failures: 4, last_status: 'failed' });
    up = true;
    await poll(id);
    const healed = await t.db.admin.selectFrom('feed_sources').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(healed).toMatchObject({ consecutive_failures: 0, last_status: 'ok', failure_notified_at: null });
  });

  it('sends ETag and Last-Modified back; a 304 rewrites nothing and still counts as a poll for missing offers', async () => {
    const { id, path } = await source('aggregator_xml');
    let jobs = JOBS;
    let version = 'v1';
    server.serve(path, (request) => {
      if (request.headers['if-none-match'] === `"${version}"`) return { status: 304 };
      return { body: aggregatorXml(jobs), encoding: 'gzip', headers: { etag: `"${version}"`, 'last-modified': 'Mon, 02 Mar 2026 08:00:00 GMT' } };
    });
    await poll(id);
    jobs = [JOBS[0]];
    version = 'v2';
    await poll(id); // ATS-2, ATS-3 missed once
    const before = await imported(id);
    const outcome = await poll(id);
    expect(outcome).toMatchObject({ status: 'not_modified', counts: { unchanged: 1, closed: 2 } });
    expect(server.hits(path).at(-1)!.headers).toMatchObject({ 'if-none-match': '"v2"', 'if-modified-since': 'Mon, 02 Mar 2026 08:00:00 GMT', 'accept-encoding': 'gzip, deflate, br' });
    const after = await imported(id);
    expect(after['ATS-1'].updated_at).toEqual(before['ATS-1'].updated_at);
    expect([after['ATS-2'].status, after['ATS-3'].status]).toEqual(['archived', 'archived']);
  });

  it('refuses an empty answer from a feed that had offers: nothing closed', async () => {
    const { id, path } = await source('aggregator_xml');
    let jobs = JOBS;
    server.serve(path, () => ({ body: aggregatorXml(jobs) }));
    await poll(id);
    jobs = [];
    for (let i = 0; i < 3; i++) expect((await poll(id)).status).toBe('failed');
    expect(Object.values(await imported(id)).map((o) => o.status)).toEqual(['published', 'published', 'published']);
  });

  it('reads careers pages and sitemaps: a page that fails to load does not count as a miss', async () => {
    const { id, path } = await source('json_ld');
    server.serve('/carrieres/pisteur', { body: careersPage([{ ...JOBS[0], contract: 'TEMPORARY, FULL_TIME' }]), headers: { 'content-type': 'text/html' } });
    let cuisineUp = true;
    server.serve('/carrieres/cuisine', () => (cuisineUp ? { body: careersPage([JOBS[1], JOBS[2]], { itemList: true }), headers: { 'content-type': 'text/html; charset=utf-8' } } : { status: 502 }));
    server.serve(path, { body: sitemap([server.url('/carrieres/pisteur'), server.url('/carrieres/cuisine')]) });
    expect(await poll(id)).toMatchObject({ status: 'ok', counts: { created: 3 } });
    const offers = await imported(id);
    expect(offers['ATS-1']).toMatchObject({ contract: 'cdd', rome_code: 'K1726' });
    cuisineUp = false;
    await poll(id);
    await poll(id);
    expect(Object.values(await imported(id)).map((o) => o.status)).toEqual(['published', 'published', 'published']);
  });

  it('keeps an offer of a company that may not publish as a draft, and publishes it at the first poll after the membership is paid', async () => {
    const unpaid = await createCompany(t, 'montagne', 'Loueur sans adhésion');
    const { id, path } = await source('aggregator_xml', unpaid);
    server.serve(path, { body: aggregatorXml([JOBS[1]]) });
    await poll(id);
    expect((await imported(id))['ATS-2'].status).toBe('draft');
    const health = await t.db.admin.selectFrom('feed_items').select('pending_publication').where('source_id', '=', id).executeTakeFirstOrThrow();
    expect(health.pending_publication).toBe(true);
    await pay(unpaid);
    await poll(id);
    expect((await imported(id))['ATS-2'].status).toBe('published');
  });

  it('flags a record that duplicates an offer of the same company and keeps it as a draft', async () => {
    const { id: first, path: firstPath } = await source('aggregator_xml');
    const { id: second, path: secondPath } = await source('json_ld');
    const job = { ref: 'DUP-1', title: 'Vendeur / vendeuse en magasin de sport', contract: 'CDD', city: 'Chamonix-Mont-Blanc', postalCode: '74400' };
    server.serve(firstPath, { body: aggregatorXml([job]) });
    server.serve(secondPath, { body: careersPage([{ ...job, ref: 'page-vendeur', title: 'Vendeur/Vendeuse en magasin de sport' }]), headers: { 'content-type': 'text/html' } });
    await poll(first);
    const outcome = await poll(second);
    expect(outcome).toMatchObject({ status: 'ok', counts: { created: 1, flagged: 1 } });
    const duplicate = (await imported(second))['page-vendeur'];
    expect(duplicate.status).toBe('draft');
    expect(duplicate.notes).toContain('Doublon probable de l’offre « Vendeur / vendeuse en magasin de sport » : gardée en brouillon');
  });

  it('applies a poll once: the same poll id again changes nothing, and a poll whose database transaction failed is applied by its retry', async () => {
    const { id, path } = await source('aggregator_xml');
    let jobs = JOBS;
    server.serve(path, () => ({ body: aggregatorXml(jobs) }));
    await poll(id);
    jobs = [JOBS[0]];
    const pollId = randomUUID();
    await poll(id, new Date(), pollId);
    expect((await imported(id))['ATS-2'].missed_polls).toBe(1);
    expect(await poll(id, new Date(), pollId)).toEqual({ status: 'skipped' });
    expect((await imported(id))['ATS-2'].missed_polls).toBe(1);

    // The database refuses connections during the poll: the job fails, nothing is half written.
    const retryId = randomUUID();
    await lockOut(async () => {
      await expect(poll(id, new Date(), retryId)).rejects.toThrow();
    });
    expect((await imported(id))['ATS-2'].missed_polls).toBe(1);
    // The worker's retry (same poll id) applies it, once.
    expect(await poll(id, new Date(), retryId)).toMatchObject({ status: 'ok', counts: { closed: 2 } });
    expect(await poll(id, new Date(), retryId)).toEqual({ status: 'skipped' });
    const runs = await t.db.admin.selectFrom('feed_runs').select('poll_id').where('source_id', '=', id).where('poll_id', '=', retryId).execute();
    expect(runs).toHaveLength(1);
  });

  /** Runs `work` while the test database accepts no connection at all (the app's are cut): the database is down. */
  async function lockOut(work: () => Promise<void>) {
    const server = new pg.Client({ connectionString: databaseUrl('postgres') });
    await server.connect();
    try {
      await server.query(`alter database "${t.db.name}" allow_connections false`);
      await server.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [t.db.name]);
      await work();
    } finally {
      await server.query(`alter database "${t.db.name}" allow_connections true`);
      await server.end();
    }
  }

  it('renews a present offer before it expires, never beyond the feed’s own end of publication', async () => {
    const { id, path } = await source('aggregator_xml');
    const inTenDays = new Date(Date.now() + 10 * 24 * HOUR);
    server.serve(path, { body: aggregatorXml([JOBS[0], { ...JOBS[1], validThrough: inTenDays.toISOString() }]) });
    await poll(id);
    let offers = await imported(id);
    // montagne's lifetime is 60 days; the feed says ten for ATS-2.
    expect(offers['ATS-1'].expires_at!.getTime()).toBeGreaterThan(Date.now() + 59 * 24 * HOUR);
    expect(offers['ATS-2'].expires_at).toEqual(inTenDays);
    // Time passes: ATS-1 would expire tomorrow, ATS-2 in a day too; the feed still lists both, unchanged.
    const soon = new Date(Date.now() + 24 * HOUR);
    await t.db.admin.updateTable('offers').set({ expires_at: soon }).where('id', 'in', [offers['ATS-1'].id!, offers['ATS-2'].id!]).execute();
    expect(await poll(id)).toMatchObject({ status: 'ok', counts: { unchanged: 2, updated: 0 } });
    offers = await imported(id);
    expect(offers['ATS-1'].expires_at!.getTime()).toBeGreaterThan(Date.now() + 59 * 24 * HOUR);
    expect(offers['ATS-2'].expires_at).toEqual(inTenDays);
  });

  it('leaves alone an offer the company took over (filled by hand): neither rewritten nor closed', async () => {
    const { id, path } = await source('aggregator_xml');
    let jobs = [JOBS[0], JOBS[1]];
    server.serve(path, () => ({ body: aggregatorXml(jobs) }));
    await poll(id);
    const filled = (await imported(id))['ATS-1'];
    await t.db.admin.updateTable('offers').set({ status: 'filled' }).where('id', '=', filled.id!).execute();
    jobs = [{ ...JOBS[0], title: 'Pisteur secouriste (nouvelle annonce)' }, JOBS[1]];
    await poll(id);
    expect((await imported(id))['ATS-1']).toMatchObject({ status: 'filled', title: filled.title });
    jobs = [JOBS[1]];
    await poll(id);
    await poll(id);
    expect((await imported(id))['ATS-1'].status).toBe('filled');
  });

  it('lists every malformed record of a feed with its reason in French, and imports the others', async () => {
    const { id, path } = await source('aggregator_xml');
    server.serve(path, { body: readFileSync(path_.join(ROOT, 'test/fixtures/feeds/malformed-records.xml')) });
    expect(await poll(id)).toMatchObject({ status: 'ok', counts: { records: 6, created: 1, rejected: 5 } });
    const run = await lastRun(id);
    expect(run.rejections).toEqual([
      { position: 'offre n° 2', reference: null, reasons: ['Référence de l’offre absente'] },
      { position: 'offre n° 3', reference: 'BAD-CONTRACT', reasons: ['Type de contrat absent ou inconnu (« Bénévolat ») : CDI, CDD, saisonnier, intérim, alternance, stage…'] },
      { position: 'offre n° 4', reference: 'BAD-PLACE', reasons: ['Commune introuvable : « Atlantide »'] },
      { position: 'offre n° 5', reference: 'SHORT', reasons: ['Description du poste : La description doit contenir au moins 20 caractères de texte'] },
      { position: 'offre n° 6', reference: 'EXPIRED', reasons: ['Date de fin de publication dépassée (2001-01-31)'] },
    ]);
    expect((await imported(id))['OK-1']).toMatchObject({ contract: 'seasonal', salary_min: 12.5, salary_unit: 'hour', rome_code: 'G1803' });
  });

  it.each([
    ['an external entity (XXE)', 'xxe-file.xml'],
    ['a parameter entity aimed at the metadata service', 'xxe-parameter.xml'],
    ['the billion laughs', 'billion-laughs.xml'],
  ])('refuses a feed declaring %s, and writes nothing', async (_label, fixture) => {
    const { id, path } = await source('aggregator_xml');
    server.serve(path, { body: readFileSync(path_.join(ROOT, 'test/fixtures/feeds', fixture)) });
    expect(await poll(id)).toEqual({ status: 'failed', error: 'Le document n’a pas pu être lu : déclaration DTD ou entités refusée (XXE)' });
    expect(await imported(id)).toEqual({});
  });

  it('records slow, oversize and refused-address feeds as failures in French', async () => {
    const slow = await source('aggregator_xml');
    server.serve(slow.path, { body: aggregatorXml(JOBS), delayMs: 2_500 });
    expect(await poll(slow.id)).toEqual({ status: 'failed', error: 'Le serveur du flux n’a pas répondu à temps' });
    const big = await source('aggregator_xml');
    server.serve(big.path, { body: aggregatorXml(Array.from({ length: 400 }, (_, i) => ({ ...JOBS[0], ref: `BIG-${i}` }))) });
    expect((await poll(big.id)).status).toBe('failed');
    expect((await lastRun(big.id)).error).toMatch(/^Le flux est trop volumineux/);
    // A name of the feed's host that resolves to a private address (DNS answer injected).
    const intranet = await source('aggregator_xml');
    await t.db.admin.updateTable('feed_sources').set({ url: 'http://ats.intranet.example/flux.xml' }).where('id', '=', intranet.id).execute();
    const guarded = { ...deps, fetchPolicy: { ...deps.fetchPolicy, resolve: async () => [{ address: '10.4.0.12', family: 4 }] } };
    expect(await pollSource(guarded, montagne(), intranet.id, randomUUID(), 'schedule')).toEqual({
      status: 'failed',
      error: 'Adresse refusée : ats.intranet.example → 10.4.0.12 (réseau privé). Un flux doit être publié sur Internet.',
    });
  });

  it('writes only into its own company and tenant, whatever a hostile feed says', async () => {
    const other = await createCompany(t, 'montagne', 'Voisin des Houches');
    await createAccount(t, 'montagne', { email: 'voisin@exemple.fr', role: 'employer', companyId: other });
    const { id: otherSource, path: otherPath } = await source('aggregator_xml', other);
    server.serve(otherPath, { body: aggregatorXml([JOBS[0]]) });
    await poll(otherSource);
    const victim = (await imported(otherSource))['ATS-1'];
    const dijonOffer = await t.db.admin.selectFrom('offers').select(['id', 'title', 'updated_at']).where('tenant_id', '=', 'dijon').orderBy('id').limit(1).executeTakeFirstOrThrow();

    const { id, path } = await source('aggregator_xml');
    server.serve(path, {
      body: aggregatorXml([
        // Same reference as the neighbour's, its offer id, another tenant's id: only this company's own offer comes of it.
        { ...JOBS[0], title: 'Pisteur détourné', extra: { company_id: other, tenant_id: 'dijon', id: victim.id!, offer_id: dijonOffer.id } },
        { ...JOBS[1], ref: victim.id!, title: 'Titre piégé' },
      ]),
    });
    await poll(id);
    const mine = await imported(id);
    expect(Object.values(mine).map((o) => o.company_id)).toEqual([companyId, companyId]);
    expect(Object.values(mine).map((o) => o.id)).not.toContain(victim.id);
    const untouched = await t.db.admin.selectFrom('offers').select(['title', 'company_id']).where('id', '=', victim.id!).executeTakeFirstOrThrow();
    expect(untouched).toEqual({ title: 'Pisteur secouriste H/F', company_id: other });
    const dijon = await t.db.admin.selectFrom('offers').select(['id', 'title', 'updated_at']).where('id', '=', dijonOffer.id).executeTakeFirstOrThrow();
    expect(dijon).toEqual(dijonOffer);
  });
});
