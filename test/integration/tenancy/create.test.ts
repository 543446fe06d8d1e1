import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../server/app.js';
import { withTenant } from '../../../server/db/tenant-db.js';
import { createTenant, TenantToolError } from '../../../server/tenancy/create.js';
import { testConfig } from '../../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/database.js';
import { copyTenants } from '../../helpers/tenant-fixtures.js';

describe('tenant create: a new board answers on its host, a fork has the look and none of the data', () => {
  let db: TestDatabase;
  let app: FastifyInstance;
  let tenantsDir: string;
  const get = (host: string, url: string) => app.inject({ method: 'GET', url, headers: { host } });

  beforeAll(async () => {
    tenantsDir = copyTenants(['_skeleton', 'montagne', 'dijon']);
    db = await createTestDatabase();
    await createTenant(db.admin, { tenantsDir, slug: 'ml-dole', from: '_skeleton', name: 'Mission Locale de Dole', hostnames: ['emploi.ml-dole.fr'] });
    await createTenant(db.admin, { tenantsDir, slug: 'ml-besancon', from: 'dijon', name: 'Mission Locale de Besançon', hostnames: ['emploi.ml-besancon.fr'] });
    app = await buildApp(testConfig(db.url, { tenantsDir }));
    await app.ready();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('registers the tenants in the database', async () => {
    const rows = await db.admin.selectFrom('tenants').select(['id', 'name']).where('id', 'like', 'ml-%').orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'ml-besancon', name: 'Mission Locale de Besançon' },
      { id: 'ml-dole', name: 'Mission Locale de Dole' },
    ]);
  });

  it('serves the home page of a board made from the skeleton on its host name', async () => {
    const response = await get('emploi.ml-dole.fr', '/');
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('<title>Mission Locale de Dole');
  });

  it('gives the fork the Dijon look: footer override, wording, colours, stylesheet and logo', async () => {
    const home = await get('emploi.ml-besancon.fr', '/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Mission Locale de Besançon');
    expect(home.body).toContain('La Mission Locale de Dijon accompagne les 16-25 ans'); // dijon's footer + strings, to be adapted
    expect(home.body).toContain('Les dernières offres pour les jeunes');
    const theme = await get('emploi.ml-besancon.fr', '/theme.css');
    expect(theme.body).toBe((await get('dijon.localhost', '/theme.css')).body);
    const css = await get('emploi.ml-besancon.fr', '/assets/tenant.css');
    expect(css.body).toBe(readFileSync(path.join(tenantsDir, 'dijon', 'assets', 'tenant.css'), 'utf8'));
    expect((await get('emploi.ml-besancon.fr', '/assets/logo.svg')).statusCode).toBe(200);
  });

  it('copies none of the Dijon data: no company, offer or account, and no Dijon offer on its pages', async () => {
    const counts = await withTenant(db.admin, 'ml-besancon', async ({ trx }) => ({
      companies: (await trx.selectFrom('companies').where('tenant_id', '=', 'ml-besancon').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      offers: (await trx.selectFrom('offers').where('tenant_id', '=', 'ml-besancon').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      users: (await trx.selectFrom('users').where('tenant_id', '=', 'ml-besancon').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
    }));
    expect(counts).toEqual({ companies: 0, offers: 0, users: 0 });
    const dijonOffer = await db.admin.selectFrom('offers').select(['id', 'title']).where('tenant_id', '=', 'dijon').where('status', '=', 'published').executeTakeFirstOrThrow();
    const api = await get('emploi.ml-besancon.fr', '/api/v1/offers');
    expect(api.json().total).toBe(0);
    expect((await get('emploi.ml-besancon.fr', `/offres/${dijonOffer.id}`)).statusCode).toBe(404);
    expect((await get('dijon.localhost', '/api/v1/offers')).json().total).toBeGreaterThan(0);
  });

  it('refuses a slug the database already holds, even without a folder (a removed board’s data)', async () => {
    await db.admin.insertInto('tenants').values({ id: 'ancien', name: 'Ancien board' }).execute();
    await expect(createTenant(db.admin, { tenantsDir, slug: 'ancien', from: '_skeleton', name: 'Nouveau', hostnames: [] })).rejects.toThrow(TenantToolError);
    await expect(createTenant(db.admin, { tenantsDir, slug: 'ancien', from: '_skeleton', name: 'Nouveau', hostnames: [] })).rejects.toThrow(/existe déjà dans la base/);
  });
});
