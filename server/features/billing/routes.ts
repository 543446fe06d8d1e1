import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, notFound } from '../../errors.js';
import { requireRole } from '../../plugins/auth.js';
import { origin } from '../../plugins/view.js';
import { currentCompanyId } from '../companies/space-service.js';
import { toCsv } from '../../csv.js';
import { createBillingProvider } from './providers/index.js';
import type { BillingProvider } from './providers/port.js';
import { CsrfOnly, ManualPaymentBody, MembershipListQuery, TierOverrideBody, parseEuros } from './schemas.js';
import { membershipOverview, membershipsReport, overrideTier, portalLink, receipt, recordManualPayment, requireGrid, startCheckout, type BillingContext } from './service.js';
import { processStripeEvent } from './stripe-events.js';
import { billingGrid, tenantDate } from './standing.js';
import { recordPaymentForm } from './forms.js';
import { MEMBERSHIP_STATUSES, type MembershipStatus } from '../../db/database.js';

const euros = (cents: number | null | undefined) =>
  cents === null || cents === undefined ? '' : new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(cents / 100);

/**
 * Membership billing: the company's "Adhésion" page, the tenant admin's memberships list (filters,
 * CSV, revenue, manual payments, tier overrides) and Stripe's webhook. Free boards: every page is a 404.
 */
