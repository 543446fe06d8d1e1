import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../../server/db/tenant-db.js';
import { catchUpStripeEvents } from '../../../server/features/billing/catch-up.js';
import { createStripeProvider } from '../../../server/features/billing/providers/stripe.js';
import { canPublish } from '../../../server/features/memberships/can-publish.js';
import { createTestApp, MONTAGNE, type TestApp } from '../../helpers/app.js';
import { FormClient, mailbox } from '../../helpers/accounts.js';

const SECRET = 'whsec_testsecret123';
const stripe = new Stripe('sk_test_123');
const DAY = 86_400;
const syncedKeys = new Set<string>();
const listedEvents: object[] = [];

interface Recorded {
  method: string;
  path: string;
  body: URLSearchParams;
  headers: IncomingMessage['headers'];
}

/** Stands in for api.stripe.com: records what the SDK sends and answers plausible JSON. */
function recordingServer(recorded: Recorded[]): Promise<Server> {
  const server = createServer((request, response) => {
    let data = '';
    request.on('data', (chunk) => (data += chunk));
    request.on('end', () => {
      const url = new URL(request.url!, 'http://x');
      recorded.push({ method: request.method!, path: url.pathname + url.search, body: new URLSearchParams(data), headers: request.headers });
      response.setHeader('content-type', 'application/json');
      if (url.pathname === '/v1/prices') {
        // Prices made by stripe-sync are found by lookup key.
        const key = url.searchParams.get('lookup_keys[0]');
        const data = key && syncedKeys.has(key) ? [{ id: `price_${key}`, object: 'price', lookup_key: key, active: true }] : [];
        return response.end(JSON.stringify({ object: 'list', data, has_more: false, url: '/v1/prices' }));
      }
      if (url.pathname === '/v1/events') return response.end(JSON.stringify({ object: 'list', data: listedEvents, has_more: false, url: '/v1/events' }));
      if (url.pathname === '/v1/checkout/sessions') {
        return response.end(JSON.stringify({ id: 'cs_test_1', object: 'checkout.session', url: 'https://checkout.stripe.test/c/pay/cs_test_1' }));
      }
      response.statusCode = 404;
      response.end(JSON.stringify({ error: { message: 'unknown', type: 'invalid_request_error' } }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('Stripe billing: webhook and Checkout', () => {
  let t: TestApp;
  let server: Server;
  const recorded: Recorded[] = [];
  let companyId: string;
  let now: number;

  beforeAll(async () => {
    server = await recordingServer(recorded);
    const port = (server.address() as AddressInfo).port;
    t = await createTestApp({ billing: { provider: 'stripe', secretKey: 'sk_test_123', webhookSecret: SECRET, api: { protocol: 'http', host: '127.0.0.1', port } } });
    // The demo employer's company, reset to "no membership".
    const company = await t.db.admin
      .selectFrom('companies')
      .innerJoin('company_members', 'company_members.company_id', 'companies.id')
      .innerJoin('users', 'users.id', 'company_members.user_id')
      .select(['companies.id', 'companies.headcount'])
      .where('users.email', '=', 'employeur@montagne.demo')
      .executeTakeFirstOrThrow();
    companyId = company.id;
    await t.db.admin.deleteFrom('memberships').where('company_id', '=', companyId).execute();
    now = Math.floor(Date.now() / 1000);
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  const deliver = (event: object, options: { secret?: string; timestamp?: number; header?: string | null; body?: string } = {}) => {
    const payload = options.body ?? JSON.stringify(event);
    const header =
      options.header === null
        ? undefined
        : (options.header ?? stripe.webhooks.generateTestHeaderString({ payload, secret: options.secret ?? SECRET, timestamp: options.timestamp }));
    return t.app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      headers: { host: MONTAGNE, 'content-type': 'application/json', ...(header ? { 'stripe-signature': header } : {}) },
      payload,
    });
  };
  const membership = () => t.db.admin.selectFrom('memberships').selectAll().where('company_id', '=', companyId).executeTakeFirst();
  const publishable = () => withTenant(t.app.db, 'montagne', (tdb) => canPublish(tdb, t.app.tenants.get('montagne')!, companyId));
  const metadata = () => ({ tenant_id: 'montagne', company_id: companyId, tier_code: 'pe' });
  const subscription = (id: string, created: number, status: string, periodEnd: number) => ({
    id,
    object: 'event',
    type: 'customer.subscription.updated',
    created,
    data: {
      object: {
        id: 'sub_1',
        object: 'subscription',
        status,
        customer: 'cus_1',
        metadata: metadata(),
        items: { data: [{ current_period_start: periodEnd - 365 * DAY, current_period_end: periodEnd }] },
      },
    },
  });

  it('sends the Checkout Session the SDK builds: subscription mode, yearly price, tenant and company metadata, tenant-host URLs', async () => {
    const employer = new FormClient(t.app, MONTAGNE);
    await employer.logIn('employeur@montagne.demo', 'cordee-demo');
    const page = await employer.get('/compte/entreprise/adhesion');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Aucune adhésion');
    const response = await employer.submit('/compte/entreprise/adhesion', {}, '/compte/entreprise/adhesion/payer');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('https://checkout.stripe.test/c/pay/cs_test_1');

    const create = recorded.find((r) => r.path === '/v1/checkout/sessions')!;
    expect(create.method).toBe('POST');
    expect(create.headers.authorization).toBe('Bearer sk_test_123');
    expect(create.headers['idempotency-key']).toMatch(/^checkout:montagne:/);
    const p = create.body;
    expect(p.get('mode')).toBe('subscription');
    expect(p.get('metadata[tenant_id]')).toBe('montagne');
    expect(p.get('metadata[company_id]')).toBe(companyId);
    expect(p.get('subscription_data[metadata][company_id]')).toBe(companyId);
    expect(p.get('line_items[0][price_data][unit_amount]')).toMatch(/^\d+$/);
    expect(p.get('line_items[0][price_data][currency]')).toBe('eur');
    expect(p.get('line_items[0][price_data][recurring][interval]')).toBe('year');
    expect(p.get('success_url')).toBe('http://montagne.localhost/compte/entreprise/adhesion?paiement=merci');
    expect(p.get('cancel_url')).toBe('http://montagne.localhost/compte/entreprise/adhesion?paiement=annule');
    expect(p.get('customer_email')).toBe('employeur@montagne.demo');
    // Starting a payment activates nothing, and neither does coming back on the success URL.
    expect((await membership())!.status).toBe('pending_payment');
    await employer.get('/compte/entreprise/adhesion?paiement=merci');
    expect((await membership())!.status).toBe('pending_payment');
    expect(await publishable()).toBe(false);
  });

  it('refuses a missing, wrong, tampered or stale signature with 400 and changes nothing', async () => {
    const event = { id: 'evt_bad', object: 'event', type: 'invoice.paid', created: now, data: { object: { id: 'in_bad', amount_paid: 120000, metadata: metadata() } } };
    expect((await deliver(event, { header: null })).statusCode).toBe(400);
    expect((await deliver(event, { secret: 'whsec_other' })).statusCode).toBe(400);
    const header = stripe.webhooks.generateTestHeaderString({ payload: JSON.stringify(event), secret: SECRET });
    expect((await deliver(event, { header, body: JSON.stringify({ ...event, id: 'evt_tampered' }) })).statusCode).toBe(400);
    expect((await deliver(event, { timestamp: now - 3600 })).statusCode).toBe(400);
    expect(await t.db.admin.selectFrom('billing_events').selectAll().execute()).toHaveLength(0);
    expect((await membership())!.status).toBe('pending_payment');
  });

  it('checkout.session.completed then invoice.paid activates the membership and lets the company publish; duplicates change nothing', async () => {
    const completed = {
      id: 'evt_cs',
      object: 'event',
      type: 'checkout.session.completed',
      created: now,
      data: { object: { id: 'cs_test_1', object: 'checkout.session', mode: 'subscription', customer: 'cus_1', subscription: 'sub_1', metadata: metadata(), client_reference_id: companyId } },
    };
    expect((await deliver(completed)).json()).toEqual({ received: true, outcome: 'processed' });
    expect((await membership())!.status).toBe('pending_payment');
    expect(await publishable()).toBe(false);

    const paid = {
      id: 'evt_paid',
      object: 'event',
      type: 'invoice.paid',
      created: now + 1,
      data: {
        object: {
          id: 'in_1',
          object: 'invoice',
          customer: 'cus_1',
          amount_paid: 120000,
          parent: { type: 'subscription_details', subscription_details: { subscription: 'sub_1', metadata: metadata() } },
          lines: { data: [{ period: { start: now, end: now + 365 * DAY } }] },
        },
      },
    };
    // SECURITY.md §25: 50 identical deliveries in parallel → exactly one effect.
    const responses = await Promise.all(Array.from({ length: 50 }, () => deliver(paid)));
    expect(responses.every((r) => r.statusCode === 200)).toBe(true);
    expect(responses.filter((r) => r.json().outcome === 'processed')).toHaveLength(1);
    const m = (await membership())!;
    expect(m.status).toBe('active');
    expect(m.stripe_subscription_id).toBe('sub_1');
    expect(await publishable()).toBe(true);
    const payments = await t.db.admin.selectFrom('membership_payments').selectAll().where('company_id', '=', companyId).execute();
    expect(payments).toHaveLength(1);
    expect(payments[0].receipt_number).toMatch(/^\d{4}-00001$/);
    expect((await deliver(completed)).json().outcome).toBe('duplicate');
    const employer = new FormClient(t.app, MONTAGNE);
    await employer.logIn('employeur@montagne.demo', 'cordee-demo');
    const page = await employer.get('/compte/entreprise/adhesion');
    expect(page.body).toContain(payments[0].receipt_number);
    expect(page.body).toContain('Vous pouvez publier des offres.');
    expect(page.body).toContain('/compte/entreprise/adhesion/gerer');
    const receipt = await employer.get(`/compte/entreprise/adhesion/recus/${payments[0].receipt_number}`);
    expect(receipt.statusCode).toBe(200);
    expect(receipt.body).toMatch(/1\s200,00\s€/);
    expect(receipt.body).toContain('in_1');
    expect((await employer.get('/compte/entreprise/adhesion/recus/1999-00001')).statusCode).toBe(404);
  });

  it('invoice.payment_failed makes it past due (still publishing within grace) and mails the owner once', async () => {
    const failed = {
      id: 'evt_failed',
      object: 'event',
      type: 'invoice.payment_failed',
      created: now + 5,
      data: { object: { id: 'in_2', object: 'invoice', customer: 'cus_1', parent: { subscription_details: { subscription: 'sub_1', metadata: metadata() } } } },
    };
    expect((await deliver(failed)).json().outcome).toBe('processed');
    expect((await deliver(failed)).json().outcome).toBe('duplicate');
    expect((await membership())!.status).toBe('past_due');
    expect(await publishable()).toBe(true);
    const sent = (await mailbox(t.app, MONTAGNE)).filter((m) => m.to === 'employeur@montagne.demo' && m.subject.includes('a échoué'));
    expect(sent).toHaveLength(1);
  });

  it('does not regress: an older customer.subscription.updated after a newer one, or anything after deleted, is ignored', async () => {
    const end = now + 365 * DAY;
    expect((await deliver(subscription('evt_sub_new', now + 20, 'active', end))).json().outcome).toBe('processed');
    expect((await deliver(subscription('evt_sub_old', now + 10, 'past_due', end))).json().outcome).toBe('stale');
    expect((await membership())!.status).toBe('active');

    const deleted = { ...subscription('evt_sub_del', now + 30, 'canceled', end), type: 'customer.subscription.deleted' };
    expect((await deliver(deleted)).json().outcome).toBe('processed');
    expect((await membership())!.status).toBe('cancelled');
    expect((await deliver(subscription('evt_sub_late', now + 25, 'past_due', end))).json().outcome).toBe('stale');
    expect((await deliver(subscription('evt_sub_same', now + 30, 'active', end))).json().outcome).toBe('stale');
    expect((await membership())!.status).toBe('cancelled');
    expect(await publishable()).toBe(false);
  });

  it('renewing after a cancellation reuses the Stripe customer and the synced yearly price', async () => {
    const tier = await t.db.admin.selectFrom('memberships').select(['tier_code', 'amount_cents']).where('company_id', '=', companyId).executeTakeFirstOrThrow();
    syncedKeys.add(`cordee:montagne:${tier.tier_code}:${tier.amount_cents}`);
    recorded.length = 0;
    const employer = new FormClient(t.app, MONTAGNE);
    await employer.logIn('employeur@montagne.demo', 'cordee-demo');
    const page = await employer.get('/compte/entreprise/adhesion');
    expect(page.body).toContain('Renouveler l’adhésion');
    const response = await employer.submit('/compte/entreprise/adhesion', {}, '/compte/entreprise/adhesion/payer');
    expect(response.statusCode).toBe(303);
    const p = recorded.find((r) => r.path === '/v1/checkout/sessions')!.body;
    expect(p.get('line_items[0][price]')).toBe(`price_cordee:montagne:${tier.tier_code}:${tier.amount_cents}`);
    expect(p.get('line_items[0][price_data][unit_amount]')).toBeNull();
    expect(p.get('customer')).toBe('cus_1');
    expect(p.get('customer_email')).toBeNull();
    expect((await membership())!.status).toBe('pending_payment');
  });

  it('order does not matter: invoice.paid before checkout.session.completed activates, and the late session changes nothing', async () => {
    const other = await t.db.admin
      .selectFrom('companies')
      .select('id')
      .where('tenant_id', '=', 'montagne')
      .where('id', '!=', companyId)
      .orderBy('name')
      .executeTakeFirstOrThrow();
    await t.db.admin.deleteFrom('memberships').where('company_id', '=', other.id).execute();
    const meta = { tenant_id: 'montagne', company_id: other.id, tier_code: 'tpe' };
    const paid = {
      id: 'evt_paid_first',
      object: 'event',
      type: 'invoice.paid',
      created: now + 2,
      data: {
        object: {
          id: 'in_first',
          object: 'invoice',
          customer: 'cus_2',
          amount_paid: 60000,
          parent: { subscription_details: { subscription: 'sub_2', metadata: meta } },
          lines: { data: [{ period: { start: now, end: now + 365 * DAY } }] },
        },
      },
    };
    const session = {
      id: 'evt_session_late',
      object: 'event',
      type: 'checkout.session.completed',
      created: now + 1,
      data: { object: { id: 'cs_2', object: 'checkout.session', customer: 'cus_2', subscription: 'sub_2', metadata: meta } },
    };
    expect((await deliver(paid)).json().outcome).toBe('processed');
    expect((await deliver(session)).json().outcome).toBe('processed');
    const m = await t.db.admin.selectFrom('memberships').selectAll().where('company_id', '=', other.id).executeTakeFirstOrThrow();
    expect(m).toMatchObject({ status: 'active', provider: 'stripe', stripe_customer_id: 'cus_2', stripe_subscription_id: 'sub_2' });
    expect(await withTenant(t.app.db, 'montagne', (tdb) => canPublish(tdb, t.app.tenants.get('montagne')!, other.id))).toBe(true);
  });

  it('the catch-up job applies an event the webhook never delivered, and skips those already processed', async () => {
    const port = (server.address() as AddressInfo).port;
    const provider = createStripeProvider({ provider: 'stripe', secretKey: 'sk_test_123', webhookSecret: SECRET, api: { protocol: 'http', host: '127.0.0.1', port } });
    const before = (await membership())!;
    const missed = subscription('evt_missed', Math.floor(Date.now() / 1000) + 100, 'active', now + 400 * DAY);
    missed.data.object.id = 'sub_3';
    listedEvents.push(missed, { id: 'evt_paid', object: 'event', type: 'invoice.paid', created: now + 1, data: { object: { id: 'in_1', metadata: metadata() } } });
    recorded.length = 0;
    const counts = await catchUpStripeEvents(t.app.db, t.app.tenants, provider);
    expect(counts).toEqual({ processed: 1, duplicate: 1, ignored: 0, stale: 0 });
    const list = recorded.find((r) => r.path.startsWith('/v1/events'))!;
    expect(list.method).toBe('GET');
    expect(new URL(list.path, 'http://x').searchParams.get('types[1]')).toBe('invoice.paid');
    const after = (await membership())!;
    expect(before.status).toBe('pending_payment');
    expect(after).toMatchObject({ status: 'active', stripe_subscription_id: 'sub_3' });
  });

  it('ignores an event of another tenant sent to this endpoint (one Stripe account, one endpoint per host)', async () => {
    const other = { ...subscription('evt_other', now + 40, 'active', now + 365 * DAY) };
    other.data.object.metadata = { ...metadata(), tenant_id: 'dijon' };
    expect((await deliver(other)).json().outcome).toBe('ignored');
    expect((await membership())!.stripe_subscription_id).toBe('sub_3');
  });
});
