import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../../server/db/seed/demo-seed.js';
import { hashPassword } from '../../../server/features/accounts/passwords.js';
import { applyRetention } from '../../../server/features/privacy/service.js';
import type { TenantRegistry } from '../../../server/tenancy/registry.js';
import { csrfOf, FormClient } from '../../helpers/accounts.js';
import { createTestApp, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { livePlatformOffer } from '../../helpers/applications.js';
import { PDF, postMultipart } from '../../helpers/multipart-form.js';

const MONTH = 30 * 24 * 3600_000;

describe('GDPR: privacy notice, export, deletion, retention', () => {
  let t: TestApp;
  let offerId: string;
  const count = async (table: string) => Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(t.db.admin)).rows[0].n);

  async function newCandidate(email: string): Promise<FormClient> {
    await t.db.admin
      .insertInto('users')
      .values({ tenant_id: 'montagne', email, display_name: 'Lou Candidate', role: 'candidate', password_hash: await hashPassword(DEMO_PASSWORD), email_verified_at: new Date() })
      .execute();
    const client = new FormClient(t.app, MONTAGNE);
    await client.logIn(email, DEMO_PASSWORD);
    return client;
  }

  async function applyWith(client: FormClient, email: string) {
    const response = await postMultipart(t.app, client, `/offres/${offerId}/candidater`, `/offres/${offerId}/candidater`, { full_name: 'Lou Candidate', email, consent: 'oui', phone: '0600000000' }, { filename: 'cv.pdf', data: PDF });
    expect(response.statusCode).toBe(303);
  }

  beforeAll(async () => {
    t = await createTestApp();
    offerId = (await livePlatformOffer(t.db.admin, 'montagne')).id;
  });
  afterAll(async () => t?.close());

  it('shows the tenant’s privacy notice in French', async () => {
    const page = await new FormClient(t.app, MONTAGNE).get('/confidentialite');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Politique de confidentialité');
    expect(page.body).toContain('Emploi Montagne');
    expect(page.body).toContain('24 mois');
  });

  it('exports the candidate’s data as a JSON download', async () => {
    const client = await newCandidate('export@exemple.fr');
    await applyWith(client, 'export@exemple.fr');
    const response = await client.get('/compte/mes-donnees.json');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toContain('attachment');
    const data = response.json();
    expect(data.account).toMatchObject({ email: 'export@exemple.fr', role: 'candidate' });
    expect(data.applications).toHaveLength(1);
    expect(data.applications[0]).toMatchObject({ email: 'export@exemple.fr', phone: '0600000000', status: 'new' });
    expect(data.applications[0].offer.id).toBe(offerId);
    expect((await new FormClient(t.app, MONTAGNE).get('/compte/mes-donnees.json')).statusCode).toBe(303);
  });

  it('deletes the account: applications anonymised (counted still), CVs and sessions gone', async () => {
    const client = await newCandidate('partir@exemple.fr');
    await applyWith(client, 'partir@exemple.fr');
    const [application] = await t.db.admin.selectFrom('applications').selectAll().where('email', '=', 'partir@exemple.fr').execute();
    const applicationsBefore = await count('applications');
    const filesBefore = await count('stored_files');

    const page = await client.get('/compte/supprimer');
    expect((await client.post('/compte/supprimer', { _csrf: csrfOf(page.body) })).statusCode).toBe(400);
    const deleted = await client.post('/compte/supprimer', { _csrf: csrfOf(page.body), confirmation: 'oui' });
    expect(deleted.statusCode).toBe(200);

    expect(await count('applications')).toBe(applicationsBefore);
    expect(await count('stored_files')).toBe(filesBefore - 1);
    const row = await t.db.admin.selectFrom('applications').selectAll().where('id', '=', application.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ user_id: null, phone: null, message: null, cv_file_id: null, full_name: '—', status: 'new' });
    expect(row.email).not.toContain('partir');
    expect(row.anonymised_at).toBeInstanceOf(Date);
    expect(await t.db.admin.selectFrom('users').select('id').where('email', '=', 'partir@exemple.fr').execute()).toHaveLength(0);
    // The old session no longer works; the employer no longer gets the CV.
    expect((await client.get('/compte/candidat')).statusCode).toBe(303);
    const employer = new FormClient(t.app, MONTAGNE);
    await employer.logIn('employeur@montagne.demo', DEMO_PASSWORD);
    expect((await employer.get(`/compte/candidatures/${application.id}/cv`)).statusCode).toBe(404);
  });

  it('erases candidates inactive past the tenant’s retention period, and only them', async () => {
    const stale = await newCandidate('ancien@exemple.fr');
    await applyWith(stale, 'ancien@exemple.fr');
    const active = await newCandidate('actif@exemple.fr');
    await applyWith(active, 'actif@exemple.fr');
    await applyWith(new FormClient(t.app, MONTAGNE), 'sans-compte@exemple.fr');

    // Age the first candidate and the account-less application by 25 months.
    const old = new Date(Date.now() - 25 * MONTH);
    const staleUser = await t.db.admin.selectFrom('users').select('id').where('email', '=', 'ancien@exemple.fr').executeTakeFirstOrThrow();
    await t.db.admin.updateTable('users').set({ created_at: old } as never).where('id', '=', staleUser.id).execute();
    await t.db.admin.updateTable('sessions').set({ created_at: old, expires_at: new Date(old.getTime() + 1000) }).where('user_id', '=', staleUser.id).execute();
    await t.db.admin.updateTable('candidate_profiles').set({ last_activity_at: old } as never).where('user_id', '=', staleUser.id).execute();
    await t.db.admin.updateTable('applications').set({ created_at: old, status_changed_at: old } as never).where('email', 'in', ['ancien@exemple.fr', 'sans-compte@exemple.fr']).execute();

    const report = await applyRetention(t.app.db, t.app.tenants, t.app.files);
    expect(report.montagne).toEqual({ candidates: 1, anonymousApplications: 1, rejectedApplications: 0, anonymisedThreads: 0, deletedThreads: 0, deletedAttachments: 0 });
    const emails = (await t.db.admin.selectFrom('users').select('email').where('tenant_id', '=', 'montagne').execute()).map((u) => u.email);
    expect(emails).not.toContain('ancien@exemple.fr');
    expect(emails).toContain('actif@exemple.fr');
    expect(await t.db.admin.selectFrom('applications').select('id').where('email', 'in', ['ancien@exemple.fr', 'sans-compte@exemple.fr']).execute()).toHaveLength(0);
    expect(await t.db.admin.selectFrom('applications').select('id').where('email', '=', 'actif@exemple.fr').execute()).toHaveLength(1);
    // A second pass finds nothing left.
    expect((await applyRetention(t.app.db, t.app.tenants, t.app.files)).montagne).toEqual({ candidates: 0, anonymousApplications: 0, rejectedApplications: 0, anonymisedThreads: 0, deletedThreads: 0, deletedAttachments: 0 });

    // A refusal decided four months ago: anonymised; the row (and its status) stays for the reports.
    const refused = new FormClient(t.app, MONTAGNE);
    await applyWith(refused, 'refusee-ancienne@exemple.fr');
    await t.db.admin.updateTable('applications').set({ status: 'rejected', status_changed_at: new Date(Date.now() - 4 * MONTH) } as never).where('email', '=', 'refusee-ancienne@exemple.fr').execute();
    expect((await applyRetention(t.app.db, t.app.tenants, t.app.files)).montagne.rejectedApplications).toBe(1);
    expect(await t.db.admin.selectFrom('applications').select('id').where('email', '=', 'refusee-ancienne@exemple.fr').execute()).toHaveLength(0);
    expect(await t.db.admin.selectFrom('applications').select('id').where('status', '=', 'rejected').where('anonymised_at', 'is not', null).execute()).toHaveLength(1);

    // Tenant-configurable: with privacy.retentionMonths = 1, two-month-old data goes too.
    const twoMonths = new Date(Date.now() - 2 * MONTH);
    await t.db.admin.updateTable('applications').set({ created_at: twoMonths, status_changed_at: twoMonths } as never).where('email', '=', 'actif@exemple.fr').execute();
    const activeUser = await t.db.admin.selectFrom('users').select('id').where('email', '=', 'actif@exemple.fr').executeTakeFirstOrThrow();
    await t.db.admin.updateTable('users').set({ created_at: twoMonths } as never).where('id', '=', activeUser.id).execute();
    await t.db.admin.updateTable('sessions').set({ created_at: twoMonths, expires_at: new Date(twoMonths.getTime() + 1000) }).where('user_id', '=', activeUser.id).execute();
    await t.db.admin.updateTable('candidate_profiles').set({ last_activity_at: twoMonths } as never).where('user_id', '=', activeUser.id).execute();
    expect((await applyRetention(t.app.db, t.app.tenants, t.app.files)).montagne.candidates).toBe(0);
    const strict = { tenants: t.app.tenants.tenants.map((tenant) => ({ ...tenant, config: { ...tenant.config, privacy: { retentionMonths: 1 } } })) } as unknown as TenantRegistry;
    expect((await applyRetention(t.app.db, strict, t.app.files)).montagne.candidates).toBe(1);
  });
});
