import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/database.js';
import { createKysely } from '../../server/db/kysely.js';
import { APP_ROLE, createPool } from '../../server/db/pool.js';
import { withTenant } from '../../server/db/tenant-db.js';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../helpers/app.js';

/** Row-level security is the last line of defence: these tests talk to PostgreSQL as the app does. */
describe('tenant isolation in PostgreSQL', () => {
  let t: TestApp;
  let dijonOffer: { id: string; company_id: string };
  let dijonCompanySlug: string;
  let montagneCompanyId: string;

  beforeAll(async () => {
    t = await createTestApp();
    // The privileged role is a superuser here, which RLS does not filter: say which tenant explicitly.
    const admin = t.db.admin;
    dijonOffer = await admin
      .selectFrom('offers')
      .select(['id', 'company_id'])
      .where('tenant_id', '=', 'dijon')
      .where('status', '=', 'published')
      .where('expires_at', '>', new Date())
      .orderBy('id')
      .executeTakeFirstOrThrow();
    dijonCompanySlug = (await admin.selectFrom('companies').select('slug').where('tenant_id', '=', 'dijon').orderBy('slug').executeTakeFirstOrThrow()).slug;
    montagneCompanyId = (await admin.selectFrom('companies').select('id').where('tenant_id', '=', 'montagne').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => t?.close());

  it('enables and forces RLS with a policy on every table that has a tenant_id column', async () => {
    const { rows } = await sql<{ table_name: string; rls: boolean; forced: boolean; policies: number }>`
      select c.table_name, k.relrowsecurity as rls, k.relforcerowsecurity as forced,
             (select count(*) from pg_policies p where p.tablename = c.table_name and p.schemaname = 'public')::int as policies
      from information_schema.columns c
      join pg_class k on k.relname = c.table_name and k.relnamespace = 'public'::regnamespace
      where c.table_schema = 'public' and c.column_name = 'tenant_id' and k.relkind = 'r'
      order by 1`.execute(t.db.admin);
    expect(rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['companies', 'company_members', 'memberships', 'offers', 'users']));
    for (const row of rows) expect(row, row.table_name).toMatchObject({ rls: true, forced: true, policies: 1 });
  });

  it('runs the app as a role that RLS applies to: not superuser, no BYPASSRLS, owns nothing', async () => {
    const { rows: [user] } = await sql<{ current_user: string }>`select current_user`.execute(t.app.db);
    expect(user.current_user).toBe(APP_ROLE);
    const { rows: [role] } = await sql<{ rolsuper: boolean; rolbypassrls: boolean; owned: number }>`
      select rolsuper, rolbypassrls,
             (select count(*) from pg_class where relowner = r.oid)::int as owned
      from pg_roles r where rolname = ${APP_ROLE}`.execute(t.db.admin);
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, owned: 0 });
  });

  it('shows no tenant row at all when no tenant is set', async () => {
    for (const table of ['offers', 'companies', 'users', 'memberships', 'company_members'] as const) {
      const { count } = await t.app.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
      expect(count, table).toBe(0);
    }
    // …while the rows do exist (the privileged role seeded them).
    const seeded = await t.db.admin.selectFrom('offers').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', 'montagne').executeTakeFirstOrThrow();
    expect(seeded.n).toBeGreaterThan(300);
  });

  it('returns only the current tenant’s rows, even when the query asks for the other tenant', async () => {
    const rows = await withTenant(t.app.db, 'montagne', (m) =>
      m.trx.selectFrom('offers').select(['tenant_id']).where('tenant_id', '=', 'dijon').execute(),
    );
    expect(rows).toEqual([]);
    const byId = await withTenant(t.app.db, 'montagne', (m) => m.trx.selectFrom('offers').selectAll().where('id', '=', dijonOffer.id).execute());
    expect(byId).toEqual([]);
    const tenants = await withTenant(t.app.db, 'dijon', (d) => d.trx.selectFrom('offers').select('tenant_id').distinct().execute());
    expect(tenants).toEqual([{ tenant_id: 'dijon' }]);
  });

  it('never leaks the tenant setting to the next transaction on the same connection', async () => {
    // One connection, alternating tenants: set_config(…, true) must end with each transaction.
    const single: Kysely<Database> = createKysely(createPool({ connectionString: t.db.url, role: APP_ROLE, max: 1, applicationName: 'isolation-test', onError: () => {} }));
    try {
      for (let i = 0; i < 10; i++) {
        const tenant = i % 2 === 0 ? 'montagne' : 'dijon';
        const seen = await withTenant(single, tenant, (x) => x.trx.selectFrom('companies').select('tenant_id').distinct().execute());
        expect(seen).toEqual([{ tenant_id: tenant }]);
        const after = await single.selectFrom('companies').select('id').execute();
        expect(after).toEqual([]);
      }
    } finally {
      await single.destroy();
    }
  });

  it('refuses to write a row for another tenant, or to touch its rows', async () => {
    const insert = withTenant(t.app.db, 'montagne', (m) =>
      m.trx.insertInto('companies').values({ tenant_id: 'dijon', name: 'Intrus', slug: 'intrus' }).execute(),
    );
    await expect(insert).rejects.toMatchObject({ code: '42501' });
    const updated = await withTenant(t.app.db, 'montagne', (m) =>
      m.trx.updateTable('offers').set({ title: 'Piraté' }).where('id', '=', dijonOffer.id).executeTakeFirst(),
    );
    expect(Number(updated.numUpdatedRows)).toBe(0);
    const deleted = await withTenant(t.app.db, 'montagne', (m) => m.trx.deleteFrom('companies').where('id', '=', dijonOffer.company_id).executeTakeFirst());
    expect(Number(deleted.numDeletedRows)).toBe(0);
    // WITH CHECK also stops a row from being moved out of its tenant.
    const moved = withTenant(t.app.db, 'dijon', (d) => d.trx.updateTable('offers').set({ tenant_id: 'montagne' }).where('id', '=', dijonOffer.id).execute());
    await expect(moved).rejects.toMatchObject({ code: '42501' });
    const unchanged = await t.db.admin.selectFrom('offers').select(['tenant_id', 'title']).where('id', '=', dijonOffer.id).executeTakeFirstOrThrow();
    expect(unchanged.tenant_id).toBe('dijon');
    expect(unchanged.title).not.toBe('Piraté');
  });

  it('cannot attach an offer to another tenant’s company, even with the privileged role', async () => {
    const crossed = t.db.admin
        .insertInto('offers')
        .values({ tenant_id: 'dijon', company_id: montagneCompanyId, title: 'Offre croisée', description_html: '<p>x</p>', contract: 'cdi', working_time: 'full_time' })
        .execute();
    await expect(crossed).rejects.toMatchObject({ code: '23503' });
  });

  it('answers 404 on one tenant’s host for the other tenant’s offer and company', async () => {
    expect((await t.app.inject({ url: `/offres/${dijonOffer.id}`, headers: { host: DIJON } })).statusCode).toBe(200);
    const forged = await t.app.inject({ url: `/offres/${dijonOffer.id}`, headers: { host: MONTAGNE } });
    expect(forged.statusCode).toBe(404);
    expect(forged.body).not.toContain(dijonCompanySlug);
    expect((await t.app.inject({ url: `/entreprises/${dijonCompanySlug}`, headers: { host: DIJON } })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/entreprises/${dijonCompanySlug}`, headers: { host: MONTAGNE } })).statusCode).toBe(404);
  });
});
