import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { luhnValid } from '../../server/features/companies/siret.js';
import { seedDemo } from '../../server/db/seed/demo-seed.js';
import { loadTenantRegistry } from '../../server/tenancy/registry.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

const MOUNTAIN_DEPARTMENTS = ['73', '74', '38', '05'];

describe('demo seed', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.drop());

  const count = async (table: 'companies' | 'offers' | 'memberships' | 'users' | 'company_members') => {
    const rows = await db.admin.selectFrom(table).select(['tenant_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('tenant_id').execute();
    return Object.fromEntries(rows.map((r) => [r.tenant_id, r.n]));
  };

  it('gives montagne ≥30 companies and ≥300 live offers in Savoie, Haute-Savoie, Isère and Hautes-Alpes', async () => {
    expect((await count('companies')).montagne).toBeGreaterThanOrEqual(30);
    const live = await db.admin
      .selectFrom('offers')
      .innerJoin('communes', 'communes.insee_code', 'offers.commune_insee')
      .select(['communes.department_code', 'offers.latitude', 'offers.longitude', 'offers.postal_code', 'communes.postal_codes', 'offers.contract', 'offers.housing', 'offers.rome_code'])
      .where('offers.tenant_id', '=', 'montagne')
      .where('offers.status', '=', 'published')
      .where('offers.expires_at', '>', new Date())
      .execute();
    expect(live.length).toBeGreaterThanOrEqual(300);
    for (const offer of live) {
      expect(MOUNTAIN_DEPARTMENTS).toContain(offer.department_code);
      expect(offer.postal_codes).toContain(offer.postal_code);
      expect(offer.latitude).toBeGreaterThan(44);
      expect(offer.longitude).toBeGreaterThan(5);
      expect(offer.rome_code).toMatch(/^[A-N]\d{4}$/);
    }
    const contracts = new Set(live.map((o) => o.contract));
    for (const contract of ['seasonal', 'cdd', 'cdi']) expect(contracts).toContain(contract);
    expect(live.filter((o) => o.housing === 'provided').length).toBeGreaterThan(20);
    expect(new Set(live.map((o) => o.department_code)).size).toBe(4);
  });

  it('gives dijon ≥100 live offers in Côte-d’Or, with apprenticeships and first jobs', async () => {
    const live = await db.admin
      .selectFrom('offers')
      .innerJoin('communes', 'communes.insee_code', 'offers.commune_insee')
      .select(['communes.department_code', 'offers.contract', 'offers.experience'])
      .where('offers.tenant_id', '=', 'dijon')
      .where('offers.status', '=', 'published')
      .where('offers.expires_at', '>', new Date())
      .execute();
    expect(live.length).toBeGreaterThanOrEqual(100);
    expect(new Set(live.map((o) => o.department_code))).toEqual(new Set(['21']));
    expect(live.filter((o) => o.contract === 'apprenticeship').length).toBeGreaterThan(15);
    expect(live.filter((o) => o.experience === 'none').length).toBeGreaterThan(50);
  });

  it('uses well-formed SIRETs, real NAF codes and the tenant’s membership grid', async () => {
    const companies = await db.admin.selectFrom('companies').select(['siret', 'naf_code', 'tenant_id', 'headcount', 'id']).execute();
    for (const company of companies) {
      expect(company.siret).toMatch(/^\d{14}$/);
      expect(luhnValid(company.siret!), company.siret!).toBe(true);
      expect(luhnValid(company.siret!.slice(0, 9))).toBe(true);
    }
    expect(new Set(companies.map((c) => c.siret)).size).toBe(companies.length);
    // naf_code has a foreign key to the reference table: every code is real.
    expect(companies.every((c) => c.naf_code !== null)).toBe(true);

    const grid: Record<string, [number, number]> = { tpe: [0, 60000], pe: [10, 120000], me: [50, 240000], ge: [250, 400000] };
    const memberships = await db.admin
      .selectFrom('memberships')
      .innerJoin('companies', 'companies.id', 'memberships.company_id')
      .select(['memberships.tier_code', 'memberships.amount_cents', 'companies.headcount', 'memberships.status'])
      .execute();
    expect(memberships.length).toBe((await count('companies')).montagne);
    for (const m of memberships) {
      expect(m.amount_cents).toBe(grid[m.tier_code][1]);
      expect(m.headcount!).toBeGreaterThanOrEqual(grid[m.tier_code][0]);
    }
    expect(new Set(memberships.map((m) => m.tier_code))).toEqual(new Set(Object.keys(grid)));
    expect((await count('memberships')).dijon).toBeUndefined();
  });

  it('is idempotent: a second run (even on another day) inserts nothing and changes nothing', async () => {
    const before = await sql<{ digest: string }>`select md5(string_agg(o::text, '|' order by o.id)) as digest from offers o`.execute(db.admin);
    const counts = await Promise.all((['companies', 'offers', 'memberships', 'users', 'company_members'] as const).map(count));
    const registry = loadTenantRegistry(loadConfig({ NODE_ENV: 'test' }).tenantsDir, { allowLocalhostSubdomains: true });
    const reports = await seedDemo(db.admin, registry, { now: new Date(Date.now() + 3 * 86_400_000) });
    expect(reports.map((r) => [r.tenant, r.inserted])).toEqual([
      ['dijon', 0],
      ['montagne', 0],
    ]);
    expect(await Promise.all((['companies', 'offers', 'memberships', 'users', 'company_members'] as const).map(count))).toEqual(counts);
    const after = await sql<{ digest: string }>`select md5(string_agg(o::text, '|' order by o.id)) as digest from offers o`.execute(db.admin);
    expect(after.rows[0].digest).toBe(before.rows[0].digest);
  });
});
