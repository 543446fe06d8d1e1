import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../../server/db/tenant-db.js';
import { SHARED_TIME_CATCH_UP } from '../../../server/jobs/shared-time.js';
import { createTestApp, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { csrfOf, FormClient } from '../../helpers/accounts.js';
import { apiClient, apiToken, companyIdOf, createAccount, type Api } from '../../helpers/company-space.js';
import { drain, GE, seededNeed, sharedTimeWorker } from '../../helpers/shared-time.js';

type Role = 'anonymous' | 'candidate' | 'member' | 'otherMember' | 'staff' | 'foreignToken' | 'foreignStaff';
const ROLES: Role[] = ['anonymous', 'candidate', 'member', 'otherMember', 'staff', 'foreignToken', 'foreignStaff'];

/**
 * Who may do what with shared time, on the GE board: the member company that declared a need (the
 * dairy's employer), another member company, GE staff, the staff of another tenant (with its token on
 * this host, and on its own host asking for this board's ids), a candidate and an anonymous visitor.
 * Every refused call leaves the needs, the combinations and the journal as they were.
 */
describe('authorisation matrix of shared time', () => {
  let t: TestApp;
  const api = {} as Record<Role, Api>;
  const dairyNeed = seededNeed('ge-occitanie', 'laiterie-line');
  let proposalId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const plasturgie = await companyIdOf(t, 'ge-occitanie', 'recrutement@plasturgie-du-ruthenois.example');
    await createAccount(t, 'ge-occitanie', { email: 'atelier@plasturgie.example', role: 'employer', companyId: plasturgie });
    const token = (host: string, email: string) => apiToken(t.app, host, email);
    api.anonymous = apiClient(t.app, GE);
    api.candidate = apiClient(t.app, GE, await token(GE, 'candidat@ge-occitanie.demo'));
    api.member = apiClient(t.app, GE, await token(GE, 'employeur@ge-occitanie.demo'));
    api.otherMember = apiClient(t.app, GE, await token(GE, 'atelier@plasturgie.example'));
    api.staff = apiClient(t.app, GE, await token(GE, 'admin@ge-occitanie.demo'));
    const montagneStaff = await token(MONTAGNE, 'admin@montagne.demo');
    api.foreignToken = apiClient(t.app, GE, montagneStaff);
    api.foreignStaff = apiClient(t.app, MONTAGNE, montagneStaff);
    const worker = sharedTimeWorker(t.app);
    await worker.enqueue(SHARED_TIME_CATCH_UP);
    await drain(worker);
    proposalId = (await t.db.admin.selectFrom('shared_time_proposals').select('id').where('tenant_id', '=', 'ge-occitanie').orderBy('key').executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => t?.close());

  const snapshot = async () => ({
    needs: await t.db.admin.selectFrom('shared_time_needs').select(['id', 'status', 'title', 'hourly_wage', 'updated_at']).orderBy('id').execute(),
    proposals: await t.db.admin.selectFrom('shared_time_proposals').select(['id', 'status']).orderBy('id').execute(),
    audit: (await t.db.admin.selectFrom('admin_audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
    jobs: (await t.db.admin.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
  });

  async function expectMatrix(call: (api: Api) => Promise<{ statusCode: number }>, expected: Record<Role, number>, reset?: () => Promise<void>) {
    const seen = {} as Record<Role, number>;
    for (const role of ROLES) {
      const before = await snapshot();
      seen[role] = (await call(api[role])).statusCode;
      if (seen[role] >= 400) expect(await snapshot(), `${role} changed something`).toEqual(before);
      else await reset?.();
    }
    expect(seen).toEqual(expected);
  }

  const restoreDairy = async () => {
    await t.db.admin.updateTable('shared_time_needs').set({ status: 'draft', title: 'Conduite de ligne, atelier fromage', hourly_wage: 12.9 }).where('id', '=', dairyNeed).execute();
  };

  it('reading a need: its company and GE staff; another member gets 404, as for an unknown id', async () => {
    await expectMatrix((a) => a('GET', `/api/v1/shared-time/needs/${dairyNeed}`), {
      anonymous: 401, candidate: 403, member: 200, otherMember: 404, staff: 200, foreignToken: 401, foreignStaff: 404,
    });
  });

  it('listing needs: each member sees only its own', async () => {
    const ids = async (role: Role) => (await api[role]('GET', '/api/v1/shared-time/needs')).json().needs.map((n: { id: string }) => n.id) as string[];
    expect(await ids('member')).toContain(dairyNeed);
    expect(await ids('otherMember')).toEqual([seededNeed('ge-occitanie', 'plasturgie-line')]);
    expect((await ids('staff')).length).toBe(13);
    expect(await ids('foreignStaff')).not.toContain(dairyNeed);
    expect((await api.candidate('GET', '/api/v1/shared-time/needs')).statusCode).toBe(403);
    expect((await api.anonymous('GET', '/api/v1/shared-time/needs')).statusCode).toBe(401);
  });

  it('changing a need: its company and GE staff only', async () => {
    await expectMatrix((a) => a('PATCH', `/api/v1/shared-time/needs/${dairyNeed}`, { title: 'Ligne modifiée' }), {
      anonymous: 401, candidate: 403, member: 200, otherMember: 404, staff: 200, foreignToken: 401, foreignStaff: 404,
    }, restoreDairy);
  });

  it('validating a need: GE staff only (its own company gets 403)', async () => {
    await expectMatrix((a) => a('POST', `/api/v1/shared-time/needs/${dairyNeed}/validate`), {
      anonymous: 401, candidate: 403, member: 403, otherMember: 404, staff: 200, foreignToken: 401, foreignStaff: 404,
    }, restoreDairy);
  });

  it('declaring a need for another company: refused to a member (403), allowed to GE staff', async () => {
    const plasturgie = await companyIdOf(t, 'ge-occitanie', 'atelier@plasturgie.example');
    const body = {
      company_id: plasturgie,
      title: 'Ébavurage',
      rome_code: 'H3203',
      sites: [{ commune_insee: '12176' }],
      periods: [{ from: '01-01', to: '12-31', slots: [{ day: 'mon', start: '14:00', end: '18:00' }] }],
      licences: [],
      start_date: '2027-05-03',
      min_commitment_months: 12,
      hourly_wage: 13,
    };
    const remove = async () => void (await t.db.admin.deleteFrom('shared_time_needs').where('title', '=', 'Ébavurage').execute());
    await expectMatrix((a) => a('POST', '/api/v1/shared-time/needs', body), {
      anonymous: 401, candidate: 403, member: 403, otherMember: 201, staff: 201, foreignToken: 401, foreignStaff: 422,
    }, remove);
  });

  it('combinations: GE staff only; another tenant’s ids are unknown', async () => {
    await expectMatrix((a) => a('GET', `/api/v1/shared-time/proposals/${proposalId}`), {
      anonymous: 401, candidate: 403, member: 403, otherMember: 403, staff: 200, foreignToken: 401, foreignStaff: 404,
    });
    await expectMatrix((a) => a('POST', `/api/v1/shared-time/proposals/${proposalId}/pin`), {
      anonymous: 401, candidate: 403, member: 403, otherMember: 403, staff: 204, foreignToken: 401, foreignStaff: 404,
    }, async () => void (await t.db.admin.updateTable('shared_time_proposals').set({ status: 'proposed' }).where('id', '=', proposalId).execute()));
    const foreign = (await api.foreignStaff('GET', '/api/v1/shared-time/proposals')).json().proposals.map((p: { id: string }) => p.id);
    expect(foreign).not.toContain(proposalId);
  });

  it('pages: a visitor is sent to log in, a member cannot see staff pages nor act without CSRF', async () => {
    const visitor = await t.app.inject({ url: `/temps-partage/besoins/${dairyNeed}`, headers: { host: GE } });
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe(`/compte/connexion?retour=${encodeURIComponent(`/temps-partage/besoins/${dairyNeed}`)}`);
    const member = new FormClient(t.app, GE);
    await member.logIn('employeur@ge-occitanie.demo', 'cordee-demo');
    expect((await member.get(`/temps-partage/besoins/${dairyNeed}`)).statusCode).toBe(200);
    expect((await member.get(`/temps-partage/propositions/${proposalId}`)).statusCode).toBe(403);
    expect((await member.get('/temps-partage/suggestions')).statusCode).toBe(403);
    expect((await member.get('/temps-partage')).headers.location).toBe('/temps-partage/besoins');
    const other = new FormClient(t.app, GE);
    await other.logIn('atelier@plasturgie.example', 'cordee-demo');
    expect((await other.get(`/temps-partage/besoins/${dairyNeed}`)).statusCode).toBe(404);
    const staff = new FormClient(t.app, GE);
    await staff.logIn('admin@ge-occitanie.demo', 'cordee-demo');
    const before = await snapshot();
    expect((await staff.post(`/temps-partage/besoins/${dairyNeed}/valider`, {})).statusCode).toBe(403);
    const page = await member.get(`/temps-partage/besoins/${dairyNeed}`);
    expect((await member.post(`/temps-partage/besoins/${dairyNeed}/valider`, { _csrf: csrfOf(page.body) })).statusCode).toBe(403);
    expect(await snapshot()).toEqual(before);
  });
});

describe('tenant isolation of needs and combinations in PostgreSQL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    const worker = sharedTimeWorker(t.app);
    await worker.enqueue(SHARED_TIME_CATCH_UP);
    await drain(worker);
  });
  afterAll(async () => t?.close());

  it('shows each tenant its own needs and combinations, and nothing without a tenant, even without a filter', async () => {
    for (const table of ['shared_time_needs', 'shared_time_proposals', 'shared_time_members', 'shared_time_state'] as const) {
      const tenants = async (tenant: string) => {
        const { rows } = await withTenant(t.app.db, tenant, (tdb) => sql<{ tenant_id: string }>`select distinct tenant_id from ${sql.table(table)}`.execute(tdb.trx));
        return rows.map((r) => r.tenant_id);
      };
      expect(await tenants('montagne'), table).toEqual(['montagne']);
      expect(await tenants('ge-occitanie'), table).toEqual(['ge-occitanie']);
      expect(await tenants('dijon'), table).toEqual([]);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(t.app.db);
      expect(rows[0].n, table).toBe(0);
    }
  });

  it('refuses to write a row of another tenant', async () => {
    const need = await t.db.admin.selectFrom('shared_time_needs').selectAll().where('tenant_id', '=', 'montagne').executeTakeFirstOrThrow();
    await expect(
      withTenant(t.app.db, 'ge-occitanie', (tdb) => tdb.trx.updateTable('shared_time_needs').set({ status: 'withdrawn' }).where('id', '=', need.id).returning('id').execute()),
    ).resolves.toEqual([]);
    await expect(
      withTenant(t.app.db, 'ge-occitanie', (tdb) =>
        tdb.trx.insertInto('shared_time_state').values({ tenant_id: 'montagne', needs_version: 9, computed_version: 0 }).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });
});
