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

  it('posts a title at most once per company and commune (no accidental "3 postes" groups), and gives dijon its youth filters', async () => {
    const { rows } = await sql<{ tenant_id: string; title: string; n: number }>`
      select tenant_id, title, count(*)::int as n from offers
      group by tenant_id, company_id, lower(title), commune_insee, title having count(*) > 1`.execute(db.admin);
    expect(rows).toEqual([]);
    const dijon = await db.admin
      .selectFrom('offers')
      .select(['contract', 'season', 'without_diploma', 'open_to_minors'])
      .where('tenant_id', '=', 'dijon')
      .where('status', '=', 'published')
      .execute();
    expect(dijon.filter((o) => o.without_diploma).length).toBeGreaterThan(10);
    expect(dijon.filter((o) => o.open_to_minors).length).toBeGreaterThan(10);
    // The youth board's "job d'été": seasonal contracts there are summer jobs.
    expect(dijon.filter((o) => o.contract === 'seasonal').length).toBeGreaterThan(3);
    expect(dijon.filter((o) => o.contract === 'seasonal').every((o) => o.season === 'summer')).toBe(true);
  });

  it('gives ge-occitanie a free board of Aveyron and Lozère members, with their shared-time needs and settings', async () => {
    const live = await db.admin
      .selectFrom('offers')
      .innerJoin('communes', 'communes.insee_code', 'offers.commune_insee')
      .select(['communes.department_code', 'offers.contract', 'offers.working_time'])
      .where('offers.tenant_id', '=', 'ge-occitanie')
      .where('offers.status', '=', 'published')
      .where('offers.expires_at', '>', new Date())
      .execute();
    expect(live.length).toBeGreaterThanOrEqual(25);
    expect(new Set(live.map((o) => o.department_code))).toEqual(new Set(['12', '48']));
    expect(live.filter((o) => o.working_time === 'part_time' || o.contract === 'seasonal').length).toBeGreaterThan(8);
    expect((await count('memberships'))['ge-occitanie']).toBeUndefined();

    const needs = await db.admin.selectFrom('shared_time_needs').select(['tenant_id', 'status', 'company_id']).execute();
    const byTenant = (tenant: string, status: string) => needs.filter((n) => n.tenant_id === tenant && n.status === status).length;
    expect([byTenant('ge-occitanie', 'validated'), byTenant('ge-occitanie', 'draft')]).toEqual([11, 2]);
    expect([byTenant('montagne', 'validated'), byTenant('montagne', 'draft')]).toEqual([7, 1]);
    expect(needs.filter((n) => n.tenant_id === 'dijon')).toEqual([]);
    const members = await db.admin
      .selectFrom('shared_time_members')
      .innerJoin('companies', 'companies.id', 'shared_time_members.company_id')
      .select(['companies.tenant_id', 'companies.name', 'shared_time_members.public_body', 'shared_time_members.employer_group', 'shared_time_members.competitor_ids'])
      .orderBy('companies.tenant_id')
      .orderBy('companies.name')
      .execute();
    expect(members.map((m) => [m.tenant_id, m.name, m.public_body, m.employer_group, m.competitor_ids.length])).toEqual([
      ['ge-occitanie', 'Centre communal d’action sociale de Marvejols', true, false, 0],
      ['ge-occitanie', 'Centre hospitalier de Marvejols', true, false, 0],
      ['ge-occitanie', 'Groupement d’employeurs Aveyron-Lozère', false, true, 0],
      ['ge-occitanie', 'Laiterie coopérative du Lévézou', false, false, 1],
      ['montagne', 'Communauté de communes du Haut-Chablais', true, false, 0],
      ['montagne', 'Groupement d’employeurs Atout Saison', false, true, 0],
    ]);
    // The engine has not run yet: its state says so, and the worker's catch-up will compute.
    const states = await db.admin.selectFrom('shared_time_state').select(['tenant_id', 'needs_version', 'computed_version']).orderBy('tenant_id').execute();
    expect(states).toEqual([
      { tenant_id: 'ge-occitanie', needs_version: 1, computed_version: 0 },
      { tenant_id: 'montagne', needs_version: 1, computed_version: 0 },
    ]);
  });

  it('gives dijon its collaborative side: caseloads, threads, two recommended applications, a partnership thread', async () => {
    const samir = await db.admin.selectFrom('users').select('id').where('email', '=', 'conseiller@dijon.demo').executeTakeFirstOrThrow();
    const caseload = await db.admin.selectFrom('accompaniments').select(['status', 'consent_channel']).where('referent_user_id', '=', samir.id).execute();
    expect(caseload.length).toBeGreaterThanOrEqual(3);
    expect(caseload.every((a) => a.status === 'active' && a.consent_channel !== null)).toBe(true);
    const recommended = await db.admin
      .selectFrom('applications')
      .innerJoin('companies', 'companies.id', 'applications.company_id')
      .select(['companies.name', 'applications.recommended_by'])
      .where('applications.recommended_by', 'is not', null)
      .execute();
    expect(recommended).toHaveLength(2);
    expect(recommended.every((a) => a.name === 'Brasserie des Ducs' && a.recommended_by === samir.id)).toBe(true);
    const kinds = await db.admin.selectFrom('threads').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).where('tenant_id', '=', 'dijon').groupBy('kind').execute();
    expect(Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)]))).toEqual({ accompaniment: 2, application: 1, offer_partnership: 1 });
    const ines = await db.admin.selectFrom('users').select('birth_date').where('email', '=', 'jeune@dijon.demo').executeTakeFirstOrThrow();
    expect(ines.birth_date).not.toBeNull();
    expect(await db.admin.selectFrom('threads').select('id').where('tenant_id', '=', 'montagne').execute()).toEqual([]);
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
    const reports = await seedDemo(db.admin, registry(), { now: new Date(Date.now() + 3 * DAY) });
    expect(reports.map((r) => [r.tenant, r.inserted])).toEqual([
      ['dijon', 0],
      ['ge-occitanie', 0],
      ['montagne', 0],
    ]);
    expect(await Promise.all((['companies', 'offers', 'memberships', 'users', 'company_members'] as const).map(count))).toEqual(counts);
    const after = await sql<{ digest: string }>`select md5(string_agg(o::text, '|' order by o.id)) as digest from offers o`.execute(db.admin);
    expect(after.rows[0].digest).toBe(before.rows[0].digest);
  });

  // The seed's identity must not move with the clock: the winter branch once drew from the random
  // stream only in December, so every later id and value changed with the date.
  // 26 seeds (a few seconds on a quiet machine): a generous budget for a busy one.
  it('gives the same rows, but for their dates, whatever the day it runs, and is idempotent on each', { timeout: 240_000 }, async () => {
    const identities = new Map<string, string>();
    for (const day of SEED_DAYS) {
      await sql`truncate users, companies, company_members, memberships, offers cascade`.execute(db.admin);
      const now = new Date(day);
      const first = await seedDemo(db.admin, registry(), { now });
      expect(first.every((r) => r.inserted > 0), day).toBe(true);
      const digest = await offersDigest();
      const later = new Date(now.getTime() + 3 * DAY);
      const again = await seedDemo(db.admin, registry(), { now: later });
      expect(again.map((r) => [r.tenant, r.inserted]), `${day} then ${later.toISOString()}`).toEqual([
        ['dijon', 0],
        ['ge-occitanie', 0],
        ['montagne', 0],
      ]);
      expect(await offersDigest(), day).toBe(digest);
      identities.set(day, await identityDigest());
      await expectSaneDates(now, day);
    }
    expect(new Set(identities.values()).size, JSON.stringify(Object.fromEntries(identities), null, 1)).toBe(1);
  });

  /** Every row, dates included. */
  async function offersDigest(): Promise<string> {
    const result = await sql<{ digest: string }>`
      select (select md5(string_agg(o::text, '|' order by o.id)) from offers o)
          || (select md5(string_agg(m::text, '|' order by m.id)) from memberships m) as digest`.execute(db.admin);
    return result.rows[0].digest;
  }

  /** Everything but the dates: ids, titles, statuses, contracts, places, pay, companies, SIRETs, shared-time needs. */
  async function identityDigest(): Promise<string> {
    const result = await sql<{ digest: string }>`
      select md5(string_agg(concat_ws(',', o.id, o.tenant_id, o.company_id, o.title, o.status, o.contract, o.season, o.commune_insee,
               o.salary_min, o.salary_max, o.housing, o.hours_per_week, o.apply_method, o.job_nature, o.without_diploma, o.open_to_minors,
               md5(o.description_html)), '|' order by o.id))
        || (select md5(string_agg(concat_ws(',', c.id, c.slug, c.siret), '|' order by c.id)) from companies c)
        || (select md5(string_agg(concat_ws(',', m.id, m.status, m.tier_code), '|' order by m.id)) from memberships m)
        || (select md5(string_agg(u.id::text, '|' order by u.id)) from users u)
        || (select md5(string_agg(concat_ws(',', n.id, n.company_id, n.title, n.status, n.rome_code, n.sites::text, n.periods::text, n.licences::text,
               n.hourly_wage, n.min_commitment_months, n.weekly_minutes, n.annual_minutes, n.validated_by), '|' order by n.id)) from shared_time_needs n)
        || (select md5(string_agg(concat_ws(',', s.company_id, s.public_body, s.employer_group, s.competitor_ids::text), '|' order by s.company_id)) from shared_time_members s)
        || (select md5(string_agg(concat_ws(',', a.id, a.offer_id, a.user_id, a.status, a.recommended_by, a.recommendation_note), '|' order by a.id)) from applications a)
        || (select md5(string_agg(concat_ws(',', acc.id, acc.young_user_id, acc.referent_user_id, acc.status, acc.consent_channel), '|' order by acc.id)) from accompaniments acc)
        || (select md5(string_agg(concat_ws(',', m.id, m.thread_id, m.author_user_id, m.body), '|' order by m.id)) from messages m)
        || (select md5(string_agg(concat_ws(',', th.id, th.kind, th.application_id, th.offer_id, th.young_user_id), '|' order by th.id)) from threads th) as digest
      from offers o`.execute(db.admin);
    return result.rows[0].digest;
  }

  /** Seeded on `now`, the board is alive on that day: contracts end after they start, live offers are not expired. */
  async function expectSaneDates(now: Date, day: string): Promise<void> {
    const offers = await db.admin.selectFrom('offers').select(['tenant_id', 'status', 'start_date', 'end_date', 'published_at', 'expires_at', 'contract']).execute();
    const live = offers.filter((o) => o.status === 'published');
    expect(live.filter((o) => o.tenant_id === 'montagne').length, day).toBeGreaterThanOrEqual(300);
    for (const offer of offers) {
      if (offer.end_date !== null) expect(String(offer.end_date) > String(offer.start_date), `${day} ${offer.start_date}→${offer.end_date}`).toBe(true);
      if (offer.contract === 'cdi') expect(offer.end_date, day).toBeNull();
    }
    for (const offer of live) {
      expect(offer.published_at!.getTime(), day).toBeLessThanOrEqual(now.getTime());
      expect(offer.expires_at!.getTime(), day).toBeGreaterThan(now.getTime());
      expect(String(offer.start_date) >= now.toISOString().slice(0, 10), `${day} start ${offer.start_date}`).toBe(true);
    }
  }
});

const DAY = 86_400_000;

/** Around the winter season's start (6–13 December), season ends and starts, a leap day, the new year. */
const SEED_DAYS = [
  '2026-12-04T09:00:00Z',
  '2026-12-06T00:00:00Z',
  '2026-12-09T12:00:00Z',
  '2026-12-13T23:59:00Z',
  '2026-12-31T23:30:00Z',
  '2027-03-31T22:00:00Z',
  '2027-04-01T06:00:00Z',
  '2027-05-01T00:30:00Z',
  '2027-06-30T12:00:00Z',
  '2027-07-01T00:00:00Z',
  '2027-09-15T12:00:00Z',
  '2027-11-30T23:00:00Z',
  '2028-02-29T12:00:00Z',
];

function registry() {
  return loadTenantRegistry(loadConfig({ NODE_ENV: 'test' }).tenantsDir, { allowLocalhostSubdomains: true });
}
