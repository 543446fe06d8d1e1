import { cpSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.js';
import { syncTenants } from '../../server/tenancy/sync.js';
import { testConfig } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { copyTenants, editTenantJson, writeTenantFile } from '../helpers/tenant-fixtures.js';

/** What `npm run tenant -- create <slug> --from <source>` leaves on disk: a copied folder, its tenant.json rewritten. */
function forkTenant(tenantsDir: string, source: string, slug: string, name: string, hostname: string): void {
  cpSync(path.join(tenantsDir, source), path.join(tenantsDir, slug), { recursive: true });
  editTenantJson(tenantsDir, slug, (config) => {
    config.slug = slug;
    config.name = name;
    config.hostnames = [hostname];
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The app on a private database and a private copy of tenants/, registering new tenants as main.ts does. */
async function appOnCopiedTenants(options: { watchTenants?: boolean; registration?: () => 'works' | 'fails' } = {}) {
  const db = await createTestDatabase();
  const tenantsDir = copyTenants(['montagne', 'dijon']);
  const app = await buildApp(testConfig(db.url, { tenantsDir }), {
    watchTenants: options.watchTenants,
    registerTenants: async (added) => {
      if (options.registration?.() === 'fails') throw new Error('base injoignable');
      await syncTenants(db.admin, added);
    },
  });
  await app.ready();
  return { db, app, tenantsDir };
}

describe('tenant folders reloaded while the app runs (issue #7 part 3)', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let tenantsDir: string;
  let registration: 'works' | 'fails' = 'works';

  beforeAll(async () => {
    ({ db, app, tenantsDir } = await appOnCopiedTenants({ registration: () => registration }));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const get = (host: string, url = '/') => app.inject({ url, headers: { host } });

  it('serves a board forked from Dijon on its own host name, with the Dijon look, once reloaded', async () => {
    forkTenant(tenantsDir, 'dijon', 'ml-besancon', 'Mission Locale de Besançon', 'emploi.ml-besancon.fr');
    // Outside development nothing watches the folder: tenants load at start (or on an explicit reload).
    await sleep(400);
    expect((await get('emploi.ml-besancon.fr')).statusCode).toBe(404);

    const result = await app.reloadTenants();
    expect(result).toMatchObject({ ok: true, added: ['ml-besancon'], removed: [], unregistered: [] });
    const home = await get('emploi.ml-besancon.fr');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Mission Locale de Besançon');
    // Dijon's footer override and wording, Dijon's colours.
    expect(home.body).toContain('(appel gratuit)');
    expect(home.body).toContain('La Mission Locale de Dijon accompagne les 16-25 ans');
    expect((await get('emploi.ml-besancon.fr', '/theme.css')).body).toContain('#5b21b6');
    expect((await get('ml-besancon.localhost', '/offres')).statusCode).toBe(200);
    const row = await db.admin.selectFrom('tenants').selectAll().where('id', '=', 'ml-besancon').executeTakeFirst();
    expect(row).toMatchObject({ name: 'Mission Locale de Besançon' });
    // The other boards are untouched.
    expect((await get('dijon.localhost')).body).toContain('Jeunes &amp; Emploi Dijon');
  });

  it('picks up edits of tenant.json, strings and templates', async () => {
    editTenantJson(tenantsDir, 'ml-besancon', (config) => {
      config.tagline = 'Des offres pour les jeunes du Doubs';
    });
    writeTenantFile(tenantsDir, 'ml-besancon', 'strings.fr.json', JSON.stringify({ 'footer.freeCall': 'numéro gratuit' }));
    writeTenantFile(tenantsDir, 'ml-besancon', 'views/partials/head-extra.hbs', '<meta name="x-besancon" content="oui">');
    expect((await app.reloadTenants()).ok).toBe(true);
    const home = (await get('emploi.ml-besancon.fr')).body;
    expect(home).toContain('Des offres pour les jeunes du Doubs');
    expect(home).toContain('(numéro gratuit)');
    expect(home).toContain('<meta name="x-besancon" content="oui">');
    expect((await get('dijon.localhost')).body).toContain('(appel gratuit)');
  });

  it('keeps the previous tenants when a file is invalid, and says which file and field', async () => {
    const before = app.tenants.get('montagne')!.config;
    editTenantJson(tenantsDir, 'montagne', (config) => {
      config.offers.lifetimeDays = 0;
    });
    // A new board in the same reload is not served either: a reload is all or nothing.
    forkTenant(tenantsDir, 'dijon', 'ml-dole', 'Mission Locale de Dole', 'emploi.ml-dole.fr');
    const result = await app.reloadTenants();
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/montagne\/tenant\.json est invalide :\n\s+- offers\.lifetimeDays : doit être supérieur ou égal à 1/);
    expect(app.tenants.get('montagne')!.config).toBe(before);
    expect((await get('montagne.localhost')).statusCode).toBe(200);
    expect((await get('emploi.ml-dole.fr')).statusCode).toBe(404);
    editTenantJson(tenantsDir, 'montagne', (config) => {
      config.offers.lifetimeDays = 60;
    });

    writeTenantFile(tenantsDir, 'ml-dole', 'views/partials/footer.hbs', '<footer>{{#if tenant.name}}</footer>');
    const template = await app.reloadTenants();
    expect(!template.ok && template.error).toMatch(/ml-dole\/views\/partials\/footer\.hbs : gabarit invalide \(Parse error on line 1/);
    rmSync(path.join(tenantsDir, 'ml-dole', 'views'), { recursive: true });

    writeTenantFile(tenantsDir, 'ml-dole', 'strings.fr.json', '{ "footer.freeCall": ');
    expect((await app.reloadTenants()).ok).toBe(false);
    rmSync(path.join(tenantsDir, 'ml-dole', 'strings.fr.json'));

    editTenantJson(tenantsDir, 'ml-dole', (config) => {
      config.hostnames = ['emploi.ml-besancon.fr'];
    });
    const claimed = await app.reloadTenants();
    expect(!claimed.ok && claimed.error).toContain('hostnames[0] : « emploi.ml-besancon.fr » est déjà déclaré par le tenant ml-besancon');
    expect((await get('emploi.ml-besancon.fr')).body).toContain('Mission Locale de Besançon');

    editTenantJson(tenantsDir, 'ml-dole', (config) => {
      config.hostnames = ['emploi.ml-dole.fr'];
    });
    expect(await app.reloadTenants()).toMatchObject({ ok: true, added: ['ml-dole'] });
    expect((await get('emploi.ml-dole.fr')).statusCode).toBe(200);
  });

  it('does not serve a new board whose database row cannot be created', async () => {
    forkTenant(tenantsDir, 'dijon', 'ml-vesoul', 'Mission Locale de Vesoul', 'emploi.ml-vesoul.fr');
    registration = 'fails';
    const result = await app.reloadTenants();
    expect(result).toMatchObject({ ok: true, unregistered: ['ml-vesoul'] });
    expect((await get('emploi.ml-vesoul.fr')).statusCode).toBe(404);
    registration = 'works';
    expect(await app.reloadTenants()).toMatchObject({ ok: true, added: ['ml-vesoul'], unregistered: [] });
    expect((await get('emploi.ml-vesoul.fr')).statusCode).toBe(200);
  });

  it('keeps runtime settings over a reloaded tenant.json, and stops serving a removed folder', async () => {
    await db.admin.insertInto('tenant_settings').values({ tenant_id: 'ml-vesoul', contact_phone: '0 800 70 70 70' }).execute();
    await app.tenants.reloadSettings('ml-vesoul');
    editTenantJson(tenantsDir, 'ml-vesoul', (config) => {
      config.tagline = 'Nouvelle accroche';
    });
    expect((await app.reloadTenants()).ok).toBe(true);
    const home = (await get('emploi.ml-vesoul.fr')).body;
    expect(home).toContain('Nouvelle accroche');
    expect(home).toContain('0 800 70 70 70');

    rmSync(path.join(tenantsDir, 'ml-vesoul'), { recursive: true });
    expect(await app.reloadTenants()).toMatchObject({ ok: true, removed: ['ml-vesoul'] });
    expect((await get('emploi.ml-vesoul.fr')).statusCode).toBe(404);
    // Its rows stay: removing a folder never deletes data.
    expect(await db.admin.selectFrom('tenants').select('id').where('id', '=', 'ml-vesoul').executeTakeFirst()).toBeDefined();
  });
});

describe('development watcher on tenants/', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let tenantsDir: string;

  beforeAll(async () => {
    ({ db, app, tenantsDir } = await appOnCopiedTenants({ watchTenants: true }));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  /** Polls the host until it answers `status`, for at most `timeoutMs`. */
  async function waitFor(host: string, status: number, timeoutMs = 10_000): Promise<number> {
    const start = Date.now();
    for (;;) {
      const response = await app.inject({ url: '/', headers: { host } });
      if (response.statusCode === status) return Date.now() - start;
      if (Date.now() - start > timeoutMs) throw new Error(`${host} still answers ${response.statusCode} after ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  it('serves a new board a moment after its folder is written, without a restart, and survives a bad edit', async () => {
    expect((await app.inject({ url: '/', headers: { host: 'emploi.ml-dole.fr' } })).statusCode).toBe(404);
    forkTenant(tenantsDir, 'dijon', 'ml-dole', 'Mission Locale de Dole', 'emploi.ml-dole.fr');
    const elapsed = await waitFor('emploi.ml-dole.fr', 200);
    expect(elapsed).toBeLessThan(10_000);
    expect((await app.inject({ url: '/', headers: { host: 'emploi.ml-dole.fr' } })).body).toContain('Mission Locale de Dole');

    // A broken file keeps the board up; fixing it is picked up too.
    writeFileSync(path.join(tenantsDir, 'ml-dole', 'tenant.json'), '{ "slug": ');
    await sleep(600);
    expect((await app.inject({ url: '/', headers: { host: 'emploi.ml-dole.fr' } })).statusCode).toBe(200);
    forkTenant(tenantsDir, 'montagne', 'ml-dole-bis', 'Mission Locale de Dole (bis)', 'emploi.ml-dole-bis.fr');
    rmSync(path.join(tenantsDir, 'ml-dole'), { recursive: true });
    await waitFor('emploi.ml-dole-bis.fr', 200);
    await waitFor('emploi.ml-dole.fr', 404);
  });
});
