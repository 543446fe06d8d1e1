import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../../server/db/tenant-db.js';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { csrfOf, decodeHtml, FormClient, lastMailTo } from '../../helpers/accounts.js';
import { apiClient, apiToken, DEMO_PASSWORD, offerBody } from '../../helpers/company-space.js';

describe('tenant admin space: moderation, companies, users, audit log', () => {
  let t: TestApp;
  let admin: FormClient;
  let pendingId: string;

  beforeAll(async () => {
    t = await createTestApp();
    admin = new FormClient(t.app, MONTAGNE);
    await admin.logIn('admin@montagne.demo', DEMO_PASSWORD);
    const owner = apiClient(t.app, MONTAGNE, await apiToken(t.app, MONTAGNE, 'employeur@montagne.demo'));
    pendingId = (await owner('POST', '/api/v1/offers', offerBody({ title: 'Conducteur de télésiège' }))).json().id;
    await owner('POST', `/api/v1/offers/${pendingId}/submit`);
  });
  afterAll(async () => t?.close());

  const statusOf = async (id: string) => (await t.db.admin.selectFrom('offers').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

  it('is for the tenant admin only', async () => {
    const visitor = await t.app.inject({ url: '/admin/moderation', headers: { host: MONTAGNE } });
    expect(visitor.statusCode).toBe(303);
    expect(visitor.headers.location).toBe('/compte/connexion?retour=%2Fadmin%2Fmoderation');
    const employer = new FormClient(t.app, MONTAGNE);
    await employer.logIn('employeur@montagne.demo', DEMO_PASSWORD);
    for (const path of ['/admin/moderation', '/admin/entreprises', '/admin/utilisateurs', '/admin/journal', `/admin/moderation/${pendingId}`]) {
      expect((await employer.get(path)).statusCode, path).toBe(403);
    }
    // Dijon's admin does not see montagne's offers.
    const dijonAdmin = new FormClient(t.app, DIJON);
    await dijonAdmin.logIn('admin@dijon.demo', DEMO_PASSWORD);
    expect((await dijonAdmin.get(`/admin/moderation/${pendingId}`)).statusCode).toBe(404);
    expect(decodeHtml((await dijonAdmin.get('/admin/moderation')).body)).not.toContain('Conducteur de télésiège');
  });

  it('lists the offers waiting for review and shows one in full', async () => {
    const queue = decodeHtml((await admin.get('/admin/moderation')).body);
    expect(queue).toContain('<h1>Offres à relire</h1>');
    expect(queue).toContain(`href="/admin/moderation/${pendingId}"`);
    const seededPending = await t.db.admin.selectFrom('offers').select('id').where('tenant_id', '=', 'montagne').where('status', '=', 'pending_review').execute();
    for (const { id } of seededPending) expect(queue).toContain(`/admin/moderation/${id}"`);
    const review = decodeHtml((await admin.get(`/admin/moderation/${pendingId}`)).body);
    expect(review).toContain('Accueil des skieurs au départ des téléskis');
    expect(review).toContain('Approuver et publier');
  });

  it('rejects with a reason: the offer goes back to draft, the members get the reason by e-mail, the audit log keeps it', async () => {
    const empty = await admin.submit(`/admin/moderation/${pendingId}/refuser`, { reason: '' });
    expect(empty.statusCode).toBe(400);
    expect(decodeHtml(empty.body)).toContain('Indiquez le motif du refus');
    expect(await statusOf(pendingId)).toBe('pending_review');

    const reason = 'Le salaire indiqué est inférieur au minimum conventionnel <b>à corriger</b>';
    const response = await admin.post(`/admin/moderation/${pendingId}/refuser`, { _csrf: csrfOf(empty.body), reason });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/admin/moderation?info=refusee');
    expect(await statusOf(pendingId)).toBe('draft');

    const mail = await lastMailTo(t.app, MONTAGNE, 'employeur@montagne.demo');
    expect(mail.subject).toBe('Votre offre « Conducteur de télésiège » n’a pas été publiée – Emploi Montagne');
    expect(mail.text).toContain(reason);
    expect(mail.text).toContain(`/compte/offres/${pendingId}/modifier`);
    // Every member of the company is told (the seed's owner too).
    expect((await lastMailTo(t.app, MONTAGNE, 'recrutement@remontees-mecaniques-des-houches.example')).subject).toBe(mail.subject);
    // The HTML part escapes the reason.
    const html = (await t.app.inject({ url: `/_dev/mail/${mail.id}/html`, headers: { host: MONTAGNE } })).body;
    expect(html).toContain('&lt;b&gt;à corriger&lt;/b&gt;');

    const audit = decodeHtml((await admin.get('/admin/journal')).body);
    expect(audit).toContain('Offre refusée');
    expect(audit).toContain('admin@montagne.demo');
    expect(audit).toContain(reason);
  });

  it('approves: the offer is published and the action logged', async () => {
    await t.db.admin.updateTable('offers').set({ status: 'pending_review' }).where('id', '=', pendingId).execute();
    const review = await admin.get(`/admin/moderation/${pendingId}`);
    const response = await admin.post(`/admin/moderation/${pendingId}/approuver`, { _csrf: csrfOf(review.body) });
    expect(response.statusCode).toBe(303);
    expect(await statusOf(pendingId)).toBe('published');
    const log = await t.db.admin.selectFrom('admin_audit_log').selectAll().where('target_id', '=', pendingId).orderBy('created_at').execute();
    expect(log.map((l) => l.action)).toEqual(['offer.reject', 'offer.approve']);
    expect(log[1]).toMatchObject({ tenant_id: 'montagne', actor_email: 'admin@montagne.demo', target_type: 'offer', details: { from: 'pending_review', to: 'published' } });
    expect((await t.app.inject({ url: `/offres/${pendingId}`, headers: { host: MONTAGNE } })).statusCode).toBe(200);
  });

  it('keeps the audit log append-only for the app’s database role', async () => {
    await expect(withTenant(t.app.db, 'montagne', (m) => m.trx.deleteFrom('admin_audit_log').execute())).rejects.toThrow(/permission denied/);
    await expect(withTenant(t.app.db, 'montagne', (m) => sql`update admin_audit_log set action = 'offer.approve'`.execute(m.trx))).rejects.toThrow(/permission denied/);
    // And isolated by tenant: dijon sees none of montagne's lines.
    const seen = await withTenant(t.app.db, 'dijon', (d) => d.trx.selectFrom('admin_audit_log').selectAll().execute());
    expect(seen).toEqual([]);
  });

  it('lists companies and users with search and pagination', async () => {
    const first = decodeHtml((await admin.get('/admin/entreprises')).body);
    expect(first).toContain('40 résultats');
    expect(first).toContain('Page 1 sur 2');
    expect(first).toContain('href="/admin/entreprises?page=2"');
    const second = decodeHtml((await admin.get('/admin/entreprises?page=2')).body);
    expect(second).toContain('Page 2 sur 2');
    const search = decodeHtml((await admin.get('/admin/entreprises?q=houches')).body);
    expect(search).toContain('1 résultat');
    expect(search).toContain('Remontées mécaniques des Houches');
    expect(search).toContain('À jour');
    const accented = decodeHtml((await admin.get('/admin/entreprises?q=remontees%20mecaniques%20des')).body);
    expect(accented).toContain('Remontées mécaniques des Houches');
    const users = decodeHtml((await admin.get('/admin/utilisateurs?q=employeur')).body);
    expect(users).toContain('employeur@montagne.demo');
    expect(users).toContain('Remontées mécaniques des Houches');
    expect(users).not.toContain('candidat@montagne.demo');
    // LIKE wildcards typed by the admin are taken literally.
    expect(decodeHtml((await admin.get('/admin/utilisateurs?q=%25')).body)).toContain('0 résultat');
  });
});
