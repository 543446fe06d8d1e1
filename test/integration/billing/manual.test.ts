import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../../server/db/tenant-db.js';
import type { AuthUser } from '../../../server/features/accounts/service.js';
import { manualProvider } from '../../../server/features/billing/providers/manual.js';
import { recordManualPayment, type BillingContext } from '../../../server/features/billing/service.js';
import { canPublish } from '../../../server/features/memberships/can-publish.js';
import { createTestApp, DIJON, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { FormClient } from '../../helpers/accounts.js';

describe('manual billing (no Stripe keys)', () => {
  let t: TestApp;
  let admin: AuthUser;
  let ctx: BillingContext;

  beforeAll(async () => {
    t = await createTestApp();
    const row = await t.db.admin.selectFrom('users').selectAll().where('email', '=', 'admin@montagne.demo').executeTakeFirstOrThrow();
    admin = { id: row.id, email: row.email, role: 'admin', displayName: row.display_name, tenantId: 'montagne' } as unknown as AuthUser;
    ctx = { db: t.app.db, tenant: t.app.tenants.get('montagne')!, provider: manualProvider };
  });
  afterAll(async () => t?.close());

  it('numbers 20 concurrent receipts 1..20 without gap or duplicate, and each activates a year of membership', async () => {
    const companies = await t.db.admin.selectFrom('companies').select('id').where('tenant_id', '=', 'montagne').orderBy('name').limit(20).execute();
    expect(companies).toHaveLength(20);
    await t.db.admin.deleteFrom('memberships').where('company_id', 'in', companies.map((c) => c.id)).execute();
    const results = await Promise.all(
      companies.map((c, i) =>
        recordManualPayment(ctx, admin, { companyId: c.id, method: 'bank_transfer', reference: `VIR-${i}`, paidOn: '2031-03-01', amountCents: 60000 }),
      ),
    );
    const numbers = results.map((r) => r.payment.receipt_seq).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(results.map((r) => r.payment.receipt_number)).size).toBe(20);
    expect(results.every((r) => r.membership.status === 'active' && r.membership.period_start === '2031-03-01' && r.membership.period_end === '2032-03-01')).toBe(true);
    const audit = await t.db.admin.selectFrom('admin_audit_log').selectAll().where('action', '=', 'membership.payment_recorded').execute();
    expect(audit).toHaveLength(20);
    // A duplicate reference is refused, and takes no number.
    await expect(recordManualPayment(ctx, admin, { companyId: companies[0].id, method: 'bank_transfer', reference: 'VIR-0', paidOn: '2031-03-02', amountCents: 60000 })).rejects.toMatchObject({ code: 'PAYMENT_ALREADY_RECORDED' });
    const next = await recordManualPayment(ctx, admin, { companyId: companies[0].id, method: 'administrative_mandate', reference: 'MANDAT-1', paidOn: '2031-04-01', amountCents: 60000 });
    expect(next.payment.receipt_seq).toBe(21);
    // Renewal while active: the receipt pays the next year, and the membership runs on without a gap,
    // so the company can still publish between the renewal and the end of the year it had paid.
    expect([next.payment.period_start, next.payment.period_end]).toEqual(['2032-03-01', '2033-03-01']);
    expect([next.membership.period_start, next.membership.period_end]).toEqual(['2031-03-01', '2033-03-01']);
    const tenant = t.app.tenants.get('montagne')!;
    for (const day of ['2031-04-02', '2032-06-01', '2033-02-28']) {
      expect(await withTenant(t.app.db, 'montagne', (tdb) => canPublish(tdb, tenant, companies[0].id, new Date(`${day}T12:00:00Z`))), day).toBe(true);
    }
  });

  it('the same transfer recorded twice at once is kept once, and its refused twin takes no receipt number', async () => {
    const [company] = await t.db.admin.selectFrom('companies').select('id').where('tenant_id', '=', 'montagne').orderBy('name', 'desc').limit(1).execute();
    const record = () => recordManualPayment(ctx, admin, { companyId: company.id, method: 'bank_transfer', reference: 'VIR-TWICE', paidOn: '2031-05-01', amountCents: 60000 });
    const results = await Promise.allSettled([record(), record(), record(), record(), record()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'PAYMENT_ALREADY_RECORDED', statusCode: 409 });
    const next = await recordManualPayment(ctx, admin, { companyId: company.id, method: 'bank_transfer', reference: 'VIR-AFTER', paidOn: '2031-05-02', amountCents: 60000 });
    const seqs = (await t.db.admin.selectFrom('membership_payments').select('receipt_seq').where('receipt_year', '=', 2031).orderBy('receipt_seq').execute()).map((r) => r.receipt_seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(next.payment.receipt_seq).toBe(seqs.length);
  });

  it('the admin records a payment through the page (CSRF form), the company can publish, the list and CSV show it', async () => {
    const company = await t.db.admin.selectFrom('companies').select(['id', 'name']).where('tenant_id', '=', 'montagne').where('name', 'like', '%;%').executeTakeFirst()
      ?? (await t.db.admin.selectFrom('companies').select(['id', 'name']).where('tenant_id', '=', 'montagne').orderBy('name', 'desc').executeTakeFirstOrThrow());
    await t.db.admin.updateTable('companies').set({ name: 'Ski; "Les Cimes"' }).where('id', '=', company.id).execute();
    await t.db.admin.deleteFrom('memberships').where('company_id', '=', company.id).execute();
    const tenant = t.app.tenants.get('montagne')!;
    expect(await withTenant(t.app.db, 'montagne', (tdb) => canPublish(tdb, tenant, company.id))).toBe(false);

    const client = new FormClient(t.app, MONTAGNE);
    await client.logIn('admin@montagne.demo', 'cordee-demo');
    const today = new Date().toISOString().slice(0, 10);
    const page = `/admin/adhesions/${company.id}/paiement`;
    const form = await client.get(page);
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Ski; &quot;Les Cimes&quot;');
    // A wrong amount comes back as the form, with a French message next to the field and the typed values.
    const wrong = await client.submit(page, { method: 'bank_transfer', reference: 'VIR-PAGE', paid_on: today, amount: 'six cents' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Saisissez un montant en euros supérieur à zéro');
    expect(wrong.body).toContain('value="VIR-PAGE"');
    const done = await client.submit(page, { method: 'bank_transfer', reference: 'VIR-PAGE', paid_on: today, amount: '600' });
    expect(done.statusCode).toBe(303);
    expect(await withTenant(t.app.db, 'montagne', (tdb) => canPublish(tdb, tenant, company.id))).toBe(true);
    const again = await client.submit(page, { method: 'bank_transfer', reference: 'VIR-PAGE', paid_on: today, amount: '600' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('déjà enregistré');
    const forged = await client.post(page, { method: 'bank_transfer', reference: 'X', paid_on: today, amount: '600' });
    expect(forged.statusCode).toBe(403);
    const employer = new FormClient(t.app, MONTAGNE);
    await employer.logIn('employeur@montagne.demo', 'cordee-demo');
    expect((await employer.get(page)).statusCode).toBe(403);
    const receipts = await employer.get('/compte/entreprise/adhesion');
    expect(receipts.statusCode).toBe(200);

    const csv = await client.get('/admin/adhesions.csv?statut=active');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.body).toContain('"Ski; ""Les Cimes"""');
    expect(csv.body.split('\r\n')[0]).toBe('\uFEFFEntreprise;Effectif;Tranche;Montant annuel (€);Statut;Mode;Début;Fin;Tranche imposée');
    const list = await client.get(`/admin/adhesions?annee=${today.slice(0, 4)}`);
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Recettes par année et par tranche');
    expect(list.body).toContain('<a href="/admin/adhesions" aria-current="page">Adhésions</a>');
  });

  it('the tier override needs a reason and is audited', async () => {
    const client = new FormClient(t.app, MONTAGNE);
    await client.logIn('admin@montagne.demo', 'cordee-demo');
    const company = await t.db.admin.selectFrom('companies').select('id').where('tenant_id', '=', 'montagne').orderBy('name').executeTakeFirstOrThrow();
    const response = await client.submit('/admin/adhesions', { company_id: company.id, tier: 'ge', reason: 'Groupe de 300 salariés' }, '/admin/adhesions/tranche');
    expect(response.statusCode).toBe(303);
    const m = await t.db.admin.selectFrom('memberships').selectAll().where('company_id', '=', company.id).executeTakeFirstOrThrow();
    expect(m.tier_code).toBe('ge');
    expect(m.amount_cents).toBe(400000);
    const audit = await t.db.admin.selectFrom('admin_audit_log').selectAll().where('action', '=', 'membership.tier_override').executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ to: 'ge', reason: 'Groupe de 300 salariés' });
  });

  it('a refused publication explains why and links to the Adhésion page', async () => {
    const offer = await t.db.admin
      .selectFrom('offers')
      .innerJoin('memberships', 'memberships.company_id', 'offers.company_id')
      .select('offers.id')
      .where('offers.tenant_id', '=', 'montagne')
      .where('offers.status', '=', 'pending_review')
      .where('memberships.status', '=', 'pending_payment')
      .executeTakeFirstOrThrow();
    const client = new FormClient(t.app, MONTAGNE);
    await client.logIn('admin@montagne.demo', 'cordee-demo');
    const refused = await client.submit(`/admin/moderation/${offer.id}`, {}, `/admin/moderation/${offer.id}/approuver`);
    expect(refused.statusCode).toBe(402);
    expect(refused.body).toContain('réservée aux entreprises adhérentes');
    expect(refused.body).toContain('href="/compte/entreprise/adhesion"');
  });

  it('shows bank-transfer instructions without Stripe, and a free board has no billing pages at all', async () => {
    const employer = new FormClient(t.app, MONTAGNE);
    await employer.logIn('employeur@montagne.demo', 'cordee-demo');
    const page = await employer.get('/compte/entreprise/adhesion');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('virement bancaire');
    expect(page.body).not.toContain('/compte/entreprise/adhesion/payer');
    expect(page.body).toContain('<a href="/compte/entreprise/adhesion">Adhésion</a>');

    const dijon = new FormClient(t.app, DIJON);
    await dijon.logIn('employeur@dijon.demo', 'cordee-demo');
    expect((await dijon.get('/compte/entreprise/adhesion')).statusCode).toBe(404);
    expect((await dijon.get('/compte/entreprise')).body).not.toContain('/compte/entreprise/adhesion');
    const dijonAdmin = new FormClient(t.app, DIJON);
    await dijonAdmin.logIn('admin@dijon.demo', 'cordee-demo');
    expect((await dijonAdmin.get('/admin/adhesions')).statusCode).toBe(404);
    expect((await dijonAdmin.get('/admin/adhesions.csv')).statusCode).toBe(404);
    const company = await t.db.admin.selectFrom('companies').select('id').where('tenant_id', '=', 'dijon').executeTakeFirstOrThrow();
    expect(await withTenant(t.app.db, 'dijon', (tdb) => canPublish(tdb, t.app.tenants.get('dijon')!, company.id))).toBe(true);
    // No Stripe keys: no webhook endpoint.
    expect((await t.app.inject({ method: 'POST', url: '/webhooks/stripe', headers: { host: MONTAGNE } })).statusCode).toBe(404);
  });
});