export default async function billingRoutes(fastify: FastifyInstance, options: { provider?: BillingProvider } = {}) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const provider = options.provider ?? createBillingProvider(app.config.billing);
  const ctx = (request: FastifyRequest): BillingContext => ({ db: app.db, tenant: request.tenant, provider });
  const companyOf = async (request: FastifyRequest) => {
    requireGrid(request.tenant);
    const id = await currentCompanyId({ db: app.db, tenant: request.tenant, mail: app.mail, origin: origin(request), log: request.log }, request.user!);
    if (!id) throw notFound();
    return id;
  };
  // Billing pages 404 on a free board before any guard (they do not exist there).
  const billingOnly = async (request: FastifyRequest) => {
    if (!billingGrid(request.tenant)) throw notFound();
  };

  // Company side

  app.get('/compte/entreprise/adhesion', { onRequest: [billingOnly, requireRole('employer')] }, async (request, reply) => {
    const t = app.theme(request.tenant);
    const view = await membershipOverview(ctx(request), await companyOf(request));
    const status = view.membership?.status ?? 'none';
    const notice = (request.query as { paiement?: string }).paiement === 'merci' ? t.t('billing.page.thanks') : undefined;
    return reply.page('pages/billing/membership', {
      meta: { title: t.t('billing.page.title'), noindex: true },
      notice,
      company: view.company,
      tier: { ...view.tier, price: euros(view.tier.yearlyPriceCents) },
      overridden: Boolean(view.membership?.tier_override_reason),
      status: t.t(`billing.status.${status}`),
      standing: { ok: view.standing.ok, text: t.t(`billing.standing.${view.standing.reason}`) },
      period: view.membership?.period_start ? { start: view.membership.period_start, end: view.membership.period_end } : undefined,
      payments: view.payments.map((p) => ({ ...p, amount: euros(p.amount_cents), method: t.t(`billing.method.${p.method}`) })),
      stripe: provider.kind === 'stripe',
      canManage: provider.kind === 'stripe' && Boolean(view.membership?.stripe_customer_id),
      canPay: provider.kind === 'stripe' && !(view.membership?.stripe_subscription_id && (status === 'active' || status === 'past_due')),
      renew: status !== 'none' && status !== 'pending_payment',
      contact: request.tenant.config.contact,
      csrfToken: reply.csrfToken(),
    });
  });

  app.post('/compte/entreprise/adhesion/payer', { onRequest: [billingOnly, requireRole('employer')], schema: { body: CsrfOnly } }, async (request, reply) => {
    const session = await startCheckout(ctx(request), request.user!, await companyOf(request), origin(request));
    return reply.redirect(session.url, 303);
  });

  app.post('/compte/entreprise/adhesion/gerer', { onRequest: [billingOnly, requireRole('employer')], schema: { body: CsrfOnly } }, async (request, reply) => {
    const portal = await portalLink(ctx(request), await companyOf(request), origin(request));
    return reply.redirect(portal.url, 303);
  });

  app.get(
    '/compte/entreprise/adhesion/recus/:number',
    { onRequest: [billingOnly, requireRole('employer')], schema: { params: Type.Object({ number: Type.String({ pattern: '^[0-9]{4}-[0-9]{5,}$' }) }) } },
    async (request, reply) => {
      const t = app.theme(request.tenant);
      const view = await receipt(ctx(request), await companyOf(request), request.params.number);
      return reply.page('pages/billing/receipt', {
        meta: { title: t.t('billing.receipt.title', { number: view.payment.receipt_number }), noindex: true },
        company: view.company,
        payment: { ...view.payment, amount: euros(view.payment.amount_cents), method: t.t(`billing.method.${view.payment.method}`) },
        tier: view.tier?.label ?? view.payment.tier_code,
        contact: request.tenant.config.contact,
      });
    },
  );

  // Tenant admin side

  const filtersOf = (query: MembershipListQuery) => ({
    status: query.statut ? (query.statut as MembershipStatus) : undefined,
    tier: query.tranche || undefined,
    year: query.annee ? Number(query.annee) : undefined,
  });

  app.get('/admin/adhesions', { onRequest: [billingOnly, requireRole('admin')], schema: { querystring: MembershipListQuery } }, async (request, reply) => {
    const t = app.theme(request.tenant);
    const filters = filtersOf(request.query);
    const report = await membershipsReport(ctx(request), filters);
    const tierLabel = new Map(report.grid.tiers.map((tier) => [tier.code, tier.label]));
    const years = new Map<number, { year: number; total: number; tiers: { label: string; total: string; payments: string }[] }>();
    for (const r of report.revenue) {
      const entry = years.get(r.year) ?? { year: r.year, total: 0, tiers: [] };
      entry.total += Number(r.total_cents);
      entry.tiers.push({ label: tierLabel.get(r.tier_code) ?? r.tier_code, total: euros(Number(r.total_cents)), payments: r.payments });
      years.set(r.year, entry);
    }
    const query = new URLSearchParams(Object.entries(request.query).filter(([, v]) => v) as [string, string][]).toString();
    return reply.page('pages/billing/admin-list', {
      meta: { title: t.t('billing.admin.title'), noindex: true },
      filters: {
        statuses: MEMBERSHIP_STATUSES.map((s) => ({ value: s, label: t.t(`billing.status.${s}`), selected: s === filters.status })),
        tiers: report.grid.tiers.map((tier) => ({ value: tier.code, label: tier.label, selected: tier.code === filters.tier })),
        year: filters.year ?? '',
      },
      csvHref: `/admin/adhesions.csv${query ? `?${query}` : ''}`,
      rows: report.rows.map((r) => ({
        ...r,
        status: t.t(`billing.status.${r.status ?? 'none'}`),
        tier: r.tier_code ? (tierLabel.get(r.tier_code) ?? r.tier_code) : '',
        amount: euros(r.amount_cents),
      })),
      revenue: [...years.values()].map((y) => ({ ...y, total: euros(y.total) })),
      tierOptions: report.grid.tiers,
      today: report.today,
      csrfToken: reply.csrfToken(),
      notice: (request.query as Record<string, unknown>).info ? t.t('billing.admin.saved') : undefined,
    });
  });

  app.get('/admin/adhesions.csv', { onRequest: [billingOnly, requireRole('admin')], schema: { querystring: MembershipListQuery } }, async (request, reply) => {
    const t = app.theme(request.tenant);
    const report = await membershipsReport(ctx(request), filtersOf(request.query));
    const header = ['Entreprise', 'Effectif', 'Tranche', 'Montant annuel (€)', 'Statut', 'Mode', 'Début', 'Fin', 'Tranche imposée'];
    const rows = report.rows.map((r) => [
      r.company_name,
      r.headcount,
      r.tier_code,
      r.amount_cents === null ? '' : (r.amount_cents / 100).toFixed(2).replace('.', ','),
      t.t(`billing.status.${r.status ?? 'none'}`),
      r.provider ?? '',
      r.period_start,
      r.period_end,
      r.tier_override_reason,
    ]);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="adhesions-${request.tenant.id}.csv"`)
      .send(toCsv(header, rows));
  });

  const CompanyParams = Type.Object({ companyId: Type.String({ format: 'uuid' }) });
  const paymentPage = async (request: FastifyRequest, companyId: string) => {
    const view = await membershipOverview(ctx(request), companyId);
    return { company: view.company, tier: view.tier, price: euros(view.tier.yearlyPriceCents) };
  };

  app.get(
    '/admin/adhesions/:companyId/paiement',
    { onRequest: [billingOnly, requireRole('admin')], config: { form: recordPaymentForm }, schema: { params: CompanyParams } },
    async (request, reply) => {
      const data = await paymentPage(request, request.params.companyId);
      const values = { method: 'bank_transfer', paid_on: tenantDate(request.tenant), amount: String(data.tier.yearlyPriceCents / 100).replace('.', ',') };
      return reply.form({ values, data });
    },
  );

  app.post(
    '/admin/adhesions/:companyId/paiement',
    { onRequest: [billingOnly, requireRole('admin')], config: { form: recordPaymentForm }, schema: { params: CompanyParams, body: ManualPaymentBody } },
    async (request, reply) => {
      const body = request.body;
      const amountCents = parseEuros(body.amount);
      if (amountCents <= 0) throw new AppError('VALIDATION_FAILED', 400, { amount: 'form.billingPayment.amount.invalid' });
      try {
        await recordManualPayment(ctx(request), request.user!, { companyId: request.params.companyId, method: body.method, reference: body.reference, paidOn: body.paid_on, amountCents });
      } catch (error) {
        // The form comes back with the company's facts (the error handler only knows the form).
        if (error instanceof AppError && error.statusCode < 500 && error.statusCode !== 404) {
          return reply.form({ values: body, errors: error.fields, status: error.statusCode, data: await paymentPage(request, request.params.companyId) });
        }
        throw error;
      }
      return reply.redirect('/admin/adhesions?info=paiement', 303);
    },
  );

  app.post('/admin/adhesions/tranche', { onRequest: [billingOnly, requireRole('admin')], schema: { body: TierOverrideBody } }, async (request, reply) => {
    const body = request.body;
    await overrideTier(ctx(request), request.user!, body.company_id, body.tier === 'auto' ? null : body.tier, body.reason);
    return reply.redirect('/admin/adhesions?info=tranche', 303);
  });

  // Stripe webhook: authenticated by its signature over the raw body (no cookie, no CSRF token).
  if (provider.verifyWebhook) {
    const verify = provider.verifyWebhook.bind(provider);
    await app.register(async (webhook) => {
      // Scoped to this route's plugin: the raw bytes are what Stripe signed.
      webhook.removeAllContentTypeParsers();
      webhook.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 512 * 1024 }, (_request, body, done) => done(null, body));
      webhook.post('/webhooks/stripe', { config: { csrf: false, auth: false } }, async (request, reply) => {
        const signature = request.headers['stripe-signature'];
        let event;
        try {
          event = verify(request.body as Buffer, typeof signature === 'string' ? signature : undefined);
        } catch (error) {
          request.log.warn({ event: 'stripe_signature_refused', reason: (error as Error).message }, 'stripe webhook refused');
          return reply.code(400).send({ error: { code: 'WEBHOOK_SIGNATURE_INVALID' } });
        }
        const result = await processStripeEvent(app.db, request.tenant, event);
        request.log.info({ stripeEvent: event.id, type: event.type, outcome: result.outcome }, 'stripe webhook');
        for (const notice of result.notices) {
          for (const to of notice.to) {
            app.mail.send({ tenant: request.tenant, origin: origin(request), to, template: 'membership-payment-failed', data: { periodEnd: notice.periodEnd } });
          }
        }
        return reply.send({ received: true, outcome: result.outcome });
      });
    });
  }
}
